# Two commands do everything: `make demo` and `make test`. Each installs what it needs first.
# Stages on their own: `make load`, `make transform`, `make report`; `make dev` for Dagster.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Settings (README: Configuration). Unset BITRIX24_WEBHOOK_URL means the bundled demo portal.
export WAREHOUSE_DIR ?= $(CURDIR)/warehouse
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# No usage data leaves the machine: dlt, dbt (dbt_project.yml), Dagster (dagster.yaml),
# Evidence (evidence.settings.json).
export RUNTIME__DLTHUB_TELEMETRY := false
export DO_NOT_TRACK := 1

UV_VERSION := 0.13.8
UV := python3 -m uv
VENV := .venv/bin
DBT := $(VENV)/dbt --no-use-colors
DBT_DIRS := --project-dir dbt_project --profiles-dir dbt_project
EVIDENCE := reports_evidence

.PHONY: help install demo load transform report preview dev doctor lint test bench browser clean

help:
	@echo "make demo       install, load the demo portal, build the marts and the report site"
	@echo "make test       ruff, sqlfluff, pytest (dbt build, Dagster, browser tests included)"
	@echo "make doctor     check the configured portal: reachable, credentials, scopes"
	@echo "make load       extract the configured portal into \$$WAREHOUSE_DIR"
	@echo "make transform  dbt build, then publish the read-only copy"
	@echo "make report     build the Evidence site from the published copy"
	@echo "make preview    serve the built site on http://127.0.0.1:3000"
	@echo "make dev        dagster dev on http://127.0.0.1:3001"
	@echo "make bench      the product against its peers and limits: SCALE=small (default, minutes),"
	@echo "                medium (~100k deals, ~1 h) or large (~1M deals, hours); benchmarks/results/"

# --- installation --------------------------------------------------------------------------

$(VENV)/.installed: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

$(EVIDENCE)/node_modules/.installed: $(EVIDENCE)/package.json $(EVIDENCE)/package-lock.json $(wildcard $(EVIDENCE)/patches/*)
	# `npm ci` fails on mirrors missing other platforms' optional packages; install keeps the lock.
	cd $(EVIDENCE) && npm install --no-audit --no-fund
	@touch $@

dbt_project/target/manifest.json: $(VENV)/.installed $(shell find dbt_project/models dbt_project/macros dbt_project/tests -type f) dbt_project/dbt_project.yml
	$(DBT) parse $(DBT_DIRS) --quiet

install: $(VENV)/.installed $(EVIDENCE)/node_modules/.installed

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	@mkdir -p $(DAGSTER_HOME) && cp $< $@

# Debian's Chromium for the browser tests (tools that download their own browser fail here).
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# --- the pipeline ----------------------------------------------------------------------------

load: $(VENV)/.installed
	$(VENV)/python -m pipelines.bitrix24.cli --scan-deletes

doctor: $(VENV)/.installed
	$(VENV)/python -m pipelines.bitrix24.doctor

transform: $(VENV)/.installed
	$(DBT) build $(DBT_DIRS)
	$(VENV)/python -m pipelines.warehouse

report: install
	$(VENV)/python -m pipelines.report_site

demo: install
	$(MAKE) --no-print-directory load transform report
	@echo
	@echo "Done."
	@echo "  Warehouse (read-only copy for SQL): $(WAREHOUSE_DIR)/published/bitrix24.duckdb"
	@echo "  Report site (static files):         $(CURDIR)/$(EVIDENCE)/build"
	@echo "  View it:                            make preview, then open http://127.0.0.1:3000"

preview:
	$(VENV)/python -m http.server 3000 --bind 127.0.0.1 --directory $(EVIDENCE)/build

dev: install dbt_project/target/manifest.json $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3001

# --- checks ----------------------------------------------------------------------------------

lint: $(VENV)/.installed
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	@# dbt's templater opens the profile's DuckDB file: give it a scratch one, not the warehouse.
	scratch=$$(mktemp -d) && WAREHOUSE_DIR=$$scratch $(VENV)/sqlfluff lint dbt_project; \
	  status=$$?; rm -rf "$$scratch"; exit $$status

test: install browser dbt_project/target/manifest.json $(DAGSTER_HOME)/dagster.yaml lint
	$(VENV)/pytest

SCALE ?= small
bench: install
	$(VENV)/python -m benchmarks.suite --scale $(SCALE)

clean:
	rm -rf $(WAREHOUSE_DIR) $(EVIDENCE)/build $(EVIDENCE)/.evidence/template dbt_project/target test-results
