"""The built website, read as files: its pages, its links, its images, and nothing from the network."""

from __future__ import annotations

import html
import json
import re
import tomllib
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from site_driver import ARTIFACTS, expected_labels, html_pages

from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root

# Slow (left out of make test-fast): builds the whole website from the executed notebooks.
pytestmark = pytest.mark.slow

ROOT = repo_root()
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


class Page(HTMLParser):
    """Links, asset references, ids and images of one HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.links, self.assets, self.ids, self.images = [], [], set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video") and a.get("src"):
            self.assets.append(a["src"])
        if tag == "link" and a.get("href"):
            self.assets.append(a["href"])
        if tag == "img":
            self.images.append(a)


@pytest.fixture(scope="module")
def parsed(site):
    return {p: Page(p.read_text(encoding="utf-8")) for p in html_pages(site)}


def test_built_with_no_network(site):
    """The fixture built the site inside a network namespace with no network (where root allows it)."""
    if (ARTIFACTS / "built-offline").read_text() != "yes":
        pytest.skip("cannot make a network namespace here (needs root and unshare): built with the network on")


def test_every_page_is_built(site):
    from mpcourse.site import glossary_doc

    expected = ["index.html", "data.html", f"{glossary_doc(ROOT)}.html", "bibliography.html", "licences.html"]
    expected += [f"notebooks/{stem}.html" for stem in LESSONS]
    expected += [f"exercises/{p.stem}.html" for p in (ROOT / "exercises").glob("*.ipynb")]
    expected += [f"instructors/{p.stem}.html" for p in (ROOT / "instructors").glob("*.md")]
    missing = [name for name in expected if not (site / name).is_file()]
    assert not missing


def test_no_answer_keys_on_the_student_site(site):
    """No solutions/ pages, and no line of an answer key's solution region on any page."""
    assert not (site / "solutions").exists()
    worksheets = "\n".join(c.source for p in (ROOT / "exercises").glob("*.ipynb") for c in nbformat.read(p, 4).cells)
    secret = set()
    for path in (ROOT / "solutions").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for region in re.findall(r"BEGIN SOLUTION[^\n]*\n(.*?)END SOLUTION", cell.source, re.S):
                secret |= {
                    line.strip()
                    for line in region.splitlines()
                    if len(line.strip()) > 30 and line.strip() not in worksheets
                }
    assert secret, "no solution regions found: has the marker changed?"
    # (the instructor pages may show the markers on an example: they are for instructors, and in the repository)
    text = "\n".join(
        html.unescape(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")))
        for p in html_pages(site)
        if p.parent.name != "instructors"
    )
    assert not [line for line in secret if line in text]


def test_every_lesson_check_is_on_its_page(site):
    for stem in (s for s in LESSONS if s != "index"):
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        asked = re.findall(r"""quiz\.ask\("([a-z0-9-]+)"\)""", "\n".join(c.source for c in nb.cells))
        text = (site / "notebooks" / f"{stem}.html").read_text(encoding="utf-8")
        quiz = load_quiz(ROOT / "data" / "quizzes" / f"{stem}.toml", ROOT)
        for qid in asked:
            kind = "mp-check" if quiz.questions[qid].type not in ("code", "reflection") else "mp-live"
            assert f'class="{kind} mp-q-{qid}"' in text, f"{stem}: no {kind} for {qid}"
        assert "Question (" not in text, f"{stem}: a widget's plain-text fallback is on the page"


def test_pages_load_nothing_from_the_network(site, parsed):
    remote = [
        (p.relative_to(site).as_posix(), a)
        for p, page in parsed.items()
        for a in page.assets
        if urlsplit(a).scheme in ("http", "https") or a.startswith("//")
    ]
    assert not remote
    css = [
        p
        for p in (site / "_static").rglob("*.css")
        if re.search(r"url\(\s*['\"]?(https?:)?//", p.read_text("utf-8", "replace"))
    ]
    assert not css


def test_every_internal_link_resolves(site, parsed):
    broken = []
    for path, page in parsed.items():
        for ref in page.links + page.assets:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("//", "mailto:", "javascript:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {ref}")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and target in parsed
                and parts.fragment not in parsed[target].ids
            ):
                broken.append(f"{path.relative_to(site)}: {ref} (no id {parts.fragment!r})")
    assert not broken, "\n".join(broken[:30])


def test_every_page_names_its_icon(site):
    """A page without a <link rel="icon"> makes the browser ask for /favicon.ico, a 404 on a plain server."""
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', text), page.name
    assert (site / "_static" / "favicon.svg").is_file()


def test_every_image_has_alt_text(site, parsed):
    bare = [
        (p.relative_to(site).as_posix(), (img.get("src") or "")[:60])
        for p, page in parsed.items()
        for img in page.images
        if not (img.get("alt") or "").strip()
    ]
    assert not bare


def test_data_page_has_every_table_with_schema_and_download(site):
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    text = (site / "data.html").read_text(encoding="utf-8")
    for res in package["resources"]:
        assert re.search(
            rf'<a class="reference download internal" download="" href="_downloads/[^"]+">(<[^>]+>)?Download {re.escape(res["path"])}<',
            text,
        )
        for fld in res["schema"]["fields"]:
            assert f'<code class="docutils literal notranslate"><span class="pre">{fld["name"]}</span></code>' in text


def test_bibliography_lists_every_work_the_lessons_cite(site):
    refs = tomllib.loads((ROOT / "data" / "references.toml").read_text(encoding="utf-8"))["reference"]
    lessons = "\n".join(
        c.source
        for p in (ROOT / "notebooks").glob("*.ipynb")
        for c in nbformat.read(p, as_version=4).cells
        if c.cell_type == "markdown"
    )
    uncited = [r["key"] for r in refs if not re.search(r["cited_as"], lessons)]
    assert not uncited, "in data/references.toml but cited by no lesson"
    # author-year citations of works (years before 2020: news dates are sourced in data/external/)
    months = {
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    }
    cited = {m for m in re.findall(r"\b([A-Z][a-z]+)(?: et al\.)?,? \(?(?:1[89]\d\d|20[01]\d)\b", lessons)} - months
    listed = " ".join(r["reference"] for r in refs)
    assert not [name for name in cited if name not in listed], "cited in a lesson, missing from data/references.toml"
    page = (site / "bibliography.html").read_text(encoding="utf-8")
    assert all(r["reference"].split(",")[0] in page for r in refs)


def test_navigation_labels_on_every_page_are_one_style(site):
    """The sidebar on each page names numbered pages "<kind> NN · <title in data/course.toml>" (issue 27)."""
    expected = expected_labels(ROOT)
    checked = 0
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        nav = re.search(r'<nav class="[^"]*\bbd-docs-nav\b.*?</nav>', text, re.S)
        if not nav:
            continue
        links = re.findall(r'<a class="reference internal" href="([^"#]+)">(.*?)</a>', nav.group(0), re.S)
        for href, label in links:
            label = html.unescape(re.sub(r"<[^>]+>", "", label)).strip()
            found = re.search(r"((?:notebooks|exercises|instructors)/(?:worksheet-)?\d\d[^/]*)\.html$", href)
            if found:
                page = found.group(1)
                assert label == expected.get(page), (path.name, href, label)
                checked += 1
    assert checked >= 12 * len(html_pages(site)) // 2, checked  # most pages carry the sidebar's 12 numbered pages
