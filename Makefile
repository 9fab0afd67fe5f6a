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

$(STAMP): environment.yml pyproject.toml lib/minsheng/envspec.py tools/system-packages.sh
	@bash tools/system-packages.sh
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) lib/minsheng/envspec.py requirements environment.yml > $(VENV)/requirements.txt
	@echo "installing $$(wc -l < $(VENV)/requirements.txt) requirements from environment.yml into $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
	@$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (minsheng)" > /dev/null
	@touch $(STAMP)
	@echo "environment ready: $(VENV)"

lint: setup ## 代码检查 (ruff) / lint
	$(VENV)/bin/ruff check lib tests benchmarks tools

unit: setup ## 只跑 lib 单元测试 / lib unit tests only
	$(PYTEST) -m "not pipeline"

test: lint ## 全部测试：lint、单元、流水线、nbval / all tests
	$(PYTEST)

clean-venv: ## 删除 .venv / remove the environment
	rm -rf $(VENV)
