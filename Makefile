# Two commands: `make demo` (the main job) and `make test`. Both set up .venv idempotently.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA := $(abspath $(wildcard ../shared/data))
REELCAST_DATA ?= $(SHARED_DATA)
export REELCAST_DATA

.PHONY: setup demo test lint bench bench-env clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q torch==2.13.0 -e ".[all,dev]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/python -m reelcast.demo

# the suite on TEST_WORKERS processes (pytest-xdist; idle workers take queued tests from busy
# ones): on 2 cores 13-16 min against 30.3 min on one. Each worker builds its own real corpus.
TEST_WORKERS ?= 2

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: setup
	$(BIN)/python -m benchmarks.forecaster

# AutoGluon pins older pandas/pyarrow than reelcast: it gets its own interpreter, used only by
# `python -m benchmarks.stack` (which runs benchmarks/_stack_autogluon.py with it)
.venv-bench/.installed:
	$(PY) -m venv .venv-bench
	.venv-bench/bin/pip install -q --upgrade pip
	.venv-bench/bin/pip install -q torch==2.13.0
	.venv-bench/bin/pip install -q torch==2.13.0 "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.*" pyarrow
	touch $@

bench-env: .venv-bench/.installed

clean:
	rm -rf $(VENV) .venv-bench build *.egg-info
