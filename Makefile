# minsheng — 重点民生实事 跟踪. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST := $(PY) -m pytest
QUARTER ?= 2026Q3

.PHONY: help setup test lint unit pipeline nbval reference bulletin lab bench clean-venv

help: ## 列出命令 / list targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  \033[36m%-11s\033[0m %s\n", $$1, $$2}'

setup: $(STAMP) ## 建立 .venv 并安装 environment.yml 所列依赖 / create .venv from environment.yml (no-op when current)

$(STAMP): environment.yml pyproject.toml tools/envspec.py tools/system-packages.sh
	@bash tools/system-packages.sh
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) tools/envspec.py requirements environment.yml > $(VENV)/requirements.txt
	@echo "installing $$(wc -l < $(VENV)/requirements.txt) requirements from environment.yml into $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
	@$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (minsheng)" > /dev/null
	@touch $(STAMP)
	@echo "environment ready: $(VENV)"

lint: setup ## 代码检查 (ruff) / lint
	$(VENV)/bin/ruff check lib tests benchmarks tools
	$(VENV)/bin/lint-imports

unit: setup ## 只跑 lib 单元测试 / lib unit tests only
	$(PYTEST) -m "not pipeline"

test: lint ## 全部测试：lint、单元、流水线、nbval / all tests
	$(PYTEST)
	$(MAKE) --no-print-directory nbval

bulletin: setup ## 用样例数据生成季度通报 (QUARTER=2026Q3) / publish the bulletin from the sample data
	$(VENV)/bin/minsheng run --quarter $(QUARTER)

nbval: setup ## 用 nbval 对照笔记本的参考输出 / regression-check notebooks against stored outputs
	$(PYTEST) --nbval notebooks/ --nbval-sanitize-with tests/nbval_sanitize.cfg

reference: setup ## 用参考数据重算并写回笔记本输出（唯一的重算方式） / regenerate reference outputs
	$(VENV)/bin/python tools/make_reference.py

lab: setup ## 在 notebooks/ 打开 JupyterLab / start JupyterLab at notebooks/
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: setup ## 性能基准（清洗、汇总、季度运行）/ benchmarks against the stated goals
	$(PY) benchmarks/bench_clean.py $(if $(ROWS),--rows $(ROWS))

clean-venv: ## 删除 .venv / remove the environment
	rm -rf $(VENV)
