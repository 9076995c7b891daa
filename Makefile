# Two commands: `make demo` (the main job) and `make test`. Both set up .venv idempotently.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA := $(abspath $(wildcard ../shared/data))
REELCAST_DATA ?= $(SHARED_DATA)
export REELCAST_DATA

.PHONY: setup demo test lint bench clean

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

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m benchmarks.forecaster

clean:
	rm -rf $(VENV) build *.egg-info
