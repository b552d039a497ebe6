"""Supervision orders (交办单 / 督办单): issue, reply, verify, close, and overdue escalation.

Workflow (``ORDER_WORKFLOW``; each a compare-and-swap on state and version, an audit record and a timeline event;
409 when not allowed from the state or when someone else acted first):

=========  ==========================  ===============================================================
action     from → to                   who may
=========  ==========================  ===============================================================
(issue)    — → issued                  admin, section_staff (county): :func:`issue_order`
reply      issued, returned → replied  the assignee: the township's staff, or the department's accounts;
                                       needs the reply text
accept     replied → verified          admin, section_staff, not the one who replied
return     replied → returned          as ``accept``; needs a reason; may set a later deadline
close      verified → closed           admin, section_staff
=========  ==========================  ===============================================================

Numbering: 舞钢应急交办〔2026〕第N号 / 督办 (``standards.documents.ORDER_SERIES``), serials per series and year, from 1,
never reused: the next serial is taken inside the creating transaction and the (kind, year, serial) uniqueness
makes a concurrent duplicate fail and retry with the next one.

Escalation (:func:`escalate_overdue`, a periodic job): while an order awaits the assignee's reply (issued or
returned) past its deadline, level 1 at the deadline tells the assignee and the issuer; level 2 after 3 days adds
the county's section staff; level 3 after 7 days adds the bureau's administrators and commanders. The level is kept
on the order and raised by a compare-and-swap, so nobody is told twice. A reply stops it; a return with a new
deadline starts it again from 0.

A major hazard's 挂牌督办 stays in prevention (``Hazard.supervised``): an order may reference the hazard; it does not
list or unlist it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _l

from yingji.core import attachments, audit, notifications, policy, timesafe
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from yingji.core.models import Organisation, Region, User
from yingji.core.workflow import Transition, Workflow
from yingji.enterprises.models import Enterprise
from yingji.prevention.models import Hazard
from yingji.prevention.services import as_datetime
from yingji.standards import documents

from ..choices import OrderAction, OrderKind, OrderState
from ..models import SUPERVISORS, OrderEvent, SupervisionOrder
from .campaigns import assignees
from .plans import _text

#: 机关代字 of the demo county's bureau (舞钢市应急管理局) in order numbers.
NUMBER_PREFIX = "舞钢应急"
ESCALATION_STEPS = ((1, datetime.timedelta(0)), (2, datetime.timedelta(days=3)), (3, datetime.timedelta(days=7)))
MAX_DEADLINE_AHEAD = datetime.timedelta(days=366)
NOTIFY_KIND = "supervision_order"


def is_assignee(order: SupervisionOrder, actor) -> bool:
    if order.organisation_id:
        return actor.organisation_id == order.organisation_id and not actor.enterprise_id
    return actor.has_role(Role.TOWNSHIP_STAFF) and order.region_code.startswith(actor.scope_prefix or "-")


def _issuer_side(order: SupervisionOrder, actor) -> bool:
    return len(actor.scope_region_code or "") == 6 and not is_assignee(order, actor)


def _deadline(value, field: str = "deadline") -> datetime.datetime:
    due = as_datetime(value, field)
    now = timezone.now()
    if due <= now:
        raise ValidationFailed.from_dict({field: [gettext("The deadline must lie in the future")]})
    if due > now + MAX_DEADLINE_AHEAD:
        raise ValidationFailed.from_dict({field: [gettext("The deadline must lie within a year")]})
    return due


def next_serial(kind: str, year: int) -> int:
    return (SupervisionOrder.objects.filter(kind=kind, year=year).aggregate(n=Max("serial"))["n"] or 0) + 1


def issue_order(actor, data: Mapping[str, Any]) -> SupervisionOrder:
    """Issue a 交办单 or 督办单 to a township (``township``: its code) or a department (``organisation``), with a
    deadline; optionally about a hazard (its township and enterprise are taken from it) or an enterprise."""
    policy.require(actor, "add", SupervisionOrder)
    if len(actor.scope_region_code or "") != 6:
        raise NotAllowed(gettext("Orders are issued by the county bureau"))
    kind = data.get("kind")
    if kind not in OrderKind.values():
        raise ValidationFailed.from_dict({"kind": [gettext("Choose a kind")]})
    title = _text(data, "title", required=True, max_length=200)
    matter = _text(data, "matter", required=True)
    deadline = _deadline(data.get("deadline"))
    hazard = data.get("hazard") or None
    if hazard is not None:
        hazard = policy.get_in_scope_or_field_error(Hazard, hazard, actor, "hazard")
    enterprise = data.get("enterprise") or None
    if enterprise is not None:
        enterprise = policy.get_in_scope_or_field_error(Enterprise, enterprise, actor, "enterprise")
    if hazard is not None:
        if enterprise is not None and enterprise.pk != hazard.enterprise_id:
            raise ValidationFailed.from_dict({"enterprise": [gettext("The hazard belongs to another enterprise")]})
        enterprise = hazard.enterprise
    township, org = data.get("township") or "", data.get("organisation") or None
    if not township and not org and enterprise is not None:
        township = enterprise.region_code[:9]
    if bool(township) == bool(org):
        raise ValidationFailed.from_dict({"township": [gettext("Choose a township or a department, not both")]})
    if township:
        region = Region.objects.filter(policy.scope_q(actor, Region), level="township",
                                       code=str(getattr(township, "code", township))).first()
        if region is None:
            raise policy.reference_error(Region, "township")
        region_code, organisation = region.code, None
    else:
        organisation = policy.get_in_scope_or_field_error(Organisation, org, actor, "organisation")
        region_code = organisation.region_code
    year = timezone.localdate().year
    for _attempt in range(5):
        serial = next_serial(kind, year)
        try:
            with transaction.atomic():
                order = SupervisionOrder.objects.create(
                    number=documents.format_number(NUMBER_PREFIX, kind, year, serial, series=documents.ORDER_SERIES),
                    kind=kind, year=year, serial=serial, title=title, matter=matter, region_code=region_code,
                    organisation=organisation, hazard=hazard, enterprise=enterprise, deadline=deadline,
                    issued_by=actor)
                audit.record_change(AuditAction.CREATE, order, None, audit.snapshot(order), actor=actor)
                _event(order, actor, OrderAction.ISSUE, "", OrderState.ISSUED, matter[:200],
                       {"deadline": deadline.isoformat(), "number": order.number})
                _notify(assignees(order), _msg(_l("%(number)s “%(title)s” is yours to handle by %(due)s."),
                                               number=order.number, title=title[:100], due=_local(deadline)),
                        order, actor)
            return order
        except IntegrityError:
            continue  # someone took the serial in between: take the next one
    raise Conflict(gettext("Could not number the order; try again"))


def _reply(order, actor, payload) -> dict:
    text = _text(payload, "reply", required=True)
    return {"reply": text, "replied_by": actor, "replied_at": timezone.now()}


def _accept(order, actor, payload) -> dict:
    note = _text(payload, "note")
    return {"verification": note, "verified_by": actor, "verified_at": timezone.now()}


def _return(order, actor, payload) -> dict:
    reason = _text(payload, "reason", required=True)
    changes: dict[str, Any] = {"verification": reason, "verified_by": actor, "verified_at": timezone.now()}
    if payload.get("deadline"):
        new_deadline = _deadline(payload["deadline"])
        if new_deadline <= order.deadline:
            raise ValidationFailed.from_dict({"deadline": [gettext("A new deadline must be later than the old")]})
        changes.update(deadline=new_deadline, escalation_level=0, overdue_since=None)
    return changes


def _close(order, actor, payload) -> dict:
    _text(payload, "note")
    return {"closed_at": timezone.now()}


_NOTE = {"reply": "reply", "accept": "note", "return": "reason", "close": "note"}


def _on_applied(order: SupervisionOrder, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    note = str(payload.get(_NOTE[t.action]) or "").strip()
    params = {"deadline": order.deadline.isoformat()} if t.action == "return" else {}
    _event(order, actor, t.action, from_state, t.target, note, params)
    title = order.title[:100]
    if t.action == "reply" and order.issued_by_id:
        _notify([order.issued_by], _msg(_l("%(number)s “%(title)s” was answered and awaits your verification."),
                                        number=order.number, title=title), order, actor)
    elif t.action in ("accept", "return"):
        message = (_msg(_l("%(number)s “%(title)s”: the reply was accepted."), number=order.number, title=title)
                   if t.action == "accept" else
                   _msg(_l("%(number)s “%(title)s” was returned for more work: %(reason)s"), number=order.number,
                        title=title, reason=note[:200]))
        _notify(assignees(order), message, order, actor)


ORDER_WORKFLOW = Workflow(
    model=SupervisionOrder,
    transitions=[
        Transition("reply", OrderState.AWAITING_REPLY, OrderState.REPLIED, frozenset(Role.values()),
                   label=gettext_lazy("Reply"), check=_reply, allowed=is_assignee),
        Transition("accept", (OrderState.REPLIED,), OrderState.VERIFIED, frozenset(SUPERVISORS),
                   label=gettext_lazy("Accept the reply"), check=_accept, allowed=_issuer_side),
        Transition("return", (OrderState.REPLIED,), OrderState.RETURNED, frozenset(SUPERVISORS),
                   label=gettext_lazy("Return for more work"), check=_return, allowed=_issuer_side),
        Transition("close", (OrderState.VERIFIED,), OrderState.CLOSED, frozenset(SUPERVISORS),
                   label=gettext_lazy("Close"), check=_close, allowed=_issuer_side),
    ],
    on_applied=_on_applied,
)


def _ensure_visible(actor, order: SupervisionOrder) -> None:
    if not policy.can(actor, "view", SupervisionOrder) or not policy.in_scope(actor, order):
        raise NotFound(f"supervision order {order.pk} not found")


def act_on_order(actor, order: SupervisionOrder, action: str, payload: Mapping[str, Any] | None = None,
                 files: Iterable = ()) -> SupervisionOrder:
    """Take ``action`` on ``order``; ``files`` (a reply's attachments) are kept only if the action succeeds."""
    _ensure_visible(actor, order)
    with transaction.atomic():
        result = ORDER_WORKFLOW.apply(actor, order, action, payload)
        for uploaded in files:
            add_attachment(actor, result, uploaded)
    return result


def add_attachment(actor, order: SupervisionOrder, uploaded):
    """Attach a file to an order (the assignee's evidence or the issuer's material), while it is not closed."""
    _ensure_visible(actor, order)
    if not (is_assignee(order, actor) or actor.has_role(*SUPERVISORS)):
        raise NotAllowed(gettext("Only the assignee or the issuing section attaches files"))
    if order.state == OrderState.CLOSED:
        raise Conflict(gettext("A closed order takes no more files"))
    with transaction.atomic():
        attachment = attachments.attach(actor, order, uploaded, purpose="order")
        _event(order, actor, OrderAction.ATTACH, order.state, order.state, attachment.original_name,
               {"attachment": attachment.pk})
    return attachment


# --- escalation -------------------------------------------------------------------------------------------------


def escalation_target(deadline: datetime.datetime, now: datetime.datetime) -> int:
    return max((level for level, after in ESCALATION_STEPS if timesafe.add(deadline, after) < now), default=0)


def _county_staff(order: SupervisionOrder, roles) -> list[User]:
    """The staff of the order's county (in a city installation each county's bureau escalates its own orders)."""
    county = order.region_code[:6] or settings.COUNTY_CODE
    return list(User.objects.filter(is_active=True, enterprise__isnull=True, scope_region_code=county,
                                    roles__role__in=roles).distinct())


def _escalation_recipients(order: SupervisionOrder, old: int, new: int) -> list:
    recipients: list = []
    if old < 1 <= new:
        recipients += assignees(order) + ([order.issued_by] if order.issued_by_id else [])
    if old < 2 <= new:
        recipients += _county_staff(order, {Role.SECTION_STAFF})
    if old < 3 <= new:
        recipients += _county_staff(order, {Role.ADMIN, Role.COMMANDER})
    return recipients


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Raise the escalation level of orders awaiting a reply past their deadline and notify (idempotent)."""
    now = now or timezone.now()
    due = Q()
    for level, after in ESCALATION_STEPS:
        due |= Q(escalation_level__lt=level, deadline__lt=now - after)
    escalated = 0
    for order in (SupervisionOrder.objects.filter(state__in=OrderState.AWAITING_REPLY).filter(due)
                  .select_related("issued_by", "organisation").order_by("deadline", "pk")):
        old, target = order.escalation_level, escalation_target(order.deadline, now)
        if target <= old:
            continue
        with transaction.atomic():
            rows = SupervisionOrder.objects.filter(
                pk=order.pk, escalation_level=old, deadline=order.deadline, state__in=OrderState.AWAITING_REPLY,
            ).update(escalation_level=target, overdue_since=order.overdue_since or now)
            if rows == 0:
                continue
            message = _msg(_l("%(number)s “%(title)s” (%(who)s) is overdue: the deadline was %(due)s. "
                              "Escalation level %(level)s."), number=order.number, title=order.title[:100],
                           who=order.assignee_name, due=_local(order.deadline), level=target)
            _notify(_escalation_recipients(order, old, target), message, order)
            _event(order, None, OrderAction.OVERDUE, order.state, order.state, message,
                   {"escalation_level": target, "deadline": order.deadline.isoformat()})
            audit.record(AuditAction.UPDATE, order, before={"escalation_level": old},
                         after={"escalation_level": target}, message="overdue escalation")
            escalated += 1
    return escalated


# --- timeline and notifications ------------------------------------------------------------------------------


def _event(order, actor, kind: str, from_state: str, to_state: str, note: str = "", params: dict | None = None):
    return OrderEvent.objects.create(order=order, actor=actor, kind=kind, from_state=from_state, to_state=to_state,
                                     note=note[:2000], params=params or {})


def _msg(template, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (str(template) % params)[:500]


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _notify(recipients, message: str, order: SupervisionOrder, actor=None) -> int:
    long = len(message) > 200
    return len(notifications.notify(recipients, message[:199] + "…" if long else message, message if long else "",
                                    link=reverse("supervision_order_detail", args=[order.pk]), obj=order,
                                    kind=NOTIFY_KIND, exclude=actor))
