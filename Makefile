# Middle Powers at Davos -- the two quick-start commands are `make lab` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTICLE := data/article/davos-2026-carney-trump.txt
NBEXEC := $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	--ExecutePreprocessor.record_timing=False \
	--ExecutePreprocessor.store_widget_state=False \
	--ExecutePreprocessor.timeout=300
# Notebooks are executed with the progress file somewhere empty, so their
# stored outputs never depend on anyone's attempts.
EXEC_ENV := MIDDLEPOWERS_PROGRESS=$$(mktemp -d)/progress.json MPLBACKEND=module://matplotlib_inline.backend_inline

.PHONY: help lab test test-fast notebooks exercises tables lock bench link test-latest clean

help:
	@echo "make lab        create the environment (from the lock file) and open JupyterLab"
	@echo "make test       set up and run the whole test suite"
	@echo "make notebooks  re-execute every notebook in place (deterministic outputs)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make tables     rewrite data/tables/ from the article"
	@echo "make lock       re-pin requirements.txt from requirements.in"
	@echo "make bench      time every notebook against a floor notebook"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/index.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

tables: $(STAMP)
	$(BIN)/python -m middlepowers.article $(ARTICLE) data/tables

notebooks: $(STAMP)
	$(EXEC_ENV) $(NBEXEC) notebooks/*.ipynb $(wildcard solutions/*.ipynb)

exercises: $(STAMP)
	$(BIN)/python -m middlepowers.worksheets solutions exercises

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile --python-version 3.11 requirements.in -o requirements.txt

bench: $(STAMP)
	$(BIN)/python -m middlepowers.bench

clean:
	rm -rf $(VENV) test-artifacts
