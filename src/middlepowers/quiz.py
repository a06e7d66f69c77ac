"""Quick checks for students: widgets over the plain checkers in :mod:`middlepowers.checks`.

In a notebook::

    from middlepowers.quiz import Quiz
    quiz = Quiz("00-article-to-tidy-data")     # loads data/quizzes/00-article-to-tidy-data.toml
    quiz.ask("how-many-sentences")              # one check: control(s), a Check button, feedback
    quiz.check_code("count-per-section", sentences_per_section)
    quiz.summary()                              # answered / correct / to revisit
    quiz.start_over()                           # set this notebook's attempts aside (kept) and begin again

Questions and answers live in ``data/quizzes/*.toml`` (see its README), never
in the notebook. Every attempt is saved by :mod:`middlepowers.progress`.
Widgets are standard ipywidgets controls (labelled, keyboard operable); each
view's plain-text form (what GitHub, nbviewer and nbval see) is the question
as readable text, identical on every run.

CSS classes for browser tests: question box ``mp-question mp-q-<id>``, check
button ``mp-check``, feedback ``mp-feedback``, summary ``mp-summary``.

Validate quiz files from a shell: ``python -m middlepowers.quiz data/quizzes/*.toml``.
"""

from __future__ import annotations

import html
import inspect
import re
import sys
import types
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from middlepowers import checks, i18n
from middlepowers.checks import Question, QuizFormatError, Result, load_quiz  # noqa: F401 (re-exported)
from middlepowers.progress import ProgressStore, for_notebook
from middlepowers.ui import make, shared

__all__ = [
    "Quiz",
    "QuestionView",
    "SummaryView",
    "CodeCheckView",
    "QuizFormatError",
    "QuizInputError",
    "Result",
    "main",
]


class QuizInputError(ValueError):
    """An answer given in code (``view.value = ...``) that is not of the question's kind; the message shows one."""


CHOOSE = "— choose —"
#: The last line of a check's plain-text form: shown in place of the widget
#: until its cell runs (JupyterLab before Run All, GitHub, nbviewer).
RUN_TO_ANSWER = "  (This is a preview: run this cell to answer.)"


def _live(body: str = "") -> str:
    """A feedback live region holding ``body`` (HTML).

    Each check's region is there, empty, from the moment the check is built
    (:class:`QuestionView`), so a screen reader already watches it when the
    first feedback arrives.
    """
    return f'<div class="mp-live" role="status" aria-live="polite">{body}</div>'


def _html_result(result: Result, notice: str = "", lang: str = "en") -> str:
    lines = ([notice] if notice else []) + [i18n.line(each, lang) for each in result.lines()]
    return _live("<br>".join(html.escape(line) for line in lines))


def question_text(q: Question) -> str:
    """The question as plain text (the fallback where widgets do not render)."""
    out = [f"Question ({q.id}): {q.prompt}"]
    if q.type == "single":
        out += [f"  ( ) {o['key']}. {o['text']}" for o in q.get("options")]
        out.append("  [Check]")
    elif q.type == "multiple":
        out.append("  Tick all that apply:")
        out += [f"  [ ] {o['key']}. {o['text']}" for o in q.get("options")]
        out.append("  [Check]")
    elif q.type == "classify":
        cats = " / ".join(c["label"] for c in q.get("categories"))
        out.append(f"  Categories: {cats}")
        out += [f"  - {i['text']}: [{CHOOSE}]" for i in q.get("items")]
        out.append("  [Check]")
    elif q.type == "numeric":
        unit = f" ({q.get('unit')})" if q.get("unit") else ""
        out.append(f"  Answer{unit}: [ type a number ]")
        out.append("  [Check]")
    elif q.type == "reflection":
        out.append("  Your reflection: [ write here ]")
        out.append("  [Save]")
    elif q.type == "code":
        out.append(f"  Check with: quiz.check_code({q.id!r}, {q.get('function')})")
    if q.type != "code":
        out.append(RUN_TO_ANSWER)
    return "\n".join(out)


#: Layout fixes for long option and item texts: ipywidgets rows have a fixed
#: height, so without this a long radio label overlaps the next row and a
#: classify drop-down is squeezed off the page (found by tests/browser).
QUIZ_CSS = """
/* middlepowers quiz layout: long texts wrap in their own row (ipywidgets rows have a fixed height). */
.mp-question .widget-radio,
.mp-question .widget-radio-box,
.mp-question .widget-checkbox,
.mp-question .widget-dropdown { height: auto; }
.mp-question .widget-radio-box label,
.mp-question .widget-checkbox label {
  display: flex; align-items: flex-start; gap: 6px;
  height: auto; min-height: var(--jp-widgets-inline-height);
  line-height: 1.4; white-space: normal; overflow: visible;
}
.mp-question .widget-radio-box input,
.mp-question .widget-checkbox input { order: -1; flex: none; margin-top: 0.25em; }
/* classify: the item text wraps, left-aligned; its drop-down keeps a usable width */
.mp-question .widget-dropdown { flex-wrap: wrap; row-gap: 2px; }
.mp-question .widget-dropdown > label {
  text-align: left; white-space: normal; overflow: visible; height: auto;
  line-height: 1.4; max-width: 100%; flex: 1 1 24em;
}
.mp-question .widget-dropdown > select { flex: 0 0 16em; max-width: 100%; }
/* prompt, feedback and summary: text line spacing, not the 28 px row height of a control */
.mp-question .widget-html > .widget-html-content,
.mp-summary .widget-html > .widget-html-content { line-height: 1.45; }
/* feedback: a panel of its own below the button, in the theme's colours (light and dark) */
.mp-question .mp-feedback { margin-top: 8px; }
.mp-question .mp-live:not(:empty) {
  padding: 6px 10px; border-left: 4px solid var(--jp-brand-color1);
  background: var(--jp-layout-color2); color: var(--jp-ui-font-color1);
}
/* summary: one status mark per row, no list bullet in front of it */
.mp-summary ul.mp-rows { list-style: none; padding-left: 0.5em; }
.mp-summary .mp-mark { display: inline-block; width: 1.4em; }
"""


class QuestionView(widgets.VBox):
    """One question: prompt, labelled control(s), a Check button and a feedback area.

    ``value`` (property) reads the current answer from the controls;
    ``check()`` (also the button's click) grades it, saves the attempt and
    shows the feedback. The plain-text repr is :func:`question_text`.
    """

    def __init__(self, quiz: Quiz, question: Question, **kwargs):
        self.quiz, self.question = quiz, question
        q = question
        # The stylesheet travels with each prompt, so a question keeps its layout
        # wherever it is shown; layouts and styles are shared (middlepowers.ui).
        self.prompt = make(widgets.HTML, value=f"<style>{QUIZ_CSS}</style><p><b>{html.escape(q.prompt)}</b></p>")
        self.controls: dict[str, widgets.Widget] = {}
        wide, initial = {"width": "auto"}, {"description_width": "initial"}
        if q.type == "single":
            self.control = make(
                widgets.RadioButtons,
                options=[(o["text"], str(o["key"])) for o in q.get("options")],
                value=None,
                description="Answer:",
                layout=wide,
            )
            body = [self.control]
        elif q.type == "multiple":
            self.controls = {
                str(o["key"]): make(widgets.Checkbox, value=False, description=o["text"], indent=False, layout=wide)
                for o in q.get("options")
            }
            body = [make(widgets.Label, value="Tick all that apply:"), *self.controls.values()]
        elif q.type == "classify":
            opts = [(CHOOSE, "")] + [(c["label"], str(c["key"])) for c in q.get("categories")]
            self.controls = {
                str(i["key"]): make(
                    widgets.Dropdown, options=opts, value="", description=i["text"], style=initial, layout=wide
                )
                for i in q.get("items")
            }
            body = list(self.controls.values())
        elif q.type == "numeric":
            unit = f" ({q.get('unit')})" if q.get("unit") else ""
            self.control = make(
                widgets.Text, value="", placeholder="type a number", description=f"Answer{unit}:", style=initial
            )
            body = [self.control]
        elif q.type == "reflection":
            self.control = make(
                widgets.Textarea,
                value="",
                placeholder="write your answer here",
                description="Your reflection:",
                rows=4,
                style=initial,
                layout={"width": "95%"},
            )
            body = [self.control]
        else:
            raise ValueError(f"{q.id!r} is a code check: use quiz.check_code({q.id!r}, your_function)")
        label = "Save" if q.type == "reflection" else "Check"
        self.button = make(widgets.Button, description=label, tooltip=f"{label} your answer to {q.id}")
        self.button.add_class("mp-check")
        self.feedback = make(widgets.HTML, value=_live())
        self.feedback.add_class("mp-feedback")
        self.button.on_click(lambda _button: self.check())
        kwargs.setdefault("layout", shared(widgets.Layout))
        super().__init__(children=[self.prompt, *body, self.button, self.feedback], **kwargs)
        self.add_class("mp-question")
        self.add_class(f"mp-q-{q.id}")
        _localize_widgets(self, quiz.lang)
        self._restore()

    # -- reading and writing the answer -------------------------------------
    @property
    def value(self) -> Any:
        q = self.question
        if q.type == "multiple":
            return [k for k, box in self.controls.items() if box.value]
        if q.type == "classify":
            return {k: (d.value or None) for k, d in self.controls.items()}
        return self.control.value

    @value.setter
    def value(self, answer: Any) -> None:
        """Set the controls to ``answer`` (what :attr:`value` reads); an answer of the wrong shape
        raises :class:`QuizInputError` saying what this question's answer looks like."""
        q = self.question
        if answer is not None and q.type in ("multiple", "classify"):
            plain = checks.readable(q, [answer] if q.type == "multiple" and isinstance(answer, str) else answer)
            if isinstance(plain, checks.Result):
                raise QuizInputError(f"view.value for {q.id!r}: {plain.message.removeprefix(checks.WARN).strip()}")
            try:
                answer = dict(plain) if q.type == "classify" else plain
            except (TypeError, ValueError):
                raise QuizInputError(
                    f"view.value for {q.id!r}: give each item its category, e.g. {checks.example_answer(q)}"
                ) from None
        if q.type == "multiple":
            chosen = {str(a) for a in (answer or [])}
            for k, box in self.controls.items():
                box.value = k in chosen
        elif q.type == "classify":
            for k, d in self.controls.items():
                v = (answer or {}).get(k)
                d.value = str(v) if v is not None and str(v) in [o[1] for o in d.options] else ""
        elif q.type == "single":
            self.control.value = (
                str(answer) if answer is not None and str(answer) in [o[1] for o in self.control.options] else None
            )
        else:
            self.control.value = "" if answer is None else str(answer)

    def _restore(self) -> None:
        """Fill in the last saved answer, so a restart or re-run loses nothing."""
        attempts, notice = self.quiz.store.load()  # a corrupt file is set aside here: say so
        lines = [notice] if notice else []
        previous = [
            a
            for a in for_notebook(attempts, self.quiz.notebook, self.quiz.root)
            if a.get("question") == self.question.id
        ]
        if previous:
            try:
                self.value = previous[-1].get("answer")
                lines.append(
                    f"Your last answer (attempt {previous[-1].get('attempt')}) is filled in"
                    + _verdict_note(checks.judge_attempt(self.question, previous[-1]))
                )
            except Exception:  # a strange saved answer must not stop the lesson
                pass
        self._notice = notice
        self._tries = 0  # attempts counted in this view (the progress file's count wins when it is larger)
        self.feedback.value = _live("<br>".join(html.escape(i18n.line(line, self.quiz.lang)) for line in lines))

    def check(self) -> Result:
        """Grade the current answer, save it, show and return the result."""
        q = self.question
        try:
            answer, reason = (
                i18n.numeric_answer(self.value, self.quiz.lang) if q.type == "numeric" else (self.value, "")
            )
            result = Result(None, f"{checks.WARN} {reason}", counts=False) if reason else checks.check(q, answer)
            notice = ""
            if result.counts:
                saved = self.quiz.store.record(self.quiz.notebook, q.id, answer, result.correct)
                notice = saved.notice
                self._tries += result.correct is False
                result = checks.reveal(self.question, result, max(self.quiz.wrong_attempts(self.question), self._tries))
                self.quiz.refresh_summaries()
            notice, self._notice = notice or self._notice, ""  # show a set-aside file once
        except Exception as error:  # never a traceback in front of a student
            result, notice = (
                Result(
                    None,
                    f"{checks.WARN} Something went wrong checking this answer "
                    f"({error.__class__.__name__}); please try again.",
                ),
                "",
            )
        self.feedback.value = _html_result(result, notice, self.quiz.lang)
        return result

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = i18n.text(question_text(self.question), self.quiz.lang)
        return data


#: the summaries shown in this kernel, kept up to date after each check (without keeping them alive)
_SUMMARIES: weakref.WeakSet = weakref.WeakSet()


class SummaryView(widgets.VBox):
    """Progress for one notebook (answered / correct / to revisit), updated after every check of the
    notebook in this kernel; the Refresh button re-reads the file (for attempts saved elsewhere)."""

    def __init__(self, quiz: Quiz, **kwargs):
        self.quiz = quiz
        self.body = make(widgets.HTML)
        self.button = make(widgets.Button, description="Refresh summary", tooltip="Re-read your progress file")
        self.button.on_click(lambda _b: self.refresh())
        kwargs.setdefault("layout", shared(widgets.Layout))
        super().__init__(children=[self.body, self.button], **kwargs)
        _localize_widgets(self, quiz.lang)
        self.add_class("mp-summary")
        self.refresh()
        _SUMMARIES.add(self)  # refreshed after every check of this notebook (Quiz.refresh_summaries)

    def refresh(self) -> str:
        self._text = self.quiz.summary_text()
        lines = self._text.splitlines()
        items = "".join(self._row_html(line) for line in lines[1:])
        self.body.value = (
            f'<style>{QUIZ_CSS}</style><div role="status"><p><b>{html.escape(i18n.line(lines[0], self.quiz.lang))}</b></p>'
            f'<ul class="mp-rows">{items}</ul></div>'
        )
        return self._text

    _ROW = re.compile(r"^\s*(\S)\s+([\w.-]+):\s*(.*)$")

    def _row_html(self, line: str) -> str:
        """One summary row as a list item: its mark (hidden from screen readers, the words say it),
        the question as the student saw it (number and prompt, not its id) and its status.
        The id stays out of the text; ``data-qid`` carries it for tools and tests."""
        match = self._ROW.match(line)
        if not match or match.group(2) not in self.quiz.spec.questions:
            return f"<li>{html.escape(i18n.line(line.strip(), self.quiz.lang))}</li>"
        mark, qid, status = match.groups()
        part = [i for i, q in self.quiz.spec.questions.items() if q.part == self.quiz.part]
        number = part.index(qid) + 1 if qid in part else list(self.quiz.spec.questions).index(qid) + 1
        prompt = self.quiz.spec.questions[qid].prompt
        short = prompt if len(prompt) <= 70 else prompt[:67].rsplit(" ", 1)[0] + "…"
        return (
            f'<li data-qid="{html.escape(qid, quote=True)}"><span class="mp-mark" aria-hidden="true">{html.escape(mark)}</span>'
            f'{i18n.line(f"Check {number}", self.quiz.lang)} <span title="{html.escape(prompt, quote=True)}">'
            f"({html.escape(short)})</span>{i18n.line(':', self.quiz.lang)} {html.escape(i18n.line(status, self.quiz.lang))}</li>"
        )

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = i18n.text(self._text, self.quiz.lang)
        return data


class CodeCheckView:
    """The displayed result of a code check: readable text and HTML (no widget)."""

    def __init__(self, question: Question, result: Result, notice: str = "", lang: str = "en"):
        self.question, self.result, self.notice, self.lang = question, result, notice, lang

    def text(self) -> str:
        lines = [f"Code check ({self.question.id}):", *([self.notice] if self.notice else []), *self.result.lines()]
        return i18n.text("\n".join(lines), self.lang)

    def _repr_mimebundle_(self, **kwargs):
        return {
            "text/plain": self.text(),
            "text/html": f'<div class="mp-feedback mp-q-{self.question.id}">'
            f"<p><b>{html.escape(i18n.line(f'Code check ({self.question.id}):', self.lang))}</b></p>"
            f"{_html_result(self.result, self.notice, self.lang)}</div>",
        }


class RubricView:
    """A reflection's rubric, rendered from its quiz file (Markdown; plain text is the same Markdown)."""

    def __init__(self, question: Question):
        self.question = question
        self.markdown = checks.rubric_markdown(question)

    def _repr_mimebundle_(self, **kwargs):
        return {"text/plain": self.markdown, "text/markdown": self.markdown}


class Quiz:
    """The checks of one notebook, read from ``data/quizzes/<notebook>.toml``."""

    def __init__(
        self, notebook: str, part: str = "lesson", path: str | Path | None = None, progress: str | Path | None = None
    ):
        from middlepowers.paths import data_dir, repo_root

        self.path = Path(path) if path is not None else data_dir("quizzes", f"{notebook}.toml")
        #: the notebook's language (its metadata, read once here): the texts shown, and how numbers are typed
        self.lang = i18n.notebook_language(notebook)
        self.spec = i18n.localize_spec(load_quiz(self.path, root=repo_root()), self.lang)
        self.notebook = self.spec.notebook
        self.store = ProgressStore(progress)
        #: the collection whose data/course.toml maps old notebook ids to this one (None: the one running)
        self.root = self.path.resolve().parents[2] if self.path.resolve().parent.parent.name == "data" else None
        #: the summary counts the questions of this part ("lesson" unless the TOML says e.g. part = "worksheet")
        self.part = part

    def question(self, question_id: str) -> Question:
        """Return a question; an unknown id gets a message listing the known ones."""
        try:
            return self.spec.questions[question_id]
        except KeyError:
            known = ", ".join(self.spec.questions)
            raise KeyError(f"No question {question_id!r} in {self.path.name}; known ids: {known}") from None

    # -- widgets -------------------------------------------------------------
    def view(self, question_id: str) -> QuestionView:
        """Build (but do not display) the widget for a question."""
        return QuestionView(self, self.question(question_id))

    def ask(self, question_id: str) -> None:
        """Display one check widget."""
        display(self.view(question_id))

    def summary_text(self) -> str:
        """Answered / correct / to revisit for this notebook, as deterministic text.

        Every verdict is the judge's, reached again from the stored answers
        (:func:`checks.judge_attempt`); the ``correct`` stored with an attempt is never read."""
        attempts, notice = self.store.load()
        mine = for_notebook(attempts, self.notebook, self.root)
        rows, answered, correct, revisit = [], 0, 0, 0
        mine_q = {qid: q for qid, q in self.spec.questions.items() if q.part == self.part}
        for qid, q in mine_q.items():
            tries = [a for a in mine if a.get("question") == qid]
            if not tries:
                rows.append(f"  · {qid}: not answered yet")
                continue
            answered += 1
            n = len(tries)
            times = f"{n} attempt{'s' if n > 1 else ''}"
            if q.type == "reflection":
                rows.append(f"  ✎ {qid}: reflection saved")
                continue
            verdicts = [checks.judge_attempt(q, a) for a in tries]
            if True in verdicts:
                correct += 1
                rows.append(f"  ✔ {qid}: correct ({times})")
            elif False in verdicts:
                revisit += 1
                rows.append(f"  ↻ {qid}: to revisit ({times})")
            else:
                rows.append(f"  ? {qid}: answered, not judged yet ({times}): check it again")
        where = self.notebook if self.part == "lesson" else f"{self.notebook} ({self.part})"
        head = (
            f"Progress in {where}: {answered} of {len(mine_q)} checks answered, "
            f"{correct} correct, {revisit} to revisit."
        )
        return "\n".join([*([notice] if notice else []), head, *rows])

    def summary(self) -> None:
        """Display the progress summary for this notebook."""
        display(SummaryView(self))

    def rubric(self, question_id: str) -> None:
        """Display the grading rubric of a reflection (from the quiz file's ``rubric``)."""
        q = self.question(question_id)
        if q.type != "reflection":
            raise ValueError(f"{question_id!r} is a {q.type} question; only reflections have a rubric")
        display(RubricView(q))

    # -- code checks ----------------------------------------------------------
    def grade_code(self, question_id: str, func: Callable) -> tuple[Result, str]:
        """Run a code check, save the attempt, return (result, notice)."""
        q = self.question(question_id)
        result = checks.check_code(q, func)
        notice = ""
        if result.counts:
            saved = self.store.record(self.notebook, question_id, _source(func), result.correct, result.outcomes)
            notice = saved.notice
            result = checks.reveal(q, result, self.wrong_attempts(q))
            self.refresh_summaries()
        return result, notice

    def start_over(self) -> None:
        """Start this notebook over: its saved attempts are set aside (kept beside the progress file,
        never deleted), its summaries shown here are updated, and a message says where they went."""
        message = self.store.start_over(self.notebook, self.root)
        self.refresh_summaries()
        print(message)

    def wrong_attempts(self, q: Question) -> int:
        """How many stored attempts at ``q`` the judge finds wrong (a right one is not counted)."""
        return sum(checks.judge_attempt(q, a) is False for a in self.store.attempts(self.notebook, q.id, self.root))

    def refresh_summaries(self) -> None:
        """Bring every summary of this notebook shown in this kernel up to date (after each saved check)."""
        for view in list(_SUMMARIES):
            if view.quiz.notebook == self.notebook and view.quiz.store.path == self.store.path:
                try:
                    view.refresh()
                except Exception:  # noqa: BLE001 - a summary that cannot refresh must not hide the feedback
                    pass

    def assert_passes(self, question_id: str, func: Callable, cases: list[int] | None = None) -> None:
        """For autograder test cells: raise ``AssertionError`` with the check's message unless ``func`` passes.

        A function still raising ``NotImplementedError`` (not written yet) raises that instead, so Run All
        on a blank worksheet shows only "not written yet" errors, as the worksheet says. ``cases`` picks
        case numbers (from 1) of the quiz file; default all. Nothing is saved to the progress file.
        """
        q = self.question(question_id)
        if cases is not None:
            q = Question(
                q.id, q.type, q.prompt, {**q.data, "cases": [q.get("cases")[n - 1] for n in cases]}, q.explain_after
            )
        result = checks.check_code(q, func)
        if result.not_written:
            raise NotImplementedError("\n".join(result.lines()))
        if result.correct is not True:
            raise AssertionError("\n".join(result.lines()))

    def check_code(self, question_id: str, func: Callable) -> None:
        """Run the student's function on the question's cases and display what passed or failed."""
        result, notice = self.grade_code(question_id, func)
        display(CodeCheckView(self.question(question_id), result, notice, self.lang))


def _localize_widgets(view: widgets.Widget, lang: str) -> None:
    """Put a view's own labels (descriptions, placeholders, tooltips, "— choose —") in ``lang``."""
    if lang == "en":
        return
    for child in getattr(view, "children", ()):
        for name in ("description", "placeholder", "tooltip"):
            if getattr(child, name, None):
                setattr(child, name, i18n.line(getattr(child, name), lang))
        if isinstance(child, widgets.Label):
            child.value = i18n.line(child.value, lang)
        if isinstance(child, widgets.Dropdown) and child.options and child.options[0] == (CHOOSE, ""):
            child.options = [(i18n.line(CHOOSE, lang), ""), *child.options[1:]]
            child.value = ""


def _verdict_note(verdict: bool | None) -> str:
    """The end of the "Your last answer ... is filled in" line: what the judge finds of it now."""
    if verdict is True:
        return f": {checks.CORRECT.split()[0]} it is right."
    if verdict is False:
        return f": {checks.NOT_YET.split()[0]} it is not right yet. Change it, then press Check."
    return "."


def _source(func: Any) -> str:
    """The function's source, for the instructor to read (never judged); its name when there is none.

    ``inspect.unwrap`` is not followed (``f.__wrapped__ = f`` would loop), and nothing ``func`` does
    to ``__name__`` or ``__code__`` can raise here."""
    try:
        code = func.__code__ if type(func) is types.FunctionType else None
        if code is not None:
            return inspect.getsource(code)
    except Exception:  # noqa: BLE001 - no source file (typed at a prompt), or an odd object
        pass
    try:
        name = func.__name__
        return name if type(name) is str else type(func).__name__
    except Exception:  # noqa: BLE001
        return type(func).__name__


def main(argv: list[str] | None = None) -> int:
    """Validate quiz files: ``python -m middlepowers.quiz FILE...`` (default: all of data/quizzes)."""
    from middlepowers.paths import data_dir

    files = [Path(a) for a in (sys.argv[1:] if argv is None else argv)] or sorted(data_dir("quizzes").glob("*.toml"))
    bad = 0
    for file in files:
        try:
            spec = load_quiz(file)
            print(f"ok   {file}: {len(spec.questions)} questions")
        except QuizFormatError as error:
            bad += 1
            print(f"FAIL {error}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
