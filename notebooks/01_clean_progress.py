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
# # 01 月调度数据清洗
#
# 把各责任单位报送的月调度表（`*.xlsx`、`*.csv`）清洗成一本可审计的台账：
#
# - **台账** `ledger.parquet`：每个指标 × 区县 × 月份一行，每个数字都能追溯到报送文件、工作表和行号；
# - **历史** `history.parquet`：所有入账行，含被后报数据替代（修订）的行；
# - **隔离表** `quarantine.csv`：未入账的行及原因，可直接退回报送单位核实；
# - **质量报告** `quality.json`：输入、入账、隔离、重复行数，拒收文件，各单位按时报送情况。
#
# 全部规则见 `data/README.md`；计算都在 `lib/minsheng/intake/`（入口 `intake/clean.py`），本笔记本只负责调用和展示。
# 路径相对于项目根目录。

# %% tags=["parameters"]
raw_dir = "data/reference/raw"  # 报送文件目录（相对项目根目录），递归读取 *.xlsx 与 *.csv
out_dir = "build/reference/clean"  # 输出目录：ledger.parquet、history.parquet、quarantine.csv、quality.json
year = 2026  # 目标目录年度：读取 data/targets/<year>.yaml
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "01_clean_progress")

# %%
from minsheng.contracts import store
from minsheng.intake.clean import clean, require_usable
from minsheng.report.quality import quality_table, quarantine_counts, summary_lines

result = clean(p.raw_dir, p.catalogue)
require_usable(result)  # 没有任何可用数据时停止发布 / stop when nothing usable was submitted
store.write(result, p.out_dir)
print("\n".join(summary_lines(result.quality)))

# %% [markdown]
# ## 数据质量概况

# %%
quality_table(result.quality)

# %% [markdown]
# ## 隔离原因（行数、单元格数）

# %%
quarantine_counts(result.quarantine)
