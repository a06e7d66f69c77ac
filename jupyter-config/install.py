"""Install the project's Jupyter configuration into the running Python's environment.

``make lab`` and Binder's ``postBuild`` both run ``python jupyter-config/install.py``
after installing the packages, so a student on a laptop and one on Binder get
the same JupyterLab. It copies (see README.md next to this file):

* ``jupyter_server_config.json``, merged key by key into
  ``<prefix>/etc/jupyter/jupyter_server_config.json`` (other keys kept): the
  server may run as root (containers, lab PCs), and never fetches news or
  checks for updates. (Not a ``jupyter_server_config.d/`` file: the server reads
  only extension switches from there, not options such as ``allow_root``.)
* ``overrides.d/middlepowers.json`` to
  ``<prefix>/share/jupyter/lab/settings/overrides.d/``: JupyterLab's defaults for
  the same two settings, so no "Jupyter news?" toast covers the page; and
  ``autoStartDefaultKernel``: Run All pressed while a notebook is still
  loading otherwise raises a "Select Kernel" dialog (JupyterLab asks when the
  notebook's kernel name is not yet read and no default may be started) and
  the lesson is left without its widgets. The environment has one kernel,
  ``python3``, the one every notebook names. And Markdown files (the
  glossary, the guide) open rendered, not as source. ipywidgets' ``saveState``
  stays off: no widget state is written into a notebook.

* ``lab-extension/dist/middlepowers-lab/`` to
  ``<prefix>/share/jupyter/labextensions/middlepowers-lab/``: a prebuilt
  JupyterLab extension (source ``lab-extension/index.js``, rebuilt by ``make
  lab-extension``). A cell run while its notebook's kernel is still starting
  waits for it: JupyterLab otherwise skips the cell silently, so Run All
  pressed as a lesson appears gave no outputs (jupyterlab/jupyterlab#8490).
  And each set of radio buttons is a named radio group (role, its "Answer:"
  label, arrow keys), which ipywidgets 8.1 does not give. A lesson
  (``notebooks/``) that was only run is not autosaved: running and answering
  are not edits, so the file stays the course's; and a saved widget output
  whose model is gone shows its text preview, not "model not found".

``<prefix>`` is ``sys.prefix`` (the venv, or Binder's ``${NB_PYTHON_PREFIX}``).
A user's own ``~/.jupyter`` config and ``overrides.json`` still win.
Standard library only; idempotent.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: source (relative to this folder) -> destination (relative to the prefix)
SERVER = ("jupyter_server_config.json", "etc/jupyter/jupyter_server_config.json")
LAB = ("overrides.d/middlepowers.json", "share/jupyter/lab/settings/overrides.d/middlepowers.json")
EXTENSION = ("lab-extension/dist/middlepowers-lab", "share/jupyter/labextensions/middlepowers-lab")


def merge(base: dict, ours: dict) -> dict:
    """``base`` updated with ``ours``, section by section (``{"ServerApp": {...}}``)."""
    merged = dict(base)
    for section, values in ours.items():
        merged[section] = {**merged.get(section, {}), **values}
    return merged


def install(prefix: str | Path = sys.prefix) -> list[Path]:
    """Install the two files and the lab extension under ``prefix``; return the written paths."""
    server = Path(prefix) / SERVER[1]
    server.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(server.read_text(encoding="utf-8")) if server.exists() else {}
    ours = json.loads((HERE / SERVER[0]).read_text(encoding="utf-8"))
    server.write_text(json.dumps(merge(existing, ours), indent=2) + "\n", encoding="utf-8")
    lab = Path(prefix) / LAB[1]
    lab.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / LAB[0], lab)
    extension = Path(prefix) / EXTENSION[1]
    if extension.is_symlink():  # left by `jupyter labextension develop`
        extension.unlink()
    elif extension.exists():  # a rebuilt extension has new file names: no stale chunks left behind
        shutil.rmtree(extension)
    shutil.copytree(HERE / EXTENSION[0], extension)
    return [server, lab, extension]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    prefix = args[0] if args else sys.prefix
    try:
        for path in install(prefix):
            print(f"installed {path}")
    except OSError as exc:
        print(f"jupyter-config: cannot install into {prefix}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
