"""检查表 by industry and the 逢查必考 bank: shipped data valid, draws reproducible, scoring exact."""

import copy
import json
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.standards import checklists, exams


@pytest.mark.parametrize("industry", list(checklists.INDUSTRIES))
def test_each_industry_checklist_is_valid(industry):
    checklist = checklists.load_checklist(industry)
    assert checklist.industry == industry
    assert 15 <= len(checklist.items) <= 30
    assert all(item.basis and item.text for item in checklist.items)
    assert any("安全生产法" in b.law for item in checklist.items for b in item.basis)
    assert "[unverified]" in checklist.note


def test_required_industries_are_shipped():
    names = {checklists.load_checklist(k).name for k in checklists.INDUSTRIES}
    for word in ("危险化学品", "工贸", "非煤矿山", "烟花爆竹", "加油站"):
        assert any(word in n for n in names), word
    with pytest.raises(ValueError):
        checklists.load_checklist("coal_mine")


def _raw_checklist():
    path = files("yingji.standards").joinpath("data", "checklists", "gas_station.json")
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["items"][0].update(basis=[]), "basis"),
    (lambda d: d["items"][0]["basis"][0].update(article=""), "basis"),
    (lambda d: d["items"][1].update(code=d["items"][0]["code"]), "duplicate code"),
    (lambda d: d["items"][0].update(code="x1"), "bad code"),
    (lambda d: d.update(note="ok"), "[unverified]"),
    (lambda d: d.update(industry="bakery"), "unknown industry"),
    (lambda d: d.update(items=d["items"][:14]), "15-30"),
    (lambda d: d["items"][0].pop("text"), "exactly"),
])
def test_checklist_validation(mutate, message):
    doc = _raw_checklist()
    mutate(doc)
    with pytest.raises(checklists.ChecklistError, match=message.replace("[", r"\[").replace("]", r"\]")):
        checklists.parse_checklist(doc)


def test_bank_is_valid_and_covers_every_audience():
    bank = exams.load_bank()
    assert len(bank) >= 60
    for audience in exams.AUDIENCES:
        assert len([q for q in bank if audience in q.audiences]) >= 20
    assert {q.kind for q in bank} == set(exams.KINDS)
    assert all(q.basis for q in bank)


def _raw_bank():
    return json.loads(files("yingji.standards").joinpath("data", "exam_questions.json").read_text("utf-8"))


@pytest.mark.parametrize("mutate, message", [
    (lambda qs: qs[0].update(answer="E"), "answer"),  # Q001 has four options
    (lambda qs: qs[0].update(answer="AB"), "single-choice"),
    (lambda qs: next(q for q in qs if q["kind"] == "multiple").update(answer="A"), "at least two"),
    (lambda qs: next(q for q in qs if q["kind"] == "multiple").update(answer="CA"), "in order"),
    (lambda qs: next(q for q in qs if q["kind"] == "true_false").update(answer="A"), "true/false"),
    (lambda qs: qs[0].update(audiences=["mayor"]), "audiences"),
    (lambda qs: qs[1].update(id=qs[0]["id"]), "duplicate id"),
    (lambda qs: qs[1].update(text=qs[0]["text"]), "duplicate question"),
    (lambda qs: qs[0].update(options=["同一", "同一"]), "distinct"),
    (lambda qs: qs[0].update(basis=""), "basis"),
    (lambda qs: qs[0].update(kind="essay"), "unknown kind"),
])
def test_bank_validation(mutate, message):
    doc = _raw_bank()
    mutate(doc["questions"])
    with pytest.raises(exams.BankError, match=message):
        exams.parse_bank(doc)


def test_small_bank_refused():
    doc = _raw_bank()
    doc["questions"] = doc["questions"][:59]
    with pytest.raises(exams.BankError, match="at least 60"):
        exams.parse_bank(doc)


def test_draw_is_reproducible_and_order_independent():
    bank = exams.load_bank()
    a = exams.draw_exam(bank, 10, "2026-检查-17", "worker")
    b = exams.draw_exam(tuple(reversed(bank)), 10, "2026-检查-17", "worker")
    assert a == b
    assert len({q.id for q in a.questions}) == 10
    assert all("worker" in q.audiences for q in a.questions)
    others = {tuple(q.id for q in exams.draw_exam(bank, 10, f"seed {i}", "worker").questions) for i in range(10)}
    assert len(others) == 10


def test_draw_bounds():
    bank = exams.load_bank()
    eligible = len([q for q in bank if "principal" in q.audiences])
    assert len(exams.draw_exam(bank, eligible, "s", "principal").questions) == eligible
    for n in (0, eligible + 1, True, 2.0):
        with pytest.raises(ValueError):
            exams.draw_exam(bank, n, "s", "principal")
    with pytest.raises(ValueError):
        exams.draw_exam(bank, 5, "s", "visitor")
    with pytest.raises(ValueError):
        exams.draw_exam(bank, 5, "", "worker")


def _paper():
    bank = {q.id: q for q in exams.load_bank()}
    # One of each kind: Q001 single (A), Q005 multiple (ABC), Q002 true/false (True), Q013 true/false (False).
    return exams.ExamPaper("s", "principal", tuple(bank[i] for i in ("Q001", "Q005", "Q002", "Q013")))


def test_score_exam_all_or_nothing():
    paper = _paper()
    assert [q.answer for q in paper.questions] == ["A", "ABC", True, False]
    full = exams.score_exam(paper, {"Q001": "a", "Q005": ["C", "A", "B"], "Q002": "对", "Q013": False})
    assert (full.correct, full.score, full.passed, full.wrong) == (4, 100, True, ())
    partial = exams.score_exam(paper, {"Q001": "A", "Q005": "AB", "Q002": True})
    assert (partial.correct, partial.score, partial.passed) == (2, 50, False)
    assert partial.wrong == ("Q005",) and partial.unanswered == ("Q013",)
    assert exams.score_exam(paper, {"Q001": "A", "Q005": "A,B、C", "Q002": True}).score == 75
    assert exams.score_exam(paper, {"Q001": "A", "Q005": "ABCD", "Q002": True, "Q013": "错"}).correct == 3
    assert exams.score_exam(paper, {"Q001": "A", "Q005": "ABC", "Q002": True}, pass_mark=75).passed
    assert exams.score_exam(paper, {"Q002": "yes"}).wrong == ("Q002",)
    with pytest.raises(ValueError):
        exams.score_exam(paper, {"Q999": "A"})


@settings(max_examples=30)
@given(st.text(min_size=1, max_size=12), st.integers(1, 20), st.data())
def test_score_counts_match(seed, n, data):
    paper = exams.draw_exam(exams.load_bank(), n, seed, "safety_manager")
    right = data.draw(st.sets(st.sampled_from([q.id for q in paper.questions])))
    answers = {q.id: q.answer for q in paper.questions if q.id in right}
    result = exams.score_exam(paper, answers)
    assert result.correct == len(right) and len(result.unanswered) == n - len(right)
    assert result.score == int(100 * len(right) / n + 0.5)


def test_data_files_are_in_the_package_data(tmp_path):
    """Every file under standards/data is matched by a pyproject package-data glob, so the wheel ships it."""
    import glob
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["yingji"]
    package = root / "src" / "yingji"
    shipped = {p for pattern in patterns for p in glob.glob(pattern, root_dir=package, recursive=True)}
    data = [p.relative_to(package).as_posix() for p in (package / "standards" / "data").rglob("*") if p.is_file()]
    assert "standards/data/checklists/gas_station.json" in data
    assert [p for p in data if p not in shipped] == []


def test_copy_of_bank_edit_still_parses():
    doc = copy.deepcopy(_raw_bank())
    doc["questions"].append(dict(doc["questions"][0], id="Q900", text="新增的题目？"))
    assert exams.parse_bank(doc)[-1].id == "Q900"
