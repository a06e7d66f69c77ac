"""What a fork must still set before it is published: ``make publish-check``.

Lists, one line each, every setting that still has the placeholder value this
repository ships with, and every file generated from those settings that is
stale:

- ``[repository] github`` in ``data/course.toml`` (the one place that names the
  repository: badge, Binder links, the guide's commands, ``CITATION.cff`` and
  ``make link`` follow it);
- the authors in ``CITATION.cff`` (the generic "contributors" entity);
- files generated from ``data/course.toml`` that were not regenerated
  (``make navigation``);
- every ``"<FILL-IN: ...>"`` value left in ``deploy/z2jh/config.yaml`` (the
  hub's OAuth client, allowed users, HTTPS host, image registry), and the
  placeholder repository URL there (the students' pull).

Exit status 1 while anything is listed, 0 when nothing is: a gate a
maintainer runs on purpose before announcing a fork (or in their own release
workflow). ``make test`` does not run it, so the tests pass on the
placeholder this repository ships with; they test that the check finds it.

(Maintainer tool: its home after the package split is ``mpcourse.publish_check``.)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from middlepowers.paths import repo_root
from mpcourse.link import is_placeholder, repository

#: The author entry CITATION.cff ships with; a fork names its people.
GENERIC_AUTHOR = "The Middle Powers at Davos contributors"

#: How a value the deployer must set begins in deploy/z2jh/config.yaml.
FILL_IN = "<FILL-IN"
Z2JH_CONFIG = Path("deploy") / "z2jh" / "config.yaml"


def fill_ins(config: Path) -> list[tuple[str, str]]:
    """``(dotted.key, value)`` for every string value in ``config`` still a placeholder.

    That is a value holding ``<FILL-IN`` or a URL of the placeholder repository
    (github.com/OWNER/...).
    """
    import yaml

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{where}[{i}]")
        elif isinstance(node, str) and (FILL_IN in node or (node.startswith("https://") and is_placeholder(node))):
            yield where, node

    return list(walk(yaml.safe_load(config.read_text()) or {}, ""))


def unset(root: Path | None = None) -> list[str]:
    """What is still to set, one sentence each (empty when ready to publish)."""
    from mpcourse import navigation

    root = root or repo_root()
    todo = []
    github = repository(root)["github"]
    if is_placeholder(github):
        todo.append(
            f"data/course.toml: [repository] github is the placeholder {github!r}; set it to your GitHub owner/name"
        )
    citation = root / "CITATION.cff"
    if citation.exists() and re.search(rf"-\s+name:\s*\"?{re.escape(GENERIC_AUTHOR)}\"?", citation.read_text()):
        todo.append(
            f"CITATION.cff: authors is the generic {GENERIC_AUTHOR!r}; "
            "list the people (family-names, given-names, orcid)"
        )
    config = root / Z2JH_CONFIG
    if config.exists():
        for where, value in fill_ins(config):
            todo.append(f"{Z2JH_CONFIG.as_posix()}: {where} is the placeholder {value!r}")
    stale = navigation.stale(root)
    if stale:
        names = ", ".join(sorted(p.relative_to(root).as_posix() for p in stale))
        todo.append(f"stale generated files ({names}): run `make navigation`")
    return todo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mpcourse.publish_check", description="List what a fork must still set before publishing."
    )
    parser.add_argument("--root", type=Path, default=None, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    todo = unset(args.root)
    if not todo:
        print("publish-check: nothing left to set.")
        return 0
    print(f"publish-check: {len(todo)} thing(s) to set before publishing:")
    for line in todo:
        print(f"  - {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
