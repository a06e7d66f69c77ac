"""Fixtures for the classroom test: a real JupyterHub on loopback.

* ``source_repo`` (module): a git repository built from the *current working
  tree* (tracked files plus untracked files git does not ignore, committed on
  ``main``), standing in for the instructor's GitHub repository. The
  checkout's own git state is only read.
* ``hub`` (module): JupyterHub from ``.venv`` with configurable-http-proxy from
  ``node_modules`` (``npm ci``), config ``tools/mpharness/jupyterhub_config.py``,
  DummyAuthenticator, SimpleLocalProcessSpawner with homes in a temporary
  folder. Stopped at the end, pass or fail, with every process it started;
  the hub also gets SIGTERM if the test process dies (PR_SET_PDEATHSIG).

``test_classroom.py`` is marked ``hub`` (``-m hub`` runs it alone, ``-m "not
hub"`` skips it); under ``pytest -n 2 --dist loadfile`` one worker owns the
whole file, so the module-scoped hub is started once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from middlepowers.paths import repo_root
from mpharness.hub import HubError, LocalHub, make_source_repo

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def root() -> Path:
    return repo_root(HERE)


@pytest.fixture(scope="module")
def source_repo(root, tmp_path_factory) -> Path:
    return make_source_repo(root, tmp_path_factory.mktemp("instructor"))


@pytest.fixture(scope="module")
def hub(root, tmp_path_factory, request):
    failed_before = request.session.testsfailed
    local = LocalHub(tmp_path_factory.mktemp("hub"), root)
    try:
        local.start()
    except HubError as err:
        local.stop()
        pytest.fail(str(err), pytrace=False)
    try:
        yield local
    finally:
        local.stop()
        if request.session.testsfailed > failed_before:
            print(f"--- last lines of {local.workdir / 'jupyterhub.log'} ---\n{local.log_tail(30)}")
