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
# the course tools (tools/mpcourse, tools/mpharness) until tools/ is an installed distribution
SITE_ENV := PYTHONPATH=tools
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile \
	--nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg

.PHONY: help lab test browser notebooks exercises tables navigation lock bench link test-latest clean site

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
	@echo "make site       the course website in build/site (offline; INSTRUCTOR=1 adds the answer keys)"

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
	$(SITE_ENV) $(BIN)/python -m mpharness.bench_site

# the course website from the committed notebooks (nothing executed, nothing downloaded)
site: $(STAMP) $(NODE_STAMP)
	$(SITE_ENV) $(BIN)/python -m mpcourse.site $(if $(INSTRUCTOR),--instructor)

# an nbgitpuller link for your hub: make link HUB=https://hub.example.edu
link: $(STAMP)
	$(BIN)/python -m middlepowers.link --hub "$(HUB)" $(if $(REPO),--repo "$(REPO)") $(if $(BRANCH),--branch "$(BRANCH)") $(if $(NOTEBOOK),--notebook "$(NOTEBOOK)")

# the notebook suite on the newest releases of every dependency (.venv-latest)
test-latest:
	bash tools/test-latest.sh

clean:
	rm -rf $(VENV) .venv-latest node_modules test-artifacts
