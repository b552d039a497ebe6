"""Exams: the bank's answers, papers by rules, scoring, the one submission, the inspection link, the import."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingji.core.models import User
from yingji.enforcement.models import Inspection
from yingji.preparedness.models import ExamAttempt, ExamPaper, Question, Trainee
from yingji.preparedness.services import exams

pytestmark = pytest.mark.django_db


def _paper(api) -> int:
    r = api("section").post("/api/v1/exam-papers", {
        "title": "测试试卷", "purpose": "inspection", "region_code": "410481", "pass_mark": 80,
        "rules": [{"kind": "single", "count": 3}, {"kind": "multiple", "count": 1},
                  {"kind": "true_false", "count": 2}]})
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_answers_normalised_by_kind():
    assert exams.normalise_answer("single", "b", 4) == "B"
    assert exams.normalise_answer("single", "AB", 4) is None
    assert exams.normalise_answer("single", "E", 4) is None
    assert exams.normalise_answer("multiple", ["C", "A"], 4) == "AC"
    assert exams.normalise_answer("multiple", "A", 4) is None
    assert exams.normalise_answer("true_false", True, 0) == "true"
    assert exams.normalise_answer("true_false", "错", 0) == "false"
    assert exams.normalise_answer("true_false", "maybe", 0) is None


def test_score_rounds_half_up_and_applies_the_pass_mark():
    qs = [{"code": f"Q{i}", "kind": "single", "options": ["a", "b"], "answer": "A"} for i in range(8)]
    result = exams.score(qs, {f"Q{i}": "A" for i in range(7)}, 80)
    assert (result["correct"], result["score"], result["passed"]) == (7, 88, True)  # 87.5 → 88
    result = exams.score(qs, {"Q0": "B"}, 80)
    assert result["wrong"] == ["Q0"] and len(result["unanswered"]) == 7 and result["passed"] is False


def test_paper_rules_checked_against_the_bank(api):
    too_many = api("section").post("/api/v1/exam-papers", {
        "title": "x", "purpose": "course", "region_code": "410481", "rules": [{"kind": "multiple", "count": 99}]})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "rules"
    assert api("section").post("/api/v1/exam-papers", {"title": "x", "purpose": "course", "region_code": "410481",
                                                       "rules": []}).status_code == 422
    assert api("enterprise1").post("/api/v1/exam-papers", {
        "title": "x", "purpose": "course", "region_code": "410481",
        "rules": [{"kind": "single", "count": 1}]}).status_code == 403


def test_attempt_drawn_by_rules_scored_and_recorded_once(api):
    paper_id = _paper(api)
    inspection = Inspection.objects.filter(enterprise__users__username="enterprise1").first() or \
        Inspection.objects.first()
    trainee = Trainee.objects.filter(enterprise=inspection.enterprise).first()
    inspector = api("section")
    start = inspector.post("/api/v1/exam-attempts", {"paper_id": paper_id, "inspection_id": inspection.pk,
                                                     "trainee_id": trainee.pk if trainee else None,
                                                     "examinee": "" if trainee else "现场考生"})
    assert start.status_code == 201, start.content
    attempt_id = start.json()["id"]
    assert start.json()["inspection_id"] == inspection.pk
    assert start.json()["enterprise_id"] == inspection.enterprise_id
    paper = inspector.get(f"/api/v1/exam-attempts/{attempt_id}/paper").json()
    kinds = [q["kind"] for q in paper["questions"]]
    assert sorted(kinds) == sorted(["single"] * 3 + ["multiple"] + ["true_false"] * 2)
    assert all("answer" not in q for q in paper["questions"])
    attempt = ExamAttempt.objects.get(pk=attempt_id)
    answers = {q["code"]: (q["answer"] == "true") if q["kind"] == "true_false" else q["answer"]
               for q in attempt.questions}
    key = str(uuid.uuid4())
    first = inspector.post(f"/api/v1/exam-attempts/{attempt_id}/submissions", {"key": key, "answers": answers})
    assert first.status_code == 201, first.content
    assert first.json()["score"] == 100 and first.json()["passed"] is True
    # The same key again, or a new key with other answers: the first result, nothing written.
    again = inspector.post(f"/api/v1/exam-attempts/{attempt_id}/submissions", {"key": key, "answers": {}})
    other = inspector.post(f"/api/v1/exam-attempts/{attempt_id}/submissions",
                           {"key": str(uuid.uuid4()), "answers": {}})
    assert again.status_code == 200 and other.status_code == 200
    assert again.json() == first.json() == other.json()
    attempt.refresh_from_db()
    assert attempt.state == "passed" and attempt.score == 100
    assert ExamAttempt.objects.filter(submission_key=key).count() == 1


def test_submission_bad_input(api):
    paper_id = _paper(api)
    attempt_id = api("section").post("/api/v1/exam-attempts", {"paper_id": paper_id, "examinee": "考生"}).json()["id"]
    url = f"/api/v1/exam-attempts/{attempt_id}/submissions"
    assert api("section").post(url, {"key": "not-a-uuid", "answers": {}}).status_code == 422
    assert api("section").post(url, {"key": str(uuid.uuid4()), "answers": {"NOPE": "A"}}).status_code == 422
    assert ExamAttempt.objects.get(pk=attempt_id).state == "open"
    assert api("section").post("/api/v1/exam-attempts", {"paper_id": paper_id}).status_code == 422


def test_enterprise_takes_its_own_exam_only(api):
    own = User.objects.get(username="enterprise1").enterprise
    paper = ExamPaper.objects.filter(purpose="inspection").first()
    mine = Trainee.objects.filter(enterprise=own).first()
    theirs = Trainee.objects.exclude(enterprise=own).first()
    ok = api("enterprise1").post("/api/v1/exam-attempts", {"paper_id": paper.pk, "trainee_id": mine.pk})
    assert ok.status_code == 201 and ok.json()["enterprise_id"] == own.pk
    refused = api("enterprise1").post("/api/v1/exam-attempts", {"paper_id": paper.pk, "trainee_id": theirs.pk})
    assert refused.status_code == 422
    other = ExamAttempt.objects.exclude(enterprise=own).exclude(enterprise=None).first()
    assert api("enterprise1").get(f"/api/v1/exam-attempts/{other.pk}/paper").status_code == 404


def _xlsx(rows) -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项（用 | 分隔）", "答案", "专题", "行业", "依据"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("bank.xlsx", buffer.getvalue())


def test_import_checks_every_row_before_writing():
    section = User.objects.get(username="section")
    before = Question.objects.count()
    bad = _xlsx([["单选", "导入题一", "甲|乙|丙", "A", "导入", "危险化学品", ""],
                 ["多选", "导入题二", "甲|乙", "A", "导入", "", ""],
                 ["判断", "导入题三", "", "也许", "导入", "", ""],
                 ["单选", "导入题一", "甲|乙", "B", "导入", "", ""]])
    with pytest.raises(exams.imports.ImportFailed) as caught:
        exams.import_questions(section, bad)
    assert {e["row"] for e in caught.value.errors} == {3, 4, 5}
    assert Question.objects.count() == before
    good = _xlsx([["单选", "导入题一", "甲|乙|丙", "A", "导入", "危险化学品", ""],
                  ["多选", "导入题二", "甲|乙|丙", "AC", "导入", "", ""],
                  ["判断", "导入题三", "", "对", "导入", "", ""]])
    assert exams.import_questions(section, good) == 3
    assert list(Question.objects.filter(topic="导入").order_by("code").values_list("answer", "industry")) == [
        ("A", "hazardous_chemicals"), ("AC", ""), ("true", "")]


def test_import_page_and_template(web):
    client = web("section")
    assert client.get("/preparedness/exams/questions/import/").status_code == 200
    template = client.get("/preparedness/exams/questions/import/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    assert web("township1").get("/preparedness/exams/questions/import/").status_code == 403


def test_exam_page_submits_once(web):
    section = User.objects.get(username="section")
    paper = ExamPaper.objects.filter(purpose="inspection").first()
    attempt = exams.start_attempt(section, paper, {"examinee": "页面考生"})
    client = web("section")
    page = client.get(f"/preparedness/exams/attempts/{attempt.pk}/take/").content.decode()
    assert "yj-exam-form" in page and attempt.questions[0]["text"] in page
    data = {"key": str(uuid.uuid4())}
    for q in attempt.questions:
        data[q["code"]] = list(q["answer"]) if q["kind"] == "multiple" else q["answer"]
    first = client.post(f"/preparedness/exams/attempts/{attempt.pk}/take/", data)
    assert first.status_code == 302
    second = client.post(f"/preparedness/exams/attempts/{attempt.pk}/take/", {"key": str(uuid.uuid4())})
    assert second.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.state == "passed"
