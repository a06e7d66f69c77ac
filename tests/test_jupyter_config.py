"""The project's Jupyter configuration (jupyter-config/), installed by `make lab` and Binder's postBuild."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from middlepowers.paths import repo_root

ROOT = repo_root(Path(__file__).parent)
INSTALL = ROOT / "jupyter-config" / "install.py"


def _install(prefix: Path) -> None:
    done = subprocess.run([sys.executable, str(INSTALL), str(prefix)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_install_writes_server_config_and_lab_overrides(tmp_path):
    server = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    server.parent.mkdir(parents=True)
    server.write_text(json.dumps({"ServerApp": {"ip": "0.0.0.0"}, "Other": {"x": 1}}))
    _install(tmp_path)
    _install(tmp_path)  # idempotent
    config = json.loads(server.read_text())
    assert config["ServerApp"] == {"ip": "0.0.0.0", "allow_root": True}, "existing keys are kept"
    assert config["Other"] == {"x": 1}
    assert config["LabApp"]["news_url"] is None
    assert config["LabApp"]["check_for_updates_class"] == "jupyterlab.NeverCheckForUpdate"
    overrides = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.d/middlepowers.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    assert overrides["@jupyterlab/notebook-extension:tracker"]["autoStartDefaultKernel"] is True
    # widget state is never written into a notebook (the lab extension keeps run lessons clean), and
    # autosave stays on: a worksheet is the student's work
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": False}
    assert overrides["@jupyterlab/docmanager-extension:plugin"].get("autosave", True) is True


def test_install_puts_the_lab_extension_where_jupyterlab_finds_it(tmp_path):
    installed = tmp_path / "share/jupyter/labextensions/middlepowers-lab"
    installed.mkdir(parents=True)
    (installed / "static").mkdir()
    (installed / "static" / "remoteEntry.old.js").write_text("stale")
    _install(tmp_path)
    built = ROOT / "jupyter-config/lab-extension/dist/middlepowers-lab"
    assert sorted(p.relative_to(installed) for p in installed.rglob("*")) == sorted(
        p.relative_to(built) for p in built.rglob("*")
    ), "an older build's files are left behind, or files are missing"
    package = json.loads((installed / "package.json").read_text())
    assert (installed / package["jupyterlab"]["_build"]["load"]).is_file()


def test_install_replaces_a_development_link_to_the_extension(tmp_path):
    """`jupyter labextension develop` leaves a link there; the install replaces it, not the folder it points to."""
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("a developer's file")
    installed = tmp_path / "share/jupyter/labextensions/middlepowers-lab"
    installed.parent.mkdir(parents=True)
    installed.symlink_to(target)
    _install(tmp_path)
    assert not installed.is_symlink() and (installed / "package.json").is_file()
    assert (target / "keep.txt").read_text() == "a developer's file"


def test_the_server_reads_it(tmp_path):
    # What `jupyter lab` will run with, read the way jupyter_server reads it.
    _install(tmp_path)
    from traitlets.config.loader import JSONFileConfigLoader

    config = JSONFileConfigLoader("jupyter_server_config.json", path=str(tmp_path / "etc" / "jupyter")).load_config()
    assert config.ServerApp.allow_root is True


def test_make_lab_and_post_build_install_it_and_open_the_start_notebook():
    makefile = (ROOT / "Makefile").read_text()
    assert "$(BIN)/python jupyter-config/install.py" in makefile
    assert "jupyter lab --LabApp.default_url=/lab/tree/$(START)" in makefile
    assert "START := notebooks/index.ipynb" in makefile
    assert "python jupyter-config/install.py" in (ROOT / "postBuild").read_text()


def test_every_notebook_names_the_installed_kernel():
    for nb in sorted(ROOT.glob("*/*.ipynb")):
        if nb.parts[-2] in ("notebooks", "solutions", "exercises"):
            spec = json.loads(nb.read_text())["metadata"]["kernelspec"]
            assert spec["name"] == "python3", nb
