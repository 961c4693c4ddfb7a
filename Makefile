# Ecosystem Graph: two commands that work on a fresh Debian machine (Python 3 with venv, npm; root for apt-get).
#
#   make serve   set up .venv/, build dist/ and serve it on http://127.0.0.1:8080/ (HOST=… PORT=… to change)
#   make test    set up .venv/ with the test tools, the Debian packages the tests need, then ruff, mypy and pytest
#
# Each step is skipped when its result is up to date, so a second run starts the real work at once: the pip
# stamps in .venv/ are named after pyproject.toml's content, the npm stamp is newer than the package files.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8080

VENV := .venv
BIN := $(VENV)/bin
DEPS := $(shell sha256sum pyproject.toml | cut -c1-16)
INSTALLED := $(VENV)/.installed-$(DEPS)
INSTALLED_TEST := $(VENV)/.installed-test-$(DEPS)
WEB := src/ecograph/serve/pages/web
NPM_FLAGS := --prefix $(WEB) --no-audit --no-fund

# npm packages for the web pages, only when the web folder declares some.
ifneq ($(wildcard $(WEB)/package.json),)
WEB_PACKAGES := $(WEB)/node_modules/.ecograph-installed
endif

.PHONY: help serve test system-packages

help:
	@echo "make serve   build dist/ and serve it on http://$(HOST):$(PORT)/"
	@echo "make test    install what the tests need, then run ruff, mypy and pytest"

serve: $(INSTALLED) $(WEB_PACKAGES)
	$(BIN)/ecograph build
	$(BIN)/ecograph serve --host $(HOST) --port $(PORT)

test: $(INSTALLED_TEST) system-packages $(WEB_PACKAGES)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/pytest

system-packages:
	.ci/install-system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --editable .
	find $(VENV) -maxdepth 1 -name '.installed-*' ! -name '*-$(DEPS)' -delete  # stamps of older pyproject.toml
	touch $@

# The test extra includes everything `make serve` needs, so it satisfies that stamp too.
$(INSTALLED_TEST): | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --editable '.[test]'
	find $(VENV) -maxdepth 1 -name '.installed-*' ! -name '*-$(DEPS)' -delete  # stamps of older pyproject.toml
	touch $@ $(INSTALLED)

$(WEB_PACKAGES): $(wildcard $(WEB)/package.json $(WEB)/package-lock.json)
	if [[ -f $(WEB)/package-lock.json ]]; then npm ci $(NPM_FLAGS); else npm install $(NPM_FLAGS); fi
	touch $@
