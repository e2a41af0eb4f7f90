# One-command set-up: system packages (apt-get, root only), uv from PyPI, the locked Python environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
# Optional: installed where the set-up runs as root (CI); elsewhere a note, and the tests that need it skip.
# chromium: the headless screenshot of the report HTML in tests/test_report_pipeline.py.
APT_OPTIONAL := chromium
SEED := data/raw/000_f5510f0c233d12e8.txt

.PHONY: help setup system-deps report lint test test-fast bench lab clean

help:
	@echo "make report   set up everything, then build the forecast report for the seed bulletin into reports/"
	@echo "make lint     ruff: the lint rules and the formatting (pyproject.toml [tool.ruff])"
	@echo "make test     set up everything, lint, then run the whole test suite"
	@echo "make bench    run the benchmarks (calibration table on real pairs + docs/forecast_pit.png, docs/forecast_reliability.png; forecast simulation study; pipeline timings)"
	@echo "make lab      open the notebooks in JupyterLab"

setup: system-deps $(VENV)/.synced

system-deps:
	@bash scripts/ensure-system-deps.sh $(APT_PACKAGES) --optional $(APT_OPTIONAL)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Re-synced only when the lock or the project changes, so a second `make` reuses the environment.
# --all-extras: the tests run the batch on a Dask LocalCluster too (the optional extra jzanalysis[dask]), and
# `make lab` needs JupyterLab (the optional extra jzanalysis[lab]).
# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set, every process (the CLI and each notebook
# kernel) would otherwise compile pandas/scipy/statsmodels from source again, about 4 s each.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --all-extras --compile-bytecode --python $(PYTHON)
	$(BIN)/python -m ipykernel install --sys-prefix --name jzanalysis --display-name "Python (jzanalysis)" >/dev/null
	@touch $@

report: setup
	$(BIN)/jzanalysis report --source $(SEED)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

test-fast: lint
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	$(BIN)/python benchmarks/calibration_table.py
	$(BIN)/python benchmarks/simulate_forecast.py --quick
	$(BIN)/python benchmarks/pipeline_timings.py

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache
