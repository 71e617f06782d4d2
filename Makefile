# The README's two commands: `make run` and `make test`. Both need only Python 3.11+.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format assets bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Development server on SQLite with demo data; Celery tasks run eagerly (no REDIS_URL).
run: export DEBUG ?= true
run: export REDIS_URL =
run: export DATABASE_URL =
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Lint, then every test. Uses PostgreSQL/Redis when DATABASE_URL/REDIS_URL point at them.
test: export DEBUG = false
test: export SECRET_KEY ?= insecure-key-for-tests-only-0123456789abcdefghijklmnopqrstuvwxyz
test: export SECURE_SSL_REDIRECT = false
test: export DJANGO_ALLOW_ASYNC_UNSAFE = true
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild static/css and static/js from assets/package-lock.json (needs Node.js and npm).
assets:
	cd assets && npm ci --no-audit --no-fund && npm run build

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
