"""The French edition (issue 28, first stage): catalogues that cannot go stale, and checks in French.

``mpcourse.translate.problems`` is what ``python -m mpcourse.translate check`` prints; on the
repository it must be empty. The other tests make each kind of problem in a copy and see it fail.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from middlepowers import checks, i18n
from middlepowers.paths import repo_root
from middlepowers.quiz import Quiz
from mpcourse import translate

ROOT = repo_root()
FRENCH = ROOT / "notebooks" / "fr"


# --------------------------------------------------------------------------- the catalogues
def test_the_french_edition_is_complete_and_up_to_date():
    assert translate.problems(ROOT) == []


def test_start_notebook_and_primer_have_french_editions_with_their_quiz():
    assert {"index", "primer"} <= set(translate.editions(ROOT))
    names = set(translate.sources(ROOT))
    assert {"notebook-index", "notebook-primer", "quiz-primer", "middlepowers"} <= names


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The parts of the repository the edition reads, copied (data/ is linked: only read)."""
    for rel in [
        "notebooks/index.ipynb",
        "notebooks/primer.ipynb",
        "notebooks/fr",
        "locale",
        "src/middlepowers/data/locale",
    ]:
        src, dst = ROOT / rel, tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    assert translate.problems(tmp_path) == []
    return tmp_path


def _set(root: Path, name: str, msgid: str, string: str | None = None, fuzzy: bool = False) -> None:
    cat = translate.read(name, root)
    message = cat[msgid]
    if string is not None:
        message.string = string
    if fuzzy:
        message.flags.add("fuzzy")
    translate.write(cat, name, root)


def test_an_untranslated_string_fails(copy):
    _set(copy, "quiz-primer", "words per sentence", "")
    assert any("untranslated" in p and "words per sentence" in p for p in translate.problems(copy))


def test_a_fuzzy_string_fails(copy):
    _set(copy, "notebook-primer", "2 · Lists", fuzzy=True)
    assert any("fuzzy" in p and "2 · Lists" in p for p in translate.problems(copy))


def test_a_translation_identical_to_its_english_fails_unless_allowlisted(copy):
    _set(copy, "notebook-primer", "7 · Functions", "7 · Functions")
    found = translate.problems(copy)
    assert any("identical" in p and "7 · Functions" in p for p in found)
    # the allowlisted ones (code) pass; an allowlist entry no catalogue uses is itself stale
    assert not any("YOUR CODE HERE" in p for p in found)
    allow = copy / "locale" / "fr" / "identical.toml"
    allow.write_text(allow.read_text(encoding="utf-8") + 'names = ["Nobody"]\n', encoding="utf-8")
    assert any("'Nobody' is allowed but no catalogue uses it" in p for p in translate.problems(copy))


def test_a_stale_string_fails(copy):
    cat = translate.read("notebook-index", copy)
    cat.add("A paragraph the English no longer has.", "Un paragraphe disparu.")
    translate.write(cat, "notebook-index", copy)
    assert any("stale" in p and "no longer has" in p for p in translate.problems(copy))


def test_a_french_notebook_that_differs_from_what_the_catalogues_make_fails(copy):
    path = copy / "notebooks" / "fr" / "primer.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = ["# Édité à la main\n"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert any("notebooks/fr/primer.ipynb: differs" in p for p in translate.problems(copy))


def test_the_compiled_catalogue_must_follow_the_po_files(copy):
    _set(copy, "middlepowers", "✘ Not yet", "✘ Pas tout à fait")
    found = translate.problems(copy)
    assert any("middlepowers.mo: out of date" in p for p in found)
    translate.build(copy)
    assert translate.problems(copy) == []


def test_an_english_edit_marks_exactly_the_affected_french_strings_fuzzy(copy):
    """The cost of an English edit: one changed paragraph is one fuzzy string (its previous English
    kept for the translator as ``#| msgid``); every other translation stays as it was."""
    before = {m.id: m.string for m in translate.read("notebook-primer", copy) if m.id}
    path = copy / "notebooks" / "primer.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    old = "Here are the sentences per section, SEC1 to SEC7:"
    new = "Here are the sentences of each section, SEC1 to SEC7:"
    cell = next(c for c in nb["cells"] if old in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace(old, new).splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    assert translate.update(copy)["notebook-primer"] == 1
    after = translate.read("notebook-primer", copy)
    fuzzy = [m for m in after if m.id and m.fuzzy]
    assert [m.id for m in fuzzy] == [new]
    assert fuzzy[0].previous_id == [old] and fuzzy[0].string == before[old]  # the old French, to revise
    assert {m.id: m.string for m in after if m.id and not m.fuzzy} == {k: v for k, v in before.items() if k != old}
    text = translate.po_path("notebook-primer", copy).read_text(encoding="utf-8")
    assert f'#| msgid "{old}"' in text
    found = translate.problems(copy)
    assert [p for p in found if "fuzzy" in p] == [
        f"notebook-primer.po: fuzzy (the English changed; review it): {new!r}"
    ]
    assert any("notebooks/fr/primer.ipynb: differs" in p for p in found)
    # the translator revises it: clearing the flag (and building) is all that is left
    _set(
        copy,
        "notebook-primer",
        new,
        before[old].replace("le nombre de phrases par section", "les phrases de chaque section"),
    )
    cat = translate.read("notebook-primer", copy)
    cat[new].flags.discard("fuzzy")
    translate.write(cat, "notebook-primer", copy)
    translate.build(copy)
    assert translate.problems(copy) == []


def test_update_twice_changes_nothing(copy):
    before = {p: p.read_bytes() for p in (copy / "locale").rglob("*.po")}
    translate.update(copy)
    assert {p: p.read_bytes() for p in (copy / "locale").rglob("*.po")} == before


@pytest.mark.parametrize(
    "french, problem",
    [
        ("Essayez: exécutez", "no-break space"),
        ("Essayez : exécutez", "must be a no-break one"),
        ("Vraiment?", "no-break space"),
        ('le mot "Canada"', "guillemets"),
        ("le mot «Canada»", "no-break space (U+00A0) inside"),
        ("le Premier ministre", "premier ministre"),
    ],
)
def test_canadian_french_typography(french, problem):
    assert any(problem in p for p in translate.typography(french))


def test_good_typography_and_code_are_not_flagged():
    assert (
        translate.typography("Essayez\u00a0: `for n in counts:` «\u00a0oui\u00a0» Vraiment\u202f? [a](b.ipynb)") == []
    )


def test_quotations_stay_in_english_with_a_marked_translation():
    nb = json.loads((FRENCH / "index.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert "«\u00a0Canada lives because of the United States...\u00a0» (S14) (traduction libre\u00a0:" in text
    assert "premier ministre du Canada" in text


def test_links_from_the_french_folder_reach_their_targets():
    for path in FRENCH.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for target in translate._LINK.findall("".join(cell["source"])):
                link = target[1].split("#")[0]
                if cell["cell_type"] == "markdown" and "://" not in link:
                    assert (path.parent / link).exists(), f"{path.name}: {link}"


def test_markdown_pieces_join_back_to_the_source():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                assert "".join(t for _, t in translate.markdown_pieces(source)) == source


# --------------------------------------------------------------------------- the language, at run time
def _notebook(folder: Path, name: str, meta: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_the_language_is_read_from_the_notebook_metadata(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert i18n.notebook_language("primer") == "en"  # no notebook: English
    _notebook(tmp_path, "primer.ipynb", {"middlepowers": {"lang": "fr"}})
    assert i18n.notebook_language("primer") == "fr"  # nbconvert, nbval: the working directory
    other = _notebook(tmp_path, "worksheet.ipynb", {})
    monkeypatch.setenv("JPY_SESSION_NAME", str(other))  # JupyterLab names the notebook
    assert i18n.notebook_language("primer") == "en"
    _notebook(tmp_path, "worksheet.ipynb", {"middlepowers": {"lang": "de"}})
    with pytest.raises(ValueError, match="must be one of en, fr"):
        i18n.notebook_language("primer")


def test_a_missing_compiled_catalogue_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALE", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="reinstall the course"):
            i18n.catalogue("fr")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()
        i18n._templates.cache_clear()


@pytest.fixture
def french_quiz(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(FRENCH)
    quiz = Quiz("primer", progress=tmp_path / "p.json")
    assert quiz.lang == "fr" and quiz.notebook == "primer"
    return quiz


def test_french_numbers_take_the_decimal_comma_and_are_stored_as_numbers(french_quiz, tmp_path):
    view = french_quiz.view("words-per-sentence")
    view.value = "20,9"
    result = view.check()
    assert result.correct is True and "Bonne réponse" in view.feedback.value and "20,9" in view.feedback.value
    view.value = "1,000.5"  # a thousand and a half in English is not a number in French
    assert view.check().correct is None and "n&#x27;est pas un nombre" in view.feedback.value
    view.value = "1\u202f000"
    assert view.check().correct is False and "Pas encore" in view.feedback.value
    saved = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    answers = [a["answer"] for a in saved["attempts"]]
    assert answers == [20.9, 1000.0]  # what every judge reads the same, in either language
    english = Quiz("primer", progress=tmp_path / "p.json", path=ROOT / "data" / "quizzes" / "primer.toml")
    assert [checks.judge_attempt(english.question(a["question"]), a) for a in saved["attempts"]] == [True, False]


def test_english_keeps_the_english_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")
    view = Quiz("primer", progress=tmp_path / "p.json").view("words-per-sentence")
    view.value = "20,9"
    assert view.check().correct is None and "is not a number" in view.feedback.value


def _plain(markup: str) -> list[str]:
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", "\n"))).splitlines()


def _not_written(*args):
    raise NotImplementedError()


def _returns_none(*args):
    return None


def _raises(*args):
    raise KeyError("section")


def _outputs(quiz: Quiz) -> list[str]:
    """Every line the primer's checks show: plain-text forms, feedback after each kind of answer, summary."""
    lines = []
    answers = {"numeric": ["", "abc", "nan", "1e999", "0", "20.9", "20"], "single": [None, "a", "b"]}
    for qid, q in quiz.spec.questions.items():
        if q.type == "code":
            from middlepowers.quiz import CodeCheckView

            for func in (_not_written, _returns_none, _raises, 3):
                result, notice = quiz.grade_code(qid, func)
                lines += CodeCheckView(q, result, notice, quiz.lang).text().splitlines()
            continue
        view = quiz.view(qid)
        lines += view._repr_mimebundle_()["text/plain"].splitlines()
        lines += [view.button.description, view.button.tooltip, view.control.description]
        for answer in answers.get(q.type, []):
            view.value = answer
            view.check()
            lines += _plain(view.feedback.value)
    from middlepowers.quiz import SummaryView

    summary = SummaryView(quiz)
    body = re.sub(r"<style>.*?</style>", "", summary.body.value, flags=re.S).replace("</li>", "<br>")
    lines += summary._repr_mimebundle_()["text/plain"].splitlines() + _plain(body) + [summary.button.description]
    return lines


def test_every_text_the_primer_checks_show_is_in_french(french_quiz, tmp_path, monkeypatch):
    """English and French runs of the same answers, line by line: no English line is left as it was,
    except code (the allowlist) and question ids. A new English text in quiz.py or checks.py fails here
    until i18n.RUNTIME and middlepowers.po have it."""
    french = _outputs(french_quiz)
    monkeypatch.chdir(ROOT / "notebooks")
    english = _outputs(Quiz("primer", progress=tmp_path / "en.json"))
    assert len(french) == len(english)
    allowed = translate.allowlist(ROOT)
    same = [e for e, f in zip(english, french) if e == f and e.strip()]
    assert [s for s in same if not any(a in s for a in allowed)] == []
    # and no English line is left without a template (a translated field must not hide English around it)
    assert (
        sorted({e for e in english if e.strip() and i18n.line(e, "fr") == e and not any(a in e for a in allowed)}) == []
    )
    assert "Progression dans primer\u00a0:" in "\n".join(french)


def test_widget_labels_are_french(french_quiz):
    view = french_quiz.view("words-per-sentence")
    assert view.control.description == "Réponse (mots par phrase)\u00a0:"
    assert view.control.placeholder == "tapez un nombre"
    assert view.button.description == "Vérifier"


# --------------------------------------------------------------------------- quotations
_GUILLEMETS = re.compile("«\u00a0(.+?)\u00a0»")
_MARKED = re.compile(r"\s*(?:\(S\d\d(?:[-–]S\d\d)?\)\s*)?\(traduction libre\u00a0:")


def _article_words() -> str:
    from middlepowers.paths import article_path

    return " ".join(article_path().read_text(encoding="utf-8").replace("’", "'").split())


def test_english_quotations_stay_word_for_word_and_their_translation_is_marked():
    """In the French texts, a quotation of the article (two words or more, found in it word for word,
    ellipses allowed) keeps its English, and a marked free translation follows it."""
    article = _article_words()
    quoted = 0
    for name in translate.sources(ROOT):
        if name == "middlepowers":
            continue
        for m in translate.read(name, ROOT):
            if not m.id or not m.string:
                continue
            for found in _GUILLEMETS.finditer(m.string):
                parts = [" ".join(p.split()) for p in found.group(1).replace("’", "'").split("...") if p.strip()]
                is_quotation = len(found.group(1).split()) >= 2 and all(p.strip(" .") in article for p in parts)
                if not is_quotation:
                    continue
                quoted += 1
                assert found.group(1).strip(" .") in m.id.replace("’", "'"), (
                    f"{name}: {found.group(1)!r} not as in English"
                )
                assert _MARKED.match(m.string, found.end()), f"{name}: no « traduction libre » after {found.group(1)!r}"
    assert quoted >= 4  # S04, S14 (index), S14 (quiz), the SEC4 heading


def test_markdown_pieces_keep_code_and_markup_out_of_the_strings():
    source = (
        "## A heading\n\nA paragraph\non two lines.\n\n- an item\n  that goes on\n- another\n\n"
        "```python\nx = 1\n\ny = 2\n```\n\n| a | b |\n|---|---|\n| one | two |\n\n---\n"
    )
    pieces = translate.markdown_pieces(source)
    assert "".join(t for _, t in pieces) == source
    assert [t for tr, t in pieces if tr] == [
        "A heading",
        "A paragraph\non two lines.",
        "an item\n  that goes on",
        "another",
        "| a | b |",
        "| one | two |",
    ]


def test_comments_are_translated_and_code_is_not():
    source = 'x = "# not a comment"  # a comment\n# Your turn: x.count(...)\n'
    assert [t for _, _, t in translate.comment_spans(source)] == ["a comment", "Your turn: x.count(...)"]


def test_the_check_command_exits_0_when_ready(capsys):
    assert translate.main(["check"]) == 0
    assert "complete and up to date" in capsys.readouterr().out
