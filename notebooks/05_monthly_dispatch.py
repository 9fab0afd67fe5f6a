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
# # 05 月调度 / Monthly dispatch
#
# 生成月调度情况（一、总体情况 … 五、工作要求）：每项指标按进度状态亮灯（已完成、绿灯、黄灯、红灯，未报送不亮灯；略低于序时进度的绿灯始终注明），落后且连续无进展的升一级；列出红灯、黄灯指标及牵头单位、较上月变化、逾期和未报送单位。发布前核对自身数字，写出 HTML、PDF、DOCX（GB/T 9704 版式）、调度表 dispatch.xlsx，以及给各牵头单位的督办提示（DOCX，供修改后印发）。
#
# *Builds the monthly dispatch: a light per indicator from its status (completed, green, yellow, red; none when not reported; a green behind schedule always says so), raised one colour after months without progress; the red and yellow indicators with their lead units, changes since last month, late and missing returns. Checks its own figures, writes HTML, PDF and DOCX in the official layout, dispatch.xlsx, and a draft supervision notice for each lead unit concerned.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录 / output folder of the cleaning step
out_dir = "build/reference/out-05"  # 调度文件写到这里 / where the dispatch files are written
month = "2026-09"  # 调度月份，如 2026-09 / month dispatched, e.g. 2026-09
draft = False  # 征求意见稿 / a draft (the month's returns are not all in)
issued_on = "2026-10-12"  # 印发日期 YYYY-MM-DD / issue date printed on the dispatch
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "05_monthly_dispatch")

# %%
from IPython.display import HTML

from minsheng.contracts import store
from minsheng.report import dispatch, fonts
from minsheng.report.dispatch.files import write_dispatch_files
from minsheng.report.export import webpage

fonts.use_chinese_font()

# %%
data = dispatch.assemble(p.catalogue, store.read(p.clean_dir), p.month, draft=p.draft)
doc = dispatch.build(data, p.issued_on)  # 数字核对不通过即报错 / raises if its figures do not add up

# %%
HTML(webpage.heading_html(doc))

# %%
HTML("".join(webpage.section_html(s, with_style=False) for s in doc.sections[:2]))

# %%
HTML("".join(webpage.section_html(s, with_style=False) for s in doc.sections[2:]))

# %%
HTML(webpage.closing_html(doc, with_style=False))

# %%
HTML("".join(webpage.attachment_html(doc, a, with_style=False) for a in doc.attachments))

# %% [markdown]
# ## 亮灯表 / The light table
#
# 与 dispatch.xlsx 的“亮灯表”相同：每项指标的完成率、序时进度、差距、灯色（略低于序时进度的绿灯注明）、本灯月数、较上月变化和升级原因。
#
# *As sheet 亮灯表 of dispatch.xlsx: each indicator's attainment, schedule, gap, light (a green behind schedule says so), months in that light, change since last month and why a light was raised.*

# %%
from minsheng.report.dispatch.sheets import light_sheet

light_sheet(data).drop(columns="进展情况")

# %%
written = write_dispatch_files(doc, data, p.out_dir)
print("数字核对通过；已写出 / figures checked; written:",
      ", ".join(w.relative_to(p.out_dir).as_posix() for w in written))
