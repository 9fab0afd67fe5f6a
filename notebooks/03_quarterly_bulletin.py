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
# # 03 季度通报 / Quarterly bulletin
#
# 生成季度通报（标题、主送，一、总体情况 … 五、下一步工作要求，附件1–3），在发布前核对自身算术（状态数相加、每个百分比和名单可由指标表重算），写出 HTML、PDF、DOCX（GB/T 9704 版式），以及供内部核实用的数据核实清单（不对外公开）。
#
# *Builds the bulletin, checks its own arithmetic, writes HTML, PDF and DOCX in the official layout, and the office's internal check list.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录 / output folder of the cleaning step
results_dir = "build/reference/results"  # 完成率计算结果 / the tables 02_attainment computed
out_dir = "build/reference/out"  # PDF、DOCX 写到这里 / where the PDF and DOCX are written
quarter = "2026Q3"  # 季度，如 2026Q3 / quarter, e.g. 2026Q3
draft = False  # 征求意见稿 / a draft (the quarter is not final yet)
issued_on = "2026-10-15"  # 通报日期 YYYY-MM-DD / issue date printed on the bulletin
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "03_quarterly_bulletin")

# %%
from IPython.display import HTML

from minsheng.contracts import store
from minsheng.report import bulletin, fonts
from minsheng.report.files import start_bulletin_pdf, write_bulletin_files
from minsheng.report.export import webpage

fonts.use_chinese_font()

# %%
clean = store.read(p.clean_dir)
data = bulletin.BulletinData.read(p.catalogue, p.quarter.year, p.quarter.quarter, p.draft,
                                  clean, p.results_dir)
doc = bulletin.build(data, p.issued_on)  # 算术核对不通过即报错 / raises if the arithmetic does not add up
pdf = start_bulletin_pdf(doc, p.out_dir)  # PDF 在后台排版，下面先展示正文 / the PDF is set while the text is shown

# %%
HTML(webpage.heading_html(doc))

# %%
HTML("".join(webpage.section_html(s, with_style=False) for s in doc.sections[:3]))

# %%
HTML("".join(webpage.section_html(s, with_style=False) for s in doc.sections[3:]))

# %%
HTML(webpage.closing_html(doc, with_style=False))

# %%
HTML("".join(webpage.attachment_html(doc, a, with_style=False) for a in doc.attachments))

# %%
written = write_bulletin_files(doc, clean, p.out_dir, pdf)
print("算术核对通过；已写出 / arithmetic checked; written:", ", ".join(w.name for w in written))
