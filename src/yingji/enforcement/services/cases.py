"""Services of administrative penalty cases (行政处罚案件): registering and filing, the checked workflow (one
compare-and-swap per step, audited, on the case's timeline), the documents each stage issues, the time limits of
``standards.penalty`` with reminders and overdue marks, and the public disclosure of decisions (双公示).

Stages: 待立案 → 立案 (or 不予立案) → 调查取证 → 案件审理 → 法制审核 (when required: 行政处罚法 第五十八条) →
告知 (行政处罚告知书; 陈述、申辩 and, where the fine or measure carries it, 听证: 第四十四、六十三、六十四条) →
集体讨论 (when required: 第五十七条) → 决定 (行政处罚决定书) → 送达 (送达回证; 第六十一条) → 执行 (payment within 15
days, 加处罚款 for late payment: 第六十七、七十二条) → 结案; 撤销立案 before notice, 终止 before the decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from yingji.core import audit, notifications, policy, textpolicy
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import User, enterprise_model
from yingji.core.workflow import Transition, Workflow
from yingji.standards import disclosure, penalty

from ..choices import (
    Adjustment,
    CaseAction,
    CaseExtension,
    CaseSource,
    CaseState,
    Circumstance,
    DocumentKind,
    PartyKind,
)
from ..models import CaseEvent, EnforcementDocument, EnforcementItem, Officer, PenaltyCase, Recusal
from ..models.cases import HEADS, INVESTIGATORS
from . import documents

S = CaseState
MAX_TEXT = 8000
#: Days before a deadline on which the case's officers are reminded.
REMIND_DAYS = 3
#: The deadlines the periodic job watches: name → (due column, states in which it runs, label).
DEADLINES = {
    "filing": ("filing_due", (S.PENDING,), gettext_lazy("Filing")),
    "decision": ("decision_due", S.UNDECIDED, gettext_lazy("Decision")),
    "service": ("service_due", (S.DECIDED,), gettext_lazy("Service of the decision")),
    "payment": ("payment_due", (S.SERVED,), gettext_lazy("Payment of the fine")),
    "disclosure": ("disclosure_due", S.PUBLISHABLE, gettext_lazy("Public disclosure")),
}
#: Fields an edit may change, and until when (the facts and the proposed penalty are fixed once the party is told).
EDITABLE = ("title", "facts", "evidence", "party_kind", "party_name", "source", "source_reference", "tier",
            "circumstance", "adjustment", "fine", "fine_reason", "measures", "penalty_text", "complex_case",
            "major_public_interest", "officers")
EDITABLE_STATES = (S.PENDING, S.FILED, S.INVESTIGATING, S.REVIEWING)


def _today() -> datetime.date:
    return timezone.localdate()


def _fail(field: str, message) -> ValidationFailed:
    return ValidationFailed.from_dict({field: [str(message)]})


def _date(payload: Mapping[str, Any], field: str, default: datetime.date | None = None) -> datetime.date:
    value = payload.get(field)
    if value in (None, ""):
        if default is None:
            raise _fail(field, gettext("This field is required for this action"))
        return default
    day = value if isinstance(value, datetime.date) else parse_date(str(value)) if isinstance(value, str) else None
    if day is None:
        raise _fail(field, gettext("Enter a date as YYYY-MM-DD."))
    if day > _today():
        raise _fail(field, gettext("The date cannot be in the future."))
    return day


def _text(payload: Mapping[str, Any], field: str, required: bool = True) -> str:
    value = payload.get(field)
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise _fail(field, gettext("This field is required for this action"))
    return text[:MAX_TEXT]


def _moment(day: datetime.date) -> datetime.datetime:
    """When a step recorded for ``day`` happened: now for today, else 10:00 that day (a step recorded afterwards
    keeps its own date on its documents and the timeline)."""
    if day == _today():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _cn_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# --- the fine and the benchmark ---------------------------------------------------------------------------------


def tier_fine(item: EnforcementItem, tier: int, party_kind: str) -> tuple[Decimal | None, Decimal | None]:
    """The legal fine range (yuan) of one tier of a powers-list item for the party: the unit's line for a unit, the
    first natural person's line (principal, responsible persons …) for an individual; (None, None) when the tier
    sets no fixed amount (a share of income, a multiple of gains)."""
    tiers = item.tiers or []
    if not 0 <= tier < len(tiers):
        raise _fail("tier", gettext("The item has no such liability tier."))
    fines = tiers[tier].get("fines") or []
    wanted = [f for f in fines if (f.get("party") == "unit") == (party_kind == PartyKind.UNIT)]
    for line in wanted:
        if line.get("basis") == "amount" and line.get("max"):
            low = line.get("min")
            return (Decimal(str(low)) if low is not None else None), Decimal(str(line["max"]))
    return None, None


def _bands(item: EnforcementItem) -> dict | None:
    bands = {d["circumstance"]: tuple(d["band"]) for d in item.discretion or []
             if d.get("circumstance") in penalty.CIRCUMSTANCES and len(d.get("band") or ()) == 2}
    return bands if set(bands) == set(penalty.CIRCUMSTANCES) else None


def benchmark(item: EnforcementItem, tier: int, party_kind: str, circumstance: str,
              adjustment: str = "") -> tuple[Decimal | None, Decimal | None, penalty.FineRange | None]:
    """The legal range and the discretion benchmark's proposed range (``standards.penalty.propose_fine_range``)
    from the case's item version, tier, 情节 and adjustment."""
    low, high = tier_fine(item, tier, party_kind)
    if high is None:
        return None, None, None
    try:
        proposed = penalty.propose_fine_range(low, high, circumstance=circumstance, adjustment=adjustment or None,
                                              bands=_bands(item))
    except ValueError as exc:
        raise _fail("adjustment", gettext("The benchmark cannot apply this: %(reason)s") % {"reason": exc}) from None
    return low, high, proposed


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _fail(field, gettext("Enter an amount in yuan, not negative.")) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e12"):
        raise _fail(field, gettext("Enter an amount in yuan, not negative."))
    return amount.quantize(Decimal("0.01"))


def check_fine_reason(case: PenaltyCase) -> None:
    """A fine outside the benchmark's range needs a written reason (《应急管理行政裁量权基准暂行规定》; shown to the
    legal reviewer)."""
    if case.fine_outside_range and not (case.fine_reason or "").strip():
        raise _fail("fine_reason", gettext(
            "The fine lies outside the benchmark's range (%(low)s–%(high)s yuan): give the reason in writing.")
            % {"low": case.proposed_low, "high": case.proposed_high})


# --- officers ---------------------------------------------------------------------------------------------------


def check_officers(officers: Iterable[Officer], enterprise, on: datetime.date | None = None) -> None:
    """At least two certified officers (行政处罚法 第四十二条: 执法人员不得少于两人, with 执法证件), active, and none
    in a declared conflict with the enterprise (第四十三条 回避)."""
    from yingji.standards import officers as officer_rules

    on = on or _today()
    officers = list(officers)
    valid = [o for o in officers if o.is_active and o.user.is_active
             and officer_rules.certificate_status(o.certificate_expires, on) != "expired"]
    if len(valid) < 2 or len(valid) != len(officers):
        raise _fail("officers", gettext("At least two officers with valid enforcement certificates act on a case."))
    recused = Recusal.objects.filter(enterprise=enterprise, officer__in=officers).select_related("officer")
    names = [r.officer.name for r in recused]
    if names:
        raise _fail("officers", gettext("Declared a conflict of interest with this enterprise: %(names)s")
                    % {"names": "、".join(names)})


def _officers(actor, value) -> list[Officer]:
    if not isinstance(value, list | tuple) or not value:
        raise _fail("officers", gettext("At least two officers with valid enforcement certificates act on a case."))
    ids = []
    for item in value:
        pk = item.pk if isinstance(item, Officer) else item
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise _fail("officers", gettext("Give the ids of the records as whole numbers."))
        ids.append(pk)
    found = list(Officer.objects.for_user(actor).filter(pk__in=set(ids)).select_related("user"))
    if len(found) != len(set(ids)):
        raise _fail("officers", gettext("Some officers are unknown or outside your jurisdiction."))
    return found


# --- registering and editing -------------------------------------------------------------------------------------


def _apply_fields(actor, case: PenaltyCase, data: Mapping[str, Any]) -> list[Officer] | None:
    """Copy editable fields onto ``case`` and recompute the benchmark; returns the new officers (or None)."""
    for name in ("title", "facts", "evidence", "penalty_text", "fine_reason", "source_reference", "party_name"):
        if name in data:
            value = data[name] if isinstance(data[name], str) else ""
            setattr(case, name, value.strip()[:MAX_TEXT if name not in ("title", "source_reference") else 200])
    for name, choices in (("party_kind", PartyKind), ("source", CaseSource), ("circumstance", Circumstance)):
        if name in data:
            if data[name] not in choices.values():
                raise _fail(name, gettext("Choose one of: %(values)s") % {"values": ", ".join(choices.values())})
            setattr(case, name, data[name])
    if "adjustment" in data:
        value = data["adjustment"] or ""
        if value and value not in Adjustment.values():
            raise _fail("adjustment", gettext("Choose one of: %(values)s") % {"values": ", ".join(Adjustment.values())})
        case.adjustment = value
    if "tier" in data:
        tier = data["tier"]
        if isinstance(tier, bool) or not isinstance(tier, int):
            raise _fail("tier", gettext("The item has no such liability tier."))
        case.tier = tier
    if "fine" in data:
        case.fine = _money(data["fine"], "fine")
    if "measures" in data:
        measures = data["measures"] or []
        if not isinstance(measures, list | tuple) or any(m not in penalty.HEARING_MEASURES for m in measures):
            raise _fail("measures", gettext("Choose one of: %(values)s")
                        % {"values": ", ".join(penalty.HEARING_MEASURES)})
        case.measures = list(dict.fromkeys(measures))
    for name in ("complex_case", "major_public_interest"):
        if name in data:
            setattr(case, name, bool(data[name]))
    if not case.title:
        raise _fail("title", gettext("This field is required."))
    if not case.party_name:
        case.party_name = case.enterprise.name
    case.legal_min, case.legal_max, proposed = benchmark(case.item, case.tier, case.party_kind, case.circumstance,
                                                         case.adjustment)
    case.proposed_low = proposed.low if proposed else None
    case.proposed_high = proposed.high if proposed else None
    check_fine_reason(case)
    return _officers(actor, data["officers"]) if "officers" in data else None


def open_case(actor, data: Mapping[str, Any], *, at: datetime.datetime | None = None) -> PenaltyCase:
    """Register a case (待立案) against an enterprise in the actor's scope: 案由, the powers-list item (its current
    version is kept), the act's tier, source, discovery date (立案 is due within ``standards.penalty.FILING_DAYS``),
    and at least two certified officers not in conflict with the enterprise. ``at``: when it was registered (a
    case entered afterwards, e.g. the demo's history)."""
    policy.require(actor, "add", PenaltyCase)
    data = dict(data)
    enterprise = data.get("enterprise")
    if not isinstance(enterprise, enterprise_model()):
        enterprise = policy.get_in_scope_or_field_error(enterprise_model(), enterprise, actor, "enterprise")
    elif not policy.in_scope(actor, enterprise):
        raise policy.reference_error(enterprise_model(), "enterprise")
    item = data.get("item")
    if not isinstance(item, EnforcementItem):
        item = EnforcementItem.objects.filter(pk=item if isinstance(item, int) and not isinstance(item, bool)
                                              else None).first()
    if item is None:
        raise _fail("item", gettext("Choose an item of the powers list."))
    if not item.in_force:
        raise _fail("item", gettext("This item of the powers list is no longer in force."))
    inspection = data.pop("inspection", None) or data.pop("inspection_id", None)
    if inspection is not None:
        from ..models import Inspection

        if not isinstance(inspection, Inspection):
            inspection = policy.get_in_scope_or_field_error(Inspection, inspection, actor, "inspection_id")
        if inspection.enterprise_id != enterprise.pk:
            raise _fail("inspection_id", gettext("The inspection concerns another enterprise."))
        data["source"] = CaseSource.INSPECTION
        data.setdefault("source_reference", inspection.number)
    discovered = _date(data, "discovered_on")
    case = PenaltyCase(enterprise=enterprise, region_code=enterprise.region_code, item=item, item_code=item.code,
                       inspection=inspection,
                       item_version=item.version, discovered_on=discovered, source=CaseSource.OTHER,
                       filing_due=penalty.filing_deadline(discovered), created_by=actor,
                       created_at=at or timezone.now())
    officers = _apply_fields(actor, case, {"officers": [], **data} if "officers" not in data else data)
    check_officers(officers, enterprise)
    with transaction.atomic():
        case.save()
        case.officers.set(officers)
        audit.record(AuditAction.CREATE, case, actor=actor, after={"title": case.title, "item": item.code,
                                                                   "item_version": item.version})
        _event(case, actor, CaseAction.OPEN, "", case.state, "", {"filing_due": case.filing_due.isoformat()},
               at=case.created_at)
    return case


def update_case(actor, case: PenaltyCase, data: Mapping[str, Any]) -> PenaltyCase:
    """Change the facts, officers or proposed penalty before the party is notified (afterwards a change needs a new
    notice: terminate and register again). Compare-and-swap on the version (409 when someone else changed it)."""
    policy.require(actor, "change", PenaltyCase)
    if not policy.in_scope(actor, case):
        raise policy.reference_error(PenaltyCase, "id")
    if not data:  # an unchanged save changes nothing
        return case
    if case.state not in EDITABLE_STATES:
        raise Conflict(gettext("The case can no longer be edited at this stage."))
    unknown = [k for k in data if k not in EDITABLE]
    if unknown:
        raise ValidationFailed.from_dict({k: [gettext("This field cannot be changed here.")] for k in unknown})
    before = {k: audit._json_value(getattr(case, k)) for k in EDITABLE if k != "officers"}
    officers = _apply_fields(actor, case, data)
    if officers is not None:
        check_officers(officers, case.enterprise)
    fields = [k for k in EDITABLE if k != "officers"] + ["legal_min", "legal_max", "proposed_low", "proposed_high"]
    with transaction.atomic():
        rows = PenaltyCase.objects.filter(pk=case.pk, version=case.version, state=case.state).update(
            version=F("version") + 1, **{k: getattr(case, k) for k in fields})
        if rows == 0:
            raise Conflict(gettext("Someone else changed this object first; reload and try again"))
        if officers is not None:
            case.officers.set(officers)
        case.refresh_from_db()
        after = {k: audit._json_value(getattr(case, k)) for k in EDITABLE if k != "officers"}
        audit.record_change(AuditAction.UPDATE, case, before, after, actor=actor)
    return case


# --- the workflow ------------------------------------------------------------------------------------------------


def _in_scope(case, actor) -> bool:
    return policy.in_scope(actor, case)


def _officer_users(case: PenaltyCase) -> list[User]:
    return [o.user for o in case.officers.select_related("user")]


def _doc_content_notice(case: PenaltyCase) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return _notice_content(case)


def _notice_content(case: PenaltyCase) -> dict:
    content = {"facts": case.facts or case.title, "legal_basis": case.item.basis,
               "proposed_penalty": case.penalty_text or _penalty_sentence(case),
               "hearing_right": case.needs_hearing_notice,
               "statement_due": case.statement_due.isoformat()}
    if case.fine is not None:
        content["fine"] = str(case.fine)
    if case.hearing_request_due:
        content["hearing_request_due"] = case.hearing_request_due.isoformat()
    return content


def _penalty_sentence(case: PenaltyCase) -> str:
    parts = []
    if case.adjustment == Adjustment.EXEMPT:
        return gettext("No administrative penalty (Administrative Penalty Law, article 33).")
    if case.fine:
        parts.append(gettext("A fine of %(amount)s yuan") % {"amount": case.fine})
    parts.extend(penalty.HEARING_MEASURES[m] for m in case.measures or [])
    return "；".join(parts) or gettext("A warning")


def _check_file(case, actor, payload):
    filed = _date(payload, "filed_on", _today())
    if filed < case.discovered_on:
        raise _fail("filed_on", gettext("A case is filed on or after the day the act was discovered."))
    check_officers(case.officers.select_related("user"), case.enterprise, filed)
    return {"filed_on": filed, "decision_due": penalty.decision_deadline(filed, extension=case.extension)}


def _check_reason(case, actor, payload):
    return {"end_reason": _text(payload, "reason")}


def _check_submit(case, actor, payload):
    errors = {}
    if not case.facts.strip():
        errors["facts"] = [gettext("Record the facts established before the case review.")]
    if not case.evidence.strip():
        errors["evidence"] = [gettext("List the evidence gathered before the case review.")]
    if case.fine is None and not case.measures and case.adjustment != Adjustment.EXEMPT and not case.penalty_text:
        errors["fine"] = [gettext("Propose a penalty (a fine, a measure, or no penalty) before the case review.")]
    if errors:
        raise ValidationFailed.from_dict(errors)
    check_fine_reason(case)
    check_officers(case.officers.select_related("user"), case.enterprise)
    return {}


def _check_pass_review(case, actor, payload):
    if case.officers.filter(user=actor).exists():
        raise _fail("action", gettext("An officer of the case cannot review it."))
    day = _date(payload, "acted_on", _today())
    return {"legal_review_opinion": _text(payload, "opinion"), "legal_reviewed_at": _moment(day),
            "legal_reviewer": actor}


def _check_return_review(case, actor, payload):
    if case.officers.filter(user=actor).exists():
        raise _fail("action", gettext("An officer of the case cannot review it."))
    return {"legal_review_opinion": _text(payload, "opinion")}


def _require_legal_review(case):
    requirement = case.legal_review()
    if requirement.required and case.legal_reviewed_at is None:
        raise _fail("action", gettext(
            "This is a major enforcement decision: the legal review (Administrative Penalty Law, article 58) must "
            "pass first."))


def _check_notify(case, actor, payload):
    _require_legal_review(case)
    check_fine_reason(case)
    notified = _date(payload, "notified_on", _today())
    case.notified_on = notified
    case.statement_due = penalty.statement_deadline(notified)
    case.hearing_request_due = penalty.hearing_request_deadline(notified) if case.needs_hearing_notice else None
    document = documents.issue_document(actor, DocumentKind.PENALTY_NOTICE, case.enterprise,
                                        _doc_content_notice(case), case=case, check_scope=False,
                                        issued_at=_moment(notified))
    return {"notified_on": notified, "statement_due": case.statement_due,
            "hearing_request_due": case.hearing_request_due, "_document": document}


def _check_request_hearing(case, actor, payload):
    if not case.needs_hearing_notice or case.hearing_request_due is None:
        raise _fail("action", gettext("This case carries no right to a hearing."))
    requested = _date(payload, "requested_on", _today())
    if requested > case.hearing_request_due:
        raise _fail("requested_on", gettext("The period to request a hearing ended on %(day)s.")
                    % {"day": case.hearing_request_due})
    return {"hearing_requested_on": requested}


def _check_hold_hearing(case, actor, payload):
    return {"hearing_held_on": _date(payload, "held_on", _today()), "hearing_report": _text(payload, "report")}


def _check_statements_over(case, payload):
    """The decision waits for the party's 陈述、申辩 (and, where it carries one, the hearing request window) unless
    the party waived them (行政处罚法 第六十二条: deciding without hearing them is void)."""
    if payload.get("waived") or case.state == S.HEARD:  # a hearing held has heard the party
        return
    today = _today()
    if case.statement_due and today <= case.statement_due:
        raise _fail("action", gettext("The party may still state its case until %(day)s (or record that it waived "
                                      "the right).") % {"day": case.statement_due})
    if (case.state == S.NOTIFIED and case.hearing_request_due and today <= case.hearing_request_due):
        raise _fail("action", gettext("The party may still request a hearing until %(day)s.")
                    % {"day": case.hearing_request_due})


def _check_discuss(case, actor, payload):
    _check_statements_over(case, payload)
    return {"discussed_on": _date(payload, "discussed_on", _today()), "discussion_record": _text(payload, "record"),
            "statements": _text(payload, "statements", False) or case.statements}


def _check_decide(case, actor, payload):
    _require_legal_review(case)
    if case.needs_collective_discussion and case.discussed_on is None:
        raise _fail("action", gettext("The heads of the bureau must discuss this case collectively before the "
                                      "decision (Administrative Penalty Law, article 57)."))
    if case.state != S.DISCUSSED:
        _check_statements_over(case, payload)
    check_fine_reason(case)
    decided = _date(payload, "decided_on", _today())
    statements = _text(payload, "statements", False) or case.statements
    with translation.override(settings.LANGUAGE_CODE):  # the documents are written in the platform's language
        content = _decision_content(case)
    if case.fine is not None:
        content["fine"] = str(case.fine)
    document = documents.issue_document(actor, DocumentKind.PENALTY_DECISION, case.enterprise, content, case=case,
                                        check_scope=False, issued_at=_moment(decided))
    return {"decided_on": decided, "statements": statements, "service_due": penalty.service_deadline(decided),
            "disclosure_due": penalty.disclosure_deadline(decided), "_document": document}


def _decision_content(case: PenaltyCase) -> dict:
    return {"facts": case.facts, "evidence": case.evidence, "legal_basis": case.item.basis,
               "penalty": case.penalty_text or _penalty_sentence(case),
               "payment": gettext("Pay at the bank designated by the finance department, quoting the decision's "
                                  "number.") if case.fine else ""}


def decision_document(case: PenaltyCase) -> EnforcementDocument | None:
    """The case's decision as it stands (its latest correction, if corrected)."""
    docs = [d for d in case.documents.filter(kind=DocumentKind.PENALTY_DECISION).order_by("issued_at", "id")]
    current = [d for d in docs if not d.is_superseded]
    return current[-1] if current else None


def _check_serve(case, actor, payload):
    served = _date(payload, "served_on", _today())
    if case.decided_on and served < case.decided_on:
        raise _fail("served_on", gettext("A decision is served on or after the day it was made."))
    recipient = _text(payload, "recipient")
    method = payload.get("method") or "direct"
    decision = decision_document(case)
    content = {"served_document": f"{decision.title} {decision.number}" if decision else case.title,
               "recipient": recipient, "method": method,
               "served_at": _moment(served),
               "place": _text(payload, "place", False) or case.enterprise.address}
    document = documents.issue_document(actor, DocumentKind.SERVICE_RECEIPT, case.enterprise, content, case=case,
                                        serves=decision, check_scope=False, issued_at=_moment(served))
    due = penalty.payment_due(served) if case.fine else None
    return {"served_on": served, "payment_due": due, "_document": document}


def _check_payment(case, actor, payload):
    if not case.fine:
        raise _fail("action", gettext("This decision imposes no fine."))
    paid = _date(payload, "paid_on", _today())
    if case.served_on and paid < case.served_on:
        raise _fail("paid_on", gettext("Payment is recorded on or after the day of service."))
    due = case.payment_due or penalty.payment_due(case.served_on or paid)
    surcharge = penalty.late_payment_surcharge(case.fine, due, paid)
    amount = _money(payload.get("amount"), "amount")
    expected = case.fine + surcharge
    if amount != expected:
        raise _fail("amount", gettext("Due: the fine %(fine)s yuan plus the late-payment surcharge %(surcharge)s "
                                      "yuan, %(total)s yuan in all.")
                    % {"fine": case.fine, "surcharge": surcharge, "total": expected})
    return {"paid_on": paid, "amount_paid": amount, "surcharge": surcharge}


def _check_close(case, actor, payload):
    if case.state == S.SERVED and case.fine:
        raise _fail("action", gettext("The fine has not been paid yet."))
    return {"closed_on": _date(payload, "closed_on", _today())}


def _label(action: str):
    return next(label for value, label, _colour in CaseAction.CHOICES if value == action)


def _tr(action, sources, target, roles, check=None) -> Transition:
    return Transition(action, tuple(sources), target, frozenset(roles), label=_label(action),
                      check=_check_with_document(check), allowed=_in_scope)


#: The date column each step records: its timeline entry is dated by it.
STEP_DATES = ("filed_on", "notified_on", "hearing_requested_on", "hearing_held_on", "discussed_on", "decided_on",
              "served_on", "paid_on", "closed_on")


def _check_with_document(check):
    """Wrap a check: the document it issues goes on the timeline entry (number), and the entry is dated by the
    day the step records."""
    def wrapped(case, actor, payload):
        changes = dict(check(case, actor, payload) or {}) if check is not None else {}
        document = changes.pop("_document", None)
        if document is not None:
            payload["_event_params"] = {"document": document.pk, "number": document.number}
        day = next((changes[k] for k in STEP_DATES if isinstance(changes.get(k), datetime.date)), None)
        if day is None and payload.get("acted_on"):  # a step without a date column, recorded afterwards
            day = _date(payload, "acted_on")
            if case.filed_on and day < case.filed_on:
                raise _fail("acted_on", gettext("The date cannot be before the case was filed."))
        if day is not None:
            payload["_event_time"] = _moment(day)
        return changes
    return wrapped



CASE_WORKFLOW = Workflow(PenaltyCase, [
    _tr(CaseAction.FILE, (S.PENDING,), S.FILED, HEADS, _check_file),
    _tr(CaseAction.DECLINE, (S.PENDING,), S.DECLINED, HEADS, _check_reason),
    _tr(CaseAction.INVESTIGATE, (S.FILED,), S.INVESTIGATING, INVESTIGATORS),
    _tr(CaseAction.SUBMIT, (S.INVESTIGATING,), S.REVIEWING, INVESTIGATORS, _check_submit),
    _tr(CaseAction.SEND_LEGAL_REVIEW, (S.REVIEWING,), S.LEGAL_REVIEW, INVESTIGATORS),
    _tr(CaseAction.PASS_LEGAL_REVIEW, (S.LEGAL_REVIEW,), S.REVIEWED, HEADS, _check_pass_review),
    _tr(CaseAction.RETURN_LEGAL_REVIEW, (S.LEGAL_REVIEW,), S.INVESTIGATING, HEADS, _check_return_review),
    _tr(CaseAction.NOTIFY, (S.REVIEWING, S.REVIEWED), S.NOTIFIED, INVESTIGATORS, _check_notify),
    _tr(CaseAction.REQUEST_HEARING, (S.NOTIFIED,), S.HEARING, INVESTIGATORS, _check_request_hearing),
    _tr(CaseAction.HOLD_HEARING, (S.HEARING,), S.HEARD, INVESTIGATORS, _check_hold_hearing),
    _tr(CaseAction.DISCUSS, (S.NOTIFIED, S.HEARD), S.DISCUSSED, HEADS, _check_discuss),
    _tr(CaseAction.DECIDE, (S.NOTIFIED, S.HEARD, S.DISCUSSED), S.DECIDED, HEADS, _check_decide),
    _tr(CaseAction.SERVE, (S.DECIDED,), S.SERVED, INVESTIGATORS, _check_serve),
    _tr(CaseAction.RECORD_PAYMENT, (S.SERVED,), S.PAID, INVESTIGATORS, _check_payment),
    _tr(CaseAction.CLOSE, (S.SERVED, S.PAID), S.CLOSED, HEADS, _check_close),
    _tr(CaseAction.REVOKE, (S.FILED, S.INVESTIGATING, S.REVIEWING, S.LEGAL_REVIEW, S.REVIEWED), S.REVOKED, HEADS,
        _check_reason),
    _tr(CaseAction.TERMINATE, (S.INVESTIGATING, S.REVIEWING, S.LEGAL_REVIEW, S.REVIEWED, S.NOTIFIED, S.HEARING,
                               S.HEARD, S.DISCUSSED), S.TERMINATED, HEADS, _check_reason),
], on_applied=lambda case, t, actor, payload, before: _event(
    case, actor, t.action, before, case.state, str(payload.get("note") or payload.get("reason") or ""),
    payload.get("_event_params") or {}, at=payload.get("_event_time")))


def transition_case(actor, case: PenaltyCase, action: str, payload: Mapping[str, Any] | None = None) -> PenaltyCase:
    """Apply a workflow action: the check, the documents it issues, the state change, the audit record and the
    timeline entry commit together or not at all (409 when someone else acted first)."""
    with transaction.atomic():
        return CASE_WORKFLOW.apply(actor, case, action, dict(payload or {}))


def available_actions(case: PenaltyCase, actor) -> list[Transition]:
    """The steps the actor may take now, without those the case cannot take (a hearing request without a hearing
    right or after its window)."""
    actions = CASE_WORKFLOW.available(case, actor)
    if not case.needs_hearing_notice or (case.hearing_request_due and case.hearing_request_due < _today()):
        actions = [t for t in actions if t.action != CaseAction.REQUEST_HEARING]
    return actions


# --- time limit extension and public disclosure ------------------------------------------------------------------


def _cas(case: PenaltyCase, **changes) -> PenaltyCase:
    rows = PenaltyCase.objects.filter(pk=case.pk, version=case.version, state=case.state).update(
        version=F("version") + 1, **changes)
    if rows == 0:
        raise Conflict(gettext("Someone else changed this object first; reload and try again"))
    case.refresh_from_db()
    return case


def extend_case(actor, case: PenaltyCase, extension: str, reason: str) -> PenaltyCase:
    """Extend the 立案 → 决定 time limit (standards.penalty.decision_deadline): by the head to 90 days, by the
    higher authority to 180 (its approval named in ``reason``). Only longer, only before the decision."""
    policy.require(actor, "change", PenaltyCase)
    if not (actor.role_keys & HEADS):
        raise NotAllowed(gettext("Only the heads of the bureau approve an extension."))
    if not policy.in_scope(actor, case):
        raise policy.reference_error(PenaltyCase, "id")
    if case.state not in S.UNDECIDED:
        raise Conflict(gettext("Only an undecided case's time limit can be extended."))
    order = list(CaseExtension.values())
    if extension not in order or order.index(extension) <= order.index(case.extension):
        raise _fail("extension", gettext("Choose a longer time limit than the current one."))
    reason = (reason or "").strip()
    if not reason:
        raise _fail("reason", gettext("This field is required for this action"))
    due = penalty.decision_deadline(case.filed_on, extension=extension)
    before = {"extension": case.extension, "decision_due": case.decision_due.isoformat()}
    with transaction.atomic():
        case = _cas(case, extension=extension, decision_due=due)
        audit.record(AuditAction.TRANSITION, case, actor=actor, before=before,
                     after={"extension": extension, "decision_due": due.isoformat()},
                     message=f"extend: {reason}"[:500])
        _event(case, actor, CaseAction.EXTEND, case.state, case.state, reason,
               {"extension": extension, "decision_due": due.isoformat()})
    return case


def person_names(case: PenaltyCase) -> list[str]:
    """The natural persons a published decision must not name in full: the party when a person, and the
    enterprise's representative, principal and safety manager."""
    enterprise = case.enterprise
    names = [enterprise.legal_representative, enterprise.principal, enterprise.safety_manager]
    if case.party_kind == PartyKind.INDIVIDUAL:
        names.append(case.party_name)
    return [n for n in names if n]


def disclosure_text(case: PenaltyCase) -> str:
    """The decision as published (行政执法公示): number, party, facts, basis, penalty, date; personal data removed
    by ``standards.disclosure.redact``."""
    decision = decision_document(case)
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            gettext("Decision number: %(number)s") % {"number": decision.number if decision else "—"},
            gettext("Party: %(party)s") % {"party": case.party_name},
            gettext("Facts of the violation: %(facts)s") % {"facts": case.facts},
            gettext("Legal basis: %(basis)s") % {"basis": case.item.basis},
            gettext("Penalty: %(penalty)s") % {"penalty": case.penalty_text or _penalty_sentence(case)},
            gettext("Decided on: %(day)s") % {"day": _cn_date(case.decided_on)},
            gettext("Decided by: %(issuer)s") % {"issuer": documents.issuer_name()},
        ]
    return disclosure.redact("\n".join(lines), person_names(case))


def publish_decision(actor, case: PenaltyCase, *, at: datetime.datetime | None = None) -> PenaltyCase:
    """Publish a decided case on the public page (国办发〔2018〕118号: within 7 working days of the decision), with
    the natural persons' names masked and ID and phone numbers removed."""
    policy.require(actor, "change", PenaltyCase)
    if not policy.in_scope(actor, case):
        raise policy.reference_error(PenaltyCase, "id")
    if case.state not in S.PUBLISHABLE:
        raise Conflict(gettext("Only a decided case is published."))
    if case.published_at is not None:
        raise Conflict(gettext("This decision is already published."))
    text = disclosure_text(case)
    with transaction.atomic():
        case = _cas(case, published_at=at or timezone.now(), published_text=text)
        audit.record(AuditAction.TRANSITION, case, actor=actor, after={"published_at": case.published_at.isoformat()},
                     message="publish decision")
        _event(case, actor, CaseAction.PUBLISH, case.state, case.state, "", {}, at=case.published_at)
    return case


# --- deadlines: reminders and overdue marks ------------------------------------------------------------------------


def deadline_status(case: PenaltyCase, today: datetime.date | None = None) -> tuple[list[str], list[str]]:
    """(overdue, due soon): the deadlines running in the case's state that passed, and those due within
    :data:`REMIND_DAYS`."""
    today = today or _today()
    overdue, soon = [], []
    for name, (column, states, _label) in DEADLINES.items():
        due = getattr(case, column)
        if due is None or case.state not in states or (name == "disclosure" and case.published_at is not None):
            continue
        if due < today:
            overdue.append(name)
        elif (due - today).days <= REMIND_DAYS:
            soon.append(name)
    return overdue, soon


def _heads_covering(case: PenaltyCase) -> list[User]:
    codes = policy.region_ancestors(case.region_code)
    return list(User.objects.filter(is_active=True, roles__role=Role.SECTION_STAFF,
                                    scope_region_code__in=codes).distinct())


def check_deadlines(today: datetime.date | None = None) -> int:
    """Mark overdue cases and remind of deadlines due soon (the periodic job). Idempotent: the marks and the
    reminders sent are stored on the case (one timeline entry and one notification per deadline), and each case is
    rewritten under its row lock (SQLite: the IMMEDIATE transaction). Returns how many cases changed."""
    today = today or _today()
    changed = 0
    running = set(S.OPEN) | {S.CLOSED}
    for pk in PenaltyCase.objects.filter(state__in=running).values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            qs = PenaltyCase.objects.filter(pk=pk)
            if connection.features.has_select_for_update:
                qs = qs.select_for_update()
            case = qs.select_related("enterprise").first()
            overdue, soon = deadline_status(case, today)
            new_overdue = [n for n in overdue if n not in (case.overdue or [])]
            new_soon = [n for n in soon if n not in (case.reminded or [])]
            if overdue == (case.overdue or []) and not new_soon:
                continue
            # The job's marks are not an edit: the version stays, so nobody working on the case gets a 409.
            PenaltyCase.objects.filter(pk=pk).update(overdue=overdue,
                                                     reminded=sorted(set(case.reminded or []) | set(new_soon)))
            link = reverse("case_detail", args=[case.pk])
            recipients = _officer_users(case) + _heads_covering(case)
            for name in new_overdue:
                column, _states, label = DEADLINES[name]
                message = _msg(gettext_noop("Penalty case “%(case)s” is overdue: %(what)s was due on %(due)s."),
                               case=str(case)[:100], what=label, due=getattr(case, column))
                notifications.notify(recipients, message, link=link, obj=case, kind="overdue",
                                     dedupe_key=f"case:{case.pk}:overdue:{name}:{getattr(case, column)}")
                _event(case, None, CaseAction.OVERDUE, case.state, case.state, message,
                       {"deadline": name, "due": getattr(case, column).isoformat()})
            for name in new_soon:
                column, _states, label = DEADLINES[name]
                message = _msg(gettext_noop("Penalty case “%(case)s”: %(what)s is due on %(due)s."),
                               case=str(case)[:100], what=label, due=getattr(case, column))
                notifications.notify(recipients, message, link=link, obj=case, kind="reminder",
                                     dedupe_key=f"case:{case.pk}:remind:{name}:{getattr(case, column)}")
                _event(case, None, CaseAction.REMIND, case.state, case.state, message,
                       {"deadline": name, "due": getattr(case, column).isoformat()})
            changed += 1
    return changed


def _msg(template: str, **params) -> str:
    """A notification text in the platform's default language (jobs have no request language)."""
    with translation.override(settings.LANGUAGE_CODE):
        # Stored text a legacy row may hold with refused characters never stops the job.
        params = {k: textpolicy.cleaned(str(v)) for k, v in params.items()}
        return (gettext(template) % params)[:500]


def _event(case: PenaltyCase, actor, action: str, from_state: str, to_state: str, note: str = "",
           data: dict | None = None, at: datetime.datetime | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, kind=action, from_state=from_state, to_state=to_state,
                                    note=(note or "")[:MAX_TEXT], params=data or {}, time=at or timezone.now())


audit.message_pattern(r"publish decision", gettext_lazy("Decision published on the public page"))
audit.message_pattern(r"document issued: (?P<number>.*)", gettext_lazy("Issued %(number)s"))
audit.message_pattern(r"document pdf: (?P<number>.*)", gettext_lazy("PDF of %(number)s downloaded"))
