# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (minsheng)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 区县通报 / District bulletin
#
# 为一个区县生成季度通报（标题、主送该区县人民政府，一、总体情况，二、存在问题，三、下一步工作要求，附件1–2）：该区县承担的指标对照分解到该区县的年度任务和序时进度的完成情况，在各区县共同承担指标上的排名（与全市通报“区县情况”一致），本季度各月数据报送情况，以及全市统计的指标（供参考）。发布前核对自身算术，写出 HTML、PDF、DOCX（GB/T 9704 版式）和数据表 XLSX。
#
# *Builds one district's quarterly bulletin — its allotted indicators against its own tasks, its rank as the city bulletin ranks it, its returns in the quarter, the city-wide indicators for information — checks its own arithmetic, and writes HTML, PDF, DOCX and XLSX.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录（或市级发布的 data/ 文件夹） / cleaning outputs (or the city publication's data/)
out_dir = "build/reference/out-06"  # 文件写到这里 / where the files are written
results_dir = "build/reference/results-06"  # 计算结果（发布清单据此计数）/ the computed rows, which the publication's manifest counts
quarter = "2026Q3"  # 季度，如 2026Q3 / quarter, e.g. 2026Q3
district = "万州区"  # 区县全称 / the district's full name
draft = False  # 征求意见稿 / a draft (the quarter is not final yet)
issued_on = "2026-10-15"  # 通报日期 YYYY-MM-DD / issue date printed on the bulletin
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "06_district_bulletin")

# %%
from IPython.display import HTML

from minsheng.contracts import store
from minsheng.report.district import assemble_district, build_district, write_district_files
from minsheng.report.export import webpage

# %%
clean = store.read(p.clean_dir)
data = assemble_district(p.catalogue, clean.ledger, clean.quality, p.quarter, p.district,
                         draft=p.draft)
doc = build_district(data, p.issued_on)  # 算术核对不通过即报错 / raises if the arithmetic does not add up
store.write_results(data.computed(), p.results_dir)  # 发布清单据此计数，不再重算 / the manifest counts these

# %%
HTML(webpage.heading_html(doc))

# %%
HTML("".join(webpage.section_html(s, with_style=False) for s in doc.sections))

# %%
HTML(webpage.closing_html(doc, with_style=False))

# %%
HTML("".join(webpage.attachment_html(doc, a, with_style=False) for a in doc.attachments))

# %%
written = write_district_files(doc, data, p.out_dir)
print("算术核对通过；已写出 / arithmetic checked; written:", ", ".join(w.name for w in written))
