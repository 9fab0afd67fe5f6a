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
# # 00 从这里开始 / Start here
#
# 本笔记本带你走一遍分析接口 `minsheng`（`import minsheng as ms`）：读取目标清单和台账，计算任意月份的完成率，按项目、责任单位、区县汇总，把一个数字追溯到报送它的那一行；最后用几步回答一个实际问题：**一项滞后的分区县指标，被哪些区县拖了后腿？**
#
# 示例指标不是写死的编号，而是按规则从所给的目标清单和台账中选出（`ms.tour_examples`：清单顺序中第一个落后于序时进度的分区县指标，以及第一个落后的全市指标），因此任何年度、任何清单都能运行。
#
# 接口说明见 `docs/api.md`。每个函数都有中文表格形式：`ms.zh(表)`。在 JupyterLab 中表格可搜索、排序。
#
# *A short tour of the analyst API `minsheng` (`import minsheng as ms`): load the catalogue and the ledger, compute attainment as of any month, roll up by item, unit and district, trace a figure back to its submission row — then, in a few cells, which districts hold back a district-reported indicator that is behind schedule. The examples are picked by rule from the catalogue and ledger given (`ms.tour_examples`), so the tour runs for any year's list. Reference: `docs/api.md`; `ms.zh(frame)` shows any result with Chinese headers; in JupyterLab tables can be searched and sorted.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录（ledger.parquet 等）/ output folder of the cleaning step
year = 2026  # 目标清单年度 / catalogue year (data/targets/<year>.yaml)
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "00_start_here")

# %% [markdown]
# ## 1. 读取目标清单和台账 / Load the catalogue and the ledger
#
# `ms.load(年度, 清洗输出目录)` 一次读入目标清单、台账（每个指标×区县×月份一行）、历史（含被更正的报送）、隔离行和质量报告。
#
# *`ms.load(year, clean_dir)` reads the catalogue, the ledger (one row per indicator × district × month), the history (revisions included), the quarantine and the quality report once.*

# %%
import pandas as pd

import minsheng as ms

pd.set_option("display.max_rows", 500)  # 长表完整显示 / show long tables whole
ms.use_chinese_font()
ms.interactive_tables()  # 可搜索、排序的表格（JupyterLab）/ searchable, sortable tables
ws = ms.load(p.year, p.clean_dir, p.catalogue)
print(ms.about(ws))

# %% [markdown]
# 目标清单：各项目及其责任单位（牵头单位在前）/ *The catalogue: its items and their responsible units, lead first.*

# %%
ws.catalogue.items

# %% [markdown]
# 每项指标的目标、计量单位、目标类型、是否分区县报送和填报单位 / *Each indicator's target, unit, kind, whether districts report it, and its reporting unit:*

# %%
ws.catalogue.indicators[["item_no", "indicator", "target_value", "unit", "kind", "by_district",
                          "reporting_unit"]].head(8)

# %% [markdown]
# 台账的每一行都带着来源：文件、工作表、行号 / *Every ledger row carries its source: file, sheet, row.*

# %%
ws.ledger[["indicator_id", "district", "month", "value", "district_target", "source_file",
           "source_row"]].head(5)

# %% [markdown]
# ## 2. 任意月份的完成率 / Attainment as of any month
#
# `ms.attainment_at(ws, 月份)` 给出该月底每项指标的完成率、序时进度、差距、状态和年底预测（与季度通报同一算法）。下面用台账中最新的月份，可改成 1–12 的任意月份；同一格按规则选出后面几节的示例指标（`ex`）。
#
# *`ms.attainment_at(ws, month)`: the indicator table at a month's end, as the bulletin computes it. Below: the latest month in the ledger; any month 1–12 works. The same cell picks the examples of the sections below (`ex`).*

# %%
month = ws.latest_month  # 可改为任意月份 / any month 1–12
table = ms.attainment_at(ws, month)
ex = ms.tour_examples(ws, month)  # 示例指标 / the tour's examples
ms.tables.indicators(table).head(10)

# %% [markdown]
# ## 3. 按项目、责任单位、区县汇总 / Roll up by item, unit and district
#
# 平均完成率单项按 100% 封顶；区县完成率 = 区县累计 ÷ 分解任务，仅限可加总的指标。
#
# *Mean attainment caps each indicator at 100 %; a district's attainment is its figure over its allotted task, additive kinds only.*

# %%
r = ms.rollups(ws, month)
ms.tables.items(r.items)

# %%
ms.tables.units(r.units)

# %%
ms.tables.district_rank(r.districts).head(10)

# %% [markdown]
# ## 4. 追溯一个数字 / Trace a figure to its submission
#
# `ms.trace(ws, 指标, 区县, 月份)` 列出台账中这个数字来自哪个文件、哪个工作表、哪一行、哪天报送，以及被它替代的更早报送。示例为第一个落后于序时进度的全市指标（`ex.trace`）。
#
# *`ms.trace` lists the file, sheet, row and date behind a figure, and the earlier submissions it replaced. The example: the first city-wide indicator behind schedule (`ex.trace`).*

# %%
ms.zh(ms.trace(ws, *ex.trace, month))

# %% [markdown]
# ## 5. 哪些区县拖了后腿？/ Which districts hold an indicator back?
#
# 示例为清单顺序中第一个落后于序时进度的分区县指标（`ex.districts`）。第一步：全市进度与序时进度相比如何？图中实线为全市累计，虚线为序时应达值，点线为全年目标，右端为按近三月进度外推的年底预计及区间。
#
# *The example: the first district-reported indicator behind schedule, in catalogue order (`ex.districts`). Step 1: where does the city stand against the schedule? Solid: the city's cumulative figure; dashed: due on schedule; dotted: the annual target; at month 12 the year end at the current pace, with its range.*

# %%
ms.tables.indicators(ms.attainment_at(ws, month, ex.districts))

# %%
path = ms.trajectory(ws, ex.districts, month)
ms.show(ms.trajectory_chart(path, ms.projection_range(ws, ex.districts, month)));

# %%
ms.zh(path)

# %% [markdown]
# 第二步：哪些区县落后最多？“距序时差额” = 分解任务 × 序时进度 − 区县累计，即该区县要补上多少（按指标的计量单位）才能回到序时进度；“占落后区县差额”是它在所有落后区县差额合计中的份额。
#
# *Step 2: which districts are furthest behind? Shortfall = allotted task × 序时进度 − the district's figure: what it must add, in the indicator's unit, to be back on schedule; the share is of the shortfall of all districts behind.*

# %%
behind = ms.holding_back(ws, ex.districts, month, n=5)
ms.zh(behind)

# %%
ms.show(ms.district_chart(ms.district_summary(ws, ex.districts, month)));

# %% [markdown]
# 第三步：核对落后最多的区县报送的原始行 / *Step 3: check the submitted row behind the district furthest behind.*

# %%
ms.zh(ms.trace(ws, ex.districts, behind["district"].head(1), month))

# %% [markdown]
# 深入查看任一项目：打开 `10_explore_item.ipynb`（参数 `item = 1`）；各项目横向比较：`11_compare_items.ipynb`。
#
# *Next: `10_explore_item.ipynb` for one item in depth, `11_compare_items.ipynb` for all items side by side.*
