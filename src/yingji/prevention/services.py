"""Services of dual prevention (the only writers): risk points and their grading, hazards and their closed loop,
deadline extensions, evidence, overdue escalation and notifications.

Hazard closed loop (隐患排查治理; standards.md §3). Every step is a transition of ``HAZARD_WORKFLOW`` (one
compare-and-swap on state and version, an audit record and a timeline event) or, for deadline extensions, the
same compare-and-swap done here. Every row also needs the hazard inside the actor's scope (jurisdiction subtree
or own enterprise); outside it the hazard does not exist for the actor (404).

=========  ========================  ====================================================================
action     from → to                 who may (roles)
=========  ========================  ====================================================================
report     — → reported              enterprise_user (self-check, own enterprise only); inspector and
                                     section_staff (source inspector or inspection); township_staff
                                     (township check); grid_member (grid patrol); a hazard may cite the
                                     item of its sector's 重大事故隐患判定标准 it matches (then it is major)
confirm    reported → confirmed      inspector, section_staff, township_staff: classify 一般/重大, set the
                                     rectification deadline and responsible person; 重大 also needs the
                                     measures and the funds (第十五条, 五落实) and is listed for county
                                     supervision (挂牌督办), with the county's section staff notified. A
                                     hazard matching a criterion cannot be confirmed 一般. For a hazard it
                                     found itself, an enterprise_user of the enterprise may confirm it as
                                     一般 (自查自改自报); a major one is left to the regulator
start      confirmed → rectifying    an enterprise_user of the hazard's enterprise, or the responsible
                                     account named at confirmation (the responsible unit)
rectify    rectifying → rectified    as ``start``; needs a description of what was done and at least one
                                     evidence attachment (image or PDF)
verify     rectified → verified      inspector, section_staff, township_staff, and for the enterprise's own
                                     loop (self-check, 一般) an enterprise_user of the enterprise; never the
                                     account that rectified it (验收 by someone else)
reject     rectified → rectifying    as ``verify``; needs a reason
close      verified → closed         一般: inspector, section_staff, township_staff, and the enterprise for
                                     its own loop. 重大: bureau sign-off only: a county-scoped admin,
                                     section_staff, inspector or commander (standards.md §3.3 step 5-6: the
                                     regulator reviews a 挂牌督办 hazard). County-scoped admins and
                                     commanders may also close 一般 hazards.
reopen     closed → rectifying       only as the result of a failed sample check (``check_sample``) by
                                     admin, section_staff, inspector or township_staff: a new deadline and
                                     the findings; the failure counts against the enterprise
extend     confirmed/rectifying      inspector, section_staff, township_staff: a later deadline and a
           (state unchanged)         reason; resets the overdue escalation
=========  ========================  ====================================================================

The enterprise's own loop is visible to the regulator throughout, and checked by sampling: a regulator may pull
any hazard the enterprise closed itself back for a check (``draw_sample``), and each month a share of the
previous month's (``settings.HAZARD_SAMPLE_SHARE``, 10 % by default) is drawn automatically
(``draw_monthly_samples``, a periodic job, seeded by the month).

An action not allowed from the hazard's state answers 409; a role (or person) that may not take it, 403 with
the reason. Overdue hazards (deadline passed while confirmed or rectifying) are escalated by
``escalate_overdue`` (a periodic job, see ``tasks``): level 1 at the deadline notifies the responsible person
(or the enterprise's accounts) and their supervisor (who confirmed it, else the township's staff); level 2
after 7 days adds the township's staff; level 3 after 30 days adds the county's section staff (for 重大
hazards the county's section staff are told from level 1).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_lazy

from yingji.core import attachments, audit, notifications, policy, timesafe, values
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from yingji.core.models import ALL_ROLES, User
from yingji.core.services import create_object, delete_object, update_object
from yingji.core.workflow import Transition, Workflow
from yingji.enterprises.models import Enterprise
from yingji.standards import major_hazards

from .choices import (
    AttachmentPurpose,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardState,
    NotificationKind,
    SampleState,
)
from .models import SAMPLER_ROLES, Hazard, HazardEvent, HazardPlace, HazardSample, RiskPoint, SamplingRun

VERIFIER_ROLES = frozenset({Role.INSPECTOR, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF})
ENTERPRISE = frozenset({Role.ENTERPRISE_USER})
BUREAU_SIGNOFF_ROLES = frozenset({Role.ADMIN, Role.SECTION_STAFF, Role.INSPECTOR, Role.COMMANDER})
#: Sources each reporting role may give (the first is its default).
SOURCES_BY_ROLE = {
    Role.ENTERPRISE_USER: (HazardSource.SELF_CHECK,),
    Role.INSPECTOR: (HazardSource.INSPECTOR, HazardSource.INSPECTION),
    Role.SECTION_STAFF: (HazardSource.INSPECTOR, HazardSource.INSPECTION),
    Role.TOWNSHIP_STAFF: (HazardSource.TOWNSHIP,),
    Role.GRID_MEMBER: (HazardSource.GRID,),
}
#: Overdue escalation: (level, time past the deadline at which it is reached).
ESCALATION_STEPS = ((1, datetime.timedelta(0)), (2, datetime.timedelta(days=7)), (3, datetime.timedelta(days=30)))
MAX_DEADLINE_AHEAD = datetime.timedelta(days=3 * 366)
MAX_TEXT = 5000
COMPUTED_RISK_FIELDS = ("score", "level", "colour", "control_tier", "region_code")


def _county_scoped(user) -> bool:
    return not user.enterprise_id and len(user.scope_region_code or "") == 6


def _is_rectifier(hazard: Hazard, actor) -> bool:
    if hazard.enterprise_id is None:
        # A place's responsible unit (a village committee, a water station) seldom has an account: the account
        # made responsible rectifies; without one, the township's staff covering the place act for the unit.
        if hazard.responsible_user_id is not None:
            return hazard.responsible_user_id == actor.pk
        return actor.has_role(Role.TOWNSHIP_STAFF) and policy.sees(actor, hazard)
    own_enterprise = (hazard.enterprise_id is not None and actor.has_role(Role.ENTERPRISE_USER)
                      and actor.enterprise_id == hazard.enterprise_id)
    return own_enterprise or (hazard.responsible_user_id is not None and hazard.responsible_user_id == actor.pk)


def _not_rectifier(hazard: Hazard, actor) -> bool:
    return hazard.rectified_by_id is None or hazard.rectified_by_id != actor.pk


def self_closed_loop(hazard: Hazard) -> bool:
    """Whether the hazard runs its whole loop inside its enterprise (隐患自查自改自报闭环): a general hazard the
    enterprise found itself. Major hazards (by level or by a matching criterion) keep the regulator's
    confirmation, 挂牌督办 and verification."""
    return (hazard.source == HazardSource.SELF_CHECK and hazard.level != HazardLevel.MAJOR
            and not hazard.criterion)


def _own_loop(hazard: Hazard, actor) -> bool:
    """An account of the hazard's enterprise acting on a hazard of the enterprise's own loop."""
    return (actor.has_role(Role.ENTERPRISE_USER) and actor.enterprise_id == hazard.enterprise_id
            and self_closed_loop(hazard))


def _may_confirm(hazard: Hazard, actor) -> bool:
    return actor.has_role(*VERIFIER_ROLES) or _own_loop(hazard, actor)


def _may_verify(hazard: Hazard, actor) -> bool:
    return _not_rectifier(hazard, actor) and (actor.has_role(*VERIFIER_ROLES) or _own_loop(hazard, actor))


def _may_close(hazard: Hazard, actor) -> bool:
    if _county_scoped(actor) and actor.has_role(*BUREAU_SIGNOFF_ROLES):
        return True
    if _own_loop(hazard, actor):
        return True
    return hazard.level != HazardLevel.MAJOR and actor.has_role(*VERIFIER_ROLES)


# --- payload helpers -----------------------------------------------------------------------------------------


def _text(payload: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    value = payload.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed.from_dict({name: ["Give text"]})
    value = value.strip()
    if "\x00" in value:
        raise ValidationFailed.from_dict({name: ["must not contain NUL characters"]})
    if required and not value:
        raise ValidationFailed.from_dict({name: ["This field is required for this action"]})
    if len(value) > max_length:
        raise ValidationFailed.from_dict({name: [f"At most {max_length} characters"]})
    return value


def as_datetime(value, field: str = "due_at", *, end_of_day: bool = True) -> datetime.datetime:
    """An aware date-time from a datetime, a date (the end, or start, of that day in local time) or ISO text."""
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip()) or parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationFailed.from_dict({field: ["Give a date or date-time (ISO 8601)"]})
        value = parsed
    if isinstance(value, datetime.datetime):
        result = value
    elif isinstance(value, datetime.date):
        result = datetime.datetime.combine(value, datetime.time(23, 59, 59) if end_of_day else datetime.time())
    else:
        raise ValidationFailed.from_dict({field: ["This field is required for this action"]})
    try:
        return values.check_datetime(result)
    except values.ValueRejected as exc:
        raise ValidationFailed.from_dict({field: [str(exc)]}) from None


def _future_deadline(value, field: str = "due_at") -> datetime.datetime:
    due = as_datetime(value, field)
    now = timezone.now()
    if due <= now:
        raise ValidationFailed.from_dict({field: ["The deadline must lie in the future"]})
    if due > now + MAX_DEADLINE_AHEAD:
        raise ValidationFailed.from_dict({field: ["The deadline must lie within three years"]})
    return due


def _money(value, field: str = "funds") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.from_dict({field: ["Give an amount in CNY"]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationFailed.from_dict({field: ["Give an amount between 0 and 999,999,999,999.99 CNY"]})
    return amount.quantize(Decimal("0.01"))


def _user_ref(actor, value, field: str):
    """An active account of the actor's scope; any other id answers like an unknown one."""
    if value in (None, ""):
        return None
    return policy.get_in_scope_or_field_error(User, value, actor, field,
                                              queryset=User.objects.filter(is_active=True))


# --- workflow checks ------------------------------------------------------------------------------------------


def hazard_responsibles(hazard: Hazard):
    """Accounts that may be made responsible for rectifying a hazard: the enterprise's accounts and the staff
    covering its place who may act (``policy.acting_users``; never observers or administrators)."""
    return policy.acting_users(hazard.region_code, enterprise_id=hazard.enterprise_id)


def _criterion(enterprise, value) -> str:
    """A criterion code of the enterprise's sector lists (``standards.major_hazards``), or ''. The sector
    criteria judge enterprises; a place's hazard is graded by its level alone."""
    if value in (None, ""):
        return ""
    if enterprise is None:
        raise ValidationFailed.from_dict({"criterion": [gettext(
            "The major hazard criteria of the sectors apply to enterprises' hazards, not to places")]})
    if not isinstance(value, str) or not major_hazards.applies(value, enterprise.sector):
        raise ValidationFailed.from_dict({"criterion": [gettext(
            "Choose an item of the major hazard criteria that apply to the enterprise's sector")]})
    return value


def _confirm(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    level = payload.get("level")
    if level not in HazardLevel.values():
        raise ValidationFailed.from_dict({"level": [f"Choose one of {', '.join(HazardLevel.values())}"]})
    criterion = _criterion(hazard.enterprise, payload["criterion"]) if "criterion" in payload else hazard.criterion
    refusal = major_hazards.level_error(level, criterion)
    if refusal:
        raise ValidationFailed.from_dict({"level": [refusal]})
    if not actor.has_role(*VERIFIER_ROLES) and (level == HazardLevel.MAJOR or criterion):
        raise ValidationFailed.from_dict({"level": [gettext(
            "A major hazard is confirmed by the regulator: report it and leave it for the township or the bureau")]})
    due_at = _future_deadline(payload.get("due_at"))
    person = _text(payload, "responsible_person", required=True, max_length=50)
    phone = _text(payload, "responsible_phone", max_length=32)
    measures = _text(payload, "measures")
    interim = _text(payload, "interim_measures")
    funds = _money(payload.get("funds"))
    responsible = _user_ref(actor, payload.get("responsible_user_id") or payload.get("responsible_user"),
                            "responsible_user_id")
    if responsible is not None and not hazard_responsibles(hazard).filter(pk=responsible.pk).exists():
        raise ValidationFailed.from_dict({"responsible_user_id": [gettext(
            "That account cannot be responsible for this hazard (an account of the enterprise, or staff of its "
            "jurisdiction who may act)")]})
    if level == HazardLevel.MAJOR:
        errors = {}
        if not measures:
            errors["measures"] = ["A major hazard needs its rectification measures (治理方案)"]
        if funds is None or funds <= 0:
            errors["funds"] = ["A major hazard needs the funds set aside for it"]
        if errors:
            raise ValidationFailed.from_dict(errors)
    return {"level": level, "criterion": criterion, "due_at": due_at, "responsible_person": person,
            "responsible_phone": phone,
            "responsible_user": responsible, "measures": measures, "funds": funds, "interim_measures": interim,
            "supervised": level == HazardLevel.MAJOR, "confirmed_by": actor, "confirmed_at": timezone.now(),
            "escalation_level": 0, "overdue_since": None}


def _start(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    _text(payload, "note")
    return {}


def _rectify(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    description = _text(payload, "description", required=True)
    if not attachments.for_object(hazard).filter(purpose=AttachmentPurpose.EVIDENCE).exists():
        raise ValidationFailed.from_dict({"evidence": [gettext("Attach at least one photo or PDF as evidence first")]})
    return {"rectification": description, "rectified_by": actor, "rectified_at": timezone.now()}


def _verify(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    _text(payload, "note")
    return {"verified_by": actor, "verified_at": timezone.now()}


def _reject(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    _text(payload, "reason", required=True)
    return {}


def _close(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    _text(payload, "note")
    return {"closed_by": actor, "closed_at": timezone.now()}


def _reopen(hazard: Hazard, actor, payload: Mapping[str, Any]) -> dict:
    _text(payload, "reason", required=True)
    return {"due_at": _future_deadline(payload.get("due_at")), "rectified_by": None, "rectified_at": None,
            "verified_by": None, "verified_at": None, "closed_by": None, "closed_at": None,
            "escalation_level": 0, "overdue_since": None}


_NOTE_FIELD = {"confirm": "note", "start": "note", "rectify": "description", "verify": "note", "reject": "reason",
               "close": "note", "reopen": "reason"}


def _on_applied(hazard: Hazard, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    note = str(payload.get(_NOTE_FIELD.get(t.action, "note")) or payload.get("note") or "").strip()
    data: dict[str, Any] = {}
    if t.action == "confirm":
        data = {"level": hazard.level, "due_at": hazard.due_at.isoformat(),
                "responsible_person": hazard.responsible_person}
        if hazard.criterion:
            data["criterion"] = hazard.criterion
    elif t.action == "reopen":
        data = {"due_at": hazard.due_at.isoformat()}
    _event(hazard, actor, t.action, from_state, t.target, note, data)
    title = hazard.title[:100]
    if t.action == "confirm":
        if hazard.responsible_user_id:
            _notify([hazard.responsible_user], NotificationKind.ASSIGNED,
                    _msg("Hazard “%(title)s” is yours to rectify by %(due)s.", title=title, due=_local(hazard.due_at)),
                    hazard, actor)
        if hazard.level == HazardLevel.MAJOR:
            _notify(_staff_covering(hazard, {Role.SECTION_STAFF}, county_only=True), NotificationKind.SUPERVISION,
                    _msg("Major hazard “%(title)s” at %(enterprise)s is listed for county supervision.",
                         title=title, enterprise=hazard.subject_name), hazard, actor)
    elif t.action == "rectify" and hazard.confirmed_by_id:
        _notify([hazard.confirmed_by], NotificationKind.TO_VERIFY,
                _msg("Hazard “%(title)s” was rectified and awaits verification.", title=title), hazard, actor)
    elif t.action == "reopen":
        _notify(_enterprise_accounts(hazard), NotificationKind.REOPENED,
                _msg("A sample check of hazard “%(title)s” failed: rectify it again by %(due)s. %(reason)s",
                     title=title, due=_local(hazard.due_at), reason=note[:200]), hazard, actor)
    elif t.action == "reject" and hazard.rectified_by_id:
        _notify([hazard.rectified_by], NotificationKind.REJECTED,
                _msg("The rectification of hazard “%(title)s” was rejected: %(reason)s", title=title,
                     reason=note[:200]), hazard, actor)


HAZARD_WORKFLOW = Workflow(
    model=Hazard,
    transitions=[
        Transition("confirm", (HazardState.REPORTED,), HazardState.CONFIRMED, VERIFIER_ROLES | ENTERPRISE,
                   label=gettext_lazy("Confirm and classify"), check=_confirm, allowed=_may_confirm),
        Transition("start", (HazardState.CONFIRMED,), HazardState.RECTIFYING, frozenset(ALL_ROLES),
                   label=gettext_lazy("Start rectification"), check=_start, allowed=_is_rectifier),
        Transition("rectify", (HazardState.RECTIFYING,), HazardState.RECTIFIED, frozenset(ALL_ROLES),
                   label=gettext_lazy("Report rectification done"), check=_rectify, allowed=_is_rectifier),
        Transition("verify", (HazardState.RECTIFIED,), HazardState.VERIFIED, VERIFIER_ROLES | ENTERPRISE,
                   label=gettext_lazy("Verify"), check=_verify, allowed=_may_verify),
        Transition("reject", (HazardState.RECTIFIED,), HazardState.RECTIFYING, VERIFIER_ROLES | ENTERPRISE,
                   label=gettext_lazy("Reject rectification"), check=_reject, allowed=_may_verify),
        Transition("close", (HazardState.VERIFIED,), HazardState.CLOSED,
                   VERIFIER_ROLES | BUREAU_SIGNOFF_ROLES | ENTERPRISE,
                   label=gettext_lazy("Close (销号)"), check=_close, allowed=_may_close),
        # Only through a failed sample check (``check_sample``), never by itself.
        Transition("reopen", (HazardState.CLOSED,), HazardState.RECTIFYING, frozenset(SAMPLER_ROLES),
                   label=gettext_lazy("Reopen after a failed sample check"), check=_reopen),
    ],
    on_applied=_on_applied,
)
EXTEND = "extend"
REOPEN = "reopen"
#: The actions a caller may ask for (reopening belongs to the sample check's result).
ACTIONS = [*(a for a in HAZARD_WORKFLOW.actions if a != REOPEN), EXTEND]


def _refusal(action: str, hazard: Hazard, actor) -> str:
    """Why the actor may not take ``action`` (for the 403 answer)."""
    if action in ("start", "rectify"):
        return "Only an account of the hazard's enterprise or the responsible account may rectify it"
    if action in ("verify", "reject"):
        if not _not_rectifier(hazard, actor):
            return "You rectified this hazard; someone else must verify it"
        return ("Only inspectors, section staff or township staff may verify a rectification (and the enterprise "
                "itself for a general hazard it found)")
    if action == "close" and hazard.level == HazardLevel.MAJOR:
        return ("A major hazard is closed only with the bureau's sign-off: a county-level administrator, "
                "section staff, inspector or commander")
    if action == "close":
        return ("Only inspectors, section staff, township staff or the bureau may close a hazard (and the "
                "enterprise itself for a general hazard it found)")
    if action == "confirm":
        return ("Only inspectors, section staff or township staff may confirm a hazard (and the enterprise itself "
                "for a hazard it found)")
    return f"Your role cannot {action} this hazard"


def _ensure_visible(actor, hazard: Hazard) -> None:
    if not policy.in_scope(actor, hazard) or not policy.can(actor, "view", Hazard):
        raise NotFound(f"hazard {hazard.pk} not found")


def available_actions(hazard: Hazard, actor) -> list[str]:
    """The actions the actor may take on the hazard now (workflow transitions plus a deadline extension)."""
    actions = [t.action for t in HAZARD_WORKFLOW.available(hazard, actor, exclude=(REOPEN,))]
    if hazard.state in HazardState.DEADLINE_RUNNING and actor.has_role(*VERIFIER_ROLES):
        actions.append(EXTEND)
    return actions


def perform(actor, hazard: Hazard, action: str, payload: Mapping[str, Any] | None = None,
            files: Iterable = ()) -> Hazard:
    """Take ``action`` on ``hazard`` as ``actor``; ``files`` are evidence uploaded with it (kept only if the
    action succeeds). Returns the refreshed hazard."""
    payload = dict(payload or {})
    _ensure_visible(actor, hazard)
    if action == EXTEND:
        return extend_deadline(actor, hazard, payload.get("due_at"), payload.get("reason"))
    if action == REOPEN:
        raise ValidationFailed.from_dict({"action": [gettext(
            "A closed hazard is reopened only by a failed sample check")]})
    with transaction.atomic():
        for uploaded in files:
            add_attachment(actor, hazard, uploaded, AttachmentPurpose.EVIDENCE)
        try:
            return HAZARD_WORKFLOW.apply(actor, hazard, action, payload)
        except NotAllowed as exc:
            if exc.detail == NotAllowed.default_detail or exc.detail.startswith("Your role cannot"):
                raise NotAllowed(_refusal(action, hazard, actor)) from None
            raise


def extend_deadline(actor, hazard: Hazard, due_at, reason) -> Hazard:
    """Move the rectification deadline later, with a reason (its own audited action; resets escalation)."""
    _ensure_visible(actor, hazard)
    if hazard.state not in HazardState.DEADLINE_RUNNING:
        raise Conflict(f"The deadline can be extended only while the hazard is confirmed or being rectified, "
                       f"not {hazard.state!r}",
                       [{"field": "action", "message": "allowed from: confirmed, rectifying"}])
    if not actor.has_role(*VERIFIER_ROLES):
        raise NotAllowed(gettext("Only inspectors, section staff or township staff may extend a deadline"))
    reason = _text({"reason": reason}, "reason", required=True)
    new_due = _future_deadline(due_at)
    if hazard.due_at is not None and new_due <= hazard.due_at:
        raise ValidationFailed.from_dict({"due_at": [gettext("An extension must move the deadline later")]})
    old_due = hazard.due_at
    with transaction.atomic():
        rows = Hazard.objects.filter(pk=hazard.pk, state=hazard.state, version=hazard.version).update(
            due_at=new_due, version=F("version") + 1, escalation_level=0, overdue_since=None)
        if rows == 0:
            raise Conflict(gettext("Someone else changed this object first; reload and try again"))
        hazard.refresh_from_db()
        before = {"due_at": old_due.isoformat() if old_due else None}
        audit.record(AuditAction.UPDATE, hazard, actor=actor, before=before,
                     after={"due_at": new_due.isoformat()}, message=f"extend: {reason}"[:500])
        _event(hazard, actor, EXTEND, hazard.state, hazard.state, reason,
               {"from": before["due_at"], "to": new_due.isoformat()})
        if hazard.responsible_user_id:
            _notify([hazard.responsible_user], NotificationKind.EXTENDED,
                    _msg("The deadline of hazard “%(title)s” moved to %(due)s.", title=hazard.title[:100],
                         due=_local(new_due)), hazard, actor)
    return hazard


# --- sample checks of the enterprises' own loop ----------------------------------------------------------------


def sampleable(hazard: Hazard) -> bool:
    """A hazard the enterprise closed itself, which a regulator may pull back for a check."""
    return hazard.state == HazardState.CLOSED and self_closed_loop(hazard)


def _enterprise_accounts(hazard: Hazard) -> list:
    """The accounts answering for the hazard's subject: the enterprise's, or for a place the one made responsible
    (else the township's staff covering it)."""
    if hazard.enterprise_id is None:
        if hazard.responsible_user_id:
            return [hazard.responsible_user]
        return _staff_covering(hazard, {Role.TOWNSHIP_STAFF})
    return list(User.objects.filter(is_active=True, enterprise_id=hazard.enterprise_id))


def _new_sample(hazard: Hazard, actor, period: str, note: str) -> HazardSample:
    try:
        with transaction.atomic():
            sample = HazardSample.objects.create(hazard=hazard, period=period, drawn_by=actor, note="")
    except IntegrityError:
        raise Conflict(gettext("This hazard already has a sample check to be carried out")) from None
    audit.record(AuditAction.CREATE, sample, actor=actor, after={"hazard": hazard.pk, "period": period})
    _event(hazard, actor, HazardAction.SAMPLED, hazard.state, hazard.state, note,
           {"sample": sample.pk, "period": period} if period else {"sample": sample.pk})
    return sample


def draw_sample(actor, hazard: Hazard, note: str = "") -> HazardSample:
    """Pull a hazard the enterprise closed itself back for a regulator's check (抽查)."""
    _ensure_visible(actor, hazard)
    policy.require(actor, "add", HazardSample)
    if not sampleable(hazard):
        raise Conflict(gettext("Only a general hazard the enterprise found and closed itself can be drawn for a "
                               "sample check"))
    note = _text({"note": note}, "note")
    with transaction.atomic():
        return _new_sample(hazard, actor, "", note)


def check_sample(actor, sample: HazardSample, *, passed, note, due_at=None) -> HazardSample:
    """Record the result of a sample check. A failed check reopens the hazard for rectification by a new deadline
    (an explicit workflow transition) and counts against the enterprise; a passed one leaves it closed."""
    if not policy.in_scope(actor, sample):
        raise NotFound(f"sample check {sample.pk} not found")
    policy.require(actor, "change", HazardSample)
    if not isinstance(passed, bool):
        raise ValidationFailed.from_dict({"passed": [gettext("Say whether the check passed (true or false)")]})
    note = _text({"note": note}, "note", required=True)
    if sample.state != SampleState.PENDING:
        raise Conflict(gettext("This sample check has already been recorded"),
                       [{"field": "passed", "message": f"state: {sample.state}"}])
    hazard = Hazard.objects.select_related("enterprise").get(pk=sample.hazard_id)
    state = SampleState.PASSED if passed else SampleState.FAILED
    with transaction.atomic():
        # The sample's own compare-and-swap first: of two officers recording at once, one wins (409 for the other).
        rows = HazardSample.objects.filter(pk=sample.pk, state=SampleState.PENDING).update(
            state=state, checked_by=actor, checker_name=str(actor)[:150], checked_at=timezone.now(), note=note)
        if rows == 0:
            raise Conflict(gettext("Someone else changed this object first; reload and try again"))
        if passed:
            _event(hazard, actor, HazardAction.SAMPLE_PASSED, hazard.state, hazard.state, note,
                   {"sample": sample.pk})
        else:
            HAZARD_WORKFLOW.apply(actor, hazard, REOPEN, {"reason": note, "due_at": due_at})
        sample.refresh_from_db()
        audit.record(AuditAction.UPDATE, sample, actor=actor, before={"state": SampleState.PENDING},
                     after={"state": state}, message=note[:500])
    return sample


def previous_month(now: datetime.datetime) -> tuple[str, datetime.datetime, datetime.datetime]:
    """The calendar month before ``now`` (local time): its key "YYYY-MM" and its [start, end) instants."""
    local = timezone.localtime(now)
    end = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (end - datetime.timedelta(days=1)).replace(day=1)
    return f"{start:%Y-%m}", start, end


def draw_monthly_samples(now: datetime.datetime | None = None, share: float | None = None) -> SamplingRun | None:
    """Draw a share of last month's self-closed hazards for regulators' checks (idempotent: a month is drawn
    once). The draw is seeded by the month, so it can be re-run and checked; at least one hazard is drawn from a
    month that has any. Township staff covering each drawn hazard are told."""
    now = now or timezone.now()
    share = settings.HAZARD_SAMPLE_SHARE if share is None else share
    period, start, end = previous_month(now)
    if SamplingRun.objects.filter(period=period).exists():
        return None
    population = sorted(Hazard.objects.filter(
        source=HazardSource.SELF_CHECK, state=HazardState.CLOSED, closed_at__gte=start, closed_at__lt=end,
        criterion="").exclude(level=HazardLevel.MAJOR).exclude(samples__state=SampleState.PENDING)
        .values_list("pk", flat=True))
    count = min(len(population), max(1, math.ceil(len(population) * share - 1e-9))) if population and share > 0 \
        else 0
    chosen = random.Random(f"yingji-hazard-sample/{period}").sample(population, count)
    try:
        with transaction.atomic():
            run = SamplingRun.objects.create(period=period, share=Decimal(str(share)).quantize(Decimal("0.001")),
                                             population=len(population), drawn=count)
            for hazard in Hazard.objects.filter(pk__in=chosen).select_related("enterprise"):
                _new_sample(hazard, None, period, "")
                _notify(_staff_covering(hazard, {Role.TOWNSHIP_STAFF, Role.INSPECTOR}), NotificationKind.SAMPLED,
                        _msg("Hazard “%(title)s” of %(enterprise)s, closed by the enterprise itself, was drawn for a "
                             "sample check.", title=hazard.title[:100], enterprise=hazard.subject_name),
                        hazard)
    except IntegrityError:
        return None  # another worker drew this month first
    return run


def sample_record(enterprise_id: int) -> dict:
    """An enterprise's record under sample checks: how many of its self-closed hazards were checked and failed."""
    checked = HazardSample.objects.filter(hazard__enterprise_id=enterprise_id).exclude(state=SampleState.PENDING)
    return {"checked": checked.count(), "failed": checked.filter(state=SampleState.FAILED).count(),
            "pending": HazardSample.objects.filter(hazard__enterprise_id=enterprise_id,
                                                   state=SampleState.PENDING).count()}


# --- reporting and evidence ------------------------------------------------------------------------------------


def sources_for(actor) -> list[str]:
    """The sources the actor may report a hazard under, its default first."""
    result: list[str] = []
    for role in (Role.ENTERPRISE_USER, Role.INSPECTOR, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF, Role.GRID_MEMBER):
        if actor.has_role(role):
            result += [s for s in SOURCES_BY_ROLE[role] if s not in result]
    return result


def _enterprise_in_scope(actor, value, field: str = "enterprise") -> Enterprise:
    if value in (None, ""):
        raise ValidationFailed.from_dict({field: ["Choose an enterprise"]})
    return policy.get_in_scope_or_field_error(Enterprise, value, actor, field)


def report_hazard(actor, data: Mapping[str, Any], photos: Iterable = ()) -> Hazard:
    """Register a hazard found by ``actor`` (an enterprise self-check, an inspector, a township or grid check)."""
    policy.require(actor, "add", Hazard)
    data = dict(data)
    enterprise_ref = data.pop("enterprise", None) or data.pop("enterprise_id", None)
    place_ref = data.pop("place", None) or data.pop("place_id", None)
    place = None
    if place_ref not in (None, "") and enterprise_ref not in (None, ""):
        raise ValidationFailed.from_dict({"place_id": [gettext(
            "A hazard belongs to an enterprise or to a place, not both")]})
    if place_ref not in (None, ""):
        enterprise = None
        place = policy.get_in_scope_or_field_error(HazardPlace, place_ref, actor, "place_id")
    else:
        enterprise = _enterprise_in_scope(actor, enterprise_ref)
    allowed_sources = [s for s in sources_for(actor) if place is None or s != HazardSource.SELF_CHECK]
    source = data.pop("source", None) or (allowed_sources[0] if allowed_sources else "")
    if source not in allowed_sources:
        if place is not None and not allowed_sources:
            raise ValidationFailed.from_dict({"place_id": [gettext(
                "Hazards of places are reported by townships, grid members and the bureau's staff")]})
        raise ValidationFailed.from_dict({"source": [f"You may report as: {', '.join(allowed_sources)}"]})
    found_at = data.pop("found_at", None)
    found_at = as_datetime(found_at, "found_at", end_of_day=False) if found_at else timezone.now()
    if found_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationFailed.from_dict({"found_at": [gettext("A hazard cannot be found in the future")]})
    risk_point = data.pop("risk_point", None) or data.pop("risk_point_id", None)
    if risk_point is not None and place is not None:
        raise ValidationFailed.from_dict({"risk_point_id": [gettext(
            "Risk points are an enterprise's; a place's hazard has none")]})
    if risk_point is not None:
        risk_point = policy.get_in_scope_or_field_error(RiskPoint, risk_point, actor, "risk_point_id",
                                                        queryset=RiskPoint.objects.filter(enterprise=enterprise))
    values = {
        "enterprise": enterprise, "place": place, "region_code": (enterprise or place).region_code,
        "risk_point": risk_point,
        "title": _text(data, "title", required=True, max_length=200),
        "description": _text(data, "description", required=True),
        "location": _text(data, "location", max_length=200),
        "source": source, "found_at": found_at, "reporter": actor,
        "criterion": _criterion(enterprise, data.pop("criterion", "")),
        "reporter_name": (actor.display_name or actor.username)[:150],
    }
    with transaction.atomic():
        hazard = create_object(actor, Hazard, values, check_scope=False)
        _event(hazard, actor, HazardAction.REPORT, "", HazardState.REPORTED, "", {"source": source})
        for photo in photos:
            add_attachment(actor, hazard, photo, AttachmentPurpose.PHOTO)
    return hazard


def add_attachment(actor, hazard: Hazard, uploaded, purpose: str = AttachmentPurpose.OTHER):
    """Attach an image or PDF to a hazard (evidence only while the hazard is being rectified)."""
    _ensure_visible(actor, hazard)
    policy.require(actor, "attach", Hazard)
    if purpose not in AttachmentPurpose.values():
        raise ValidationFailed.from_dict({"purpose": [f"Choose one of {', '.join(AttachmentPurpose.values())}"]})
    if hazard.state == HazardState.CLOSED:
        raise Conflict(gettext("A closed hazard takes no more files"))
    if purpose == AttachmentPurpose.EVIDENCE and hazard.state not in HazardState.DEADLINE_RUNNING:
        raise Conflict(gettext("Rectification evidence is attached while the hazard is confirmed or being rectified"),
                       [{"field": "purpose", "message": "allowed in: confirmed, rectifying"}])
    with transaction.atomic():
        attachment = attachments.attach(actor, hazard, uploaded, purpose=purpose)
        _event(hazard, actor, HazardAction.ATTACH, hazard.state, hazard.state, attachment.original_name,
               {"attachment": attachment.pk, "purpose": purpose})
    return attachment


# --- risk points -----------------------------------------------------------------------------------------------


def _risk_data(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    computed = sorted(set(data) & set(COMPUTED_RISK_FIELDS))
    if computed:
        raise ValidationFailed.from_dict({f: ["Computed from the assessment; cannot be set"] for f in computed})
    return data


def create_risk_point(actor, data: Mapping[str, Any]) -> RiskPoint:
    policy.require(actor, "add", RiskPoint)
    data = _risk_data(actor, data)
    ref = data.pop("enterprise", None) or data.pop("enterprise_id", None)
    if ref is None and actor.enterprise_id:
        ref = actor.enterprise_id
    enterprise = _enterprise_in_scope(actor, ref)
    data.update(enterprise=enterprise, region_code=enterprise.region_code)
    return create_object(actor, RiskPoint, data, check_scope=False,
                         exclude=["score", "level", "colour", "control_tier"])


def update_risk_point(actor, point: RiskPoint, data: Mapping[str, Any]) -> RiskPoint:
    data = _risk_data(actor, data)
    for key in ("enterprise", "enterprise_id"):
        if key in data:
            raise ValidationFailed.from_dict({key: ["A risk point stays with its enterprise"]})
    return update_object(actor, point, data)


def delete_risk_point(actor, point: RiskPoint) -> None:
    delete_object(actor, point)


# --- overdue escalation and notifications ------------------------------------------------------------------------


def _msg(template: str, **params) -> str:
    """A notification text in the platform's default language (jobs have no request language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return (gettext(template) % params)[:500]


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _event(hazard: Hazard, actor, action: str, from_state: str, to_state: str, note: str = "",
           data: dict | None = None) -> HazardEvent:
    return HazardEvent.objects.create(hazard=hazard, actor=actor, kind=action, from_state=from_state,
                                      to_state=to_state, note=note[:MAX_TEXT], params=data or {})


def _notify(recipients: Iterable, kind: str, message: str, hazard: Hazard | None, actor=None) -> int:
    """Tell people about a hazard through the platform's one inbox (``core.notifications``); never the actor."""
    long = len(message) > 200
    sent = notifications.notify(recipients, message[:199] + "…" if long else message, message if long else "",
                                link=reverse("hazard_detail", args=[hazard.pk]) if hazard is not None else "",
                                obj=hazard, kind=kind, exclude=actor)
    return len(sent)


def _staff_covering(hazard: Hazard, roles: set[str], *, county_only: bool = False):
    codes = policy.region_ancestors(hazard.region_code)
    if county_only:
        codes = codes[:1]
    return list(User.objects.filter(is_active=True, enterprise__isnull=True, scope_region_code__in=codes,
                                    roles__role__in=roles).distinct())


def _escalation_recipients(hazard: Hazard, old_level: int, new_level: int) -> list:
    recipients: list = []
    if old_level < 1 <= new_level:
        if hazard.responsible_user_id:
            recipients.append(hazard.responsible_user)
        else:
            recipients += _enterprise_accounts(hazard)
        recipients += ([hazard.confirmed_by] if hazard.confirmed_by_id
                       else _staff_covering(hazard, {Role.TOWNSHIP_STAFF}))
        if hazard.level == HazardLevel.MAJOR:
            recipients += _staff_covering(hazard, {Role.SECTION_STAFF}, county_only=True)
    if old_level < 2 <= new_level:
        recipients += _staff_covering(hazard, {Role.TOWNSHIP_STAFF})
    if old_level < 3 <= new_level:
        recipients += _staff_covering(hazard, {Role.SECTION_STAFF}, county_only=True)
    return recipients


def escalation_target(due_at: datetime.datetime, now: datetime.datetime) -> int:
    return max((level for level, after in ESCALATION_STEPS if timesafe.add(due_at, after) < now), default=0)


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Flag hazards past their rectification deadline and notify, one escalation level at a time.

    Idempotent: the level reached is stored on the hazard (``escalation_level``) and raised by a compare-and-swap,
    so a second run, or two sweepers at once, notify nobody twice. Returns how many hazards were escalated."""
    now = now or timezone.now()
    due = Q()
    for level, after in ESCALATION_STEPS:
        due |= Q(escalation_level__lt=level, due_at__lt=now - after)
    candidates = (Hazard.objects.filter(state__in=HazardState.DEADLINE_RUNNING, due_at__isnull=False).filter(due)
                  .select_related("enterprise", "place", "responsible_user", "confirmed_by").order_by("due_at", "pk"))
    escalated = 0
    for hazard in candidates:
        old_level, target = hazard.escalation_level, escalation_target(hazard.due_at, now)
        if target <= old_level:
            continue
        with transaction.atomic():
            rows = Hazard.objects.filter(
                pk=hazard.pk, escalation_level=old_level, due_at=hazard.due_at,
                state__in=HazardState.DEADLINE_RUNNING,
            ).update(escalation_level=target, overdue_since=hazard.overdue_since or now)
            if rows == 0:
                continue
            days = (now - hazard.due_at).days
            message = _msg("Hazard “%(title)s” at %(enterprise)s is overdue: the deadline was %(due)s "
                           "(%(days)s days ago). Escalation level %(level)s.",
                           title=hazard.title[:100], enterprise=hazard.subject_name,
                           due=_local(hazard.due_at), days=days, level=target)
            _notify(_escalation_recipients(hazard, old_level, target), NotificationKind.OVERDUE, message, hazard)
            _event(hazard, None, HazardAction.OVERDUE, hazard.state, hazard.state, message,
                   {"escalation_level": target, "due_at": hazard.due_at.isoformat()})
            audit.record(AuditAction.UPDATE, hazard, before={"escalation_level": old_level},
                         after={"escalation_level": target}, message="overdue escalation")
            escalated += 1
    return escalated


# How this module's audit messages read on pages.
audit.message_pattern(r"extend: (?P<reason>.*)", gettext_lazy("Deadline extended: %(reason)s"))
audit.message_pattern(r"overdue escalation", gettext_lazy("Escalated as overdue"))
