"""Build the links that put the collection in front of students.

An instructor with a JupyterHub posts one *nbgitpuller link*. A student who
clicks it logs in to the hub, nbgitpuller clones (first click) or merges
(later clicks) the collection into their home folder, and JupyterLab opens on
the start notebook. A re-pull never overwrites the student's edits, and the
quiz progress file is untracked, so it never conflicts.

Command line (``make link HUB=...`` calls this)::

    python -m mpcourse.link --hub https://hub.example.edu
    python -m mpcourse.link --hub https://hub.example.edu \\
        --repo https://github.com/me/my-fork --branch main \\
        --notebook notebooks/01-two-stage-program.ipynb
    python -m mpcourse.link --binder          # the mybinder.org launch link

:data:`GITHUB_REPO` and :data:`BRANCH` are read from ``data/course.toml``
(``[repository]``), the one place that names the public repository; the
default ``--repo`` and the Binder links are built from them. While its owner
is the placeholder ``OWNER``, :func:`main` prints no link: it says what to set and exits 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = [
    "GITHUB_REPO",
    "BRANCH",
    "REPO_URL",
    "PLACEHOLDER_OWNER",
    "repository",
    "is_placeholder",
    "placeholder_warning",
    "placeholder_error",
    "LinkError",
    "normalise_hub_url",
    "target_dir",
    "nbgitpuller_link",
    "binder_link",
    "binder_badge",
    "main",
]

#: The owner in ``data/course.toml`` until the collection is published.
PLACEHOLDER_OWNER = "OWNER"
_DEFAULT = {"github": f"{PLACEHOLDER_OWNER}/middle-powers-at-davos", "branch": "main"}


def repository(root: str | Path | None = None) -> dict[str, str]:
    """``{"github": "owner/name", "branch": ...}`` from ``data/course.toml``'s ``[repository]``.

    Falls back to the placeholder when the collection cannot be found (a
    copy of this module on its own), so links can still be built and warned about.
    """
    from middlepowers.paths import repo_root

    try:
        with open(Path(root or repo_root()) / "data" / "course.toml", "rb") as handle:
            table = tomllib.load(handle).get("repository", {})
    except (OSError, tomllib.TOMLDecodeError):
        table = {}
    return {**_DEFAULT, **{k: str(v) for k, v in table.items() if k in _DEFAULT}}


def is_placeholder(github_repo: str) -> bool:
    """Whether ``owner/name`` (or a GitHub URL) still has the placeholder owner."""
    path = urlsplit(github_repo).path if "://" in github_repo else github_repo
    return path.strip("/").split("/")[0] == PLACEHOLDER_OWNER


def placeholder_warning(github_repo: str) -> str:
    """The one-line warning printed while the repository is the placeholder."""
    return (
        f"warning: the repository is still the placeholder {github_repo!r}: links point nowhere. "
        'Set [repository] github = "you/your-repo" in data/course.toml, then run `make navigation` '
        "(`make publish-check` lists what else to set)."
    )


#: ``owner/name`` of the collection on GitHub (``data/course.toml``).
GITHUB_REPO = repository()["github"]
#: The branch students pull by default.
BRANCH = repository()["branch"]
#: The repository students pull from by default.
REPO_URL = f"https://github.com/{GITHUB_REPO}"
#: The start notebook, relative to the repository root.
START_NOTEBOOK = "notebooks/index.ipynb"

# Path endings people copy from their browser's address bar; the hub's
# base URL is what comes before them.
_HUB_PAGES = {"", "home", "login", "spawn", "token", "admin"}
#: Path parts that belong to a running server, JupyterLab or nbgitpuller, never to a hub's address.
_SERVER_ROUTES = {
    "user-redirect", "git-pull", "lab", "tree", "notebooks", "edit", "view", "files",
    "doc", "terminals", "api", "services", "voila", "static", "rtc",
}  # fmt: skip
#: Characters kept as they are in a URL path (RFC 3986 pchar); everything else is %-encoded.
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"
#: What a scheme looks like: ``javascript:``, ``ftp:``... (a host name followed by a port is not one).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d+(/|$))")
#: A host name: letters, digits, hyphens and dots, or an IPv6 address in brackets.
_HOST = re.compile(r"^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])$")
#: Environment variables ``make link`` passes its arguments through (never through the shell).
ENV = {"hub": "LINK_HUB", "repo": "LINK_REPO", "branch": "LINK_BRANCH", "notebook": "LINK_NOTEBOOK"}


class LinkError(ValueError):
    """An argument that cannot make a working link; the message says why."""


def normalise_hub_url(url: str) -> str:
    """Return the hub's base URL, without a trailing slash.

    Accepts what an instructor is likely to paste: ``https://hub.example.edu``,
    ``https://hub.example.edu/``, ``https://hub.example.edu/hub/home`` or a hub
    under a path prefix (``https://example.edu/jupyter``). Raises
    :class:`LinkError` for anything that is not an ``http(s)`` URL with a host.

    >>> normalise_hub_url("https://hub.example.edu/hub/home")
    'https://hub.example.edu'
    >>> normalise_hub_url("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000'
    """
    text = (url or "").strip()
    if not text:
        raise LinkError("the hub URL is empty; give it like --hub https://hub.example.edu")
    if any(ch.isspace() for ch in text):
        raise LinkError(f"the hub URL {text!r} contains a space")
    scheme = _SCHEME.match(text)
    if scheme and "://" not in text and scheme.group(1).lower() not in ("http", "https"):
        raise LinkError(f"the hub URL must start with https:// or http://, not {scheme.group(1)}:")
    if "://" not in text:
        raise LinkError(
            f"the hub URL {text!r} has no scheme; write it with https:// (for example https://{text.lstrip('/')})"
        )
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port that is not a number
    except ValueError as err:
        raise LinkError(f"the hub URL {text!r} is not a valid URL ({err})") from None
    if parts.scheme not in ("http", "https"):
        raise LinkError(f"the hub URL must start with https:// or http://, not {parts.scheme}://")
    if not parts.hostname:
        raise LinkError(f"the hub URL {text!r} has no host name")
    if parts.query or parts.fragment:
        raise LinkError(f"the hub URL {text!r} has a query or fragment; give only the hub's address")
    if "@" in parts.netloc:
        raise LinkError(f"the hub URL {text!r} holds a user name or password; give only the hub's address")
    if not _HOST.match(parts.hostname) and not _HOST.match(_idna(parts.hostname, text)):
        raise LinkError(f"the hub URL {text!r} has a host name with characters a host name cannot have")
    netloc = _idna(parts.hostname, text) + (f":{port}" if port is not None else "")
    if parts.netloc.startswith("["):
        netloc = parts.netloc
    segments = [s for s in parts.path.split("/") if s]
    # A running server's address (.../user/alice/lab): the link must go through the hub.
    if "user" in segments[:-1]:
        at = segments.index("user")
        prefix = segments[: at - 1] if at and segments[at - 1] == "hub" else segments[:at]
        base = urlunsplit((parts.scheme, netloc, "/".join(["", *prefix]) if prefix else "", "", ""))
        raise LinkError(
            f"the hub URL {text!r} is the address of one user's running server, not of the hub; "
            f"give the hub's address, e.g. --hub {base}"
        )
    # A page of a notebook server or of JupyterLab (.../lab, .../tree/x, .../user-redirect/...):
    # the hub's address is what comes before it (and before a "/hub" in front of it).
    routes = [i for i, s in enumerate(segments) if s in _SERVER_ROUTES]
    if routes:
        prefix = segments[: routes[0]]
        prefix = prefix[:-1] if prefix and prefix[-1] == "hub" else prefix
        base = urlunsplit((parts.scheme, netloc, "/".join(["", *prefix]) if prefix else "", "", ""))
        raise LinkError(
            f"the hub URL {text!r} is the address of a page ({'/'.join(segments[routes[0] :])}), "
            f"not of the hub; give the hub's address, e.g. --hub {base}"
        )
    # Cut a trailing "/hub" or "/hub/<page>" copied from the address bar; anything
    # longer after "/hub" (/hub/spawn/alice) is a page of the hub, not its address.
    if "hub" in segments:
        cut = len(segments) - 1 - segments[::-1].index("hub")
        rest = segments[cut + 1 :]
        if len(rest) > 1 or (rest and rest[0] not in _HUB_PAGES):
            prefix = segments[:cut]
            base = urlunsplit((parts.scheme, netloc, "/".join(["", *prefix]) if prefix else "", "", ""))
            raise LinkError(
                f"the hub URL {text!r} is the address of the hub's page {'/'.join(rest)!r}, not of the hub; "
                f"give the hub's address, e.g. --hub {base}"
            )
        segments = segments[:cut]
    path = "/" + "/".join(quote(segment, safe=_PATH_SAFE) for segment in segments) if segments else ""
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _idna(host: str, text: str) -> str:
    """The ASCII form of a host name, by IDNA 2008 with UTS 46 mapping, as browsers do.

    ``bücher.example`` -> ``xn--bcher-kva.example``; ``straße.de`` -> ``xn--strae-oqa.de``
    (Python's own ``idna`` codec is IDNA 2003, which turns it into ``strasse.de``:
    another domain). Without the ``idna`` package (pinned in both lock files), a
    host that is not ASCII is refused rather than guessed.
    """
    if host.isascii():
        return host
    try:
        import idna
    except ImportError:  # pragma: no cover - idna is in requirements-student.txt
        raise LinkError(f"the hub URL {text!r} has a host name that is not ASCII; give its ASCII (xn--) form") from None
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise LinkError(f"the hub URL {text!r} has a host name that cannot be written in ASCII") from None


def target_dir(repo: str) -> str:
    """Return the folder nbgitpuller clones ``repo`` into (its last path part).

    This mirrors nbgitpuller 1.3 (``repo.rstrip('/').split('/')[-1]``), so a
    ``.git`` suffix stays in the folder name.

    >>> target_dir("https://github.com/OWNER/middle-powers-at-davos")
    'middle-powers-at-davos'
    """
    name = (repo or "").rstrip("/").split("/")[-1]
    if not name or name in (".", ".."):
        raise LinkError(f"cannot tell which folder the repository {repo!r} would be cloned into")
    return name


#: One part of a repository's path (``owner``, ``group``, ``name.git``): what GitHub and GitLab allow.
_REPO_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


def _check_repo(repo: str, *, allow_local: bool = False) -> str:
    """The repository URL, if it is ``https://host/owner/name`` (GitLab groups: more parts).

    A student's server clones it with git, so anything else is refused: another
    scheme (``file://``, ``ssh``, ``git@...``, which a hub cannot clone anonymously or
    which reads the hub's own disk), an option in disguise (``-u://...``), a user name
    or password, a query or fragment. ``allow_local`` lets the test harness use a
    ``file://`` clone it made itself.
    """
    text = (repo or "").strip()
    hint = "give it like https://github.com/owner/name"
    if not text:
        raise LinkError("the repository URL is empty")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise LinkError(f"the repository URL {text!r} contains a space or a control character")
    if allow_local and text.startswith("file:///"):
        return text
    if "://" not in text:
        raise LinkError(f"the repository {text!r} is not an https:// URL; {hint}")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as err:
        raise LinkError(f"the repository URL {text!r} is not a valid URL ({err})") from None
    if parts.scheme != "https" or not text.startswith("https://"):
        raise LinkError(f"the repository URL {text!r} must start with https://; {hint}")
    if "@" in parts.netloc:
        raise LinkError(f"the repository URL {text!r} holds a user name or password; {hint}")
    if parts.query or parts.fragment:
        raise LinkError(f"the repository URL {text!r} has a query or fragment; {hint}")
    if not parts.hostname or not _HOST.match(parts.hostname) or parts.hostname.startswith("-"):
        raise LinkError(f"the repository URL {text!r} has no valid host name; {hint}")
    path = [p for p in parts.path.split("/") if p]
    if len(path) < 2:
        raise LinkError(f"the repository URL {text!r} names no repository; {hint}")
    if parts.path.count("//") or not all(_REPO_PART.match(p) and p not in (".", "..") for p in path):
        raise LinkError(
            f"the repository URL {text!r} has a path that is not owner/name "
            "(letters, digits, '.', '_' and '-', not starting with '.' or '-')"
        )
    return text


def _check_branch(branch: str) -> str:
    """The branch, if git would accept it as one (``git check-ref-format --branch``) and it is no option.

    >>> _check_branch("spring-2026")
    'spring-2026'
    """
    name = (branch or "").strip()
    bad = (
        not name
        or name.startswith("-")
        or name == "@"
        or any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch in " ~^:?*[\\" for ch in name)
        or ".." in name
        or "@{" in name
        or "//" in name
        or name.startswith("/")
        or name.endswith(("/", "."))
        or any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))
    )
    if bad:
        raise LinkError(
            f"the branch {branch!r} is not a branch name git accepts "
            "(no space, ~ ^ : ? * [ \\ or '..', not starting with '-' or '.')"
        )
    return name


def _check_relative(path: str, what: str) -> str:
    text = (path or "").strip().strip("/")
    if not text or ".." in text.split("/"):
        raise LinkError(f"the {what} {path!r} must be a path inside the repository")
    return text


def nbgitpuller_link(
    hub: str,
    repo: str = REPO_URL,
    branch: str = BRANCH,
    notebook: str = START_NOTEBOOK,
    *,
    allow_local: bool = False,
) -> str:
    """Return the nbgitpuller link that opens ``notebook`` in JupyterLab.

    The form is ``<hub>/hub/user-redirect/git-pull?repo=<url-encoded>&branch=<b>
    &urlpath=lab/tree/<clone folder>/<notebook>``. ``repo`` must be an
    ``https://`` repository (``allow_local``: also a ``file:///`` one, for the
    test harness's local hub).

    >>> nbgitpuller_link("https://hub.example.edu", "https://github.com/me/fork")
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fme%2Ffork&branch=main&urlpath=lab/tree/fork/notebooks/index.ipynb'
    """
    base = normalise_hub_url(hub)
    repo = _check_repo(repo, allow_local=allow_local)
    branch = _check_branch(branch)
    notebook = _check_relative(notebook, "notebook")
    urlpath = f"lab/tree/{target_dir(repo)}/{notebook}"
    query = f"repo={quote(repo, safe='')}&branch={quote(branch, safe='')}&urlpath={quote(urlpath, safe='/')}"
    return f"{base}/hub/user-redirect/git-pull?{query}"


def binder_link(notebook: str = START_NOTEBOOK, github_repo: str = GITHUB_REPO, ref: str = "HEAD") -> str:
    """Return the mybinder.org link that opens ``notebook`` in JupyterLab.

    >>> binder_link("notebooks/00-article-to-tidy-data.ipynb", "me/fork")
    'https://mybinder.org/v2/gh/me/fork/HEAD?urlpath=lab/tree/notebooks/00-article-to-tidy-data.ipynb'
    """
    notebook = _check_relative(notebook, "notebook")
    return (
        f"https://mybinder.org/v2/gh/{quote(github_repo, safe='/')}/{quote(ref, safe='')}"
        f"?urlpath={quote(f'lab/tree/{notebook}', safe='/')}"
    )


def binder_badge(notebook: str = START_NOTEBOOK, github_repo: str = GITHUB_REPO) -> str:
    """Return the README's Binder badge (markdown)."""
    return f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({binder_link(notebook, github_repo)})"


def placeholder_error(github_repo: str) -> str:
    """Why no link is printed while the repository is the placeholder (``make link`` exits 2)."""
    return (
        f"no link: the repository is still the placeholder {github_repo!r}, so a link would point nowhere. "
        'Set [repository] github = "you/your-repo" in data/course.toml (then `make navigation`), '
        "or give your fork: make link HUB=... REPO=https://github.com/you/your-repo"
    )


def main(argv: list[str] | None = None) -> int:
    """Print a link; exit status 2 with a one-line message for bad input or the placeholder repository."""
    parser = argparse.ArgumentParser(
        prog="python -m mpcourse.link",
        description="Print the nbgitpuller link for a JupyterHub (or, with --binder, the Binder link).",
    )
    # make link passes its arguments in environment variables (LINK_HUB...): nothing goes through the shell
    env = {key: os.environ.get(name) or None for key, name in ENV.items()}
    parser.add_argument("--hub", default=env["hub"], help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", default=env["repo"] or REPO_URL, help=f"repository to pull (default {REPO_URL})")
    parser.add_argument("--branch", default=env["branch"] or BRANCH, help=f"branch to pull (default {BRANCH})")
    parser.add_argument(
        "--notebook", default=env["notebook"] or START_NOTEBOOK, help=f"notebook to open (default {START_NOTEBOOK})"
    )
    parser.add_argument("--binder", action="store_true", help="print the mybinder.org link instead")
    args = parser.parse_args(argv)
    try:
        if args.binder:
            if is_placeholder(GITHUB_REPO):
                raise LinkError(placeholder_error(GITHUB_REPO))
            print(binder_link(args.notebook))
            return 0
        if not args.hub:
            parser.error("give the hub's address: --hub https://hub.example.edu (or use --binder)")
        link = nbgitpuller_link(args.hub, args.repo, args.branch, args.notebook)
        if is_placeholder(args.repo):
            raise LinkError(placeholder_error(args.repo))
        print(link)
    except LinkError as err:
        print(f"mpcourse.link: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through main()
    sys.exit(main())
