# Middle Powers at Davos -- the two quick-start commands are `make lab` and `make test`.
SHELL := /bin/bash
# Arguments given on the command line (make link HUB=..., make class-report PROGRESS=...) are kept
# exactly as typed: make would otherwise expand them ($(shell ...) runs) when it exports them to a
# recipe's environment. Each becomes a simple variable holding its literal text, still exported, so
# `make link 'HUB=$$(shell touch x)'` passes that text to Python and runs nothing. Recipes pass
# them on as quoted environment variables ("$$MP_..."), never spliced into a shell command line.
$(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(eval override $(v) := $$(value $(v)))$(eval export $(v))))
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

# Every step that can take more than 30 s says first what it does and how much it installs ("==> ...").
# Sizes measured on a fresh clone (Linux, Python 3.11; bench-results.json "install", make bench):
# pip downloads only what its cache lacks, so a second clone on the same machine downloads little.
SAY := @printf '==> %s\n'
STUDENT_SIZE := $(shell grep -c '==' requirements-student.txt 2>/dev/null) packages, about 400 MB in .venv
FULL_SIZE := $(shell grep -c '^[A-Za-z0-9].*==' requirements.txt 2>/dev/null) packages in all, about 600 MB more in .venv (1 GB in all)
SITE_SIZE := $(shell grep -c '==' requirements-site.txt 2>/dev/null) packages, about 60 MB more in .venv
NODE_SIZE := about 300 npm packages (configurable-http-proxy, axe-core, MathJax; the lab extension's build tools), about 220 MB into node_modules
MATHJAX_SIZE := 1 npm package: a 6 MB download, 24 MB in tools/site/node_modules
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
	$(SAY) "installing the student set (requirements-student.txt: $(STUDENT_SIZE); from PyPI; about 20 s with a warm pip cache)"
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
	$(SAY) "installing the maintainer set (requirements.txt: $(FULL_SIZE)) and tools/; from PyPI; about a minute with a warm pip cache"
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
	$(SAY) "starting JupyterLab on $(START) (Ctrl+C stops it)"
	$(BIN)/jupyter lab --LabApp.default_url=/lab/tree/$(START)

# configurable-http-proxy (npm) for the JupyterHub test; the lab extension's
# builder, for the test that its prebuilt dist/ is what index.js builds
$(NODE_STAMP): package.json package-lock.json $(LAB_EXTENSION)/package.json $(LAB_EXTENSION)/package-lock.json
	$(SAY) "npm ci, twice (the hub test's proxy and axe-core; the lab extension's builder): $(NODE_SIZE), from npm"
	npm ci --no-audit --no-fund --loglevel=error
	npm ci --no-audit --no-fund --loglevel=error --prefix $(LAB_EXTENSION)
	touch $(NODE_STAMP)

# The prebuilt JupyterLab extension (jupyter-config/lab-extension/): rebuild dist/
# after changing index.js; jupyter-config/install.py installs it. Built in
# build/lab-extension, so a failed build leaves the committed dist/ as it was.
LAB_BUILD := build/lab-extension
## make lab-extension  rebuild the prebuilt JupyterLab extension (jupyter-config/lab-extension/)
lab-extension: $(STUDENT_PACKAGES) $(NODE_STAMP)
	$(SAY) "building the lab extension in $(LAB_BUILD) (jupyter-builder, about a minute)"
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
	$(SAY) "the whole suite on 2 workers: unit tests, every notebook (nbval), browser, hub and site tests (many minutes; pytest shows its progress)"
	$(PYTEST)

## make test-fast  unit and property tests (no notebook, browser, hub, nbgrader or site): before each commit
test-fast: $(STAMP) lint
	$(SAY) "the fast tier: unit and property tests (about a minute)"
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
	$(SAY) "re-executing every notebook in notebooks/ and solutions/, then navigation, worksheets, the French notebooks (notebooks/fr/, from their catalogues) and figures (several minutes)"
	$(EXEC_ENV) $(NBEXEC) notebooks/*.ipynb $(wildcard solutions/*.ipynb)
	$(BIN)/python -m mpcourse.navigation
	$(BIN)/python -m mpcourse.worksheets solutions exercises
	$(BIN)/python -m mpcourse.translate build
	$(EXEC_ENV) $(NBEXEC) $(wildcard notebooks/fr/*.ipynb)
	$(MAKE) figures

# Charts drawn by the lessons, cached as PNG (middlepowers.figures.chart):
# run after changing a plotting module, figures.py, matplotlib or a charted table.
## make figures    refresh the chart cache (src/middlepowers/data/figures/)
figures: $(STAMP)
	$(SAY) "redrawing the lessons' charts into src/middlepowers/data/figures/ (under a minute)"
	$(BIN)/python -m mpcourse.figurecache

## make navigation regenerate the course map and notebook navigation
navigation: $(STAMP)
	$(BIN)/python -m mpcourse.navigation

## make exercises  regenerate exercises/ from solutions/
exercises: $(STAMP)
	$(BIN)/python -m mpcourse.worksheets solutions exercises

## make lock       re-pin requirements.txt from requirements.in
lock:
	$(SAY) "re-pinning requirements.txt: installs uv (about 40 MB) into $(PYTHON)'s packages and asks PyPI for every package's newest versions"
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile --python-version 3.11 requirements.in -o requirements.txt
	PYTHONPATH=tools $(PYTHON) -m mpcourse.lock

# The suite benchmark's baseline: the last revision before the test tiers (make bench BENCH_OLD=rev for another).
BENCH_OLD ?= 187e44f
## make bench      time every notebook against a floor notebook; make lab's install; the suite itself (old and new)
bench: export MP_BENCH_OLD = $(value BENCH_OLD)
bench: $(STAMP) $(NODE_STAMP) browser
	$(SAY) "every benchmark: notebooks, JupyterLab, a local hub, make lab's install (in temporary clones), the site, the suite old and new (a long run: each reports as it ends)"
	$(BIN)/python -m mpharness.bench
	$(BIN)/python -m mpharness.bench_browser
	$(BIN)/python -m mpharness.bench_hub
	$(BIN)/python -m mpharness.bench_install
	$(BIN)/python -m mpharness.bench_site
	$(BIN)/python -m mpharness.bench_suite --old "$$MP_BENCH_OLD"
	$(MAKE) bench-class STUDENTS=3

# A class arriving within a minute on a real local JupyterHub (loopback only):
# make bench-class STUDENTS=40  (several sizes: STUDENTS="10 20 40")
STUDENTS ?= 10
# (the sizes are split into words by the shell, unexpanded: no $ or ` in them is run)
## make bench-class STUDENTS=40  a class of N students on a local JupyterHub (load test)
bench-class: export MP_STUDENTS = $(value STUDENTS)
bench-class: $(STAMP) $(NODE_STAMP)
	$(SAY) "a class of $$MP_STUDENTS students on a local JupyterHub (loopback only; several minutes per size)"
	$(BIN)/python -m mpharness.classload --students $$MP_STUDENTS

# the course website from the committed notebooks (nothing executed). Its own small install:
# the student set, the builder (requirements-site.txt: Sphinx, myst-nb, the theme) and
# MathJax, its one npm package (tools/site); not the maintainer set, not the lab extension's tools.
# The first run downloads them; later builds download nothing.
SITE_STAMP := $(VENV)/.installed-site
$(SITE_STAMP): $(STUDENT_PACKAGES) requirements-site.txt
	$(SAY) "installing the website's builder (requirements-site.txt: $(SITE_SIZE); from PyPI)"
	$(BIN)/python -m pip install --quiet $(STUDENT_COMPILE) -r requirements-site.txt
	touch $(SITE_STAMP)

SITE_NPM := tools/site
MATHJAX_STAMP := $(SITE_NPM)/node_modules/.installed
$(MATHJAX_STAMP): $(SITE_NPM)/package.json $(SITE_NPM)/package-lock.json
	$(SAY) "npm ci in $(SITE_NPM): MathJax 3 only ($(MATHJAX_SIZE))"
	npm ci --no-audit --no-fund --loglevel=error --prefix $(SITE_NPM)
	touch $(MATHJAX_STAMP)

## make site       the course website in build/site (offline; INSTRUCTOR=1 adds the answer keys)
site: $(SITE_STAMP) $(MATHJAX_STAMP)
	$(SAY) "building the website into build/site from the committed notebooks (nothing executed; about 30 s)"
	PYTHONPATH=tools $(BIN)/python -m mpcourse.site $(if $(value INSTRUCTOR),--instructor)

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
	$(SAY) "the notebook suite on the newest releases, in .venv-latest (tools/test-latest.sh says what it installs)"
	bash tools/test-latest.sh

# which checks the class missed: make class-report PROGRESS=dir (students' progress files)
# Paths reach the shell quoted and unexpanded, as with `make link`.
## make class-report PROGRESS=dir [OUT=class-report] [PSEUDONYMISE=1]  the class's checks, from progress files
class-report: export MP_PROGRESS = $(value PROGRESS)
class-report: export MP_OUT = $(or $(value OUT),class-report)
class-report: $(STAMP)
	@test -n "$$MP_PROGRESS" || { echo "usage: make class-report PROGRESS=dir [OUT=class-report] [PSEUDONYMISE=1]"; exit 2; }
	$(SAY) "the class report: reading the progress files under $$MP_PROGRESS, writing $$MP_OUT/"
	$(BIN)/python -m mpcourse.classreport "$$MP_PROGRESS" --out "$$MP_OUT" $(if $(value PSEUDONYMISE),--pseudonymise)

# a copy of the course for graded use: make student-repo DEST=dir
## make student-repo DEST=dir  a copy for graded use: no answer keys, hidden tests or instructor notes
student-repo: export MP_DEST = $(value DEST)
student-repo: $(STAMP)
	@test -n "$$MP_DEST" || { echo "usage: make student-repo DEST=dir"; exit 2; }
	$(SAY) "copying the course for graded use into $$MP_DEST (no answer keys, hidden tests or instructor notes)"
	$(BIN)/python -m mpcourse.studentrepo -- "$$MP_DEST"

## make clean      remove the environments, node_modules and test artefacts
clean:
	rm -rf $(VENV) .venv-latest node_modules $(LAB_EXTENSION)/node_modules $(SITE_NPM)/node_modules test-artifacts
