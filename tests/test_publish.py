"""Ready to publish: one repository setting, warnings while it is the placeholder, licences, citation."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from middlepowers.paths import repo_root
from mpcourse import link, navigation, publish_check

ROOT = repo_root(Path(__file__).parent)


def test_the_shipped_repository_is_the_placeholder_and_publish_check_says_so(capsys):
    assert link.is_placeholder(link.GITHUB_REPO)
    assert publish_check.main(["--root", str(ROOT)]) == 1
    out = capsys.readouterr().out
    assert "[repository] github is the placeholder" in out and "CITATION.cff: authors" in out


def test_publish_check_lists_every_placeholder_in_the_hub_config(capsys, tmp_path):
    """Each "<FILL-IN: ...>" value left in deploy/z2jh/config.yaml is one line, named by its key."""
    config = ROOT / publish_check.Z2JH_CONFIG
    text = config.read_text()
    expected = set(re.findall(r'^\s*(?:\w+:|-)\s*"(<FILL-IN: [^"]+>)"', text, re.M))
    assert len(expected) >= 7
    assert publish_check.main(["--root", str(ROOT)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if "deploy/z2jh/config.yaml:" in line]
    for value in expected:
        assert any(value in line for line in lines), value
    keys = {line.split(": ", 1)[1].split(" is the placeholder")[0] for line in lines}
    assert {
        "hub.config.GitHubOAuthenticator.client_id",
        "hub.config.GitHubOAuthenticator.client_secret",
        "hub.config.GitHubOAuthenticator.allowed_users[0]",
        "proxy.https.hosts[0]",
        "proxy.https.letsencrypt.contactEmail",
        "singleuser.image.name",
        "singleuser.lifecycleHooks.postStart.exec.command[3]",
    } <= keys, keys
    # filled in, nothing is listed for it
    filled = tmp_path / publish_check.Z2JH_CONFIG
    filled.parent.mkdir(parents=True)
    filled.write_text(re.sub(r"<FILL-IN: [^>]+>", "set", text).replace("github.com/OWNER/", "github.com/me/"))
    assert publish_check.fill_ins(filled) == []


def test_link_refuses_the_placeholder_repository(capsys, monkeypatch):
    """While the repository is the placeholder, no link is printed and the exit status says so (issue 27)."""
    monkeypatch.setattr(link, "REPO_URL", "https://github.com/OWNER/middle-powers-at-davos")
    assert link.main(["--hub", "https://hub.example.edu"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "placeholder" in captured.err and "data/course.toml" in captured.err and "REPO=" in captured.err
    assert link.main(["--hub", "https://hub.example.edu", "--repo", "https://github.com/OWNER/x"]) == 2
    assert capsys.readouterr().out == ""
    assert link.main(["--hub", "https://hub.example.edu", "--repo", "https://github.com/me/fork"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "github.com%2Fme%2Ffork" in captured.out


@pytest.fixture
def fork(tmp_path):
    """A copy of what the generator reads and writes, with the repository set to me/fork."""
    copy = tmp_path / "fork"
    for name in ("notebooks", "solutions", "data/article", "instructors"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("README.md", "CITATION.cff", "pyproject.toml", "data/course.toml"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, copy / name)
    course = copy / "data" / "course.toml"
    course.write_text(course.read_text().replace('github = "OWNER/middle-powers-at-davos"', 'github = "me/fork"'))
    return copy


def test_one_setting_moves_every_link(fork):
    assert link.repository(fork)["github"] == "me/fork"
    assert any("README.md" in str(p) for p in navigation.stale(fork))
    navigation.write(fork)
    assert navigation.stale(fork) == []
    for name in navigation.REPO_FILES:
        text = (fork / name).read_text()
        assert "OWNER" not in text and "Not published yet" not in text, name
        repos = set(re.findall(r"(?:github\.com|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+)", text)) - {"you/your-fork"}
        assert repos == {"me/fork"}, (name, repos)
    readme = (fork / "README.md").read_text()
    assert "(https://mybinder.org/v2/gh/me/fork/HEAD?urlpath=lab/tree/notebooks/index.ipynb)" in readme
    assert "https://github.com/me/fork" in (fork / "instructors" / "guide.md").read_text()
    cff = fork / "CITATION.cff"
    cff.write_text(
        cff.read_text().replace(
            '  - name: "The Middle Powers at Davos contributors"', '  - family-names: "Doe"\n    given-names: "Jo"'
        )
    )
    assert publish_check.unset(fork) == []


def test_generated_files_name_the_configured_repository():
    # the placeholder, everywhere the same (make navigation keeps them in step)
    github = link.repository(ROOT)["github"]
    for name in navigation.REPO_FILES:
        text = (ROOT / name).read_text()
        repos = set(re.findall(r"(?:github\.com|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+)", text)) - {"you/your-fork"}
        assert repos == {github}, (name, repos)
    assert "Not published yet" in (ROOT / "instructors" / "guide.md").read_text()


def test_licences_and_citation():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    content = (ROOT / "LICENSE-content").read_text()
    assert "CC BY 4.0" in content and "Not ours" in content
    package = json.loads((ROOT / "data" / "datapackage.json").read_text())
    assert [lic["name"] for lic in package["licenses"]] == ["CC-BY-4.0"]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f'version: "{version}"' in (ROOT / "CITATION.cff").read_text()
    assert re.search(rf"^## \[{re.escape(version)}\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "run: .ci/run" in ci


def test_the_guide_names_files_that_exist():
    """Every `path/to/file.ext` the instructor guide names in backticks is in the repository."""
    import re

    from middlepowers.paths import repo_root

    root = repo_root()
    text = (root / "instructors" / "guide.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:src|tools|data|deploy|notebooks|exercises|instructors|docs)/[\w./-]+\.\w+)`", text))
    assert named, "the guide names no file: the pattern is wrong"
    assert not [p for p in sorted(named) if not (root / p).exists()]
