# Two commands on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: build test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q src   # bytecode ahead of time, even with PYTHONDONTWRITEBYTECODE
	touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

build: $(STAMP)
	$(BIN)/cfsi-reports build    # settings from cfsi.yaml, the seed project's file

test: $(TSTAMP)
	$(BIN)/python -m pytest

lint: $(TSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m compileall -q src   # measure the code as installed, not its compilation
	command -v pandoc >/dev/null || { apt-get update -qq && apt-get install -y -qq pandoc; }
	$(BIN)/python benchmarks/limits.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/watch.py

# Messages: extract every _() and ngettext() of the code, merge into the French catalogue
# (new messages appear untranslated, changed ones fuzzy); then translate them in fr.po.
CATALOGUES := src/cfsi_reports/catalogues
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output --no-wrap \
		--project cfsi-reports --version 0 -o $(VENV)/messages.pot src/cfsi_reports
	$(BIN)/pybabel update --no-wrap --ignore-obsolete --init-missing -l fr \
		-i $(VENV)/messages.pot -o $(CATALOGUES)/fr.po
	$(BIN)/python -m cfsi_reports.messages $(CATALOGUES)/fr.po

clean:
	rm -rf output/fact-sheets output/*.pdf output/.cfsi-manifest.json output/.cfsi-lock
