# One short toolchain. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run demo test test-sqlite test-pg lint format openapi bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## setup: create .venv and install the project with its dev extras (idempotent)
setup: $(STAMP)

## demo: migrate the embedded SQLite database and import the bundled real sample
demo: setup
	$(BIN)/vigil demo

## run: setup, import the bundled sample, and serve the web app
run: demo
	@echo "Vigil is at http://$(HOST):$(PORT)/  (demo logins: demo / vigil-demo, demo-monitor / vigil-demo)"
	@echo "Today's ECOWAS synopsis: http://$(HOST):$(PORT)/products/synopsis/ECOWAS/today/  Risk: http://$(HOST):$(PORT)/risk/"
	$(BIN)/vigil runserver --noreload $(HOST):$(PORT)

## test: the whole suite on SQLite, then on PostgreSQL
test: test-sqlite test-pg

test-sqlite: setup
	env -u DATABASE_URL $(BIN)/pytest

test-pg: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## openapi: regenerate the committed OpenAPI snapshot
openapi: setup
	$(BIN)/vigil export_openapi_schema --api vigil.api.api --indent 2 --sorted > tests/api/openapi.json

## bench: run the benchmarks against ../shared/data and write bench/RESULTS.md
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache
