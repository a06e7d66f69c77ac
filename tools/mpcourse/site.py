"""Build the course website: every lesson readable, and its checks answerable, without a kernel.

``make site`` (``python -m mpcourse.site``) lays out a Sphinx project in
``build/site-src`` from the committed files and builds it with myst-nb and the
book theme into ``build/site`` (git ignores ``build/``). Nothing is executed:
the notebooks are rendered with the outputs they were committed with
(``nb_execution_mode = "off"``). Nothing is fetched at build time or at page
load: MathJax is copied from ``node_modules`` into the site, widget JavaScript
is left out, and every quiz widget is replaced by its static check
(:mod:`mpcourse.sitechecks`).

Pages: the start page with the course map (``data/course.toml``), every
lesson, every worksheet (the student version in ``exercises/``), the
instructor guide and notes, a data page (``data/datapackage.json``), a
glossary, the bibliography (``data/references.toml``, only works a lesson
cites) and the licences. Answer keys (``solutions/``) only with
``--instructor`` (``make site INSTRUCTOR=1``).

    python -m mpcourse.site [--out build/site] [--instructor]
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import re
import shutil
import sys
import time
import tomllib
from pathlib import Path

import nbformat

from middlepowers.checks import load_quiz
from middlepowers.paths import repo_root
from mpcourse import sitechecks
from mpcourse.link import GITHUB_REPO, REPO_URL, binder_link
from mpcourse.navigation import course_map, load_course
from mpcourse.sitechecks import STATIC_TYPES, check_html, launch_html, live_only_html, summary_html

__all__ = [
    "SiteError",
    "GLOSSARY",
    "glossary_doc",
    "pages_url",
    "stage",
    "build",
    "static_notebook",
    "name_index_headers",
    "main",
]

HERE = Path(__file__).resolve().parent
#: Where MathJax may be installed, first found wins: ``make site``'s own (tools/site), the maintainers' (make test).
MATHJAX_FOLDERS = ("tools/site/node_modules", "node_modules")
WIDGET = "application/vnd.jupyter.widget-view+json"
ASK_RE = re.compile(r"""quiz\.ask\(\s*["']([a-z0-9-]+)["']\s*\)""")
CODE_RE = re.compile(r"""quiz\.check_code\(\s*["']([a-z0-9-]+)["']""")
QUIZ_RE = re.compile(r"""Quiz\(\s*["']([^"']+)["']""")
LINK_RE = re.compile(r"(\]\()([^)\s]+)(\))")
#: Scenario explorer states shown on the static page (US exports shrinking, % a year); 0 is the lesson's start.
SCENARIO_STATES = (0.0, 1.0, 2.5, 5.5, 10.0)


def pages_url(github_repo: str = GITHUB_REPO) -> str:
    """Where GitHub Pages publishes the site of ``owner/name`` (.github/workflows/pages.yml)."""
    owner, name = github_repo.split("/")
    return f"https://{owner.lower()}.github.io/{name}/"


class SiteError(RuntimeError):
    """The site cannot be built as asked; the message says which file and why."""


# --------------------------------------------------------------------------- notebooks
def _html_output(body: str) -> dict:
    return nbformat.v4.new_output("display_data", data={"text/html": body})


def coalition_view(start, launch_url: str) -> str:
    """The coalition builder at its starting state: chart (with alt text), table, caption, launch button."""
    from middlepowers import coalition as co

    builder = co.CoalitionBuilder(start=start)
    names = ", ".join(box.description for box in builder.boxes.values() if box.value)
    chart, table = (out["data"]["text/html"] for out in builder.output.outputs)
    builder.close()
    return (
        f'<div class="mp-static-view mp-coalition-static"><p><b>Coalition builder, at its starting state</b> '
        f"({html.escape(names)}). In the live lesson you tick countries and the chart and table redraw.</p>"
        f"{chart}<p>{builder.message.value}</p>{table}"
        f'<p class="mp-caption">A static view: the builder needs Python. {launch_html(launch_url, "Try other coalitions live")}</p></div>'
    )


def scenario_view(launch_url: str) -> str:
    """The scenario explorer: a few precomputed states behind a menu (no kernel), and a launch button."""
    from middlepowers import concentration as mc

    explorer = mc.ScenarioExplorer()
    options, states = [], []
    for pct in SCENARIO_STATES:
        explorer.decline.value = pct  # redraws the chart through the widget's own code
        label = f"{pct:.1f}"
        options.append(f'<option value="{label}"{" selected" if pct == SCENARIO_STATES[0] else ""}>{label}</option>')
        states.append(
            f'<div class="mp-state" data-state="{label}"{"" if pct == SCENARIO_STATES[0] else " hidden"}>'
            f"{explorer.chart.value}{explorer.text.value}</div>"
        )
    explorer.close()
    ident = "mp-scenario-decline"
    return (
        f'<div class="mp-static-view mp-states mp-scenario-static"><p><b>Scenario explorer</b>, start '
        f"{html.escape(explorer.start.value)}. Five states are precomputed here; the live lesson has a slider "
        f'(0 to 10% in steps of 0.5) and a second start year.</p><label for="{ident}">US exports shrink by '
        f'(% a year): </label><select id="{ident}">{"".join(options)}</select>{"".join(states)}'
        f'<p class="mp-caption">Stylised model, not a forecast. {launch_html(launch_url, "Explore every setting live")}</p></div>'
    )


THEAD_RE = re.compile(r"<thead>(.*?)</thead>", re.S)
ROW_RE = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL_RE = re.compile(r"<th[^>]*>(.*?)</th>", re.S)


def name_index_headers(text: str) -> str:
    """Give a pandas table's row-index columns a header, so no header cell is empty.

    ``DataFrame.to_html`` leaves the index column's header empty; for a named
    index (or a crosstab) it puts the index names on a second header row of
    otherwise empty cells. Screen readers then announce nothing for those
    columns (axe: ``empty-table-header``). The index names move up into the
    first row ("attribution / claim_type" for a crosstab: rows, then columns);
    an unnamed index gets "row" for screen readers only. Tables of any other
    shape are left alone.
    """

    def fix(match):
        head = match.group(1)
        rows = ROW_RE.findall(head)
        cells = [CELL_RE.findall(row) for row in rows]
        if "colspan" in head or not cells or not cells[0]:
            return match.group(0)
        if len(rows) == 2 and len(cells[1]) == len(cells[0]) and cells[1][0].strip():
            k = next((i for i, c in enumerate(cells[1]) if not c.strip()), len(cells[1]))
            if any(c.strip() for c in cells[1][k:]):
                return match.group(0)
            labels = [f"{low} / {up}" if up.strip() else low for low, up in zip(cells[1][:k], cells[0][:k])]
        elif len(rows) == 1 and not cells[0][0].strip():
            labels = ['<span class="mp-sr-only">row</span>']
        else:
            return match.group(0)
        labels += cells[0][len(labels) :]
        first = re.search(r"<tr[^>]*>", head).group(0)
        row = first + "".join(f"\n      <th>{label}</th>" for label in labels) + "\n    </tr>"
        return f"<thead>\n    {row}\n  </thead>"

    return THEAD_RE.sub(fix, text)


def static_notebook(nb, quiz, lesson: str, launch_url: str):
    """Return a copy of ``nb`` whose widget outputs are static HTML.

    Each cell is matched by its source: ``quiz.ask("id")`` gets its check
    (or, for a reflection, how to write it live), ``quiz.check_code("id", f)``
    says how to run it live, ``quiz.summary()`` the progress line and reset
    button; the coalition builder and scenario explorer get a static view. A
    widget output nothing explains is an error, so no blank box reaches the site.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        src = cell.source
        parts = []
        for qid in ASK_RE.findall(src) + CODE_RE.findall(src):
            if quiz is None or qid not in quiz.questions:
                raise SiteError(f"cell {n}: question {qid!r} is not in the quiz file {lesson!r}")
            q = quiz.questions[qid]
            what = "Open this worksheet live" if lesson.startswith("exercises/") else "Open this lesson live"
            parts.append(
                check_html(q, lesson, quiz.notebook) if q.type in STATIC_TYPES else live_only_html(q, launch_url, what)
            )
        if "quiz.summary()" in src:
            parts.append(summary_html(lesson))
        if "CoalitionBuilder(" in src:
            from middlepowers import coalition as co

            parts.append(
                name_index_headers(coalition_view(co.ARTICLE_COALITION, launch_url))
            )  # the lesson starts from the article's five
        if "ScenarioExplorer(" in src:
            parts.append(scenario_view(launch_url))
        outputs = [o for o in cell.get("outputs", []) if WIDGET not in o.get("data", {})]
        for out in outputs:
            if "text/html" in out.get("data", {}):
                out["data"]["text/html"] = name_index_headers(out["data"]["text/html"])
        if len(outputs) != len(cell.get("outputs", [])) and not parts:
            raise SiteError(f"cell {n}: a widget output the site has no static view for: {src[:60]!r}")
        if parts:
            outputs.append(_html_output("".join(parts)))
        cell.outputs = outputs
    return nb


# --------------------------------------------------------------------------- links
def _rewrite_links(text: str, source: str, pages: set[str], root: Path) -> str:
    """Links to repository files that are not pages go to the file on GitHub (plain links, nothing loads)."""

    def fix(match):
        target = match.group(2)
        if re.match(r"^[a-z]+:|^#", target):
            return match.group(0)
        path, _, frag = target.partition("#")
        resolved = (root / Path(source).parent / path).resolve()
        try:
            rel = resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            return match.group(0)
        if rel in pages or not resolved.exists():
            return match.group(0)
        kind = "tree" if resolved.is_dir() else "blob"
        return f"{match.group(1)}{REPO_URL}/{kind}/main/{rel}{'#' + frag if frag else ''}{match.group(3)}"

    return LINK_RE.sub(fix, text)


def _readme_intro(root: Path) -> str:
    """The README's opening paragraphs (no badges: an image from the web would load at page view)."""
    text = (root / "README.md").read_text(encoding="utf-8")
    intro = text.split("\n## ", 1)[0].split("\n", 1)[1]
    return "\n".join(line for line in intro.splitlines() if not line.startswith("[!["))


# --------------------------------------------------------------------------- generated pages
def data_page(root: Path) -> tuple[str, list[str]]:
    """The data page: every table of data/datapackage.json with its schema and a download link."""
    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    lines = [
        "# The data",
        "",
        html.escape(package.get("description", "")),
        "",
        "Every table is a CSV file with a header row (UTF-8). Its schema is a Frictionless Table Schema in "
        f"[`data/datapackage.json`]({REPO_URL}/blob/main/data/datapackage.json).",
        "",
    ]
    files = []
    for res in package["resources"]:
        path = "data/" + res["path"]
        files.append(path)
        rows = sum(1 for _ in open(root / path, encoding="utf-8")) - 1
        lines += [
            f"## {res.get('title', res['name'])}",
            "",
            f"{res.get('description', '')}",
            "",
            f"[Download {res['path']}]({path}) ({rows} row{'s' if rows != 1 else ''}, CSV)",
            "",
            "| column | type | description |",
            "|---|---|---|",
        ]
        for fld in res["schema"]["fields"]:
            desc = str(fld.get("description", "")).replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{fld['name']}` | {fld.get('type', 'any')} | {desc} |")
        lines.append("")
    return "\n".join(lines), files


def _lesson_markdown(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out[path.stem] = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return out


def bibliography_page(root: Path) -> str:
    """Works the lessons cite (data/references.toml), each with the lessons that cite it."""
    with open(root / "data" / "references.toml", "rb") as handle:
        refs = tomllib.load(handle)["reference"]
    texts = _lesson_markdown(root)
    lines = [
        "# Bibliography",
        "",
        "Works the lessons cite, with the lessons that cite them. Figures from outside "
        "the article are credited row by row in the data files (see [the data page](data.md)).",
        "",
    ]
    for ref in sorted(refs, key=lambda r: r["reference"]):
        cited = [stem for stem, text in texts.items() if re.search(ref["cited_as"], text)]
        where = ", ".join(f"[{stem}](notebooks/{stem}.ipynb)" for stem in cited)
        lines += [f"- {ref['reference']}" + (f" Cited in {where}." if where else ""), ""]
    return "\n".join(lines)


GLOSSARY_RE = re.compile(r"^\s*[-*] \*\*([^*.]{2,30})\*\*(:? )([^\n]+)", re.M)


#: where the course's own glossary lives (frontdoor, issue 12); the site shows it as it is
GLOSSARY = "notebooks/glossary.md"


def glossary_doc(root: Path) -> str:
    """The glossary's page name: the course's own (:data:`GLOSSARY`) when it exists, else the generated stand-in."""
    return GLOSSARY[:-3] if (root / GLOSSARY).exists() else "glossary"


def glossary_page(root: Path) -> str:
    """A stand-in glossary, until the course has its own (:data:`GLOSSARY`): terms the lessons define in a list.

    The stand-in collects list items that open with a bold term of at most
    three words (``- **Sensitivity**: how quickly ...``) and shows the
    lesson's own first sentence after it, linked to the lesson.
    """
    lines = [
        "# Glossary",
        "",
        "Terms the lessons define, each in its lesson's own first sentence, with a link to the lesson "
        "(collected from the lessons; a fuller glossary is to come).",
        "",
    ]
    terms = {}
    for stem, text in _lesson_markdown(root).items():
        for term, sep, rest in GLOSSARY_RE.findall(text):
            if len(term.split()) <= 3 and term.lower() not in {t.lower() for t in terms}:
                terms[term] = (sep + re.split(r"(?<=[.!?])\s", rest.strip(), maxsplit=1)[0], stem)
    for term in sorted(terms, key=str.lower):
        definition, stem = terms[term]
        lines.append(f"- **{term}**{definition} ([{stem}](notebooks/{stem}.ipynb))")
    return "\n".join(lines) + "\n"


def licences_page(root: Path) -> str:
    """The licences: the repository's LICENSE files when present, else the README's licence section."""
    lines = ["# Licences", ""]
    found = sorted(p for p in [*root.glob("LICEN[CS]E*"), *root.glob("LICEN[CS]ES/*")] if p.is_file())
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = re.search(r"\n## Licen[cs]e\s*\n(.*?)(?=\n## |\Z)", readme, re.S)
    if section:  # its links are relative to the README: files in the repository go to GitHub
        lines += [_rewrite_links(section.group(1).strip(), "README.md", set(), root), ""]
    for path in found:
        lines += [f"## {path.name}", "", "```text", path.read_text(encoding="utf-8").strip(), "```", ""]
    lines += [
        "The article's provenance: "
        f"[`data/article/README.md`]({REPO_URL}/blob/main/data/article/README.md). Sources of outside figures: "
        f"[`data/external/README.md`]({REPO_URL}/blob/main/data/external/README.md).",
        "",
        "This website bundles MathJax 3 (Apache-2.0) and is built with Sphinx (BSD), myst-nb (BSD) and the "
        "Sphinx Book Theme (BSD).",
    ]
    return "\n".join(lines) + "\n"


#: What a numbered page is, in the navigation: "Lesson 01 · <its title in data/course.toml>".
NAV_KINDS = {
    "notebooks": "Lesson",
    "exercises": "Worksheet",
    "solutions": "Answer key",
    "instructors": "Instructor notes",
}


def nav_label(doc: str, lessons: list) -> str | None:
    """The navigation's label for ``doc`` (``exercises/worksheet-01-two-stage-program``), from ``data/course.toml``.

    Every numbered page is ``<kind> NN · <lesson title>``, matched to its lesson by its
    file name (the lesson's ``file``, its ``worksheet``, or its id for the instructor notes);
    an unnumbered lesson (Start here, the primer) is its title. ``None``: the page's own
    heading is its label.
    """
    folder, _, stem = doc.partition("/")
    for lesson in lessons:
        if stem not in (lesson.id, lesson.file[:-6], (lesson.worksheet or "")[:-6]):
            continue
        if lesson.number:
            return f"{NAV_KINDS[folder]} {lesson.number} · {lesson.title}" if folder in NAV_KINDS else None
        return lesson.title if folder == "notebooks" else None
    return None


def _toc_entry(doc: str, lessons: list) -> str:
    label = nav_label(doc, lessons)
    # a toctree entry "Title <doc>": < and > cannot be in a title
    return f"{label.replace('<', '‹').replace('>', '›')} <{doc}>" if label else doc


def start_page(root: Path, instructor: bool) -> str:
    lessons = load_course(root)
    toc = {
        "Lessons": [f"notebooks/{lesson.file[:-6]}" for lesson in lessons],
        "Worksheets": [f"exercises/{p.stem}" for p in sorted((root / "exercises").glob("*.ipynb"))],
        "For instructors": ["instructors/guide"]
        + [f"instructors/{p.stem}" for p in sorted((root / "instructors").glob("*.md")) if p.stem != "guide"],
        "Reference": ["data", glossary_doc(root), "bibliography", "licences"],
    }
    if instructor:
        toc["Answer keys (instructors only)"] = [
            f"solutions/{p.stem}" for p in sorted((root / "solutions").glob("*.ipynb"))
        ]
    toc = {caption: [_toc_entry(doc, lessons) for doc in docs] for caption, docs in toc.items()}
    lines = [
        "# Middle Powers at Davos",
        "",
        _readme_intro(root).strip(),
        "",
        "Every lesson can be read here, and every check with choices or a number can be answered on the page, "
        "with the same feedback as in JupyterLab. Your answers stay in this browser. To run the code, open a "
        "lesson live with its launch button.",
        "",
        f"Start with [Start here](notebooks/index.ipynb), or open the course live: "
        f"[launch on Binder]({binder_link()}).",
        "",
        "## Course map",
        "",
        course_map(lessons, "notebooks/").replace("| Binder |", "| Live |"),
        "",
    ]
    for caption, docs in toc.items():
        lines += ["```{toctree}", ":maxdepth: 1", f":caption: {caption}", "", *docs, "```", ""]
    return "\n".join(lines)


CONF = """# Generated by mpcourse.site: do not edit.
project = "Middle Powers at Davos"
language = "en"
author = "The Middle Powers at Davos authors"
extensions = ["myst_nb"]
nb_execution_mode = "off"
nb_ipywidgets_js = {{}}
nb_merge_streams = True
myst_enable_extensions = ["dollarmath"]
mathjax_path = "mathjax/tex-chtml.js"
html_theme = "sphinx_book_theme"
html_title = "Middle Powers at Davos"
# a page's icon, so a plain static server is never asked for a missing /favicon.ico
html_favicon = "_static/favicon.svg"
html_context = {{"default_mode": "light"}}
html_static_path = ["_static"]
# the theme's search field, without an aria-label that hides its visible "Ctrl+K" (axe: label-content-name-mismatch)
templates_path = ["_templates"]
html_css_files = ["mpcheck.css"]
html_js_files = ["mpcheck-texts.js", "mpcheck.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
exclude_patterns = ["_build"]
suppress_warnings = ["mystnb.unknown_mime_type"]
html_theme_options = {{
    "repository_url": {repo_url!r},
    "repository_branch": "main",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "launch_buttons": {{"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"}},
    "navigation_with_keys": False,
    # one search field (the sidebar's): the header bar above it had a second one at desktop widths
    "navbar_persistent": [],
}}
"""


# --------------------------------------------------------------------------- staging and building
def stage(src: Path, root: Path | None = None, instructor: bool = False) -> list[str]:
    """Lay out the Sphinx project in ``src``; return the pages (repository paths) it holds."""
    root = root or repo_root()
    if src.exists():
        shutil.rmtree(src)
    (src / "_static").mkdir(parents=True)
    folders = ["notebooks", "exercises"] + (["solutions"] if instructor else [])
    pages = {f"{folder}/{p.name}" for folder in folders for p in (root / folder).glob("*.ipynb")}
    pages |= {f"instructors/{p.name}" for p in (root / "instructors").glob("*.md")}
    if (root / GLOSSARY).exists():
        pages.add(GLOSSARY)
    for rel in sorted(pages):
        source = root / rel
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".md"):
            (src / rel).write_text(
                _rewrite_links(source.read_text(encoding="utf-8"), rel, pages, root), encoding="utf-8"
            )
            continue
        nb = nbformat.read(source, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        match = QUIZ_RE.search(code)
        quiz = load_quiz(root / "data" / "quizzes" / f"{match.group(1)}.toml", root) if match else None
        lesson = f"{rel.split('/')[0]}/{source.stem}"
        nb = static_notebook(nb, quiz, lesson, binder_link(rel))
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = _rewrite_links(cell.source, rel, pages, root)
        nbformat.write(nb, src / rel)
    text, files = data_page(root)
    for rel in files:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, src / rel)
    generated = {
        "index.md": start_page(root, instructor),
        "data.md": text,
        "bibliography.md": bibliography_page(root),
        "licences.md": licences_page(root),
    }
    if glossary_doc(root) == "glossary":
        generated["glossary.md"] = glossary_page(root)
    for name, body in generated.items():
        (src / name).write_text(body, encoding="utf-8")
    (src / "conf.py").write_text(CONF.format(repo_url=REPO_URL), encoding="utf-8")
    for asset in ("mpcheck.js", "mpcheck.css", "favicon.svg"):
        shutil.copy2(HERE / "static" / asset, src / "_static" / asset)
    shutil.copytree(HERE / "templates", src / "_templates")
    (src / "_static" / "mpcheck-texts.js").write_text(sitechecks.texts_js(), encoding="utf-8")
    # make site's own install (tools/site: MathJax only), else the maintainers' node_modules (make test)
    found = [root / folder / "mathjax" / "es5" for folder in MATHJAX_FOLDERS]
    mathjax = next((m for m in found if (m / "tex-chtml.js").exists()), None)
    if mathjax is None:
        raise SiteError(
            f"MathJax not found in {' or '.join(str(m) for m in found)}: run `make site`, "
            "or `npm ci --prefix tools/site` (tools/site/package.json lists MathJax only)"
        )
    (src / "_static" / "mathjax").mkdir()
    shutil.copy2(mathjax / "tex-chtml.js", src / "_static" / "mathjax" / "tex-chtml.js")
    shutil.copytree(
        mathjax / "output" / "chtml" / "fonts" / "woff-v2",
        src / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2",
    )
    return sorted(pages | set(generated))


def build(out: Path, root: Path | None = None, instructor: bool = False, quiet: bool = True) -> list[str]:
    """Stage and build the site into ``out``; return the pages. Warnings are errors."""
    from sphinx.cmd.build import build_main

    root = root or repo_root()
    src = out.parent / (out.name + "-src")
    pages = stage(src, root, instructor)
    if out.exists():
        shutil.rmtree(out)
    args = ["-b", "html", "-W", "--keep-going", "-E", "-d", str(src / "_doctrees"), str(src), str(out)]
    if build_main((["-q"] if quiet else []) + args) != 0:
        raise SiteError(f"Sphinx reported problems building {src} (warnings count as errors; see above)")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpcourse.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/site", help="output folder (default build/site; git ignores build/)")
    parser.add_argument("--instructor", action="store_true", help="add the answer keys (solutions/)")
    args = parser.parse_args(argv)
    root = repo_root()
    out = Path(args.out)
    out = out if out.is_absolute() else root / out
    started = time.perf_counter()
    try:
        pages = build(out, root, args.instructor)
    except (SiteError, OSError, ValueError) as error:
        print(f"make site: {error}", file=sys.stderr)
        return 1
    print(
        f"Built {len(pages)} pages into {out} in {time.perf_counter() - started:.1f} s"
        f"{' (with answer keys)' if args.instructor else ''}; open {out / 'index.html'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
