# CSC — the README's commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test test-sqlite test-postgres lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# The embedded SQLite database under var/, the demo data, then the task worker and the development server.
run: $(STAMP)
	mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	@# The task worker sends the e-mails (printed in this terminal in DEBUG) while the server runs.
	DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Ruff and the layers between apps (import-linter), then the whole suite on SQLite, then again on PostgreSQL when DATABASE_URL is set or a server
# answers on 127.0.0.1:5432.
test: lint
	bash scripts/test.sh

bench: $(STAMP)
	bash benchmarks/run.sh

clean:
	rm -rf $(VENV) var/csc.sqlite3* var/static
