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
# # 02 完成率计算 / Attainment
#
# 读取清洗后的台账，对照目标清单计算每项指标的完成率、序时进度、进度状态和年底预测，按项目、责任单位、区县汇总，并写出 `tables.xlsx`。所有规则在 `lib/minsheng`（`attainment.py`、`status.py`、`projection.py`、`rollup.py`），本笔记本只调用和展示。
#
# *Reads the clean ledger, computes attainment, 序时进度, status and projection per indicator, rolls them up, and writes `tables.xlsx`.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录（ledger.parquet 等）/ output folder of the cleaning step
out_dir = "build/reference/out"  # tables.xlsx 写到这里 / where tables.xlsx is written
results_dir = "build/reference/results"  # 计算结果（供通报使用）/ computed tables, read by the bulletin
quarter = "2026Q3"  # 季度，如 2026Q3 / quarter, e.g. 2026Q3
draft = False  # 征求意见稿：按数据截至月份计算 / a draft, computed as of the data's cut-off
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "02_attainment")

# %%
from minsheng.contracts import store
from minsheng.report import bulletin, charts, fonts
from minsheng.report import tables as views
from minsheng.report.export.xlsx import write_tables

fonts.use_chinese_font()
clean = store.read(p.clean_dir)
data = bulletin.assemble(p.catalogue, clean.ledger, p.quarter.year, p.quarter.quarter,
                         quality=clean.quality, quarantine=clean.quarantine, draft=p.draft)
store.write_results(data.computed(), p.results_dir)  # 通报直接读取，不再重算 / the bulletin reads these
print(f"{p.quarter.label}：{len(data.table)} 项指标，台账 {len(clean.ledger)} 行，数据截至 {data.month} 月底")

# %% [markdown]
# ## 总体 / Overall
#
# 按进度状态统计的指标数，以及达到序时进度（含已完成，不含略低于序时进度）的比例和平均完成率（单项按100%封顶）。

# %%
bulletin.overall_summary(data.table)

# %%
charts.show(bulletin.draw_overview(data, p.results_dir))  # 通报直接采用此图，不再重画 / the bulletin prints this drawing

# %% [markdown]
# ## 分项目 / By item

# %%
views.items(data.items)

# %% [markdown]
# ## 指标明细 / Indicators
#
# 完成率未封顶；差距 = 完成率 − 序时进度（百分点）。

# %%
views.indicators(data.table)

# %% [markdown]
# ## 分责任单位 / By responsible unit
#
# 一项指标计入其项目的每个责任单位（通知规定共同负责）。

# %%
views.units(data.units)

# %% [markdown]
# ## 区县排名 / Districts
#
# 在各区县共同承担的指标上比较；区县完成率 = 区县累计 ÷ 分解任务，单项按100%封顶；状态按平均完成率与平均序时进度之差。

# %%
views.district_rank(data.district_rank)

# %%
tables = write_tables(data, p.out_dir / "tables.xlsx", issued_on=p.quarter.end_date)
print("已写出 / written:", tables.name)
