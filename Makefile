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
# The suite's paths and flags (strict nbval on every notebook folder) are in pyproject.toml,
# so a bare `pytest` runs the same suite; here only the two workers are added.
PYTEST := $(BIN)/python -m pytest -n 2
# The fast tier: what needs no notebook executed, no browser, hub, nbgrader or site build.
FAST := -m "not slow and not browser and not hub" tests

.PHONY: help lab test test-fast lint format diff-tools browser notebooks exercises tables navigation figures lock bench bench-class link \
	publish-check test-latest clean site class-report student-repo lab-extension

## make help       this list (read from the Makefile's own ## comments)
help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST))

# What a student needs: requirements-student.txt (the lock's runtime closure, the
# same pins as Binder's environment.yml), the package, the project's Jupyter config.
# pip writes no bytecode for it (STUDENT_COMPILE): Python compiles a module the
# first time it is imported, into .venv (the student's own folder), so the
# ~130 MB of .pyc that pip would write for modules no lesson imports (pip
# itself, test suites, vendored code) never exist. `make lab STUDENT_COMPILE=`
# compiles everything at install, as pip does by default.
STUDENT_COMPILE ?= --no-compile
LAB_EXTENSION := jupyter-config/lab-extension
STUDENT_PACKAGES := $(VENV)/.installed-student-packages
$(STUDENT_PACKAGES): requirements-student.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(STUDENT_COMPILE) --upgrade pip
	$(BIN)/python -m pip install --quiet $(STUDENT_COMPILE) -r requirements-student.txt
	$(BIN)/python -m pip install --quiet $(STUDENT_COMPILE) --no-deps -e .
	touch $(STUDENT_PACKAGES)

# The project's Jupyter configuration on its own stamp: a changed setting or a
# rebuilt lab extension is copied in again without reinstalling any package.
$(STUDENT_STAMP): $(STUDENT_PACKAGES) jupyter-config/install.py \
		jupyter-config/jupyter_server_config.json jupyter-config/overrides.d/middlepowers.json \
		$(LAB_EXTENSION)/dist/middlepowers-lab/package.json
	$(BIN)/python jupyter-config/install.py
	touch $(STUDENT_STAMP)

# Everything else in the lock (test, hub, browser and maintainer tools) and the
# maintainers' package in tools/ (course tools and the test harness). The full
# install is compiled as a whole, the student set too (compileall skips files
# whose .pyc is current; it fails if a file does not compile: none does today).
# tools/pyproject.toml first: in a student copy (make student-repo), where tools/ is
# left out, its rule below says so before anything is installed.
$(STAMP): tools/pyproject.toml $(STUDENT_STAMP) requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e tools
	$(BIN)/python -m compileall -qq -j 0 $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
	$(MAKE) --no-print-directory diff-tools
	touch $(STAMP)

# Only a student copy lacks tools/: there, make test and the maintainer targets stop with this.
tools/pyproject.toml:
	@echo "This is a student copy of the course (make student-repo): make lab works here; make test and the" >&2
	@echo "maintainer targets need the instructor's full repository (tools/ and tests/ are left out)." >&2
	@exit 2

# Readable notebook diffs and merges in this clone: `git diff` and `git log -p`
# show notebooks cell by cell (nbdime), and merges resolve cell by cell.
# Absolute paths, so git works from a shell without the venv activated.
## make diff-tools readable notebook diffs and merges in this clone (nbdime's git drivers)
diff-tools:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git config diff.jupyternotebook.command "$(CURDIR)/$(BIN)/git-nbdiffdriver diff" && \
		git config merge.jupyternotebook.driver "$(CURDIR)/$(BIN)/git-nbmergedriver merge %O %A %B %L %P" && \
		git config merge.jupyternotebook.name "nbdime notebook merge driver"; fi

# The server's root is the repository (every course folder in the file browser,
# every relative link works); the printed URL opens the start notebook.
# JUPYTER_PORT, JUPYTER_TOKEN and BROWSER are read from the environment.
## make lab        create the student environment (from the lock file) and open JupyterLab
lab: $(STUDENT_STAMP)
	$(BIN)/jupyter lab --LabApp.default_url=/lab/tree/$(START)

# configurable-http-proxy (npm) for the JupyterHub test; the lab extension's
# builder, for the test that its prebuilt dist/ is what index.js builds
$(NODE_STAMP): package.json package-lock.json $(LAB_EXTENSION)/package.json $(LAB_EXTENSION)/package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	npm ci --no-audit --no-fund --loglevel=error --prefix $(LAB_EXTENSION)
	touch $(NODE_STAMP)

# The prebuilt JupyterLab extension (jupyter-config/lab-extension/): rebuild dist/
# after changing index.js; jupyter-config/install.py installs it. Built in
# build/lab-extension, so a failed build leaves the committed dist/ as it was.
LAB_BUILD := build/lab-extension
## make lab-extension  rebuild the prebuilt JupyterLab extension (jupyter-config/lab-extension/)
lab-extension: $(STUDENT_PACKAGES) $(NODE_STAMP)
	rm -rf $(LAB_BUILD) && mkdir -p $(LAB_BUILD)
	cp $(LAB_EXTENSION)/index.js $(LAB_EXTENSION)/package.json $(LAB_EXTENSION)/package-lock.json $(LAB_BUILD)/
	ln -s $(CURDIR)/$(LAB_EXTENSION)/node_modules $(LAB_BUILD)/node_modules
	$(BIN)/jupyter-builder build $(LAB_BUILD)
	rm -rf $(LAB_EXTENSION)/dist && mv $(LAB_BUILD)/dist $(LAB_EXTENSION)/dist
	$(MAKE) --no-print-directory $(STUDENT_STAMP)

## make browser    install Debian's chromium for the browser tests (nothing if it is there)
browser:
	bash tools/setup-browser.sh

## make test       set up and run the whole test suite (lint first)
test: $(STAMP) $(NODE_STAMP) browser lint
	$(PYTEST)

## make test-fast  unit and property tests (no notebook, browser, hub, nbgrader or site): before each commit
test-fast: $(STAMP) lint
	$(PYTEST) $(FAST)

# ruff (configured in pyproject.toml): lint, and the format check; `make format` applies the formatter
LINTED := src tools tests conftest.py jupyter-config
## make lint       ruff's lint and format check (make test runs it first)
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

## make format     apply ruff's fixes and formatter (make lint checks them)
format: $(STAMP)
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

## make tables     rewrite data/tables/ from the article
tables: $(STAMP)
	$(BIN)/python -m middlepowers.article $(ARTICLE) data/tables

## make notebooks  re-execute every notebook in place (deterministic outputs)
notebooks: $(STAMP)
	$(EXEC_ENV) $(NBEXEC) notebooks/*.ipynb $(wildcard solutions/*.ipynb)
	$(BIN)/python -m mpcourse.navigation
	$(BIN)/python -m mpcourse.worksheets solutions exercises
	$(MAKE) figures

# Charts drawn by the lessons, cached as PNG (middlepowers.figures.chart):
# run after changing a plotting module, figures.py, matplotlib or a charted table.
## make figures    refresh the chart cache (src/middlepowers/data/figures/)
figures: $(STAMP)
	$(BIN)/python -m mpcourse.figurecache

## make navigation regenerate the course map and notebook navigation
navigation: $(STAMP)
	$(BIN)/python -m mpcourse.navigation

## make exercises  regenerate exercises/ from solutions/
exercises: $(STAMP)
	$(BIN)/python -m mpcourse.worksheets solutions exercises

## make lock       re-pin requirements.txt from requirements.in
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile --python-version 3.11 requirements.in -o requirements.txt
	PYTHONPATH=tools $(PYTHON) -m mpcourse.lock

# The suite benchmark's baseline: the last revision before the test tiers (make bench BENCH_OLD=rev for another).
BENCH_OLD ?= 187e44f
## make bench      time every notebook against a floor notebook; make lab's install; the suite itself (old and new)
bench: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m mpharness.bench
	$(BIN)/python -m mpharness.lab
	$(BIN)/python -m mpharness.hub
	$(BIN)/python -m mpharness.bench_install
	$(BIN)/python -m mpharness.bench_site
	$(BIN)/python -m mpharness.bench_suite --old $(BENCH_OLD)
	$(MAKE) bench-class STUDENTS=3

# A class arriving within a minute on a real local JupyterHub (loopback only):
# make bench-class STUDENTS=40  (several sizes: STUDENTS="10 20 40")
STUDENTS ?= 10
## make bench-class STUDENTS=40  a class of N students on a local JupyterHub (load test)
bench-class: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m mpharness.classload --students $(STUDENTS)

# the course website from the committed notebooks (nothing executed, nothing downloaded)
## make site       the course website in build/site (offline; INSTRUCTOR=1 adds the answer keys)
site: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m mpcourse.site $(if $(INSTRUCTOR),--instructor)

# an nbgitpuller link for your hub: make link HUB=https://hub.example.edu
# (the student install is enough: the link tool needs only the standard library)
# The arguments reach Python as environment variables, unexpanded ($(value ...)), never through the shell,
# so a $ or " in them cannot break the command.
## make link HUB=https://hub.example.edu [REPO=... BRANCH=... NOTEBOOK=...]  an nbgitpuller link
link: export LINK_HUB = $(value HUB)
link: export LINK_REPO = $(value REPO)
link: export LINK_BRANCH = $(value BRANCH)
link: export LINK_NOTEBOOK = $(value NOTEBOOK)
link: $(STUDENT_STAMP)
	PYTHONPATH=tools $(BIN)/python -m mpcourse.link

# what a fork must still set before publishing (exit 1 while anything is listed)
## make publish-check  list what a fork must still set (repository name, authors); exit 1 until done
publish-check: $(STUDENT_STAMP)
	PYTHONPATH=tools $(BIN)/python -m mpcourse.publish_check

# the notebook suite on the newest releases of every dependency (.venv-latest)
## make test-latest  the notebook suite on the newest releases
test-latest:
	bash tools/test-latest.sh

# which checks the class missed: make class-report PROGRESS=dir (students' progress files)
# Paths reach the shell quoted and unexpanded, as with `make link`.
## make class-report PROGRESS=dir [OUT=class-report] [PSEUDONYMISE=1]  the class's checks, from progress files
class-report: export MP_PROGRESS = $(value PROGRESS)
class-report: export MP_OUT = $(or $(value OUT),class-report)
class-report: $(STAMP)
	@test -n "$$MP_PROGRESS" || { echo "usage: make class-report PROGRESS=dir [OUT=class-report] [PSEUDONYMISE=1]"; exit 2; }
	$(BIN)/python -m mpcourse.classreport "$$MP_PROGRESS" --out "$$MP_OUT" $(if $(PSEUDONYMISE),--pseudonymise)

# a copy of the course for graded use: make student-repo DEST=dir
## make student-repo DEST=dir  a copy for graded use: no answer keys, hidden tests or instructor notes
student-repo: export MP_DEST = $(value DEST)
student-repo: $(STAMP)
	@test -n "$$MP_DEST" || { echo "usage: make student-repo DEST=dir"; exit 2; }
	$(BIN)/python -m mpcourse.studentrepo -- "$$MP_DEST"

## make clean      remove the environments, node_modules and test artefacts
clean:
	rm -rf $(VENV) .venv-latest node_modules $(LAB_EXTENSION)/node_modules test-artifacts
