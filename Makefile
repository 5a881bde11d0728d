# KM4B Communities. `make help` lists the targets.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
# The UN languages besides English (the source language), as catalogue folder names.
LOCALES := ar zh_Hans fr ru es

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@# Debian splits venv out of Python: install it when the first try fails.
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); scripts/apt-ensure.sh python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PIP) install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP) install -q -c constraints.txt .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP) install -q -c constraints.txt ".[test]"
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run ## Create .venv and install the dependencies

run: install ## Migrate, load the demo site and serve it on http://127.0.0.1:$(PORT)
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo
	@echo ""
	@echo "  KM4B Communities: http://127.0.0.1:$(PORT)/  (Wagtail admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Demo login: organiser@km4b.example / km4b-demo-2030 (also practitioner@km4b.example)"
	@echo ""
	$(MANAGE) runserver 127.0.0.1:$(PORT)

browser-deps:
	@scripts/apt-ensure.sh chromium fonts-noto-core

test: $(VENV)/.installed-test browser-deps ## Lint, check migrations and settings, run the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check
	$(VENV)/bin/pytest -m "not stack" $(PYTEST_ARGS)

stack-deps:
	@scripts/apt-ensure.sh postgresql redis-server nginx-light openssl

test-stack: $(VENV)/.installed-test stack-deps ## Start PostgreSQL, Redis, nginx, servers, Celery; prove the production stack
	$(VENV)/bin/pytest -m stack tests/stack $(PYTEST_ARGS)

lint: $(VENV)/.installed-test ## Ruff lint and format check, djlint on the templates
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

format: $(VENV)/.installed-test ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## Update and compile the translation catalogues (needs gettext)
	@scripts/apt-ensure.sh gettext
	$(MANAGE) makemessages $(LOCALES:%=-l %) --ignore=.venv --ignore=staticfiles --ignore=node_modules --no-obsolete
	$(MANAGE) makemessages $(LOCALES:%=-l %) -d djangojs --ignore=.venv --ignore=staticfiles --ignore=node_modules --no-obsolete
	$(MANAGE) compilemessages $(LOCALES:%=-l %) --ignore=.venv

bench: $(VENV)/.installed-test stack-deps ## Run the benchmarks in bench/ (minutes each; figures in bench/RESULTS.md)
	@scripts/apt-ensure.sh wrk
	$(PY) bench/serving.py
	$(PY) bench/thread_page.py
	$(PY) bench/fanout.py
	$(PY) bench/mail.py
	$(PY) bench/ratelimit.py
	$(PY) bench/network_suggestions.py

.PHONY: help install run browser-deps test stack-deps test-stack lint format messages bench
