"""Install the project's Jupyter configuration into the running Python's environment.

``make lab`` and Binder's ``postBuild`` both run ``python jupyter-config/install.py``
after installing the packages, so a student on a laptop and one on Binder get
the same JupyterLab. It copies (see README.md next to this file):

* ``jupyter_server_config.d/middlepowers.json`` to
  ``<prefix>/etc/jupyter/jupyter_server_config.d/``: the server may run as root
  (containers, lab PCs), and never fetches news or checks for updates;
* ``overrides.d/middlepowers.json`` to
  ``<prefix>/share/jupyter/lab/settings/overrides.d/``: JupyterLab's defaults for
  the same two settings, so no "Jupyter news?" toast covers the page.

``<prefix>`` is ``sys.prefix`` (the venv, or Binder's ``${NB_PYTHON_PREFIX}``).
Both are the namespaced ``.d`` locations: a user's own overrides.json and
jupyter_server_config.py still win. Standard library only; idempotent.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: source (relative to this folder) -> destination (relative to the prefix)
FILES = {
    "jupyter_server_config.d/middlepowers.json": "etc/jupyter/jupyter_server_config.d/middlepowers.json",
    "overrides.d/middlepowers.json": "share/jupyter/lab/settings/overrides.d/middlepowers.json",
}


def install(prefix: str | Path = sys.prefix) -> list[Path]:
    """Copy every file of :data:`FILES` under ``prefix``; return the written paths."""
    written = []
    for source, target in FILES.items():
        dest = Path(prefix) / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HERE / source, dest)
        written.append(dest)
    return written


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
