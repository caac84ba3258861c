# Concord's two set-up commands: `make run` (the portal with demo data, no services
# needed) and `make test` (lint, architecture contracts and the whole suite).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= auto

VENDOR_STAMP := node_modules/.vendor-stamp

.PHONY: install assets run lint test screenshots schema clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Concord needs Python 3.11, found " + sys.version.split()[0])'
	test -x $(BIN)/python && $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(VENDOR_STAMP)

# The pages' front-end libraries come pinned from the npm registry (package-lock.json)
# and are copied into static/vendor/, which is not committed.
$(VENDOR_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	npm run --silent vendor
	touch $(VENDOR_STAMP)

assets: $(VENDOR_STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Concord is starting on http://$(HOST):$(PORT)/"
	@echo "Sign in as <agency-slug>.<role>, e.g. harbor-police.duty_officer, password: concord-demo"
	@echo "Platform operator (Django admin at /admin/): operator / concord-demo"
	@echo ""
	$(BIN)/daphne -b $(HOST) -p $(PORT) coordination.asgi:application

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# PostgreSQL and Redis are used when they answer on their usual local ports (or when
# DATABASE_URL/REDIS_URL are set); otherwise the suite runs embedded and skips the
# tests that need them, saying so in one line.
test: lint
	@if [ -z "$$DATABASE_URL" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
		export DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord; fi; \
	if [ -z "$$REDIS_URL" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then \
		export REDIS_URL=redis://127.0.0.1:6379/0; fi; \
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# Screenshots of the main pages, from the browser tests, into docs/screenshots/.
screenshots: install
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -p no:randomly tests/e2e/test_screenshots.py

schema: install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file schema.yml

clean:
	rm -rf $(VENV) static/vendor node_modules staticfiles db.sqlite3
