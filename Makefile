# Newsroom development tasks. `make` (or `make help`) lists them.
#
# Everything runs from a virtual environment in .venv, created with the first Python >= 3.12
# that tools/find-python finds. To choose one yourself: make PYTHON=/path/to/python3.13 ...

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory
.DELETE_ON_ERROR:

VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Empty unless given in the environment or on the command line; tools/find-python reads it.
PYTHON ?=
# Extra arguments for pytest, for example: make test PYTEST_ARGS="-k search -x"
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core, at most 8; TEST_WORKERS=0 runs the tests in
# one process, as a debugger wants.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n > 8 ? 8 : n )))
# Extra arguments for bench/run.py, for example: make bench BENCH_ARGS="--articles 20000"
BENCH_ARGS ?=

.PHONY: help install run seed serve test test-fast lint format migrations-check lock bench bench-cache bench-peers clean bench-drill

help: ## List the targets
	@echo "Usage: make <target>"
	@echo
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(BIN)/python:
	@py="$$(PYTHON='$(PYTHON)' tools/find-python)" || exit 1; \
	echo "==> Creating $(VENV) with $$("$$py" --version 2>&1) ($$py)"; \
	"$$py" -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(VENV)/.installed: requirements.lock | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
		echo "$(VENV) runs $$($(BIN)/python --version 2>&1); Newsroom needs Python 3.12 or newer." >&2; \
		echo "Remove it with 'make clean' (or rm -rf $(VENV)) and run make again." >&2; \
		exit 1; }
	@echo "==> Installing the locked dependencies from requirements.lock"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the locked dependencies

# Local development defaults to DEBUG=true (the development secret key is only accepted then);
# set DEBUG=false in the environment or on the command line to override it. DEMO=true installs
# the demo app, whose seed_demo and seed_demo_comments commands load the demo newsroom.
run seed: export DEBUG ?= true
run seed: export DEMO ?= true

run: install ## Migrate, load the demo newsroom and serve it on http://127.0.0.1:8000
	@echo "==> Applying migrations"
	@$(MANAGE) migrate --verbosity 0
	@echo "==> Loading the demo newsroom"
	@$(MANAGE) seed_demo
	@$(MANAGE) seed_demo_comments
	@echo "==> Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	@$(MANAGE) runserver 127.0.0.1:8000

seed: install ## Migrate and load the demo newsroom without serving it
	@echo "==> Applying migrations"
	@$(MANAGE) migrate --verbosity 0
	@echo "==> Loading the demo newsroom"
	@$(MANAGE) seed_demo
	@$(MANAGE) seed_demo_comments

serve: install ## Production configuration here: gunicorn on 127.0.0.1:8000 (needs SECRET_KEY, DATABASE_URL, REDIS_URL)
	@tools/serve

test: install ## Run the test suite (PYTEST_ARGS="..." passes arguments to pytest)
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "note: /usr/bin/chromium is missing, so the browser tests will be skipped"; \
		echo "      (install it with: apt-get install chromium)"; \
	fi
	@$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: install ## Run the tests without the slow ones (browser, app servers, processes)
	@$(BIN)/pytest -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

lint: install ## Check code style and formatting with ruff
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: install ## Format the code and apply ruff's automatic fixes
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

migrations-check: install ## Fail if a model change has no migration
	@DEBUG=true $(MANAGE) makemigrations --check --dry-run

# uv also prints the lock it writes, hence >/dev/null; the resolution is universal, so any
# local interpreter does and uv must not try to download a Python 3.12 of its own.
lock: | $(BIN)/python ## Regenerate requirements.lock from pyproject.toml
	@if [ ! -x $(BIN)/uv ]; then \
		echo "==> Installing uv into $(VENV)"; \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check uv; \
	fi
	@echo "==> Resolving pyproject.toml into requirements.lock"
	@UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip compile pyproject.toml \
		--extra dev --universal --python-version 3.12 -o requirements.lock >/dev/null

bench: install ## Load 100,000 articles into PostgreSQL and measure the reader pages
	@$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-cache: install ## Measure the page cache, the uncached article page and nginx in front (wrk, nginx)
	@$(BIN)/python bench/cache.py $(BENCH_ARGS)

bench-peers: install ## Measure Newsroom beside WordPress and Wagtail on the same content (wrk)
	@$(BIN)/python bench/peers.py $(BENCH_ARGS)

bench-drill: install ## Load 1,000,000 articles and 10,000,000 comments (COPY), measure pages and the admin
	@$(BIN)/python bench/drill.py $(BENCH_ARGS)

clean: ## Remove .venv, var/ (local database, media, static files) and caches
	@rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts
	@find . -name __pycache__ -type d -prune -exec rm -rf {} +
	@echo "==> Removed .venv, var/ and caches"
