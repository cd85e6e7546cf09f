# Fieldbook: `make run` starts the app, `make test` runs every test. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# `native` (pywebview, with Qt on Linux) is what the Qt window test drives; with EXTRAS=dev that test fails.
EXTRAS ?= dev,native

.PHONY: run test test-fast bench lint typecheck dist clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Fieldbook needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/fieldbook run

# axe-core, which the accessibility tests (tests/e2e/test_accessibility.py) put into the page.
AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js

$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	npm ci --prefix tests/e2e/axe --no-audit --no-fund --loglevel=error
	@touch $(AXE)

# Everything, the slow crash/soak tests included (CI runs this).
test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)
	$(MAKE) --no-print-directory typecheck lint

# Quick loop while developing: no slow tests, no browser tests.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not e2e and not bench" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks -m bench -s $(PYTEST_ARGS)

typecheck: $(STAMP)
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check --no-cache launcher.py app store jobs tests

dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm build.spec

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
