# Two commands on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: build test lint bench clean

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
	$(BIN)/cfsi-reports build --content content --output output --theme styles/theme.yaml

test: $(TSTAMP)
	$(BIN)/python -m pytest

lint: $(TSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	command -v pandoc >/dev/null || { apt-get update -qq && apt-get install -y -qq pandoc; }
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf output/fact-sheets output/*.pdf output/.cfsi-manifest.json output/.cfsi-lock
