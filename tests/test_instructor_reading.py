"""Fixes found by the instructor's reading (issue 23, part 4)."""

import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from middlepowers import rhetoric as rh
from middlepowers.article import parse, read_table

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "data" / "annotations"
ARTICLE = ROOT / "data" / "article" / "davos-2026-carney-trump.txt"


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell):
    return "".join(cell["source"])


def _plain_outputs(cell):
    texts = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "text/plain" in data:
            texts.append("".join(data["text/plain"]))
        if out.get("output_type") == "stream":
            texts.append("".join(out.get("text", "")))
    return "\n".join(texts)


def _quiz(stem):
    return tomllib.loads((ROOT / "data" / "quizzes" / f"{stem}.toml").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ keyness for both leaders


@pytest.mark.parametrize("leader", ["trump", "carney"])
def test_lesson_02_shows_and_reads_keyness_for_each_leader(leader):
    cells = _cells(ROOT / "notebooks" / "02b-measuring-both-sides.ipynb")
    at = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and "keyness(" in _source(c) and f'target="{leader}"' in _source(c)
    ]
    assert at, f"lesson 02 runs no keyness with target={leader!r}"
    tokens = rh.with_attribution(
        rh.token_voices(read_table("sentences"), read_table("quotes")), rh.load_sentence_coding()
    )
    top = rh.keyness(tokens, by="attribution", target=leader)["word"].head(4).tolist()
    shown = _plain_outputs(cells[at[0]])
    assert "g2" in shown and all(w in shown for w in top[:3]), f"the {leader} keyness table is not in the outputs"
    # the prose after the table reads it: it names its top words
    prose = []
    for c in cells[at[0] + 1 :]:
        if c["cell_type"] == "markdown" and _source(c).lstrip().startswith("## "):
            break
        if c["cell_type"] == "markdown":
            prose.append(_source(c).lower())
    named = [w for w in top if f'"{w}"' in "\n".join(prose)]
    assert len(named) >= 2, f"the prose after the {leader} keyness table names none of its top words {top}"


# ------------------------------------------------------------------ no cell gives a check's answer away


def _asked(cells):
    for i, c in enumerate(cells):
        if c["cell_type"] == "code":
            for qid in re.findall(r'quiz\.ask\("([^"]+)"\)', _source(c)):
                yield i, qid


LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*-*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_output_before_a_classify_check_shows_its_answers(path):
    cells = _cells(path)
    questions = {q["id"]: q for q in _quiz(path.stem)["questions"]}
    for at, qid in _asked(cells):
        question = questions[qid]
        if question["type"] != "classify":
            continue
        labels = {c["key"]: c["label"] for c in question["categories"]}
        for n, cell in enumerate(cells[:at]):
            lines = _plain_outputs(cell).splitlines()
            shown = [
                item["key"]
                for item in question["items"]
                if any(
                    re.search(rf"(?<![\w-]){re.escape(item['key'])}(?![\w-])", line)
                    and (
                        re.search(rf"(?<![\w-]){re.escape(item['answer'])}(?![\w-])", line)
                        or labels[item["answer"]] in line
                    )
                    for line in lines
                )
            ]
            assert len(shown) < 2, f"{path.name} cell {n} shows the answers of {qid} (cell {at}) for {shown}"


def test_stage_two_hint_points_at_no_table_above():
    (question,) = [q for q in _quiz("01-two-stage-program")["questions"] if q["id"] == "stage-two-sentences"]
    assert "table above" not in question["hint"]


# ------------------------------------------------------------------ device codes: what the text does


def test_device_codes_forced_into_symmetry_are_gone():
    coded = pd.read_csv(ANNOTATIONS / "sentence_devices.csv")
    pairs = set(zip(coded.sentence_id, coded.device_id))
    # S08 is a forecast about great powers, not a warning to a listener
    assert ("S08", "D03") not in pairs
    # "security relationships" names a thing to diversify; it files nothing under security
    assert not {("S17", "D09"), ("S25", "D09")} & pairs
    # the "51st US state" is a threat made to Canada, not Carney's existential stakes;
    # the end of an order is not a matter of survival
    assert not {("S18", "D10"), ("S07", "D10"), ("S05", "D10")} & pairs
    devices = pd.read_csv(ANNOTATIONS / "devices.csv").set_index("device_id")
    assert "end of an order" not in devices.loc["D10", "definition"]


def test_device_notes_do_not_overstate_what_outlets_render():
    note = pd.read_csv(ANNOTATIONS / "devices.csv").set_index("device_id").loc["D10", "note"]
    assert "every outlet" not in note
    versions = rh.load_quote_versions()
    trump_can = versions[versions.quote_id.str.startswith("T-CAN")]
    found = rh.find_phrase("Canada lives because of the United States", trump_can)
    for qid in found.loc[~found["contains"], "quote_id"]:
        assert qid in note, f"the D10 note does not name {qid}, which does not render 'Canada lives ...'"


def test_who_chose_successfully_in_s15_is_stated_one_way():
    coding = pd.read_csv(ANNOTATIONS / "sentences.csv").set_index("sentence_id")
    devices = pd.read_csv(ANNOTATIONS / "sentence_devices.csv")
    notes = [coding.loc["S15", "note"], *devices.loc[devices.sentence_id == "S15", "note"]]
    says = [n for n in notes if "'successfully'" in n]
    assert says and all("'successfully' is the reporter's word" in n for n in says), says


# ------------------------------------------------------------------ factual slips


def test_statements_of_the_articles_trailing_blank_lines_are_right():
    text = ARTICLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    blank = len(lines) - len("\n".join(lines).rstrip().splitlines())
    assert blank == 27
    places = [ROOT / "data" / "article" / "README.md", ROOT / "notebooks" / "00-article-to-tidy-data.ipynb"]
    said = []
    for place in places:
        prose = place.read_text(encoding="utf-8")
        said += [(place.name, int(n)) for n in re.findall(r"(\d+) trailing blank lines", prose)]
        said += [(place.name, int(n)) for n in re.findall(r"ends with (\d+) of them", prose)]
    assert len(said) >= 2
    assert all(n == blank for _, n in said), said


def test_entities_are_the_ones_the_article_mentions():
    art = parse(ARTICLE.read_text(encoding="utf-8"))
    assert (art.entities["n_mentions"] >= 1).all(), art.entities[art.entities["n_mentions"] == 0]
    table = pd.read_csv(ROOT / "data" / "tables" / "entities.csv")
    assert not {"nato", "eu"} & set(table["entity_id"])


def test_the_canadian_leader_is_carney():
    mentions = parse(ARTICLE.read_text(encoding="utf-8")).mentions
    s22 = mentions[mentions["sentence_id"] == "S22"]
    assert ("Canadian leader", "carney") in set(zip(s22["surface"], s22["entity_id"]))
    assert "canada" not in set(s22["entity_id"])


def _asked_ids(path):
    return {
        qid for c in _cells(path) if c["cell_type"] == "code" for qid in re.findall(r'quiz\.\w+\("([^"]+)"', _source(c))
    }


@pytest.mark.parametrize("notes", sorted((ROOT / "instructors").glob("[0-9][0-9]*-*.md")), ids=lambda p: p.stem)
def test_instructor_notes_count_the_checks_the_quiz_files_have(notes):
    text = notes.read_text(encoding="utf-8")
    found = re.search(r"\((\d+) lesson checks, (\d+) worksheet tasks\)", text)
    if not found:
        pytest.skip(f"{notes.name} states no counts")
    quiz_ids = {q["id"] for q in _quiz(notes.stem)["questions"]}
    lesson = {qid for _, qid in _asked(_cells(ROOT / "notebooks" / f"{notes.stem}.ipynb")) if qid in quiz_ids}
    tasks = _asked_ids(ROOT / "solutions" / f"{notes.stem}.ipynb") & quiz_ids
    assert (int(found[1]), int(found[2])) == (len(lesson), len(tasks)), notes.name


def test_the_guide_states_no_check_counts_beside_old_measurements():
    guide = (ROOT / "instructors" / "guide.md").read_text(encoding="utf-8")
    assert not re.search(r"\| lesson \d\d \(\d+ checks", guide)


def test_quiz_feedback_quotes_the_codebook_note_in_full():
    coding = pd.read_csv(ANNOTATIONS / "sentences.csv").set_index("sentence_id")
    (question,) = [q for q in _quiz("01-two-stage-program")["questions"] if q["id"] == "code-the-stages"]
    for item in question["items"]:
        for said in re.findall(r"its note says '([^']+)'", item["feedback"]):
            assert said in str(coding.loc[item["key"], "note"]), (item["key"], said)


@pytest.mark.parametrize(
    ("key", "where"),
    [
        ("hirschman1945", "Herfindahl-Hirschman Index"),
        ("farrell2019", "integration becomes the source of your subordination"),
    ],
)
def test_the_origins_of_the_index_and_of_leverage_are_cited_where_they_are_used(key, where):
    refs = {
        r["key"]: r for r in tomllib.loads((ROOT / "data" / "references.toml").read_text(encoding="utf-8"))["reference"]
    }
    assert key in refs
    cells = [
        _source(c) for c in _cells(ROOT / "notebooks" / "03-diversification.ipynb") if c["cell_type"] == "markdown"
    ]
    using = [s for s in cells if where in s]
    assert using and any(re.search(refs[key]["cited_as"], s) for s in using), key
