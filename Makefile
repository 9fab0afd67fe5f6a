# minsheng — 重点民生实事 跟踪. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Python packages no longer named in environment.yml, removed from an existing .venv by setup.
RETIRED := mplfonts weasyprint
PYTEST := $(PY) -m pytest

# Variables: make bulletin QUARTER=latest RAW=/srv/minsheng/raw …; empty means the default.
# QUARTER   季度如 2026Q3，或 latest（最近一个已结束的季度）；默认为样例数据的季度
# RAW       报送文件夹（须在项目内）/ the raw submissions, inside the project
# YEAR      年度（须与 QUARTER 一致；QUARTER=latest 时为该年最近一个已结束的季度）
# CATALOGUE 目标清单 YAML（默认 data/targets/<year>.yaml）
# REPORTS   发布目录（默认 reports/）
# ISSUED    通报日期 YYYY-MM-DD（默认今天）
# MONTH     月份如 2026-09，或 latest（最近一个报送已截止的月份），供 make monthly 使用
# DISTRICTS 区县通报：all 或区县全称（逗号分隔），供 make districts 使用；JOBS 并行进程数
# SCHEDULER Dask 调度器地址（如 tcp://10.0.0.5:8786），区县通报在集群上运行
# LAB_ARGS  传给 jupyter lab 的其他参数，如 --no-browser --port=8899
QUARTER ?= 2026Q3
RAW ?= data/sample/raw
YEAR ?=
CATALOGUE ?=
REPORTS ?=
ISSUED ?=
MONTH ?= 2026-09
DISTRICTS ?= all
JOBS ?=
SCHEDULER ?=
LAB_ARGS ?=
COMMON_ARGS = --raw $(RAW) $(if $(YEAR),--year $(YEAR)) \
           $(if $(CATALOGUE),--catalogue $(CATALOGUE)) $(if $(REPORTS),--reports $(REPORTS)) \
           $(if $(ISSUED),--issued-on $(ISSUED))
RUN_ARGS = --quarter $(QUARTER) $(COMMON_ARGS)
# JupyterLab refuses to start as root (servers, containers) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Stored notebook outputs keep pandas' static tables (lib/minsheng/analysis/interactive.py).
STATIC := MINSHENG_TABLES=static

.PHONY: help setup test lint unit nbval reference bulletin monthly districts lab bench bench-scale clean-venv browser docs-pictures

help: ## 列出命令 / list targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  \033[36m%-11s\033[0m %s\n", $$1, $$2}'
	@echo "变量 / variables: QUARTER RAW YEAR CATALOGUE REPORTS ISSUED (bulletin), MONTH (monthly), DISTRICTS JOBS SCHEDULER (districts), LAB_ARGS (lab)"

setup: $(STAMP) ## 建立 .venv 并安装 environment.yml 所列依赖 / create .venv from environment.yml (no-op when current)

$(STAMP): environment.yml pyproject.toml tools/envspec.py tools/system-packages.sh
	@bash tools/system-packages.sh setup
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) tools/envspec.py requirements environment.yml > $(VENV)/requirements.txt
	@echo "installing $$(wc -l < $(VENV)/requirements.txt) requirements from environment.yml into $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
	@# packages dropped from environment.yml that an older .venv still holds (mplfonts: SimHei.ttf;
	@# weasyprint: the PDF is typeset by Typst now)
	@$(PY) -m pip uninstall --yes --quiet $(RETIRED) 2>/dev/null || true
	@$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (minsheng)" > /dev/null
	@touch $(STAMP)
	@echo "environment ready: $(VENV)"

lint: setup ## 代码检查 (ruff) / lint
	$(VENV)/bin/ruff check lib tests benchmarks tools
	$(VENV)/bin/lint-imports

unit: setup ## 只跑 lib 单元测试 / lib unit tests only
	$(PYTEST) -m "not pipeline"

test: lint browser ## 全部测试：lint、单元、流水线、nbval / all tests
	$(PYTEST)
	$(MAKE) --no-print-directory nbval

bulletin: setup ## 生成季度通报（QUARTER= RAW= 等，见下；默认样例数据）/ publish the bulletin
	$(VENV)/bin/minsheng run $(strip $(RUN_ARGS))

monthly: setup ## 生成月度调度（MONTH=2026-09 或 latest）/ publish the monthly dispatch
	$(VENV)/bin/minsheng run --month $(MONTH) $(strip $(COMMON_ARGS))

districts: setup ## 生成季度通报及区县通报（DISTRICTS=all JOBS= SCHEDULER=）/ the bulletin and its district bulletins
	$(VENV)/bin/minsheng run $(strip $(RUN_ARGS)) --districts $(DISTRICTS) $(if $(JOBS),--jobs $(JOBS)) \
	  $(if $(SCHEDULER),--scheduler $(SCHEDULER))

nbval: setup ## 用 nbval 对照笔记本的参考输出 / regression-check notebooks against stored outputs
	$(STATIC) $(PYTEST) --nbval notebooks/ --nbval-sanitize-with tests/nbval_sanitize.cfg

reference: setup ## 用参考数据重算笔记本输出并同步 .py 配对（唯一的重算方式） / regenerate reference outputs
	$(STATIC) $(VENV)/bin/python tools/make_reference.py

lab: setup ## 在 notebooks/ 打开 JupyterLab（root 亦可）/ start JupyterLab at notebooks/ (root too)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

bench: setup ## 性能基准（读取、清洗、汇总、季度运行、区县通报）/ benchmarks against the stated goals
	@# every benchmark runs even when an earlier one misses its goal; the exit code is the worst
	@rc=0; \
	$(PY) benchmarks/bench_read.py || rc=$$?; \
	$(PY) benchmarks/bench_clean.py $(if $(ROWS),--rows $(ROWS)) || { s=$$?; [ $$s -gt $$rc ] && rc=$$s; }; \
	$(PY) benchmarks/bench_fanout.py || { s=$$?; [ $$s -gt $$rc ] && rc=$$s; }; \
	exit $$rc

bench-scale: setup ## 大规模汇总：pandas 与 DuckDB（1M、10M 行）/ roll-ups at scale, pandas against DuckDB
	$(PY) benchmarks/bench_scale.py $(if $(ROWS),--rows $(ROWS))

browser: ## 安装浏览器检查所用的 Chromium（make test 先运行）/ chromium for tests/test_browser.py
	@bash tools/system-packages.sh browser

# Page 1 of the specimen (样张) as the PDF prints it and as LibreOffice prints the DOCX, with
# the office font names mapped to the free stand-ins (docs/documents.md).
PICTURES := build/docs-pictures
docs-pictures: setup ## 重绘 docs/ 中样张第1页的图片（PDF、DOCX）/ redraw docs/ page-1 pictures
	@bash tools/system-packages.sh pictures
	@rm -rf $(PICTURES) && mkdir -p $(PICTURES)
	$(PY) -m minsheng.report.export.specimen $(PICTURES)
	$(PY) -c "from minsheng.report import fonts; print(fonts.fontconfig_aliases(), end='')" > $(PICTURES)/fonts.conf
	FONTCONFIG_FILE=$(CURDIR)/$(PICTURES)/fonts.conf soffice --headless --norestore \
	  -env:UserInstallation=file://$(CURDIR)/$(PICTURES)/profile \
	  --convert-to pdf --outdir $(PICTURES)/docx $(PICTURES)/样张.docx > /dev/null
	pdftoppm -r 100 -f 1 -l 1 -png -singlefile $(PICTURES)/样张.pdf docs/page1-pdf
	pdftoppm -r 100 -f 1 -l 1 -png -singlefile $(PICTURES)/docx/样张.pdf docs/page1-docx
	@echo "docs/page1-pdf.png docs/page1-docx.png"

clean-venv: ## 删除 .venv / remove the environment
	rm -rf $(VENV)
