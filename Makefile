# Ecosystem Graph: two commands that work on a fresh Debian machine (Python 3 with venv, npm; root for apt-get).
#
#   make serve   set up .venv/, build dist/ and serve it on http://127.0.0.1:8080/ (HOST=… PORT=… to change)
#   make test    set up .venv/ with the test tools, the Debian packages the tests need, then ruff, mypy and pytest
#   make lock    refresh requirements-test.txt, the hash-pinned lock `make test` (and so CI) installs from,
#                after a change to pyproject.toml's dependencies (UPGRADE=1: the newest allowed versions of all)
#
# Each step is skipped when its result is up to date, so a second run starts the real work at once: the pip
# stamps in .venv/ are named after the content of pyproject.toml (and of the lock, for the test tools), the npm
# stamp is newer than the package files. The tests write nothing into the work tree (no bytecode, no pytest
# or ruff cache; their ecograph caches go to a temporary folder).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8080

VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements-test.txt
DEPS := $(shell sha256sum pyproject.toml | cut -c1-16)
TEST_DEPS := $(shell cat pyproject.toml $(LOCK) | sha256sum | cut -c1-16)
INSTALLED := $(VENV)/.installed-$(DEPS)
INSTALLED_TEST := $(VENV)/.installed-test-$(TEST_DEPS)
STALE_STAMPS := find $(VENV) -maxdepth 1 -name '.installed-*' ! -name '.installed-$(DEPS)' \
	! -name '.installed-test-$(TEST_DEPS)' -delete
PIP := $(BIN)/python -m pip --disable-pip-version-check
WEB := src/ecograph/serve/pages/web
NPM_FLAGS := --prefix $(WEB) --no-audit --no-fund

# npm packages for the web pages, only when the web folder declares some.
ifneq ($(wildcard $(WEB)/package.json),)
WEB_PACKAGES := $(WEB)/node_modules/.ecograph-installed
endif

.PHONY: help serve test lock system-packages

help:
	@echo "make serve   build dist/ and serve it on http://$(HOST):$(PORT)/"
	@echo "make test    install what the tests need ($(LOCK)), then run ruff, mypy and pytest"
	@echo "make lock    refresh $(LOCK) from pyproject.toml (UPGRADE=1: newest versions)"

serve: $(INSTALLED) $(WEB_PACKAGES)
	$(BIN)/ecograph build
	$(BIN)/ecograph serve --host $(HOST) --port $(PORT)

test: $(INSTALLED_TEST) system-packages $(WEB_PACKAGES)
	$(BIN)/ruff check --no-cache src tests
	$(BIN)/ruff format --no-cache --check src tests
	$(BIN)/mypy --cache-dir /dev/null
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/pytest

lock: | $(BIN)/python
	$(PIP) install --quiet pip-tools
	$(BIN)/pip-compile --quiet --allow-unsafe --extra=test --generate-hashes --no-emit-find-links \
		--no-emit-index-url $(if $(UPGRADE),--upgrade) --output-file=$(LOCK) --strip-extras pyproject.toml

system-packages:
	.ci/install-system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): | $(BIN)/python
	$(PIP) install --quiet --editable .
	$(STALE_STAMPS)  # of older pyproject.toml or lock
	touch $@

# The exact versions (and hashes) of the lock, then ecograph itself; the lock holds everything `make serve`
# needs too, so this satisfies that stamp as well.
$(INSTALLED_TEST): | $(BIN)/python
	$(PIP) install --quiet --require-hashes --requirement $(LOCK)
	$(PIP) install --quiet --no-deps --editable .
	$(STALE_STAMPS)  # of older pyproject.toml or lock
	touch $@ $(INSTALLED)

$(WEB_PACKAGES): $(wildcard $(WEB)/package.json $(WEB)/package-lock.json)
	if [[ -f $(WEB)/package-lock.json ]]; then npm ci $(NPM_FLAGS); else npm install $(NPM_FLAGS); fi
	touch $@
