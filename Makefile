# Sufficiency: developer commands. `make help` lists them; every target works from a fresh clone.
#
# The virtual environment is .venv (Python 3.11). It is (re)installed only when a requirements file
# changes: the stamp .venv/.installed records the last install.
# PostgreSQL and Redis for integration tests, workers and benchmarks come from `make services`
# (scripts/services.sh), which writes their URLs to var/services.env.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
REQUIREMENTS := $(wildcard requirements*.txt)
SERVICES_ENV := var/services.env
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test ARGS="-k counting -x"`.
ARGS ?=

# Load the local PostgreSQL/Redis URLs and use a real broker (not eager Celery).
WITH_SERVICES := set -a; . ./$(SERVICES_ENV); set +a; export USE_CELERY_EAGER=false;

.PHONY: help install run run-services test test-integration test-e2e test-faults load services services-stop \
	services-status worker beat migrate demo lint format bench clean

help: ## List the commands
	@echo "Usage: make <target>   (see README for environment variables)"
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_-]+:.*?## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || { \
		echo "Python 3.11 is required: '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Try: make PYTHON=python3.11"; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(REQUIREMENTS) | $(PY)
	@bash scripts/system-packages.sh
	$(BIN)/pip install --disable-pip-version-check --progress-bar off -q -r requirements-dev.txt
	@touch $@

install: $(STAMP) ## Create .venv (Python 3.11) and install requirements-dev.txt when they changed

run: $(STAMP) ## Fresh machine to a running app on http://127.0.0.1:8000 (SQLite, eager Celery, demo data; PORT=8080 for another port)
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

run-services: $(STAMP) services ## Like `run`, but on the local PostgreSQL and Redis (start `make worker` too)
	$(WITH_SERVICES) $(MANAGE) migrate --noinput
	$(WITH_SERVICES) $(MANAGE) collectstatic --noinput -v 0
	$(WITH_SERVICES) $(MANAGE) load_demo
	$(WITH_SERVICES) $(MANAGE) runserver $(HOST):$(PORT)

test: $(STAMP) ## Run the test suite in parallel (no database server needed: SQLite)
	@rc=0; $(BIN)/pytest -n auto $(ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests were collected"; exit 0; fi; exit $$rc

services: ## Install (as root, if missing) and start PostgreSQL :5433 and Redis :6380; writes var/services.env
	@bash scripts/services.sh start

services-stop: ## Stop the local PostgreSQL and Redis
	@bash scripts/services.sh stop

services-status: ## Say whether the local PostgreSQL and Redis are running
	@bash scripts/services.sh status

# Redis database 1, not 0: a `make worker` left running must not take the tests' tasks (or the reverse).
test-integration: $(STAMP) services ## Integration tests: real PostgreSQL, Redis and Celery worker
	$(WITH_SERVICES) export REDIS_URL="$${REDIS_URL%/*}/1"; \
	$(BIN)/pytest -m integration tests/integration -rs $(ARGS)

test-e2e: $(STAMP) ## Browser journeys + axe accessibility checks in headless Chromium (installs chromium if missing)
	@bash scripts/e2e.sh $(ARGS)

# The fault tests start (and stop, and kill) a Redis of their own on FAULTS_REDIS_PORT.
FAULTS_REDIS_PORT ?= 6391
test-faults: $(STAMP) services ## Fault tests: kill -9 the worker mid-job, stop Redis, restart PostgreSQL
	$(WITH_SERVICES) export REDIS_URL="redis://127.0.0.1:$(FAULTS_REDIS_PORT)/0" FAULTS_OWN_REDIS=1; \
	$(BIN)/pytest -m faults tests/faults -rs -p no:cacheprovider $(ARGS)

load: $(STAMP) services ## Load test: locust at 20 and 50 users vs gunicorn + national dataset (a benchmark)
	@bash scripts/load.sh

worker: $(STAMP) services ## Run a Celery worker on the local PostgreSQL and Redis
	$(WITH_SERVICES) $(BIN)/celery -A sufficiency worker -l info --include=sufficiency.core.tasks

beat: $(STAMP) services ## Run Celery beat (periodic tasks) on the local PostgreSQL and Redis
	$(WITH_SERVICES) $(MANAGE) migrate --noinput
	$(WITH_SERVICES) $(BIN)/celery -A sufficiency beat -l info

migrate: $(STAMP) ## Apply database migrations (DATABASE_URL, default SQLite db.sqlite3)
	$(MANAGE) migrate --noinput

demo: $(STAMP) ## Load the synthetic demo authority and users (safe to re-run)
	$(MANAGE) load_demo

lint: $(STAMP) ## ruff check, ruff format --check, lint-imports (the layers), mypy, manage.py check, makemigrations --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

format: $(STAMP) ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) services ## Run every benchmarks/bench_*.py (with DATABASE_URL of the local PostgreSQL)
	@shopt -s nullglob; benches=(benchmarks/bench_*.py); \
	if [ $${#benches[@]} -eq 0 ]; then echo "no benchmarks/bench_*.py"; exit 0; fi; \
	$(WITH_SERVICES) for bench in "$${benches[@]}"; do \
		echo "== $$bench"; start=$$(date +%s); \
		$(PY) "$$bench"; \
		echo "== $$bench took $$(( $$(date +%s) - start )) s"; \
	done

clean: ## Remove collected static files, caches and test/benchmark output (keeps .venv, db.sqlite3, var/)
	rm -rf staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis test-results benchmarks/results
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 \
		| xargs -0 rm -rf
