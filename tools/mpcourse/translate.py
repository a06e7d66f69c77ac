"""The French edition: gettext catalogues from the English sources, French notebooks from the catalogues.

English is the source. ``locale/fr/LC_MESSAGES/`` holds one PO catalogue per source
(docs/translation.md says why PO, and why babel reads and writes them):

* ``notebook-<stem>.po``: the Markdown of ``notebooks/<stem>.ipynb`` (a heading, a paragraph,
  a list item or a table row is one string) and the comments of its code cells;
* ``quiz-<stem>.po``: the texts of ``data/quizzes/<stem>.toml`` (what
  :func:`middlepowers.i18n.localize_spec` translates, extracted by the same code);
* ``middlepowers.po``: the fixed texts of the widgets and checks (:data:`middlepowers.i18n.RUNTIME`).

A ``notebook-<stem>.po`` that exists is what makes ``notebooks/fr/<stem>.ipynb`` part of the edition.

    python -m mpcourse.translate update        # after an English edit: changed strings become fuzzy
    python -m mpcourse.translate update --add 00-article-to-tidy-data   # start a notebook's catalogue
    python -m mpcourse.translate build         # write notebooks/fr/ and the compiled catalogue
    python -m mpcourse.translate check         # what is not ready (exit 1), as tests/test_translation.py

``build`` writes a French notebook only when its cells change, with no outputs: execute it then
(the command in CONTRIBUTING.md), like an English one. Untranslated and fuzzy strings are built in
English, so the notebook still runs, and ``check`` fails on them.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import json
import re
import sys
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape, write_po

from middlepowers import i18n
from middlepowers.quizfile import load_quiz

ROOT = Path(__file__).resolve().parents[2]
LANG = "fr"
#: A fixed date in every header, so that writing a catalogue twice gives the same bytes.
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PROJECT = "Middle Powers at Davos"


def locale_dir(root: Path = ROOT) -> Path:
    return root / "locale" / LANG / "LC_MESSAGES"


def editions(root: Path = ROOT) -> list[str]:
    """The stems of the notebooks that have a French edition (a ``notebook-<stem>.po``)."""
    return sorted(p.stem.removeprefix("notebook-") for p in locale_dir(root).glob("notebook-*.po"))


def french_notebook(stem: str, root: Path = ROOT) -> Path:
    return root / "notebooks" / LANG / f"{stem}.ipynb"


def mo_path(root: Path = ROOT) -> Path:
    return root / "src" / "middlepowers" / "data" / "locale" / LANG / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"


# --------------------------------------------------------------------------- Markdown
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|[\s:|-]*$")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+\.)\s+)(.*)$")
_HEADING = re.compile(r"^(#{1,6}\s+)(.*)$")
_LETTER = re.compile(r"[^\W\d_]")


def markdown_pieces(source: str) -> list[tuple[bool, str]]:
    """``source`` cut into ``(translate?, text)`` pieces whose texts join back to ``source``.

    The strings to translate: a heading's text, a paragraph, a list item's text (with the lines
    that continue it), a table row. Kept as they are: fenced code, table rules, list markers,
    ``#`` marks, blank lines, and anything without a letter (``---``).
    """
    lines = source.splitlines(keepends=True)
    out: list[tuple[bool, str]] = []

    def add(text: str) -> None:
        body = text.rstrip("\n")
        if body and _LETTER.search(body):
            out.append((True, body))
            if len(text) > len(body):
                out.append((False, text[len(body) :]))
        else:
            out.append((False, text))

    i = 0
    while i < len(lines):
        ln = lines[i]
        if _FENCE.match(ln):
            j = i + 1
            while j < len(lines) and not _FENCE.match(lines[j]):
                j += 1
            out.append((False, "".join(lines[i : j + 1])))
            i = j + 1
        elif not ln.strip() or _TABLE_RULE.match(ln.rstrip("\n")):
            out.append((False, ln))
            i += 1
        elif ln.lstrip().startswith("|"):
            add(ln)
            i += 1
        elif m := _HEADING.match(ln) or _ITEM.match(ln):
            out.append((False, m.group(1)))
            j = i + 1
            if _ITEM.match(ln):  # the lines that continue an item are indented
                while j < len(lines) and lines[j].startswith(" ") and lines[j].strip() and not _ITEM.match(lines[j]):
                    j += 1
            add(m.group(2) + ("\n" if ln.endswith("\n") else "") + "".join(lines[i + 1 : j]))
            i = j
        else:
            j = i + 1
            while (
                j < len(lines)
                and lines[j].strip()
                and not (
                    _FENCE.match(lines[j])
                    or _HEADING.match(lines[j])
                    or _ITEM.match(lines[j])
                    or lines[j].lstrip().startswith("|")
                )
            ):
                j += 1
            add("".join(lines[i:j]))
            i = j
    return out


# --------------------------------------------------------------------------- code comments
def comment_spans(source: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of each comment's text in ``source`` (after ``#`` and one space)."""
    offsets, pos = [], 0
    for ln in source.splitlines(keepends=True):
        offsets.append(pos)
        pos += len(ln)
    spans = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                start = offsets[tok.start[0] - 1] + tok.start[1]
                body = tok.string[1:]
                skip = 1 + (len(body) - len(body.lstrip()))
                if _LETTER.search(body):
                    spans.append((start + skip, start + len(tok.string), body.strip()))
    except (tokenize.TokenError, SyntaxError, IndentationError):  # IPython syntax: whole-line comments only
        spans = []
        for n, ln in enumerate(source.splitlines(keepends=True)):
            m = re.match(r"^(\s*#\s?)(.*?)\s*$", ln)
            if m and _LETTER.search(m.group(2)):
                spans.append((offsets[n] + m.end(1), offsets[n] + m.end(1) + len(m.group(2)), m.group(2)))
    return spans


# --------------------------------------------------------------------------- sources -> templates
@dataclass
class Unit:
    msgid: str
    where: tuple[str, int]
    flags: tuple[str, ...] = ()


def notebook_units(path: Path, root: Path = ROOT) -> list[Unit]:
    rel = path.relative_to(root).as_posix()
    nb = json.loads(path.read_text(encoding="utf-8"))
    units = []
    for n, cell in enumerate(nb["cells"], 1):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            units += [Unit(text, (rel, n)) for tr, text in markdown_pieces(source) if tr]
        elif cell["cell_type"] == "code":
            units += [Unit(text, (rel, n)) for _, _, text in comment_spans(source)]
    return units


class _Recorder:
    def __init__(self):
        self.seen: list[str] = []

    def gettext(self, text: str) -> str:
        self.seen.append(text)
        return text


def quiz_units(path: Path, root: Path = ROOT) -> list[Unit]:
    rel = path.relative_to(root).as_posix()
    spec = load_quiz(path, root=root)
    recorder = _Recorder()
    i18n.localize_spec(spec, LANG, recorder)
    lines = path.read_text(encoding="utf-8").splitlines()

    def lineno(text: str) -> int:
        needle = json.dumps(text, ensure_ascii=False)[1:-1][:40]
        return next((n for n, ln in enumerate(lines, 1) if needle in ln), 0)

    return [Unit(text, (rel, lineno(text))) for text in recorder.seen]


def runtime_units() -> list[Unit]:
    return [
        Unit(t, ("src/middlepowers/i18n.py", 0), ("python-brace-format",) if "{" in t else ()) for t in i18n.RUNTIME
    ]


def sources(root: Path = ROOT) -> dict[str, list[Unit]]:
    """Every catalogue's name and the strings its source holds now, in the source's order."""
    out = {"middlepowers": runtime_units()}
    for stem in editions(root):
        nb = root / "notebooks" / f"{stem}.ipynb"
        out[f"notebook-{stem}"] = notebook_units(nb, root) if nb.is_file() else []
        quiz = root / "data" / "quizzes" / f"{stem}.toml"
        if quiz.is_file():
            out[f"quiz-{stem}"] = quiz_units(quiz, root)
    return out


def new_catalog() -> Catalog:
    return Catalog(
        locale=LANG,
        project=PROJECT,
        version="1",
        copyright_holder="the course's authors",
        msgid_bugs_address="https://github.com/issues",
        creation_date=EPOCH,
        revision_date=EPOCH,
        language_team="French (Canada)",
        fuzzy=False,
    )


def template(units: list[Unit]) -> Catalog:
    cat = new_catalog()
    for u in units:
        if u.msgid in cat:
            cat[u.msgid].locations.append(u.where)
        else:
            cat.add(u.msgid, locations=[u.where], flags=u.flags)
    return cat


def po_path(name: str, root: Path = ROOT) -> Path:
    return locale_dir(root) / f"{name}.po"


def read(name: str, root: Path = ROOT) -> Catalog:
    path = po_path(name, root)
    if not path.is_file():
        return new_catalog()
    with path.open("rb") as f:
        cat = read_po(f, locale=LANG)
    for m in cat:  # babel writes a fuzzy string's previous English as "#| msgid", but reads it as a comment
        previous = [c[1:].strip() for c in m.user_comments if c.startswith("|")]
        if previous:
            m.user_comments = [c for c in m.user_comments if not c.startswith("|")]
            if m.fuzzy:
                previous[0] = previous[0].removeprefix("msgid").strip()
                m.previous_id = ["".join(unescape(part) for part in previous)]
    return cat


def write(cat: Catalog, name: str, root: Path = ROOT) -> None:
    cat.creation_date = cat.revision_date = EPOCH
    buf = io.BytesIO()
    write_po(buf, cat, width=0, ignore_obsolete=True, include_previous=True, sort_output=False)
    path = po_path(name, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def update(root: Path = ROOT, add: list[str] = ()) -> dict[str, int]:
    """Bring each catalogue to its source: new strings empty, changed ones fuzzy (with their previous
    English shown as ``#| msgid``), removed ones dropped. Returns the fuzzy count per catalogue."""
    for stem in add:
        if not (root / "notebooks" / f"{stem}.ipynb").is_file():
            raise SystemExit(f"no notebooks/{stem}.ipynb to translate")
        if not po_path(f"notebook-{stem}", root).exists():
            write(new_catalog(), f"notebook-{stem}", root)
    fuzzy = {}
    for name, units in sources(root).items():
        cat = read(name, root)
        cat.update(template(units), update_header_comment=False, keep_user_comments=True)
        # babel keeps the previous msgid of a fuzzy match; a string it left untouched needs none
        fuzzy[name] = sum(1 for m in cat if m.id and m.fuzzy)
        write(cat, name, root)
    return fuzzy


# --------------------------------------------------------------------------- catalogues -> French
def translations(name: str, root: Path = ROOT) -> dict[str, str]:
    """The usable translations of a catalogue: not fuzzy, not empty."""
    return {m.id: m.string for m in read(name, root) if m.id and m.string and not m.fuzzy}


_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def relink(markdown: str, root: Path = ROOT) -> str:
    """Links from ``notebooks/fr/``: a notebook with a French edition stays French; every other
    relative link (English notebooks, the glossary, ``../exercises/``) points one folder up."""
    french = set(editions(root))

    def fix(m: re.Match) -> str:
        target = m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
            return m.group(0)
        path = target.split("#", 1)[0]
        if path.endswith(".ipynb") and "/" not in path and path[: -len(".ipynb")] in french:
            return m.group(0)
        return f"{m.group(1)}../{target}{m.group(3)}"

    return _LINK.sub(fix, markdown)


def generate(stem: str, root: Path = ROOT) -> dict:
    """The French notebook the English one and the catalogue make (cells and metadata; no outputs)."""
    english = json.loads((root / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    fr = translations(f"notebook-{stem}", root)
    nb = copy.deepcopy(english)
    nb["metadata"]["middlepowers"] = {"lang": LANG, "source": f"../{stem}.ipynb"}
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            text = "".join(fr.get(t, t) if tr else t for tr, t in markdown_pieces(source))
            source = relink(text, root)
        elif cell["cell_type"] == "code":
            for start, end, text in reversed(comment_spans(source)):
                source = source[:start] + fr.get(text, text) + source[end:]
            cell["outputs"], cell["execution_count"] = [], None
        cell["source"] = source.splitlines(keepends=True)
    return nb


def cells_of(nb: dict) -> list[tuple]:
    """What ``check`` compares: each cell's type, id, source and metadata (outputs are nbval's)."""
    return [(c["cell_type"], c.get("id"), "".join(c["source"]), c.get("metadata", {})) for c in nb["cells"]]


def compiled(root: Path = ROOT) -> bytes:
    """The runtime catalogue: ``middlepowers.po`` and every ``quiz-*.po``, usable translations only."""
    cat = new_catalog()
    for name in ["middlepowers", *(f"quiz-{s}" for s in editions(root))]:
        if po_path(name, root).is_file():
            for msgid, string in translations(name, root).items():
                if msgid in cat and cat[msgid].string != string:
                    raise SystemExit(f"{name}.po: {msgid!r} is translated differently in another catalogue")
                cat.add(msgid, string)
    buf = io.BytesIO()
    write_mo(buf, cat)
    return buf.getvalue()


def build(root: Path = ROOT) -> list[Path]:
    """Write what the catalogues make: changed French notebooks (to execute) and the compiled catalogue."""
    written = []
    for stem in editions(root):
        path = french_notebook(stem, root)
        nb = generate(stem, root)
        if path.is_file() and cells_of(json.loads(path.read_text(encoding="utf-8"))) == cells_of(nb):
            old = json.loads(path.read_text(encoding="utf-8"))
            if old["metadata"] == nb["metadata"]:
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    mo = mo_path(root)
    data = compiled(root)
    if not mo.is_file() or mo.read_bytes() != data:
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(data)
        written.append(mo)
    return written


# --------------------------------------------------------------------------- check
def allowlist(root: Path = ROOT) -> dict[str, str]:
    """The strings allowed to stay as in English, each with its reason (``locale/fr/identical.toml``)."""
    path = root / "locale" / LANG / "identical.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {text: reason for reason, texts in data.items() for text in texts}


_CODE = re.compile(r"`[^`]*`|\]\([^)]*\)|https?://\S+")
_SPACES = "\u00a0\u202f"


def typography(french: str) -> list[str]:
    """Canadian French conventions a string breaks (code spans and links are not read)."""
    prose = _CODE.sub(" ", french)
    problems = []
    if re.search(rf"[^\s{_SPACES}][;:!?](?=\s|$|\*|\))", prose):
        problems.append("a no-break space (U+00A0 before ':', U+202F before ; ! ?) goes before high punctuation")
    if re.search(r"[ ][;!?]|[ ]:", prose):
        problems.append(
            "the space before ; : ! ? must be a no-break one (U+00A0 or U+202F), or the line may break there"
        )
    if '"' in prose or "“" in prose or "”" in prose:
        problems.append("quotation marks are « guillemets » in French")
    if re.search(r"«(?!\u00a0)|(?<!\u00a0)»", prose):
        problems.append("« guillemets » take a no-break space (U+00A0) inside")
    if re.search(r"Premier [Mm]inistre|premier Ministre", prose):
        problems.append("it is « premier ministre » (lower case) in Canadian French")
    return problems


def problems(root: Path = ROOT) -> list[str]:
    """Everything that keeps the French edition from being ready, one line each (empty: ready)."""
    out = []
    allowed = allowlist(root)
    used_allowed: set[str] = set()
    for name, units in sources(root).items():
        path = po_path(name, root)
        if not path.is_file():
            out.append(f"{path.relative_to(root)}: missing (run python -m mpcourse.translate update)")
            continue
        cat = read(name, root)
        wanted = {u.msgid for u in units}
        for msgid in dict.fromkeys(u.msgid for u in units):
            m = cat.get(msgid)
            short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
            if m is None:
                out.append(f"{name}.po: not in the catalogue (run update): {short!r}")
            elif m.fuzzy:
                out.append(f"{name}.po: fuzzy (the English changed; review it): {short!r}")
            elif not m.string:
                out.append(f"{name}.po: untranslated: {short!r}")
            elif m.string == msgid and msgid not in allowed:
                out.append(
                    f"{name}.po: translation identical to the English (translate it, or allowlist it): {short!r}"
                )
            else:
                if m.string == msgid:
                    used_allowed.add(msgid)
                    continue
                if "python-brace-format" in m.flags and set(re.findall(r"\{\w*\}", msgid)) != set(
                    re.findall(r"\{\w*\}", m.string)
                ):
                    out.append(f"{name}.po: the fields {{...}} differ from the English: {short!r}")
                out += [f"{name}.po: {p}: {short!r}" for p in typography(m.string)]
        for m in cat:
            if m.id and m.id not in wanted:
                out.append(f"{name}.po: stale, its English is gone (run update): {str(m.id)[:60]!r}")
    for text in allowed:
        if text not in used_allowed:
            out.append(f"locale/{LANG}/identical.toml: {text[:60]!r} is allowed but no catalogue uses it as it is")
    for stem in editions(root):
        if not (root / "notebooks" / f"{stem}.ipynb").is_file():
            out.append(f"notebook-{stem}.po: stale, notebooks/{stem}.ipynb does not exist")
            continue
        path = french_notebook(stem, root)
        if not path.is_file():
            out.append(f"{path.relative_to(root)}: missing (run python -m mpcourse.translate build, then execute it)")
            continue
        committed = json.loads(path.read_text(encoding="utf-8"))
        made = generate(stem, root)
        if cells_of(committed) != cells_of(made) or committed["metadata"] != made["metadata"]:
            out.append(f"{path.relative_to(root)}: differs from what the catalogues make (run build, then execute it)")
    mo = mo_path(root)
    if not mo.is_file() or mo.read_bytes() != compiled(root):
        out.append(f"{mo.relative_to(root)}: out of date (run python -m mpcourse.translate build)")
    return out


def counts(root: Path = ROOT) -> dict[str, int]:
    return {name: len({u.msgid for u in units}) for name, units in sources(root).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpcourse.translate", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="bring the catalogues to the English sources (changed strings become fuzzy)")
    up.add_argument("--add", nargs="*", default=[], metavar="STEM", help="start the catalogue of these notebooks")
    sub.add_parser("build", help="write notebooks/fr/ and the compiled catalogue from the catalogues")
    sub.add_parser("check", help="list untranslated, fuzzy, identical or stale strings and stale generated files")
    sub.add_parser("count", help="the number of strings in each catalogue")
    args = parser.parse_args(argv)
    if args.command == "update":
        for name, n in update(add=args.add).items():
            print(f"{name}.po: {n} fuzzy")
    elif args.command == "build":
        for path in build():
            print(f"wrote {path.relative_to(ROOT)}" + (" (execute it now)" if path.suffix == ".ipynb" else ""))
    elif args.command == "count":
        for name, n in counts().items():
            print(f"{name}.po: {n} strings")
    else:
        found = problems()
        print("\n".join(found) or "the French edition is complete and up to date")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
