"""The nbgitpuller and Binder links an instructor posts (mpcourse.link)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from mpcourse import link
from mpcourse.link import LinkError, binder_link, nbgitpuller_link, normalise_hub_url, target_dir


def test_default_link_opens_the_start_notebook_in_lab():
    url = nbgitpuller_link("https://hub.example.edu")
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "hub.example.edu"
    assert parts.path == "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query)
    assert query == {
        "repo": [link.REPO_URL],
        "branch": ["main"],
        "urlpath": [f"lab/tree/{target_dir(link.REPO_URL)}/notebooks/index.ipynb"],
    }
    assert "repo=https%3A%2F%2Fgithub.com%2F" in url  # the repository URL is encoded


def test_link_for_a_fork_a_branch_and_a_lesson():
    url = nbgitpuller_link(
        "https://example.edu/jupyter/",
        "https://gitlab.com/me/davos-fork/",
        "spring-2026",
        "notebooks/02b-measuring-both-sides.ipynb",
    )
    assert url.startswith("https://example.edu/jupyter/hub/user-redirect/git-pull?")
    query = parse_qs(urlsplit(url).query)
    assert query["branch"] == ["spring-2026"]
    assert query["urlpath"] == ["lab/tree/davos-fork/notebooks/02b-measuring-both-sides.ipynb"]


@pytest.mark.parametrize(
    "pasted, base",
    [
        ("https://hub.example.edu", "https://hub.example.edu"),
        ("https://hub.example.edu/", "https://hub.example.edu"),
        ("https://hub.example.edu/hub/home", "https://hub.example.edu"),
        ("https://hub.example.edu/hub/login/", "https://hub.example.edu"),
        (" http://127.0.0.1:8000/hub ", "http://127.0.0.1:8000"),
        ("https://example.edu/jupyter/hub/spawn", "https://example.edu/jupyter"),
        ("https://example.edu/github-hub/", "https://example.edu/github-hub"),
    ],
)
def test_hub_url_as_pasted_from_the_address_bar(pasted, base):
    assert normalise_hub_url(pasted) == base


@pytest.mark.parametrize(
    "bad, says",
    [
        ("", "empty"),
        ("hub.example.edu", "no scheme"),
        ("ftp://hub.example.edu", "https://"),
        ("https://", "no host"),
        ("https://hub.example.edu:port", "not a valid URL"),
        ("https://hub example.edu", "space"),
        ("https://hub.example.edu/?next=/x", "query"),
    ],
)
def test_bad_hub_url_gets_a_clear_message(bad, says):
    with pytest.raises(LinkError, match=says):
        normalise_hub_url(bad)


def test_target_dir_follows_nbgitpuller():
    assert target_dir("https://github.com/o/middle-powers-at-davos/") == "middle-powers-at-davos"
    assert target_dir("file:///tmp/x/repo.git") == "repo.git"  # nbgitpuller keeps .git
    with pytest.raises(LinkError):
        target_dir("")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"repo": "not a url"},
        {"repo": "my-fork"},
        {"repo": "https://github.com/"},
        {"branch": ""},
        {"notebook": "../secret.ipynb"},
    ],
)
def test_bad_link_arguments(kwargs):
    with pytest.raises(LinkError):
        nbgitpuller_link("https://hub.example.edu", **kwargs)


def test_binder_link_and_badge():
    assert binder_link() == (
        f"https://mybinder.org/v2/gh/{link.GITHUB_REPO}/HEAD?urlpath=lab/tree/notebooks/index.ipynb"
    )
    assert link.binder_badge().startswith("[![Launch on Binder](https://mybinder.org/badge_logo.svg)](")


#: A published fork: the command line refuses the repository's placeholder (issue 27).
FORK = "https://github.com/me/middle-powers-at-davos"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "mpcourse.link", *args], capture_output=True, text=True, timeout=60)


def test_command_line_prints_the_link():
    done = _cli(
        "--hub",
        "https://hub.example.edu/hub/home",
        "--repo",
        FORK,
        "--notebook",
        "notebooks/01-two-stage-program.ipynb",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == nbgitpuller_link(
        "https://hub.example.edu", FORK, notebook="notebooks/01-two-stage-program.ipynb"
    )


@pytest.mark.parametrize("args", [(), ("--repo", "https://github.com/OWNER/middle-powers-at-davos")])
def test_command_line_refuses_the_placeholder_repository(args, monkeypatch, capsys):
    """No link to the placeholder OWNER: exit 2 and a message saying what to set, nothing on stdout."""
    monkeypatch.setattr(link, "REPO_URL", "https://github.com/OWNER/middle-powers-at-davos")
    assert link.main(["--hub", "https://hub.example.edu", *args]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "placeholder" in out.err and "data/course.toml" in out.err


def test_make_link_refuses_the_placeholder_repository(tmp_path):
    """`make link` with the placeholder exits non-zero (it printed a link to OWNER and exited 0)."""
    from middlepowers.paths import repo_root

    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "STAMP=", "STUDENT_STAMP=", f"BIN={Path(sys.executable).parent}"]
        + ["link", "HUB=https://hub.example.edu", "REPO=https://github.com/OWNER/middle-powers-at-davos"],
        cwd=repo_root(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and done.stdout == ""
    assert "placeholder" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("--hub", "hub.example.edu"), ("--hub", "https://x:y"), ()])
def test_command_line_bad_input_is_one_message_not_a_traceback(args):
    done = _cli(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip()
    assert done.stdout == ""


def test_doctests():
    import doctest

    assert doctest.testmod(link).failed == 0


def test_readme_binder_links_follow_the_one_repository_constant():
    """Every mybinder.org link in the README uses GITHUB_REPO and opens a notebook that exists."""
    import re

    from middlepowers.paths import repo_root

    root = repo_root()
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert link.binder_badge() in readme, "README.md should carry the badge from mpcourse.link.binder_badge()"
    for url in re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"']+", readme):
        assert url.startswith(f"https://mybinder.org/v2/gh/{link.GITHUB_REPO}/"), url
        notebook = parse_qs(urlsplit(url).query)["urlpath"][0].removeprefix("lab/tree/")
        assert (root / notebook).is_file(), f"{url} opens {notebook}, which does not exist"


# --- hostile or mistaken input (issue 16) --------------------------------------------


@pytest.mark.parametrize(
    "bad, says",
    [
        (
            "https://hub.example.edu/user/alice/lab",
            "running server, not of the hub; give the hub's address, e.g. --hub https://hub.example.edu",
        ),
        ("https://example.edu/jupyter/hub/user/alice/tree", "e.g. --hub https://example.edu/jupyter"),
        ("javascript:alert(1)", "must start with https:// or http://, not javascript:"),
        ("JavaScript:alert(document.cookie)//https://x", "not javascript:"),
        ("https://alice:secret@hub.example.edu", "user name or password"),
        ("https://hub<x>.example.edu", "host name"),
    ],
)
def test_hostile_hub_urls_are_refused_with_a_hint(bad, says):
    with pytest.raises(LinkError) as info:
        normalise_hub_url(bad)
    assert says in str(info.value) and "https://javascript" not in str(info.value)


@pytest.mark.parametrize(
    "raw, encoded",
    [
        ("<", "%3C"),
        ('"', "%22"),
        ("\u202e", "%E2%80%AE"),
        ("\x00", "%00"),
        ("\n", None),
    ],
)
def test_hub_path_characters_are_encoded(raw, encoded):
    url = f"https://example.edu/pre{raw}fix"
    if encoded is None:  # whitespace is refused outright
        with pytest.raises(LinkError):
            normalise_hub_url(url)
        return
    base = normalise_hub_url(url)
    assert base == f"https://example.edu/pre{encoded}fix" and raw not in nbgitpuller_link(url)


@pytest.mark.parametrize(
    "notebook, encoded",
    [
        ("notebooks/my notebook.ipynb", "lab/tree/notebooks/my%20notebook.ipynb"),
        ("notebooks/week#2.ipynb", "lab/tree/notebooks/week%232.ipynb"),
        ("notebooks/a&b?.ipynb", "lab/tree/notebooks/a%26b%3F.ipynb"),
    ],
)
def test_binder_link_encodes_the_notebook_path(notebook, encoded):
    url = binder_link(notebook)
    assert url.endswith(f"?urlpath={encoded}")
    assert parse_qs(urlsplit(url).query)["urlpath"] == [f"lab/tree/{notebook}"]
    assert urlsplit(url).fragment == ""


@pytest.mark.parametrize(
    "hub", ['https://example.edu/a$HOME"b', "https://example.edu/it's", "https://example.edu/`id`"]
)
def test_make_link_passes_odd_characters_without_the_shell(hub):
    """make link HUB=... reaches Python unchanged: a $ or " cannot break or inject into the recipe."""
    from middlepowers.paths import repo_root

    # the install stamps are emptied so that make runs only the link recipe (no install step)
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "STAMP=", "STUDENT_STAMP=", f"BIN={Path(sys.executable).parent}"]
        + ["link", f"HUB={hub}", f"REPO={FORK}"],
        cwd=repo_root(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == nbgitpuller_link(hub, FORK)


# --- command lines (issue 26, part 5) --------------------------------------------------


@pytest.mark.parametrize(
    "host, ascii_host",
    [
        ("straße.de", "xn--strae-oqa.de"),  # IDNA 2003 made this strasse.de, another domain
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),  # UTS 46 maps case, as browsers do
        ("faß.de", "xn--fa-hia.de"),
    ],
)
def test_hub_host_names_follow_idna_2008(host, ascii_host):
    assert normalise_hub_url(f"https://{host}/jupyter") == f"https://{ascii_host}/jupyter"


def test_a_host_name_idna_2008_forbids_is_refused():
    with pytest.raises(LinkError, match="host name"):
        normalise_hub_url("https://a\u2488b.example")  # ⒈ is disallowed by IDNA 2008


@pytest.mark.parametrize(
    "pasted, base",
    [
        ("https://hub.example.edu/hub/spawn/alice", "https://hub.example.edu"),
        ("https://hub.example.edu/hub/spawn-pending/alice", "https://hub.example.edu"),
        ("https://example.edu/jupyter/hub/user-redirect/lab/tree/x.ipynb", "https://example.edu/jupyter"),
        ("https://hub.example.edu/user-redirect/git-pull", "https://hub.example.edu"),
        ("https://hub.example.edu/lab", "https://hub.example.edu"),
        ("https://hub.example.edu/lab/tree/notebooks/index.ipynb", "https://hub.example.edu"),
        ("https://example.edu/jupyter/tree", "https://example.edu/jupyter"),
        ("https://hub.example.edu/hub/home/extra", "https://hub.example.edu"),
    ],
)
def test_pages_that_are_not_the_hub_are_refused_with_its_address(pasted, base):
    """/hub/spawn/alice, /hub/user-redirect/..., /lab gave broken links; now: the hub's address as the hint."""
    with pytest.raises(LinkError) as info:
        normalise_hub_url(pasted)
    assert str(info.value).endswith(f"e.g. --hub {base}"), info.value
    assert "not of the hub" in str(info.value)


@pytest.mark.parametrize(
    "repo",
    [
        "file:///etc",
        "file:///tmp/x/repo.git",
        "-u://x/y",
        "--upload-pack=touch://x/y",
        "http://github.com/me/fork",
        "ssh://git@github.com/me/fork",
        "git@github.com:me/fork.git",
        "ext::sh -c touch% /tmp/pwned",
        "https://github.com/me",
        "https://github.com/me/-fork",
        "https://github.com/me/.hidden",
        "https://github.com/me/../x",
        "https://github.com/me//fork",
        "https://-x.example/me/fork",
        "https://github.com/me/fork?x=1",
        "https://github.com/me/fork#x",
        "https://tok@github.com/me/fork",
        "https://github.com/me/fo%6Bk",
        "https://github.com/me/fork\x00",
    ],
)
def test_only_an_https_repository_of_the_usual_shape_is_accepted(repo):
    with pytest.raises(LinkError, match="repository"):
        nbgitpuller_link("https://hub.example.edu", repo)


@pytest.mark.parametrize(
    "repo",
    ["https://github.com/me/fork", "https://github.com/me/fork.git", "https://gitlab.com/group/sub/fork/"],
)
def test_usual_repositories_are_accepted(repo):
    assert parse_qs(urlsplit(nbgitpuller_link("https://hub.example.edu", repo)).query)["repo"] == [repo]


def test_the_harness_may_use_a_local_clone_when_it_says_so():
    url = nbgitpuller_link("http://127.0.0.1:8000", "file:///tmp/x/source", allow_local=True)
    assert parse_qs(urlsplit(url).query)["repo"] == ["file:///tmp/x/source"]


@pytest.mark.parametrize(
    "branch",
    [
        "--upload-pack=touch /tmp/pwned",
        "-b",
        "a..b",
        "a b",
        "a~1",
        "a^",
        "a:b",
        "a?",
        "a*",
        "a[b",
        "a\\b",
        "a@{1}",
        "@",
        ".hidden",
        "x/.y",
        "x.lock",
        "x/",
        "/x",
        "x//y",
        "x.",
        "a\x7fb",
        "a\x01b",
    ],
)
def test_branch_names_follow_git_check_ref_format(branch):
    with pytest.raises(LinkError, match="branch"):
        nbgitpuller_link("https://hub.example.edu", FORK, branch)


@pytest.mark.parametrize("branch", ["main", "spring-2026", "feature/x.y", "v1.0", "ünïcode"])
def test_usual_branch_names_are_accepted(branch):
    assert parse_qs(urlsplit(nbgitpuller_link("https://hub.example.edu", FORK, branch)).query)["branch"] == [branch]
