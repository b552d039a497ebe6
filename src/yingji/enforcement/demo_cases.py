"""Demo penalty cases and enforcement documents: a year of the bureau's enforcement in the demo county.

Cases start from hazards found at the demo enterprises (their titles are the cases' source references) and stand
at every stage, from a report still to be filed to cases paid and closed, with one declined, one revoked, one
terminated, a major case that went through legal review, a hearing and collective discussion, a late payment with
its surcharge, and one overdue filing. Every step goes through the services, so the documents carry their series'
numbers and the timelines their dates. Site inspection records, rectification orders and reviews are issued
beside the cases."""

from __future__ import annotations

import contextlib
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from yingji.core.demo import demo_clock
from yingji.core.models import User, enterprise_model

from . import services
from .models import CaseEvent, DocumentCounter, EnforcementDocument, EnforcementItem, Officer, PenaltyCase, Recusal

#: (item code, tier, 案由, facts, fine, circumstance) of the demo's cases.
ACTS = [
    ("AQ-CF-102", 0, "未采取措施消除事故隐患",
     "经现场检查发现{hazard}，责令限期整改后逾期未采取措施消除。", "20000", "ordinary"),
    ("AQ-CF-105-02", 0, "占用、堵塞疏散通道",
     "生产车间疏散通道被原料和成品占用，安全出口上锁。", "25000", "ordinary"),
    ("AQ-CF-101-04", 0, "未采取相应风险管控措施",
     "未按规定对{hazard}采取风险管控措施，风险分级管控台账缺失。", "12000", "minor"),
    ("AQ-CF-104", 0, "交叉作业未签订安全生产管理协议",
     "同一作业区域内两家单位交叉作业，未签订安全生产管理协议，未指定专职安全生产管理人员。", "18000", "ordinary"),
    ("AQ-CF-103-02", 0, "未与承包单位签订安全生产管理协议",
     "将厂房维修工程发包给施工单位，未签订专门的安全生产管理协议。", "16000", "ordinary"),
]
MAJOR_ACT = ("AQ-CF-109", 0, "未按规定投保安全生产责任保险",
             "属于高危行业领域生产经营单位，未按规定投保安全生产责任保险。", "70000", "ordinary")
EVIDENCE = "现场检查记录、现场照片、询问笔录、相关台账复印件"
#: Where each demo case stops, oldest first: (days since discovery, final stage).
PLAN = [
    (340, "closed"), (320, "closed_late"), (300, "closed"), (280, "declined"), (260, "closed"), (240, "revoked"),
    (220, "closed_major"), (200, "closed"), (180, "terminated"), (150, "closed"), (120, "paid"), (95, "served_late"),
    (70, "served"), (45, "decided"), (30, "notified"), (24, "legal_review"), (16, "investigating"), (9, "filed"),
    (12, "pending_overdue"), (2, "pending"),
]


def generate(rng: random.Random) -> None:
    """Nothing before the accounts exist (cases need the section and the officers)."""


def _day(base: datetime.date, days: int) -> datetime.date:
    return min(base + datetime.timedelta(days=days), timezone.localdate())


def _hazard_titles() -> dict[int, str]:
    from yingji.prevention.models import Hazard

    titles: dict[int, str] = {}
    for enterprise_id, title in Hazard.objects.order_by("found_at").values_list("enterprise_id", "title"):
        titles.setdefault(enterprise_id, title)
    return titles


def _officers_for(enterprise, officers: list[Officer], rng: random.Random) -> list[int]:
    recused = set(Recusal.objects.filter(enterprise=enterprise).values_list("officer_id", flat=True))
    pool = [o for o in officers if o.pk not in recused]
    return [o.pk for o in rng.sample(pool, 2)]


def _clock(day: datetime.date | None, hour: int = 10):
    """The demo clock on ``day`` (the step's own date), so its timeline event and audit record carry that day."""
    if day is None:
        return contextlib.nullcontext()
    return demo_clock(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))))


def _act(user, case, action, when: datetime.date | None = None, **payload):
    if when is None:
        dates = [v for k, v in payload.items() if k.endswith("_on")]
        when = datetime.date.fromisoformat(dates[0]) if dates else None
    with _clock(when):
        return services.transition_case(user, PenaltyCase.objects.get(pk=case.pk), action, payload)


def _run(case, stage, d0, section, inspector, rng):
    """Take ``case`` (registered on ``d0``) through the steps up to ``stage``."""
    if stage == "pending" or stage == "pending_overdue":
        return
    if stage == "declined":
        _act(section, case, "decline", when=_day(d0, 1), reason="经核查，违法事实不能成立，不予立案。")
        return
    case = _act(section, case, "file", filed_on=_day(d0, 1).isoformat())
    if stage == "filed":
        return
    case = _act(inspector, case, "investigate", acted_on=_day(d0, 2).isoformat())
    if stage == "revoked":
        _act(section, case, "revoke", when=_day(d0, 4),
             reason="经调查，该隐患系第三方施工造成，违法主体认定有误，撤销立案。")
        return
    if stage == "investigating":
        return
    case = _act(inspector, case, "submit", acted_on=_day(d0, 6).isoformat())
    if stage == "terminated":
        _act(section, case, "terminate", when=_day(d0, 8), reason="当事人已依法注销，终止调查。")
        return
    if case.needs_legal_review or stage == "legal_review":
        case = _act(inspector, case, "send_legal_review", acted_on=_day(d0, 7).isoformat())
        if stage == "legal_review":
            return
        case = _act(section, case, "pass_legal_review", acted_on=_day(d0, 9).isoformat(),
                    opinion="违法事实清楚，证据确凿，适用依据正确，程序合法，处罚适当，同意。")
    case = _act(inspector, case, "notify", notified_on=_day(d0, 10).isoformat())
    if stage == "notified":
        return
    if case.needs_hearing_notice:
        case = _act(inspector, case, "request_hearing", requested_on=_day(d0, 12).isoformat())
        case = _act(inspector, case, "hold_hearing", held_on=_day(d0, 20).isoformat(),
                    report="当事人对违法事实无异议，以首次违法、已积极整改为由请求从轻处罚。")
    if case.needs_collective_discussion:
        case = _act(section, case, "discuss", discussed_on=_day(d0, 24).isoformat(),
                    record="局长办公会议集体讨论：违法事实清楚，听证意见已考虑，维持拟处罚意见。")
    statements = "当事人表示已认识到问题，正在整改，无其他陈述申辩意见。"
    case = _act(section, case, "decide", decided_on=_day(d0, 26).isoformat(), statements=statements)
    with _clock(_day(d0, 28), 15):
        services.publish_decision(section, case, at=timezone.make_aware(
            datetime.datetime.combine(_day(d0, 28), datetime.time(15, 0))))
    if stage == "decided":
        return
    case = _act(inspector, case, "serve", served_on=_day(d0, 27).isoformat(), recipient=case.enterprise.principal
                or "企业负责人", method="direct")
    if stage in ("served", "served_late"):
        return
    late = stage == "closed_late"
    paid = case.payment_due + datetime.timedelta(days=6) if late else _day(d0, 35)
    surcharge = Decimal(case.fine) * Decimal("0.03") * 6 if late else Decimal(0)
    case = _act(inspector, case, "record_payment", paid_on=paid.isoformat(), amount=str(case.fine + surcharge))
    if stage == "paid":
        return
    _act(section, case, "close", closed_on=(paid + datetime.timedelta(days=3)).isoformat())


def _documents(enterprises, inspector, officers, rng: random.Random, today: datetime.date) -> None:
    """Site inspections with their rectification orders and reviews, beside the cases."""
    for n, enterprise in enumerate(enterprises):
        day = today - datetime.timedelta(days=330 - n * 27)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        names = "、".join(f"{o.name}（{o.certificate_no}）" for o in rng.sample(officers, 2))
        with demo_clock(at):
            record = services.issue_document(inspector, "site_inspection_record", enterprise, {
                "place": f"{enterprise.name}生产车间、仓库", "inspected_from": at,
                "inspected_to": at + datetime.timedelta(hours=2), "officers": names,
                "present": enterprise.safety_manager or enterprise.principal or "安全管理人员",
                "findings": "检查了安全生产责任制、隐患排查治理台账、特种作业人员持证和现场作业情况，发现消防通道堵塞、"
                            "配电箱未接地等问题。"}, issued_at=at)
            order = services.issue_document(inspector, "rectification_order", enterprise, {
                "problems": "1. 二号仓库消防通道堆放物料；2. 车间配电箱未可靠接地。",
                "legal_basis": "《中华人民共和国安全生产法》第四十一条、第六十五条",
                "deadline": (day + datetime.timedelta(days=15)).isoformat(),
                "interim": "整改期间设置警示标志，安排专人监护。"}, issued_at=at + datetime.timedelta(hours=3))
        review_day = day + datetime.timedelta(days=16)
        if review_day < today:
            with _clock(review_day):
                services.issue_document(inspector, "rectification_review", enterprise, {
                    "order_number": order.number, "reviewed_on": review_day.isoformat(),
                    "opinion": "经复查，消防通道已清理，配电箱已完成接地，整改合格。"},
                    issued_at=timezone.make_aware(datetime.datetime.combine(review_day, datetime.time(10))))
        del record


def accounts_ready(rng: random.Random) -> None:
    section = User.objects.filter(username="section").first()
    inspector = User.objects.filter(username="inspector").first()
    if section is None or inspector is None or not EnforcementItem.objects.exists():
        return
    today = timezone.localdate()
    officers = list(services.certified_officers(section, today + datetime.timedelta(days=400)).order_by("pk"))
    if len(officers) < 3:
        return
    titles = _hazard_titles()
    enterprises = list(enterprise_model().objects.for_user(section).filter(pk__in=titles).order_by("pk")) or list(
        enterprise_model().objects.for_user(section).order_by("pk"))
    chosen = rng.sample(enterprises, min(len(PLAN), len(enterprises)))
    _documents(chosen[:8], inspector, officers, rng, today)
    for (age, stage), enterprise in zip(PLAN, chosen, strict=False):
        code, tier, title, facts, fine, circumstance = MAJOR_ACT if stage == "closed_major" else rng.choice(ACTS)
        item = EnforcementItem.objects.filter(code=code, in_force=True).order_by("-version").first()
        if item is None:
            continue
        hazard = titles.get(enterprise.pk, "安全出口堵塞")
        d0 = today - datetime.timedelta(days=age)
        with _clock(d0, 16):
            case = services.open_case(inspector, {
                "enterprise": enterprise, "title": title, "item": item.pk, "tier": tier,
                "source": "inspection" if enterprise.pk in titles else rng.choice(["complaint", "referral"]),
                "source_reference": f"隐患：{hazard}"[:200] if enterprise.pk in titles else "12350举报电话转办",
                "discovered_on": d0.isoformat(), "officers": _officers_for(enterprise, officers, rng),
                "facts": facts.format(hazard=hazard), "evidence": EVIDENCE, "fine": fine,
                "circumstance": circumstance},
                at=timezone.make_aware(datetime.datetime.combine(d0, datetime.time(16, 0))))
        _run(case, stage, d0, section, inspector, rng)
    services.check_deadlines(today)


def clear() -> None:
    CaseEvent.objects.all()._raw_delete(CaseEvent.objects.db)
    EnforcementDocument.objects.all()._raw_delete(EnforcementDocument.objects.db)
    PenaltyCase.objects.all().delete()
    DocumentCounter.objects.all().delete()
