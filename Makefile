# Two commands on a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := PORTAL_DEBUG=1
PYTEST_ARGS ?=

.PHONY: install run test test-browser lint worker bench migrate clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

run: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --entries 30
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite on SQLite with Celery tasks run inline; browser tests are `make test-browser`.
test: install
	$(DEV_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

# Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); never downloads a browser.
test-browser: install
	$(DEV_ENV) $(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# A real Celery worker; needs REDIS_URL (and DATABASE_URL for PostgreSQL).
worker: install
	$(BIN)/celery -A portal worker --loglevel=INFO --concurrency=2

bench: install
	$(DEV_ENV) $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
