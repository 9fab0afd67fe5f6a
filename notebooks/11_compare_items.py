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
# # 11 项目横向比较 / Compare items
#
# 全部项目并列：各项目距序时进度的月度热力图、责任单位排行（含报送质量）、较上季度变化最大的指标。在 JupyterLab 中表格可搜索、排序。
#
# *All items side by side: the gap to 序时进度 by item × month, a league table of responsible units with their reporting record, and the indicators that moved most since last quarter. In JupyterLab tables can be searched and sorted.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录 / output folder of the cleaning step
as_of_month = 9  # 数据截至月份 1–12 / data as of the end of this month
year = 2026  # 目标清单年度 / catalogue year
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "11_compare_items")

# %%
import pandas as pd

import minsheng as ms

pd.set_option("display.max_rows", 500)  # 长表完整显示 / show long tables whole
ms.use_chinese_font()
ms.interactive_tables()  # 可搜索、排序的表格（JupyterLab）/ searchable, sortable tables
ws = ms.load(p.year, p.clean_dir, p.catalogue)
print(ms.about(ws))

# %% [markdown]
# ## 各项目进度状态 / Items by status

# %%
r = ms.rollups(ws, p.as_of_month)
ms.show(ms.charts.status_overview(r.items));

# %%
ms.tables.items(r.items)

# %% [markdown]
# ## 距序时进度热力图 / Gap to 序时进度, item × month
#
# 每格为该项目有数值指标的平均差距（完成率单项封顶100%，百分点）：红色落后，绿色超前。下表为图中的数字。
#
# *Each cell: the mean gap of the item's indicators with a figure (attainment capped at 100 %), in points; red behind, green ahead. The table holds the numbers.*

# %%
gaps = ms.gap_matrix(ws, p.as_of_month)
ms.show(ms.gap_heatmap(gaps));

# %%
ms.zh(gaps)

# %% [markdown]
# ## 责任单位排行 / League of responsible units
#
# 一项指标计入其项目的每个责任单位；报送情况按填报单位统计（非填报单位为空）。
#
# *An indicator counts for every unit of its item; the reporting record is per reporting unit (empty for units that do not report).*

# %%
ms.zh(ms.unit_league(ws, p.as_of_month))

# %% [markdown]
# ## 较上季度变化最大的指标 / Indicators that moved most since last quarter
#
# 与三个月前相比完成率变化最大的 10 项指标（3 月及以前与年初相比）。
#
# *The 10 indicators whose attainment moved most against three months earlier (against the start of the year up to March).*

# %%
ms.zh(ms.movers(ws, p.as_of_month))

# %% [markdown]
# ## 月调度亮灯历史 / Monthly dispatch lights by month
#
# 各牵头单位每月的灯色（取其指标中最差的灯色：红灯、黄灯、绿灯、已完成；均未报送的为未报送），与月调度相同：按进度状态亮灯，落后且连续无进展的升一级。颜色之外另有底纹，黑白打印亦可区分。下表为图中的灯色。
#
# *Each lead unit's light by month (the worst of its indicators': red, yellow, green, completed; 未报送 when none reported), as the monthly dispatch lights them: from the status, raised one colour after months without progress. Hatches tell the lights apart in greyscale too. The table holds the lights.*

# %%
unit_lights = ms.light_matrix(ws, p.as_of_month, by="unit")
ms.show(ms.light_chart(unit_lights));

# %%
ms.zh(ms.light_labels(unit_lights))
