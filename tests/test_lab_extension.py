"""The prebuilt JupyterLab extension (jupyter-config/lab-extension/) is what its source builds.

Students get ``dist/`` as committed (``make lab`` and Binder install no Node
tools); ``make lab-extension`` rebuilds it from ``index.js``. This test builds
the source again, with the builder from the lock (``package-lock.json`` there,
installed by ``make test``), and fails when ``dist/`` is stale.

The builder names one file after the folder it builds in: the container
(``remoteEntry.<hash>.js``, named in ``package.json`` under ``_build.load``)
carries module ids made from the build folder's path. The code itself is in the
other chunks, named by their content hash; those must be identical.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from middlepowers.paths import repo_root

SOURCE = repo_root(Path(__file__).parent) / "jupyter-config" / "lab-extension"
DIST = SOURCE / "dist" / "middlepowers-lab"
BUILDER = Path(sys.executable).parent / "jupyter-builder"


def _files(dist: Path) -> dict[str, bytes]:
    """Every built file by path, without the container, whose name and ids follow the build folder."""
    return {
        p.relative_to(dist).as_posix(): p.read_bytes()
        for p in sorted(dist.rglob("*"))
        if p.is_file() and not p.name.startswith("remoteEntry.") and p.name != "package.json"
    }


def _package(dist: Path) -> dict:
    package = json.loads((dist / "package.json").read_text(encoding="utf-8"))
    load = package["jupyterlab"]["_build"].pop("load")
    assert (dist / load).is_file(), f"package.json loads {load}, which is not there"
    return package


def test_dist_is_what_the_source_builds(tmp_path):
    modules = SOURCE / "node_modules"
    assert (modules / "@jupyter" / "builder").is_dir(), (
        "the builder is not installed: `make test` installs it (npm ci --prefix jupyter-config/lab-extension)"
    )
    build = tmp_path / "lab-extension"
    build.mkdir()
    for name in ("index.js", "package.json", "package-lock.json"):
        shutil.copy2(SOURCE / name, build / name)
    (build / "node_modules").symlink_to(modules)
    done = subprocess.run([str(BUILDER), "build", str(build)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rebuilt = build / "dist" / "middlepowers-lab"
    assert _files(rebuilt) == _files(DIST), "dist/ is stale: run `make lab-extension` and commit dist/"
    assert _package(rebuilt) == _package(DIST), "dist/package.json is stale: run `make lab-extension`"


def test_the_plugins_are_in_the_build():
    code = "".join(p.read_text(encoding="utf-8") for p in DIST.glob("static/*.js"))
    for plugin in (
        "middlepowers-lab:kernel-wait",
        "middlepowers-lab:radio-groups",
        "middlepowers-lab:clean-lessons",
        "middlepowers-lab:widget-fallback",
    ):
        assert plugin in code, plugin
    package = json.loads((SOURCE / "package.json").read_text(encoding="utf-8"))
    # JupyterLab's own CodeCell, shared, not a second copy bundled in: the wrapper must replace the one Lab calls
    assert package["jupyterlab"]["sharedPackages"]["@jupyterlab/cells"] == {"bundled": False, "singleton": True}
