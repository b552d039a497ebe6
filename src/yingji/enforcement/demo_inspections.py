"""Demo inspections: a year of them for the demo county, consistent with what is already there.

- Every 双随机 draw's pairs become inspections by the pair's officers in the weeks after the draw: closed or
  recorded in past months (a few cancelled), recorded or under way this month up to today, planned after today.
- Hazards of the past year that an inspector or an inspection found come from an inspection of the same
  enterprise on the day they were found: a draw's inspection of that day when there is one, else an ad hoc one by
  two officers not recused from the enterprise; the finding holds the hazard.
- Each recorded inspection has a result for every checklist item, the signatures of its officers and of the
  enterprise's representative (generated pen strokes), and the 逢查必考 exam scored by ``standards.exams``.

Registered after the officers and draws (order 81: its ``accounts_ready`` runs once the draws exist)."""

from __future__ import annotations

import calendar
import datetime
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yingji.core import attachments
from yingji.core.demo import demo_clock
from yingji.core.models import User, enterprise_model
from yingji.prevention.choices import HazardSource
from yingji.prevention.models import Hazard
from yingji.standards import exams as exam_rules

from . import services
from .choices import (
    ExamAudience,
    FindingResult,
    InspectionEventKind,
    InspectionOrigin,
    InspectionState,
    SignerRole,
)
from .models import (
    Inspection,
    InspectionEvent,
    InspectionExam,
    InspectionFinding,
    InspectionSignature,
    Officer,
    RandomDraw,
    Recusal,
)

ON_THE_SPOT = ["现场检查时发现，已当场责令改正并完成整改", "记录台账填写不完整，已要求补齐",
               "部分员工未按规定佩戴劳动防护用品，已当场纠正", "应急预案未按期演练，已要求本月内组织演练",
               "安全警示标志缺失，已要求立即补设"]
SUMMARIES = ["企业安全管理制度基本健全，现场管理总体有序，发现的问题已责令整改。",
             "企业主要负责人和安全管理人员在岗，双重预防机制运行基本正常。",
             "现场检查未发现重大事故隐患，部分一般隐患已责令限期整改。"]
#: Share of exam questions the demo examinees answer right.
RIGHT = 0.85


def _png(rng: random.Random, width: int = 240, height: int = 80) -> bytes:
    """A signature: a few joined pen strokes in dark ink across white (a valid 8-bit greyscale PNG)."""
    pixels = bytearray(b"\xff" * (width * height))

    def dot(x: float, y: float) -> None:
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                px, py = int(x) + dx, int(y) + dy
                if 0 <= px < width and 0 <= py < height:
                    pixels[py * width + px] = 0x20

    strokes = rng.randint(2, 4)
    span = (width - 40) / strokes
    for n in range(strokes):
        x0 = 20 + n * span
        points = [(x0 + span * i / 6 + rng.uniform(-4, 4), rng.uniform(18, height - 18)) for i in range(7)]
        for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
            steps = int(max(abs(xb - xa), abs(yb - ya))) + 1
            for k in range(steps + 1):
                dot(xa + (xb - xa) * k / steps, ya + (yb - ya) * k / steps)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(pixels[r * width:(r + 1) * width]) for r in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _aware(day: datetime.date, hour: float) -> datetime.datetime:
    start = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
    return timezone.make_aware(start)


class _Builder:
    def __init__(self, rng: random.Random, section: User | None):
        self.rng = rng
        self.section = section
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.officers = {o.user_id: o for o in Officer.objects.select_related("user")}
        self.recused = set(Recusal.objects.values_list("officer__user_id", "enterprise_id"))
        self.bank = exam_rules.load_bank()

    def plan(self, enterprise, officer_ids: list[int], day: datetime.date, origin: str, draw=None,
             planned_at: datetime.datetime | None = None) -> Inspection:
        officers = [self.officers[u] for u in officer_ids]
        planned_at = min(planned_at or _aware(day - datetime.timedelta(days=self.rng.randint(2, 10)), 9), self.now)
        inspection = Inspection.objects.create(
            enterprise=enterprise, region_code=enterprise.region_code, origin=origin, random_draw=draw,
            officer_record=[{"officer": o.pk, "user": o.user_id, "name": o.name, "certificate_no": o.certificate_no,
                             "certificate_expires": o.certificate_expires.isoformat()} for o in officers],
            planned_on=day, exam_seed=f"{self.rng.getrandbits(64):016x}", created_by=self.section,
            created_at=planned_at, **services.checklist_snapshot(services.checklist_for(enterprise)))
        inspection.officers.set(officers)
        self.event(inspection, planned_at, self.section, InspectionEventKind.PLAN, "",
                   {"planned_on": day.isoformat(), "officers": [o.name for o in officers], "origin": origin},
                   to_state=InspectionState.PLANNED)
        return inspection

    def event(self, inspection, time, actor, kind, note="", params=None, *, from_state="", to_state=""):
        InspectionEvent.objects.create(inspection=inspection, time=time, actor=actor, kind=kind, note=note,
                                       params=params or {}, from_state=from_state, to_state=to_state)

    def fill(self, inspection: Inspection, state: str, hazards: list[Hazard] = ()) -> None:
        """Do the inspection on its planned day up to ``state``: findings (``hazards`` found in it), signatures,
        the exam, the record completed and, for ``closed``, filed a few days later."""
        rng = self.rng
        lead = self.officers[inspection.officer_record[0]["user"]].user
        if hazards:
            started = min(h.found_at for h in hazards) - datetime.timedelta(minutes=rng.randint(30, 90))
        else:
            started = _aware(inspection.planned_on, rng.uniform(8.5, 15))
        started = min(started, self.now - datetime.timedelta(hours=2))
        self.event(inspection, started, lead, InspectionEventKind.START, "", {},
                   from_state=InspectionState.PLANNED, to_state=InspectionState.IN_PROGRESS)
        changes = {"started_at": started, "state": InspectionState.IN_PROGRESS, "version": 1}
        if state == InspectionState.IN_PROGRESS:
            Inspection.objects.filter(pk=inspection.pk).update(**changes)
            return
        items = inspection.checklist_items
        linked = {}
        pool = list(range(len(items)))
        rng.shuffle(pool)
        for hazard in hazards:
            linked[pool.pop()] = hazard
        spot = set(pool[:rng.choice((0, 0, 1, 1, 2))])
        not_applicable = set(pool[len(spot):len(spot) + rng.randint(0, 2)])
        findings = []
        t = started
        for n, item in enumerate(items):
            t += datetime.timedelta(minutes=rng.uniform(2, 6))
            hazard = linked.get(n)
            if hazard is not None:
                result, description, at = FindingResult.NON_COMPLIANT, hazard.description, hazard.found_at
            elif n in spot:
                result, description, at = FindingResult.NON_COMPLIANT, rng.choice(ON_THE_SPOT), t
            elif n in not_applicable:
                result, description, at = FindingResult.NOT_APPLICABLE, "", t
            else:
                result, description, at = FindingResult.COMPLIANT, "", t
            findings.append(InspectionFinding(
                inspection=inspection, position=n + 1, item_code=item["code"], category=item["category"],
                item_text=item["text"], basis=item["basis"], result=result, description=description,
                hazard=hazard, recorded_by=lead, recorded_at=at))
            self.event(inspection, at, lead, InspectionEventKind.FINDING, description,
                       {"item": item["code"], "result": result})
            if hazard is not None:
                self.event(inspection, at, lead, InspectionEventKind.HAZARD, hazard.title,
                           {"item": item["code"], "hazard": hazard.pk, "level": hazard.level})
        InspectionFinding.objects.bulk_create(findings)
        finished = max([t, *(h.found_at for h in hazards)]) + datetime.timedelta(minutes=rng.uniform(10, 30))
        finished = min(finished, self.now - datetime.timedelta(minutes=30))
        enterprise = inspection.enterprise
        audience = ExamAudience.PRINCIPAL if rng.random() < 0.6 or not enterprise.safety_manager \
            else ExamAudience.SAFETY_MANAGER
        paper = services.exam_paper(inspection, audience)
        answers = {q.id: self._answer(q) for q in paper.questions}
        score = exam_rules.score_exam(paper, answers)
        examinee = (enterprise.principal if audience == ExamAudience.PRINCIPAL else enterprise.safety_manager) \
            or "企业负责人"
        InspectionExam.objects.create(
            inspection=inspection, examinee=examinee, audience=audience, seed=paper.seed,
            questions=[q.id for q in paper.questions], answers=answers, total=score.total, correct=score.correct,
            score=score.score, passed=score.passed, wrong=list(score.wrong), taken_at=finished)
        self.event(inspection, finished, lead, InspectionEventKind.EXAM, examinee,
                   {"audience": audience, "score": score.score, "passed": score.passed})
        signers = [(SignerRole.OFFICER, self.officers[o["user"]]) for o in inspection.officer_record]
        signers.append((SignerRole.ENTERPRISE, enterprise.safety_manager or enterprise.principal or "企业代表"))
        for role, who in signers:
            upload = SimpleUploadedFile(f"{inspection.number}-签名.png", _png(rng), content_type="image/png")
            image = attachments.attach(lead, inspection, upload, purpose=services.inspections.SIGNATURE)
            name = who.name if role == SignerRole.OFFICER else who
            InspectionSignature.objects.create(inspection=inspection, role=role, signer_name=name,
                                               officer=who if role == SignerRole.OFFICER else None, image=image,
                                               signed_at=finished)
            self.event(inspection, finished, lead, InspectionEventKind.SIGNATURE, name, {"role": role})
        self.event(inspection, finished, lead, InspectionEventKind.RECORD, "", {},
                   from_state=InspectionState.IN_PROGRESS, to_state=InspectionState.RECORDED)
        changes.update(state=InspectionState.RECORDED, finished_at=finished, version=2,
                       summary=rng.choice(SUMMARIES))
        if state == InspectionState.CLOSED:
            closed = min(finished + datetime.timedelta(days=rng.uniform(1, 6)), self.now)
            self.event(inspection, closed, self.section, InspectionEventKind.CLOSE, "", {},
                       from_state=InspectionState.RECORDED, to_state=InspectionState.CLOSED)
            changes.update(state=InspectionState.CLOSED, closed_at=closed, version=3)
        Inspection.objects.filter(pk=inspection.pk).update(**changes)
        # The record and, with findings, the order are issued when the record is completed (as the service does).
        inspection.refresh_from_db()
        with demo_clock(finished):  # its timeline events and audit records on that day too
            services.issue_inspection_documents(lead if services.may_issue_documents(lead) else self.section,
                                                inspection, issued_at=finished)

    def _answer(self, question):
        if self.rng.random() < RIGHT:
            return question.answer
        if question.kind == "true_false":
            return not question.answer
        letters = "ABCDEFGH"[:len(question.options)]
        wrong = [c for c in letters if c != question.answer]
        return self.rng.choice(wrong) if wrong else question.answer

    def cancel(self, inspection: Inspection) -> None:
        at = _aware(inspection.planned_on, 8)
        reason = self.rng.choice(["企业已停产，无法开展现场检查", "企业搬迁，经营地址变更"])
        self.event(inspection, at, self.section, InspectionEventKind.CANCEL, reason, {},
                   from_state=InspectionState.PLANNED, to_state=InspectionState.CANCELLED)
        Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.CANCELLED, cancel_reason=reason,
                                                           version=1)


def _past_state(rng: random.Random, day: datetime.date, today: datetime.date) -> str:
    if (today - day).days < 10:
        return InspectionState.RECORDED
    roll = rng.random()
    return InspectionState.CANCELLED if roll < 0.04 else InspectionState.RECORDED if roll < 0.2 \
        else InspectionState.CLOSED


def generate(rng: random.Random) -> None:
    """Nothing before the accounts exist (the draws are made by the section's account)."""


def accounts_ready(rng: random.Random) -> None:
    section = User.objects.filter(username="section").first()
    builder = _Builder(rng, section)
    today = builder.today
    Enterprise = enterprise_model()
    enterprises = {e.pk: e for e in Enterprise.objects.all()}
    # Hazards an inspector or an inspection found this past year, by enterprise and day.
    since = builder.now - datetime.timedelta(days=365)
    found = {}
    for hazard in Hazard.objects.filter(source__in=(HazardSource.INSPECTOR, HazardSource.INSPECTION),
                                        found_at__gte=since).order_by("found_at", "id"):
        found.setdefault((hazard.enterprise_id, timezone.localtime(hazard.found_at).date()), []).append(hazard)
    for draw in RandomDraw.objects.order_by("created_at", "id"):
        drawn = timezone.localtime(draw.created_at).date()
        last = calendar.monthrange(drawn.year, drawn.month)[1]
        for pair in draw.pairs:
            enterprise = enterprises.get(pair["enterprise"])
            if enterprise is None or any(u not in builder.officers for u in pair["officers"]):
                continue
            day = drawn + datetime.timedelta(days=rng.randint(2, max(2, last - drawn.day)))
            hazards = found.pop((enterprise.pk, day), []) if day <= today else []
            inspection = builder.plan(enterprise, pair["officers"], day, InspectionOrigin.RANDOM_DRAW, draw,
                                      planned_at=draw.created_at + datetime.timedelta(hours=rng.uniform(2, 30)))
            if day > today:
                continue
            state = InspectionState.IN_PROGRESS if day == today and not hazards else (
                _past_state(rng, day, today) if not hazards else InspectionState.CLOSED
                if (today - day).days >= 10 else InspectionState.RECORDED)
            if state == InspectionState.CANCELLED:
                builder.cancel(inspection)
            else:
                builder.fill(inspection, state, hazards)
    certified = [o for o in builder.officers.values() if o.is_active]
    for (enterprise_id, day), hazards in sorted(found.items(), key=lambda pair: (pair[0][1], pair[0][0])):
        enterprise = enterprises[enterprise_id]
        candidates = [o.user_id for o in certified if o.certificate_expires >= day
                      and (o.user_id, enterprise_id) not in builder.recused]
        if len(candidates) < 2:
            continue
        team = rng.sample(sorted(candidates), 2)
        origin = InspectionOrigin.COMPLAINT if rng.random() < 0.2 else InspectionOrigin.AD_HOC
        inspection = builder.plan(enterprise, team, day, origin,
                                  planned_at=min(hazards[0].found_at - datetime.timedelta(hours=3), builder.now))
        builder.fill(inspection, InspectionState.CLOSED if (today - day).days >= 10 else InspectionState.RECORDED,
                     hazards)
    _inspectors_tasks(builder, enterprises)


def _inspectors_tasks(builder: _Builder, enterprises: dict) -> None:
    """The demo inspector's field work: the enterprise account's enterprise today (planned) and another of its
    township later this week (a complaint), each with a partner not recused from it."""
    inspector = User.objects.filter(username="inspector").first()
    account = User.objects.filter(username="enterprise1").select_related("enterprise").first()
    if inspector is None or inspector.pk not in builder.officers or account is None or account.enterprise is None:
        return
    home = account.enterprise
    others = sorted((e for e in enterprises.values() if e.region_code[:9] == home.region_code[:9] and e != home),
                    key=lambda e: e.pk)
    plans = [(home, builder.today, InspectionOrigin.AD_HOC)]
    if others:
        plans.append((builder.rng.choice(others), builder.today + datetime.timedelta(days=3),
                      InspectionOrigin.COMPLAINT))
    for enterprise, day, origin in plans:
        partners = sorted(u for u, o in builder.officers.items() if u != inspector.pk and o.is_active
                          and o.certificate_expires > day + datetime.timedelta(days=60)
                          and (u, enterprise.pk) not in builder.recused)
        if (inspector.pk, enterprise.pk) in builder.recused or not partners:
            continue
        builder.plan(enterprise, [inspector.pk, builder.rng.choice(partners)], day, origin,
                     planned_at=builder.now - datetime.timedelta(days=2))


def clear() -> None:
    Inspection.objects.all().delete()
