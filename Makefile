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

NODE_STAMP := node_modules/.installed
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile \
	--nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg

.PHONY: help lab test browser notebooks exercises tables navigation lock bench link test-latest clean \
	class-report student-repo

help:
	@echo "make lab        create the environment (from the lock file) and open JupyterLab"
	@echo "make test       set up and run the whole test suite"
	@echo "make notebooks  re-execute every notebook in place (deterministic outputs)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make tables     rewrite data/tables/ from the article"
	@echo "make lock       re-pin requirements.txt from requirements.in"
	@echo "make navigation regenerate the course map and notebook navigation"
	@echo "make bench      time every notebook against a floor notebook"
	@echo "make link HUB=https://hub.example.edu [REPO=... BRANCH=... NOTEBOOK=...]  an nbgitpuller link"
	@echo "make test-latest  the notebook suite on the newest releases"
	@echo "make class-report PROGRESS=dir [OUT=class-report] [PSEUDONYMISE=1]  the class's checks, from progress files"
	@echo "make student-repo DEST=dir  a copy for graded use: no answer keys, hidden tests or instructor notes"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/index.ipynb

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

bench: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m middlepowers.bench
	$(BIN)/python -m middlepowers.bench_browser
	$(BIN)/python -m middlepowers.bench_hub

# an nbgitpuller link for your hub: make link HUB=https://hub.example.edu
link: $(STAMP)
	$(BIN)/python -m middlepowers.link --hub "$(HUB)" $(if $(REPO),--repo "$(REPO)") $(if $(BRANCH),--branch "$(BRANCH)") $(if $(NOTEBOOK),--notebook "$(NOTEBOOK)")

# the notebook suite on the newest releases of every dependency (.venv-latest)
test-latest:
	bash tools/test-latest.sh

# which checks the class missed: make class-report PROGRESS=dir (students' progress files)
class-report: $(STAMP)
	@test -n "$(PROGRESS)" || { echo "usage: make class-report PROGRESS=dir [OUT=class-report] [PSEUDONYMISE=1]"; exit 2; }
	PYTHONPATH=tools $(BIN)/python -m mpcourse.classreport "$(PROGRESS)" --out "$(or $(OUT),class-report)" $(if $(PSEUDONYMISE),--pseudonymise)

# a copy of the course for graded use: make student-repo DEST=dir
student-repo: $(STAMP)
	@test -n "$(DEST)" || { echo "usage: make student-repo DEST=dir"; exit 2; }
	PYTHONPATH=tools $(BIN)/python -m mpcourse.studentrepo "$(DEST)"

clean:
	rm -rf $(VENV) .venv-latest node_modules test-artifacts
