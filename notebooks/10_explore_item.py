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
# # 10 单项深入分析 / Explore one item
#
# 回答通报没有回答的问题：这个项目为什么滞后、哪些区县拖了后腿、按当前进度何时完成、哪个单位的报送不可靠。
#
# 参数 `item` 可以是项目序号（如 1，分析该项全部指标），也可以是指标编号（如 `"MS01-01"`：轨迹、预测、区县、文字进展只看这一项指标，指标一览、状态变化、报送情况、隔离行仍看它所在的整个项目）。在 JupyterLab 中表格可搜索、排序。
#
# *Why is this item behind, which districts hold it back, when will it reach its target at the current pace, whose reports are unreliable. `item` is an item number (all its indicators) or an indicator id (trajectory, projection, districts and text progress for that indicator; the indicator table, status history, submissions and quarantine for its whole item). In JupyterLab tables can be searched and sorted.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录 / output folder of the cleaning step
item = 1  # 项目序号或指标编号（如 "MS01-01"）/ an item number or an indicator id like "MS01-01"
as_of_month = 9  # 数据截至月份 1–12 / data as of the end of this month
year = 2026  # 目标清单年度 / catalogue year
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "10_explore_item")

# %%
import pandas as pd

import minsheng as ms

pd.set_option("display.max_rows", 500)  # 长表完整显示 / show long tables whole
ms.use_chinese_font()
ms.interactive_tables()  # 可搜索、排序的表格（JupyterLab）/ searchable, sortable tables
ws = ms.load(p.year, p.clean_dir, p.catalogue)
item_no = ms.item_of(ws, p.item)
print(ms.about(ws, p.item))

# %% [markdown]
# ## 指标一览 / The item's indicators
#
# 截至所选月份；差距 = 完成率 − 序时进度（百分点）。
#
# *As of the chosen month; gap = attainment − 序时进度, in points.*

# %%
ms.tables.indicators(ms.attainment_at(ws, p.as_of_month, item_no))

# %% [markdown]
# ## 月度轨迹 / Monthly trajectory against schedule and target
#
# 实线：全市实际；虚线：序时应达值；点线：全年目标；12 月处：按近三月进度的年底预计及区间。下表为图中的数字。
#
# *Solid: the city figure; dashed: due on schedule; dotted: the target; at month 12: the year end at the current pace and its range. The table holds the chart's numbers.*

# %%
trajectory = ms.trajectory(ws, p.item, p.as_of_month)
outlook = ms.projection_range(ws, p.item, p.as_of_month)
ms.show(ms.trajectory_chart(trajectory, outlook));

# %%
ms.zh(trajectory)

# %% [markdown]
# ## 状态变化 / Status month by month

# %%
ms.zh(ms.status_history(ws, item_no, range(1, p.as_of_month + 1)))

# %% [markdown]
# ## 年底预测 / Year-end projection
#
# 按近三月进度外推：最近三个报送月份的变化（累计增量；水平类为水平变化；日均、同比类为当月水平）在年内其余月份重复出现。中值按三个月的平均，区间按其中最慢和最快的一个月。“通报口径”为季度通报的预测（完成率 ÷ 序时进度）。
#
# *At the current pace: the last three reported months repeat until December; the central figure at their mean, the range at the slowest and the fastest. The bulletin's figure (attainment ÷ 序时进度) is shown alongside.*

# %%
ms.zh(outlook)

# %% [markdown]
# ## 区县 / Districts
#
# 排名按各指标平均完成率（单项封顶100%），右侧为各指标的区县完成率；只含分区县报送、可加总的指标。
#
# *Ranked by mean capped attainment over the item's district-reported indicators; then each indicator's attainment in the district.*

# %%
districts = ms.district_summary(ws, p.item, p.as_of_month)
ms.zh(districts)

# %%
ms.show(ms.district_chart(districts));

# %% [markdown]
# 落后最多的区县（按距序时差额，即要补上的数量）/ *The districts furthest behind, by shortfall in the indicator's unit:*

# %%
ms.zh(ms.holding_back(ws, p.item, p.as_of_month, n=5))

# %% [markdown]
# ## 文字进展 / Progress reported as text
#
# 只以文字报送的进展如实列出，不折算为数字。
#
# *Progress reported only in words is shown as is, never turned into a number.*

# %%
ms.zh(ms.progress_notes(ws, p.item, p.as_of_month))

# %% [markdown]
# ## 报送情况 / The units' submission record
#
# 按时：次月 5 日前报送；修订行：被后报数据替代的行；警示行：入账但带警示标记的行；隔离行：未入账的行（按文件归属单位）。
#
# *On time: by the 5th of the next month; revised: rows replaced by a later submission; flagged: rows kept with a warning; quarantined: rows kept out of the ledger (attributed through their file).*

# %%
ms.zh(ms.submission_record(ws, ms.reporting_units(ws, item_no), p.as_of_month))

# %% [markdown]
# ## 隔离行 / Quarantined rows
#
# 隔离表只保留出错的单元格；所属指标由出错的指标编号本身，或同一工作表上下相邻的入账行推断，无法推断的不在此列出。
#
# *The quarantine keeps only the rejected cell; the indicator is read from the code itself or inferred from the accepted rows above and below; rows that cannot be attributed are not listed here.*

# %%
ms.zh(ms.quarantined_for(ws, item_no))
