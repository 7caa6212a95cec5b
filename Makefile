# Two commands on a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := PORTAL_DEBUG=1
PYTEST_ARGS ?=
DEMO_ENTRIES ?= 30
RUN_ADDRESS ?= 127.0.0.1:8000

.PHONY: install run demo-reset test test-browser lint worker bench migrate clean

# Each step says what it does: the first `make run` spends a minute or two installing and seeding.
$(STAMP): pyproject.toml
	@echo "==> 安装：创建 $(VENV) 并安装依赖（首次约需一两分钟）…"
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	@echo "==> 迁移数据库…"
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

# seed_demo is idempotent: the first run builds the demo (entries with photos, about half a minute), later
# runs change nothing. It ends with the demo accounts and what waits for each.
run: migrate
	@echo "==> 载入演示数据…"
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --entries $(DEMO_ENTRIES)
	@echo "==> 启动开发服务器：在浏览器中打开 http://$(RUN_ADDRESS)/ ，用上面的演示账号登录（按 Ctrl+C 停止）"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(RUN_ADDRESS)

# Rebuilds the demo from scratch: empties the database and the uploaded files (after asking), then seeds.
# The only way back from a locked result, which is irreversible by design.
demo-reset: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --reset --entries $(DEMO_ENTRIES)

# The suite on SQLite with Celery tasks run inline; browser tests are `make test-browser`; the fault tests
# (their own redis-server and worker, on PostgreSQL) run in .ci/run step 2.
test: install
	$(DEV_ENV) $(BIN)/pytest -m "not browser and not faults" $(PYTEST_ARGS)

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
