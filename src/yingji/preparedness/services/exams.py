"""Exam services: the question bank (and its spreadsheet import), papers and their drawing rules, attempts drawn
with a seed, and the one submission of an attempt (a repeat answers the first result)."""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from yingji.core import audit, imports, policy
from yingji.core.errors import ValidationFailed
from yingji.core.models import enterprise_model
from yingji.core.services import create_object, update_object
from yingji.standards import training as training_rules

from ..models import ExamAttempt, ExamPaper, Question, Trainee, TrainingSession
from ..training_choices import AttemptState, QuestionKind

LETTERS = "ABCDEFGH"

audit.message_pattern(r"exam submitted", gettext_lazy("exam submitted"))
audit.message_pattern(r"exam timed out", gettext_lazy("exam timed out"))
MAX_QUESTIONS = 100


# --- the bank ------------------------------------------------------------------------------------------------


def normalise_answer(kind: str, value: Any, options: int) -> str | None:
    """The answer as stored and compared: "A" (single), "AC" (multiple, sorted), "true"/"false"; None if it is
    not a valid answer of the kind."""
    if kind == QuestionKind.TRUE_FALSE:
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value or "").strip().lower()
        return {"true": "true", "false": "false", "对": "true", "错": "false", "正确": "true", "错误": "false",
                "√": "true", "×": "false", "是": "true", "否": "false"}.get(text)
    if isinstance(value, list | tuple):
        value = "".join(str(v) for v in value)
    letters = "".join(sorted(set(str(value or "").upper().replace(",", "").replace("、", "").replace(" ", ""))))
    allowed = LETTERS[:options]
    if not letters or any(ch not in allowed for ch in letters):
        return None
    if kind == QuestionKind.SINGLE and len(letters) != 1:
        return None
    if kind == QuestionKind.MULTIPLE and len(letters) < 2:
        return None
    return letters


def question_problems(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a question's fields (field → messages)."""
    problems: dict[str, list[str]] = {}
    kind = data.get("kind")
    options = data.get("options") or []
    if kind not in QuestionKind.values():
        problems["kind"] = [gettext("Choose one of %(keys)s") % {"keys": ", ".join(QuestionKind.values())}]
        return problems
    if kind == QuestionKind.TRUE_FALSE:
        if options:
            problems["options"] = [gettext("A true-or-false question has no options")]
    elif not (2 <= len(options) <= len(LETTERS)) or not all(isinstance(o, str) and o.strip() for o in options):
        problems["options"] = [gettext("Between 2 and 8 options, none empty")]
    if normalise_answer(kind, data.get("answer"), len(options)) is None:
        problems["answer"] = [gettext("Not a valid answer for this kind of question")]
    industry = data.get("industry") or ""
    if industry and industry not in training_rules.SECTORS:
        problems["industry"] = [gettext("Choose one of %(keys)s") % {"keys": ", ".join(training_rules.SECTORS)}]
    return problems


def _question_data(data: Mapping[str, Any], current: Question | None = None) -> dict:
    data = dict(data)
    merged = {"kind": data.get("kind", current.kind if current else None),
              "options": data.get("options", current.options if current else []),
              "answer": data.get("answer", current.answer if current else None),
              "industry": data.get("industry", current.industry if current else "")}
    problems = question_problems(merged)
    if problems:
        raise ValidationFailed.from_dict(problems)
    if "answer" in data or "kind" in data or "options" in data:
        data["answer"] = normalise_answer(merged["kind"], merged["answer"], len(merged["options"] or []))
    return data


def create_question(actor, data: Mapping[str, Any]) -> Question:
    data = _question_data(data)
    if not data.get("code"):
        data["code"] = next_code()
    return create_object(actor, Question, data)


def update_question(actor, question: Question, data: Mapping[str, Any]) -> Question:
    return update_object(actor, question, _question_data(data, question))


def next_code(offset: int = 0) -> str:
    numbers = [int(c[2:]) for c in Question.objects.filter(code__startswith="TK").values_list("code", flat=True)
               if c[2:].isdigit()]
    return f"TK{(max(numbers, default=0) + 1 + offset):04d}"


def _options_cell(value: Any) -> list[str]:
    text = imports.as_text(value)
    return [p.strip() for p in text.replace("｜", "|").split("|") if p.strip()] if text else []


IMPORT_COLUMNS = [
    imports.Column("kind", "题型", imports.choice(QuestionKind, {"单选": "single", "多选": "multiple",
                                                                "判断": "true_false"}), required=True,
                   example="单选"),
    imports.Column("text", "题干", imports.text(2000), required=True, width=50,
                   example="生产经营单位的（ ）是本单位安全生产第一责任人。"),
    imports.Column("options", "选项（用 | 分隔）", _options_cell, width=40,
                   example="主要负责人|安全生产管理人员|班组长"),
    imports.Column("answer", "答案", imports.as_text, required=True, example="A"),
    imports.Column("topic", "专题", imports.text(100), required=True, example="安全生产法"),
    imports.Column("industry", "行业", imports.choice({s: s for s in training_rules.SECTORS},
                                                     {"煤矿": "coal_mine", "非煤矿山": "non_coal_mine",
                                                      "危险化学品": "hazardous_chemicals", "烟花爆竹": "fireworks",
                                                      "金属冶炼": "metal_smelting", "其他": "other"}),
                   example="危险化学品"),
    imports.Column("basis", "依据", imports.text(200), example="《安全生产法》第五条"),
]


def import_questions(actor, uploaded, *, dry_run: bool = False) -> int:
    """Questions from a spreadsheet (the columns of ``IMPORT_COLUMNS``): every row checked (kind, options,
    answer, repeats within the file and of the bank's texts) before any is written; all or nothing."""
    policy.require(actor, "add", Question)
    errors: list[dict] = []
    plans: list[dict] = []
    seen: dict[str, int] = {}
    existing = set(Question.objects.values_list("text", flat=True))
    by_key = {c.key: c for c in IMPORT_COLUMNS}
    for number, raw, formulas in imports.read_table(uploaded, IMPORT_COLUMNS):
        errors.extend(formulas)
        values = imports.parse_row(number, raw, IMPORT_COLUMNS, errors, skip=[f["key"] for f in formulas])
        if any(e["row"] == number for e in errors):
            continue
        values.setdefault("options", [])
        values.setdefault("industry", "")
        for field, messages in question_problems(values).items():
            errors.extend({"row": number, "column": by_key[field].header, "key": field, "message": m}
                          for m in messages)
        text = values.get("text", "")
        if text in seen:
            errors.append({"row": number, "column": "题干", "key": "text",
                           "message": f"Repeats row {seen[text]}"})
        elif text in existing:
            errors.append({"row": number, "column": "题干", "key": "text",
                           "message": "The bank already has this question"})
        seen[text] = number
        plans.append(values)
    if errors:
        raise imports.failed(errors)
    if dry_run:
        return len(plans)
    with transaction.atomic():
        for offset, values in enumerate(plans):
            values["answer"] = normalise_answer(values["kind"], values["answer"], len(values["options"]))
            create_object(actor, Question, {**values, "code": next_code(offset)})
    return len(plans)


def template() -> bytes:
    return imports.template_workbook(IMPORT_COLUMNS, "题库导入", lists={
        "kind": ["单选", "多选", "判断"],
        "industry": ["煤矿", "非煤矿山", "危险化学品", "烟花爆竹", "金属冶炼", "其他"]},
        notes={"answer": "单选填一个字母；多选填多个字母，如 ACD；判断填 对 或 错",
               "industry": "留空表示各行业通用"})


# --- papers --------------------------------------------------------------------------------------------------


def _pool(rule: Mapping[str, Any]):
    qs = Question.objects.filter(is_active=True, kind=rule["kind"])
    if rule.get("topic"):
        qs = qs.filter(topic=rule["topic"])
    if rule.get("industry"):
        qs = qs.filter(industry__in=[rule["industry"], ""])
    return qs


def rule_problems(rules: Any) -> list[str]:
    """What is wrong with a paper's rules: each ``{"kind", "topic", "industry", "count"}`` with a count the bank
    can fill, at most ``MAX_QUESTIONS`` in all."""
    if not isinstance(rules, list) or not rules:
        return [gettext("At least one rule: a kind of question and how many")]
    problems, total = [], 0
    for i, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or rule.get("kind") not in QuestionKind.values():
            problems.append(gettext("Rule %(n)s: choose the kind of question") % {"n": i})
            continue
        count = rule.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            problems.append(gettext("Rule %(n)s: the count is a whole number from 1") % {"n": i})
            continue
        total += count
        available = _pool(rule).count()
        if available < count:
            problems.append(gettext("Rule %(n)s: the bank has only %(available)s such questions") % {
                "n": i, "available": available})
    if total > MAX_QUESTIONS:
        problems.append(gettext("At most %(n)s questions in a paper") % {"n": MAX_QUESTIONS})
    return problems


def clean_rules_or_same(rules):
    """The rules as they would be stored (for comparing a form's unchanged rules), or the input when malformed."""
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        return rules
    return [{"kind": r.get("kind"), "topic": (r.get("topic") or "").strip(), "industry": r.get("industry") or "",
             "count": r.get("count")} for r in rules]


def _clean_rules(rules) -> list[dict]:
    cleaned = clean_rules_or_same(rules)
    problems = rule_problems(cleaned)
    if problems:
        raise ValidationFailed.from_dict({"rules": problems})
    return cleaned


def create_paper(actor, data: Mapping[str, Any]) -> ExamPaper:
    data = dict(data)
    data["rules"] = _clean_rules(data.get("rules"))
    if "course_id" in data:
        data["course"] = data.pop("course_id")
    return create_object(actor, ExamPaper, data)


def update_paper(actor, paper: ExamPaper, data: Mapping[str, Any]) -> ExamPaper:
    data = dict(data)
    if "rules" in data:
        data["rules"] = _clean_rules(data["rules"])
    if "course_id" in data:
        data["course"] = data.pop("course_id")
    return update_object(actor, paper, data)


def draw(paper: ExamPaper, seed: str) -> list[dict]:
    """The paper's questions drawn by its rules with ``seed`` (a question drawn by one rule is not drawn again by
    another): ``[{"code", "kind", "text", "options", "answer"}]``."""
    rng = random.Random(f"{paper.pk}:{seed}")
    chosen: list[Question] = []
    used: set[int] = set()
    for i, rule in enumerate(paper.rules, start=1):
        pool = [q for q in _pool(rule).order_by("code") if q.pk not in used]
        if len(pool) < rule["count"]:
            raise ValidationFailed.from_dict({"paper": [gettext(
                "Rule %(n)s: the bank has only %(available)s such questions") % {"n": i, "available": len(pool)}]})
        picked = rng.sample(pool, rule["count"])
        used.update(q.pk for q in picked)
        chosen.extend(picked)
    return [{"code": q.code, "kind": q.kind, "text": q.text, "options": list(q.options), "answer": q.answer}
            for q in chosen]


def for_examinee(attempt: ExamAttempt) -> list[dict]:
    """The attempt's questions as the examinee sees them (never the answers)."""
    return [{"code": q["code"], "kind": q["kind"], "text": q["text"], "options": q["options"]}
            for q in attempt.questions]


# --- attempts ------------------------------------------------------------------------------------------------


def start_attempt(actor, paper: ExamPaper, data: Mapping[str, Any]) -> ExamAttempt:
    """An attempt of ``paper`` for an enterprise ``trainee`` or a named ``examinee`` (of an ``enterprise``),
    optionally during an ``inspection`` (of the same enterprise) or a training ``session``; its questions are
    drawn now."""
    from yingji.enforcement.models import Inspection

    policy.require(actor, "add", ExamAttempt)
    if not paper.is_active:
        raise ValidationFailed.from_dict({"paper": [gettext("This exam paper is not in use")]})
    data = dict(data)
    trainee = enterprise = inspection = session = None
    ref = data.get("trainee") or data.get("trainee_id")
    if ref not in (None, ""):
        trainee = policy.get_in_scope_or_field_error(Trainee, ref, actor, "trainee_id")
        enterprise = trainee.enterprise
    ref = data.get("enterprise") or data.get("enterprise_id")
    if ref not in (None, ""):
        found = policy.get_in_scope_or_field_error(enterprise_model(), ref, actor, "enterprise_id")
        if enterprise is not None and found.pk != enterprise.pk:
            raise ValidationFailed.from_dict({"enterprise_id": [gettext("The trainee works for another enterprise")]})
        enterprise = found
    if enterprise is None and actor.enterprise_id:
        enterprise = actor.enterprise
    ref = data.get("inspection") or data.get("inspection_id")
    if ref not in (None, ""):
        inspection = policy.get_in_scope_or_field_error(Inspection, ref, actor, "inspection_id")
        if enterprise is not None and inspection.enterprise_id != enterprise.pk:
            raise ValidationFailed.from_dict({"inspection_id": [gettext(
                "The inspection is of another enterprise")]})
        enterprise = inspection.enterprise
    ref = data.get("session") or data.get("session_id")
    if ref not in (None, ""):
        session = policy.get_in_scope_or_field_error(TrainingSession, ref, actor, "session_id")
    name = (data.get("examinee") or "").strip() or (trainee.name if trainee else "")
    if not name:
        raise ValidationFailed.from_dict({"examinee": [gettext("Name the examinee or choose the trainee")]})
    if len(name) > 50:
        raise ValidationFailed.from_dict({"examinee": [gettext("At most 50 characters")]})
    started = data.get("started_at") or timezone.now()
    if started > timezone.now() + datetime.timedelta(minutes=1):
        # A start in the future would lengthen the time allowed.
        raise ValidationFailed.from_dict({"started_at": [gettext("An exam cannot start in the future")]})
    region = enterprise.region_code if enterprise else (session.region_code if session else paper.region_code)
    if not actor.enterprise_id:
        policy.require_region_in_scope(actor, region)
    seed = secrets.token_hex(8)
    questions = draw(paper, seed)
    return create_object(actor, ExamAttempt, {
        "paper": paper, "examinee": name, "trainee": trainee, "enterprise": enterprise, "inspection": inspection,
        "session": session, "region_code": region, "seed": seed, "questions": questions,
        "total": len(questions), "started_at": started, "created_by": actor},
        check_scope=False)


def score(questions: list[dict], answers: Mapping[str, Any], pass_mark: int) -> dict:
    """Correct answers, the score out of 100 (rounded half up) and whether it reaches ``pass_mark``; the codes of
    wrong and unanswered questions."""
    correct, wrong, unanswered = 0, [], []
    for q in questions:
        given = answers.get(q["code"])
        if given in (None, "", []):
            unanswered.append(q["code"])
            continue
        if normalise_answer(q["kind"], given, len(q["options"])) == q["answer"]:
            correct += 1
        else:
            wrong.append(q["code"])
    total = len(questions)
    points = (correct * 200 + total) // (2 * total) if total else 0
    return {"total": total, "correct": correct, "score": points, "passed": points >= pass_mark,
            "pass_mark": pass_mark, "wrong": wrong, "unanswered": unanswered}


def submission_key(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ValidationFailed.from_dict({"key": [gettext("A submission key is a UUID")]}) from None


def submit_attempt(actor, attempt: ExamAttempt, key, answers: Mapping[str, Any], *,
                   now: datetime.datetime | None = None) -> tuple[dict, bool]:
    """Score and record the attempt once. Returns ``(result, created)``: a second submission (the same key sent
    again, or any key once the attempt is recorded) answers the first result and writes nothing. A submission
    after the time allowed and its grace is refused (and the attempt recorded as failed: ``close_if_timed_out``).
    ``now``: the time of the submission (the demo records past exams with it); the clock by default."""
    now = now or timezone.now()
    key = submission_key(key)
    if not isinstance(answers, Mapping):
        raise ValidationFailed.from_dict({"answers": [gettext("Answers by question code")]})
    codes = {q["code"] for q in attempt.questions}
    unknown = sorted(set(answers) - codes)
    if unknown:
        raise ValidationFailed.from_dict({"answers": [gettext("Not questions of this paper: %(codes)s") % {
            "codes": "、".join(unknown[:10])}]})
    if close_if_timed_out(attempt, now):
        raise ValidationFailed.from_dict({"answers": [late_message(attempt)]})
    with transaction.atomic():
        locked = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state != AttemptState.OPEN:
            if (locked.result or {}).get("timed_out"):
                raise ValidationFailed.from_dict({"answers": [late_message(locked)]})
            return locked.result, False
        other = ExamAttempt.objects.filter(submission_key=key).exclude(pk=locked.pk).first()
        if other is not None:
            raise ValidationFailed.from_dict({"key": [gettext("This key was used for another exam")]})
        policy.require(actor, "change", locked)
        result = score(locked.questions, answers, locked.paper.pass_mark)
        result.update({"attempt": locked.pk, "examinee": locked.examinee, "submitted_at": now.isoformat()})
        ExamAttempt.objects.filter(pk=locked.pk, state=AttemptState.OPEN).update(
            answers={k: answers[k] for k in answers}, total=result["total"], correct=result["correct"],
            score=result["score"], passed=result["passed"],
            state=AttemptState.PASSED if result["passed"] else AttemptState.FAILED, submitted_at=now,
            submission_key=key, result=result)
        from yingji.core.choices import AuditAction

        locked.refresh_from_db()
        audit.record(AuditAction.UPDATE, locked, actor=actor, after={"score": result["score"],
                                                                      "passed": result["passed"]},
                     message="exam submitted")
    return result, True


# --- the time allowed ----------------------------------------------------------------------------------------
#
# As in the examination systems the bureau's examinees know: the paper's ``minutes`` run from the start of the
# attempt; the phone page counts down and hands the paper in by itself at zero with whatever was answered. The
# server accepts a submission up to ``GRACE_SECONDS`` after the time allowed (the phone's clock, a slow network);
# a later one is refused with a message saying so and the attempt is recorded as failed on the answers held then
# (none: answers reach the server only with the submission), so an exam cannot be handed in hours later.

#: Seconds after the time allowed a submission is still accepted.
GRACE_SECONDS = 60


def ends_at(attempt: ExamAttempt) -> datetime.datetime:
    """When the time allowed runs out (the start plus the paper's minutes); a start stored at the calendar's end
    never runs out rather than failing the page."""
    try:
        return attempt.started_at + datetime.timedelta(minutes=attempt.paper.minutes)
    except OverflowError:
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)


def seconds_left(attempt: ExamAttempt, now: datetime.datetime | None = None) -> int:
    """Whole seconds of the time allowed left (0 once it has run out)."""
    now = now or timezone.now()
    return max(0, int((ends_at(attempt) - now).total_seconds()))


def is_late(attempt: ExamAttempt, now: datetime.datetime | None = None) -> bool:
    """Past the time allowed and the grace: a submission now is refused."""
    now = now or timezone.now()
    return now - datetime.timedelta(seconds=GRACE_SECONDS) > ends_at(attempt)


def late_message(attempt: ExamAttempt) -> str:
    return gettext("The time allowed (%(minutes)s minutes) ran out at %(end)s; a submission after it is not "
                   "accepted and the exam is recorded as failed.") % {
        "minutes": attempt.paper.minutes, "end": timezone.localtime(ends_at(attempt)).strftime("%H:%M")}


def close_if_timed_out(attempt: ExamAttempt, now: datetime.datetime | None = None) -> bool:
    """Record an open attempt past its time and grace as failed (score 0 of what the server holds, marked
    ``timed_out``); True when the attempt is (now) closed so. Safe to call twice and from several requests (the
    update is conditional on the attempt still being open)."""
    now = now or timezone.now()
    if attempt.state != AttemptState.OPEN:
        return bool((attempt.result or {}).get("timed_out"))
    if not is_late(attempt, now):
        return False
    with transaction.atomic():
        result = score(attempt.questions, {}, attempt.paper.pass_mark)
        result.update({"attempt": attempt.pk, "examinee": attempt.examinee, "submitted_at": ends_at(attempt)
                       .isoformat(), "timed_out": True})
        closed = ExamAttempt.objects.filter(pk=attempt.pk, state=AttemptState.OPEN).update(
            answers={}, total=result["total"], correct=0, score=result["score"], passed=False,
            state=AttemptState.FAILED, submitted_at=ends_at(attempt), result=result)
        if closed:
            from yingji.core.choices import AuditAction

            attempt.refresh_from_db()
            audit.record(AuditAction.UPDATE, attempt, actor=None, after={"score": result["score"], "passed": False},
                         message="exam timed out")
    attempt.refresh_from_db()
    return bool((attempt.result or {}).get("timed_out"))


def close_timed_out_attempts(now: datetime.datetime | None = None) -> int:
    """Close every open attempt past its time and grace (the periodic job); returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    for attempt in ExamAttempt.objects.filter(state=AttemptState.OPEN).select_related("paper"):
        if is_late(attempt, now) and close_if_timed_out(attempt, now):
            closed += 1
    return closed
