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
# # 04 年度考核 / Annual assessment
#
# 全年结束、12月报送截止并已收到后运行（运行器只在正式的第四季度发布中执行本笔记本）：以12月底数据，把每项指标、每个项目和每个责任单位分为 **超额完成 / 按期完成 / 未完成 / 未报送**。规则见 `lib/minsheng/rules/assessment.py`：指标无数值为未报送（不计为未完成）；达到目标且完成率超过100%为超额完成；达到目标为按期完成；否则为未完成。项目或单位有一项未完成即为未完成；否则有未报送的为未报送；全部完成且过半超额为超额完成。
#
# *Year-end, for a complete year only: each indicator, item and unit sorted into exceeded / met / missed / not reported.*

# %% tags=["parameters"]
clean_dir = "data/reference/clean"  # 清洗输出目录 / output folder of the cleaning step
out_dir = "build/reference/out"  # assessment.xlsx 写到这里 / where assessment.xlsx is written
year = 2026  # 考核年度 / the year assessed
catalogue = None  # 目标清单 YAML（项目内路径），None 即 data/targets/<year>.yaml / catalogue YAML, None: data/targets/<year>.yaml

# %%
from minsheng.run.params import validate_parameters

p = validate_parameters(globals(), "04_annual_assessment")

# %%
from minsheng.contracts import store
from minsheng.report.assessment import assessment_tables
from minsheng.report.export.xlsx import write_assessment
from minsheng.rules.attainment import table_at

year_end = table_at(p.catalogue, store.read_ledger(p.clean_dir), p.year, 12)
result = assessment_tables(year_end)
result["summary"]

# %% [markdown]
# ## 分项目 / By item

# %%
result["items"]

# %% [markdown]
# ## 分责任单位 / By responsible unit

# %%
result["units"]

# %% [markdown]
# ## 指标 / Indicators

# %%
result["indicators"]

# %%
path = write_assessment(result, p.out_dir / "assessment.xlsx", p.year)
print("已写出 / written:", path.name)
