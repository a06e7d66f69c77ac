# Middle Powers at Davos -- the two quick-start commands are `make lab` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two install stamps: the student's set (make lab) and everything (make test, bench, maintainer tools).
STUDENT_STAMP := $(VENV)/.installed-student
STAMP := $(VENV)/.installed
START := notebooks/index.ipynb
ARTICLE := data/article/davos-2026-carney-trump.txt
NBEXEC := $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	--ExecutePreprocessor.record_timing=False \
	--ExecutePreprocessor.store_widget_state=False \
	--ExecutePreprocessor.timeout=300
# Notebooks are executed with the progress file somewhere empty, so their
# stored outputs never depend on anyone's attempts.
EXEC_ENV := MIDDLEPOWERS_PROGRESS=$$(mktemp -d)/progress.json MPLBACKEND=module://matplotlib_inline.backend_inline

NODE_STAMP := node_modules/.installed
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile \
	--nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg

.PHONY: help lab test browser notebooks exercises tables navigation lock bench link publish-check test-latest clean

help:
	@echo "make lab        create the student environment (from the lock file) and open JupyterLab"
	@echo "make test       set up and run the whole test suite"
	@echo "make notebooks  re-execute every notebook in place (deterministic outputs)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make tables     rewrite data/tables/ from the article"
	@echo "make lock       re-pin requirements.txt from requirements.in"
	@echo "make navigation regenerate the course map and notebook navigation"
	@echo "make bench      time every notebook against a floor notebook; time make lab's install"
	@echo "make link HUB=https://hub.example.edu [REPO=... BRANCH=... NOTEBOOK=...]  an nbgitpuller link"
	@echo "make publish-check  list what a fork must still set (repository name, authors); exit 1 until done"
	@echo "make test-latest  the notebook suite on the newest releases"

# What a student needs: requirements-student.txt (the lock's runtime closure, the
# same pins as Binder's environment.yml), the package, the project's Jupyter config.
$(STUDENT_STAMP): requirements-student.txt pyproject.toml jupyter-config/install.py \
		jupyter-config/jupyter_server_config.json jupyter-config/overrides.d/middlepowers.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-student.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python jupyter-config/install.py
	touch $(STUDENT_STAMP)

# Everything else in the lock: test, hub, browser and maintainer tools.
$(STAMP): $(STUDENT_STAMP) requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The server's root is the repository (every course folder in the file browser,
# every relative link works); the printed URL opens the start notebook.
# JUPYTER_PORT, JUPYTER_TOKEN and BROWSER are read from the environment.
lab: $(STUDENT_STAMP)
	$(BIN)/jupyter lab --LabApp.default_url=/lab/tree/$(START)

# configurable-http-proxy (npm) for the JupyterHub test
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Debian's chromium for the browser tests (does nothing when one is installed)
browser:
	bash tools/setup-browser.sh

test: $(STAMP) $(NODE_STAMP) browser
	$(PYTEST) notebooks solutions exercises tests

tables: $(STAMP)
	$(BIN)/python -m middlepowers.article $(ARTICLE) data/tables

notebooks: $(STAMP)
	$(EXEC_ENV) $(NBEXEC) notebooks/*.ipynb $(wildcard solutions/*.ipynb)
	$(BIN)/python -m middlepowers.navigation
	$(BIN)/python -m middlepowers.worksheets solutions exercises

navigation: $(STAMP)
	$(BIN)/python -m middlepowers.navigation

exercises: $(STAMP)
	$(BIN)/python -m middlepowers.worksheets solutions exercises

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile --python-version 3.11 requirements.in -o requirements.txt
	PYTHONPATH=src $(PYTHON) -m middlepowers.lock

bench: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m middlepowers.bench
	$(BIN)/python -m middlepowers.bench_browser
	$(BIN)/python -m middlepowers.bench_hub
	$(BIN)/python -m middlepowers.bench_install

# an nbgitpuller link for your hub: make link HUB=https://hub.example.edu
link: $(STUDENT_STAMP)
	$(BIN)/python -m middlepowers.link --hub "$(HUB)" $(if $(REPO),--repo "$(REPO)") $(if $(BRANCH),--branch "$(BRANCH)") $(if $(NOTEBOOK),--notebook "$(NOTEBOOK)")

# what a fork must still set before publishing (exit 1 while anything is listed)
publish-check: $(STUDENT_STAMP)
	$(BIN)/python -m middlepowers.publish_check

# the notebook suite on the newest releases of every dependency (.venv-latest)
test-latest:
	bash tools/test-latest.sh

clean:
	rm -rf $(VENV) .venv-latest node_modules test-artifacts
