"""Services of early warnings: authoring (with templates and locked fields), the approval/publication workflow,
CAP validation before publication, and dissemination to responsible persons (fan-out, retries with exponential
backoff, escalation, acknowledgement, re-sending). The only writers of this app's data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from yingji.core import audit, policy
from yingji.core.choices import AuditAction
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow
from yingji.standards import gb2260

from . import cap
from .catalog import TEMPLATES
from .channels import ChannelError, adapter
from .choices import EVER_PUBLISHED, CapCategory, Channel, DeliveryState, MessageType, WarningLevel, WarningState
from .config import DEFAULTS, config  # noqa: F401  (services.config is the public name)
from .models import APPROVER_ROLES, AUTHOR_ROLES, PUBLISHER_ROLES, Delivery, ResponsiblePerson, Warning, WarningEvent

SYSTEM_ROLE = "system"
ACK_SALT = "yingji.warnings.ack"

#: Emitted (sender: the warning) when deliveries are queued to be sent now; ``tasks`` enqueues the dispatcher.
deliveries_queued = Signal()
#: Emitted (sender: Warning; ``warning``, ``actor``) inside the publishing transaction, after fan-out: higher
#: layers (disasters' danger-zone transfers) start their work from it; warnings never imports them.
warning_published = Signal()


class SystemActor:
    """The actor of periodic jobs (expiry): no account, only the system role."""

    pk = None
    role_keys = frozenset({SYSTEM_ROLE})

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


# --- areas ---------------------------------------------------------------------------------------------------


def common_region(codes: Iterable[str]) -> str:
    """The narrowest region containing every code (codes are prefix-nested: city → county → township → village)."""
    codes = [c for c in codes if c]
    if not codes:
        return settings.COUNTY_CODE
    if all(gb2260.is_code(c) for c in codes):
        return gb2260.common(codes)  # counties of one city: the city (GB/T 2260)
    return codes[0][:6]


def _in_polygon(lat: float, lon: float, ring: list[tuple[float, float]]) -> bool:
    """Whether (lat, lon) lies in a CAP ring of (lat, lon) pairs: the even-odd rule of ``core.geo.point_in_ring``
    with the axes as the pairs give them."""
    from yingji.core.geo import point_in_ring

    return point_in_ring(lat, lon, ring)


def target_codes(area_codes: list[str], polygons: list[str], circles: list[str]) -> list[str]:
    """Region codes an area reaches: the codes given, plus every village whose centre lies in a polygon/circle
    (villages are the finest regions; their ancestors are reached through the code prefix)."""
    from yingji.core.geo import haversine_km

    codes = set(area_codes)
    if polygons or circles:
        rings = [cap.parse_polygon(p) for p in polygons]
        discs = [cap.parse_circle(c) for c in circles]
        villages = Region.objects.filter(level="village", lat__isnull=False).values_list("code", "lat", "lon")
        for code, lat, lon in villages:
            lat, lon = float(lat), float(lon)
            if any(_in_polygon(lat, lon, r) for r in rings) or any(
                    haversine_km(lat, lon, c[0], c[1]) <= c[2] for c in discs):
                codes.add(code)
    return sorted(codes)


def covers_q(codes: Iterable[str], field: str = "region_code") -> Q:
    """Objects whose region intersects any of the codes: one code is a prefix of the other."""
    codes = list(codes)
    q = Q(**{f"{field}__in": sorted({a for c in codes for a in policy.region_ancestors(c)})})
    for code in codes:
        q |= Q(**{f"{field}__startswith": gb2260.prefix(code)})
    return q


# --- authoring -----------------------------------------------------------------------------------------------

TEXT_FIELDS = ("event_type", "event", "category", "level", "certainty", "headline", "description", "instruction",
               "effective", "expires", "area_codes", "area_desc", "polygons", "circles", "source_alarm")


def _check_area(actor, data: Mapping[str, Any]) -> dict:
    errors: dict[str, list[str]] = {}
    codes = list(dict.fromkeys(data.get("area_codes") or []))
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            errors.setdefault("area_codes", []).append(f"No region has code {code}")
    for name, parse in (("polygons", cap.parse_polygon), ("circles", cap.parse_circle)):
        for i, value in enumerate(data.get(name) or []):
            try:
                parse(value)
            except ValueError as exc:
                errors.setdefault(name, []).append(f"{name}[{i}]: {exc}")
    if not codes and not data.get("polygons") and not data.get("circles"):
        errors["area_codes"] = ["Give the area: region codes and/or a polygon or circle"]
    effective, expires = data.get("effective"), data.get("expires")
    if effective and expires and expires <= effective:
        errors["expires"] = ["The warning must expire after it takes effect"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    targets = target_codes(codes, data.get("polygons") or [], data.get("circles") or [])
    region_code = common_region(codes or targets) if (codes or targets) else actor.scope_region_code
    policy.require_region_in_scope(actor, region_code, "area_codes")
    return {"area_codes": codes, "target_codes": targets, "region_code": region_code}


def new_identifier(sender_code: str, at: datetime) -> str:
    """``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`` (31 characters; GB/T 35965.1 annex, Beijing time). On a clash within
    the same second the sequence N counts up, then the time moves on by a second."""
    moment = at.astimezone(cap.BEIJING)
    while True:
        stamp = f"{sender_code}_{moment:%Y%m%d%H%M%S}_"
        taken = set(Warning.objects.filter(identifier__startswith=stamp).values_list("identifier", flat=True))
        for n in range(10):
            if stamp + str(n) not in taken:
                return stamp + str(n)
        moment += timedelta(seconds=1)


def sender_code() -> str:
    return f"{settings.COUNTY_CODE}000" + "00000"


def sender() -> str:
    return config()["sender"] or f"yingji@{settings.COUNTY_CODE}.yjj.gov.cn"


def _apply_template(data: dict) -> dict:
    key = data.get("template") or ""
    if not key:
        return data
    template = TEMPLATES.get(key)
    if template is None:
        raise ValidationFailed.from_dict({"template": [f"Unknown template {key!r}; templates: "
                                                       f"{', '.join(TEMPLATES)}"]})
    prefilled = template.fields(settings.COUNTY_CODE)
    errors = {f: ["This field is locked by the template"] for f in template.locked
              if data.get(f) not in (None, prefilled.get(f))}
    if errors:
        raise ValidationFailed.from_dict(errors)
    return prefilled | {k: v for k, v in data.items() if v is not None}


def create_warning(actor, data: Mapping[str, Any], *, references: Warning | None = None,
                   msg_type: str = MessageType.ALERT) -> Warning:
    """A new draft. ``data`` may name a template (pre-fills and locks fields)."""
    policy.require(actor, "add", Warning)
    data = _apply_template({k: v for k, v in dict(data).items() if v is not None})
    for name in ("event_type", "event", "category", "level", "headline", "description", "effective", "expires"):
        if data.get(name) in (None, ""):
            raise ValidationFailed.from_dict({name: ["This field is required"]})
    area = _check_area(actor, data)
    now = timezone.now()
    fields = {k: data[k] for k in TEXT_FIELDS if k in data} | area | {
        "template": data.get("template", ""), "locked_fields": data.get("locked_fields", []),
        "identifier": new_identifier(sender_code(), now), "sender": sender(), "created_at": now,
        "created_by": actor, "msg_type": msg_type, "references": references}
    with transaction.atomic():
        warning = create_object(actor, Warning, fields, check_scope=False)
        _event(warning, actor, "create", f"{msg_type} {warning.identifier}", text="created", msg_type=msg_type,
               identifier=warning.identifier)
    return warning


def update_warning(actor, warning: Warning, data: Mapping[str, Any]) -> Warning:
    """Change a draft (fields its template locked stay as they are)."""
    if warning.state != WarningState.DRAFT:
        raise ValidationFailed.from_dict({"state": [gettext("Only a draft can be edited")]})
    data = {k: v for k, v in dict(data).items() if v is not None}
    locked = {f: ["This field is locked by the template"] for f in warning.locked_fields
              if f in data and data[f] != getattr(warning, f)}
    if locked:
        raise ValidationFailed.from_dict(locked)
    merged = {k: getattr(warning, k) for k in TEXT_FIELDS} | data
    area = _check_area(actor, merged)
    return update_object(actor, warning, {k: v for k, v in data.items() if k in TEXT_FIELDS} | area)


def derive(actor, original: Warning, msg_type: str, data: Mapping[str, Any]) -> Warning:
    """Draft an Update or a Cancel of a published warning; it replaces the original when it is published."""
    if msg_type not in (MessageType.UPDATE, MessageType.CANCEL):
        raise ValidationFailed.from_dict({"msg_type": [gettext("An Update or a Cancel")]})
    if original.state != WarningState.PUBLISHED or original.msg_type == MessageType.CANCEL:
        raise ValidationFailed.from_dict(
            {"references": [gettext("Only a published warning can be updated or cancelled")]})
    base = {k: getattr(original, k) for k in TEXT_FIELDS} | {"template": "", "locked_fields": []}
    if msg_type == MessageType.CANCEL:
        # A lifting notice says that the warning is lifted; it does not repeat the warning's text or guidance.
        base["headline"] = f"解除{original.headline}"[:200]
        base["description"] = f"{original.headline}已解除。"[:2000]
        base["instruction"] = ""
    return create_warning(actor, base | {k: v for k, v in dict(data).items() if v is not None},
                          references=original, msg_type=msg_type)


# --- workflow ------------------------------------------------------------------------------------------------


def _event(warning: Warning, actor, kind: str, message: str = "", **params) -> None:
    """Append a timeline event: ``message`` (its note) is the English sentence or the actor's note; ``params`` carry
    ``text`` (a key of choices.EVENT_TEXTS) and its values, so pages show the sentence in the reader's language."""
    WarningEvent.objects.create(warning=warning, actor=actor if getattr(actor, "pk", None) else None, kind=kind,
                                note=message[:500], params=params)


def _submit(warning, actor, payload):
    return {"submitted_by": actor}


def _not_author(warning, actor) -> bool:
    return actor.pk not in (warning.created_by_id, warning.submitted_by_id)


def _approve(warning, actor, payload):
    return {"approved_by": actor}


def _reject(warning, actor, payload):
    if not payload.get("note"):
        raise ValidationFailed.from_dict({"note": [gettext("Say why the warning is sent back")]})
    return {"approved_by": None}


def _publish(warning, actor, payload):
    now = timezone.now()
    if warning.expires <= now:
        raise ValidationFailed.from_dict({"expires": [gettext("The warning has already expired; edit a new one")]})
    if warning.references_id and warning.references.state != WarningState.PUBLISHED:
        raise ValidationFailed.from_dict({"references": [gettext("The referenced warning is no longer published")]})
    warning.sent = now
    problems = cap.validate(cap.build(warning))
    if problems:
        raise ValidationFailed.from_dict({"cap": problems}, "The CAP document is not valid")
    return {"sent": now}


def _on_applied(warning, transition, actor, payload, before):
    _event(warning, actor, transition.action, str(payload.get("note") or ""))
    if transition.action == "publish":
        if warning.references_id:
            original = Warning.objects.get(pk=warning.references_id)
            action = "supersede" if warning.msg_type == MessageType.UPDATE else "withdraw"
            WORKFLOW.apply(actor, original, action, {"note": warning.identifier})
        fan_out(warning)
        warning_published.send(sender=Warning, warning=warning, actor=actor)


_REPLACERS = PUBLISHER_ROLES | {SYSTEM_ROLE}

WORKFLOW = Workflow(
    model=Warning,
    transitions=[
        Transition("submit", (WarningState.DRAFT,), WarningState.SUBMITTED, AUTHOR_ROLES,
                   gettext_lazy("Submit for approval"), check=_submit),
        Transition("approve", (WarningState.SUBMITTED,), WarningState.APPROVED, APPROVER_ROLES, gettext_lazy("Approve"),
                   check=_approve, allowed=_not_author),
        Transition("reject", (WarningState.SUBMITTED,), WarningState.DRAFT, APPROVER_ROLES,
                   gettext_lazy("Send back"), check=_reject, allowed=_not_author),
        Transition("publish", (WarningState.APPROVED,), WarningState.PUBLISHED, PUBLISHER_ROLES,
                   gettext_lazy("Publish"), check=_publish),
        Transition("supersede", (WarningState.PUBLISHED,), WarningState.UPDATED, _REPLACERS,
                   gettext_lazy("Superseded by an update")),
        Transition("withdraw", (WarningState.PUBLISHED,), WarningState.CANCELLED, _REPLACERS,
                   gettext_lazy("Cancelled")),
        Transition("expire", (WarningState.PUBLISHED,), WarningState.EXPIRED, frozenset({SYSTEM_ROLE}),
                   gettext_lazy("Expire")),
    ],
    on_applied=_on_applied,
)
#: Actions a person may request directly; supersede/withdraw happen by publishing an Update/Cancel.
USER_ACTIONS = ("submit", "approve", "reject", "publish")


def perform(actor, warning: Warning, action: str, payload: Mapping[str, Any] | None = None) -> Warning:
    """Apply a user action (submit/approve/reject/publish) through the workflow (audited, compare-and-swap)."""
    if action not in USER_ACTIONS:
        raise ValidationFailed.from_dict({"action": [f"Unknown action {action!r}; actions: "
                                                     f"{', '.join(USER_ACTIONS)}"]})
    return WORKFLOW.apply(actor, warning, action, payload)


def available_actions(actor, warning: Warning) -> list[str]:
    return [t.action for t in WORKFLOW.available(warning, actor) if t.action in USER_ACTIONS]


def expire_due(now: datetime | None = None) -> int:
    """Move published warnings past their expiry time to expired (periodic job)."""
    now = now or timezone.now()
    done = 0
    for warning in Warning.objects.filter(state=WarningState.PUBLISHED, expires__lte=now).order_by("pk"):
        WORKFLOW.apply(SYSTEM, warning, "expire")
        done += 1
    return done


def public_warnings(now: datetime | None = None):
    """The public CAP feed: published, unexpired messages, lifting notices (Cancel) included so that feed readers
    learn that a warning is lifted (no staff data beyond the CAP content)."""
    return Warning.objects.filter(state=WarningState.PUBLISHED, expires__gt=now or timezone.now())


def in_force_q(now: datetime | None = None) -> Q:
    """Warnings in force: published, unexpired, and not a lifting notice (a Cancel message lifts a warning; the
    lifted warning itself is in state cancelled)."""
    return (Q(state=WarningState.PUBLISHED, expires__gt=now or timezone.now())
            & ~Q(msg_type=MessageType.CANCEL))


def warnings_in_force(now: datetime | None = None):
    return Warning.objects.filter(in_force_q(now))


def lifting_notices(now: datetime | None = None):
    """Published lifting notices still within their validity: the public page lists them apart, as lifted."""
    return public_warnings(now).filter(msg_type=MessageType.CANCEL)


def publicly_documented():
    """Warnings whose CAP document is public: every warning that was ever published."""
    return Warning.objects.filter(state__in=EVER_PUBLISHED)


# --- dissemination -------------------------------------------------------------------------------------------


def recipients(warning: Warning):
    return ResponsiblePerson.objects.filter(covers_q(warning.target_codes or [warning.region_code]),
                                            is_active=True)


def fan_out(warning: Warning, now: datetime | None = None) -> int:
    """Queue one delivery per concerned responsible person on their first channel; the dispatcher sends them
    after commit. The rows go in as one multi-row ``executemany`` INSERT: at 10,000 recipients building model
    instances for ``bulk_create`` costs more than the database does (see bench/fanout.py)."""
    now = now or timezone.now()
    rows = recipients(warning).exclude(channels=[]).values_list("pk", "channels", "region_code")
    stamp = connection.ops.adapt_datetimefield_value(now)
    params = [(warning.pk, pk, channels[0], DeliveryState.QUEUED, 0, "", "", "", stamp, stamp, region_code)
              for pk, channels, region_code in rows.iterator(chunk_size=5000)]
    columns = ("warning_id", "person_id", "channel", "state", "attempts", "reason", "last_error", "ack_via",
               "created_at", "next_attempt_at", "region_code")
    quote = connection.ops.quote_name
    # Only constant identifiers are interpolated; every value is a bound parameter.
    sql = (f"INSERT INTO {quote(Delivery._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start:start + 5000])
    _event(warning, None, "fan_out", f"{len(params)} deliveries queued", text="queued", n=len(params))
    deliveries_queued.send(sender=Warning, warning=warning)
    return len(params)


def fan_out_bulk_create(warning: Warning, now: datetime | None = None) -> int:
    """The same fan-out through ``bulk_create`` (kept for the benchmark's comparison)."""
    now = now or timezone.now()
    rows = recipients(warning).exclude(channels=[]).values_list("pk", "channels", "region_code")
    deliveries = [Delivery(warning_id=warning.pk, person_id=pk, channel=channels[0], next_attempt_at=now,
                           created_at=now, region_code=region_code)
                  for pk, channels, region_code in rows.iterator(chunk_size=5000)]
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    return len(deliveries)


def ack_token(delivery: Delivery) -> str:
    return signing.dumps({"w": delivery.warning_id, "p": delivery.person_id}, salt=ACK_SALT, compress=True)


def ack_url(delivery: Delivery) -> str:
    return config()["public_base_url"].rstrip("/") + reverse("warning_ack", args=[ack_token(delivery)])


def message_text(delivery: Delivery) -> str:
    w = delivery.warning
    kind = {MessageType.UPDATE: "【更新】", MessageType.CANCEL: "【解除】"}.get(w.msg_type, "")
    if delivery.reason == "superior" and delivery.about_id:
        kind = f"【未确认提醒：{delivery.about.name}（{delivery.about.region_code}）尚未确认】" + kind
    return (f"{kind}{w.headline}：{w.description} {w.instruction} 请点击确认收到：{ack_url(delivery)}").strip()


def ack_timeout(level: str) -> timedelta:
    """How long a recipient (or a superior told about a silent one) has to confirm, by level: red shortest."""
    minutes = config()["ack_timeout_minutes"]
    return timedelta(minutes=minutes.get(level, DEFAULTS["ack_timeout_minutes"][level]))


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=config()["backoff_seconds"] * 2 ** max(0, attempts - 1))


def dispatch_due(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send due deliveries (state queued, ``next_attempt_at`` passed). Each is claimed by a compare-and-swap on
    its attempt counter, so two dispatchers never send the same attempt; failures retry with exponential
    backoff and, after ``max_attempts``, fail and escalate to the next channel at once."""
    now = now or timezone.now()
    cfg = config()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(Delivery.objects.filter(state=DeliveryState.QUEUED, next_attempt_at__lte=now)
               .select_related("warning", "person", "person__user", "about").order_by("next_attempt_at", "pk")[:limit])
    for d in due:
        claimed = Delivery.objects.filter(pk=d.pk, state=DeliveryState.QUEUED, attempts=d.attempts).update(
            attempts=d.attempts + 1, next_attempt_at=now + timedelta(minutes=5))
        if not claimed:
            continue
        d.attempts += 1
        try:
            adapter(d.channel).send(d, message_text(d))
        except ChannelError as exc:
            error = str(exc)[:300]
            if d.attempts < cfg["max_attempts"]:
                Delivery.objects.filter(pk=d.pk).update(last_error=error, next_attempt_at=now + _backoff(d.attempts))
                counts["retry"] += 1
            else:
                # A failed message escalates at once (a superior's failed notice goes one level further up).
                Delivery.objects.filter(pk=d.pk).update(state=DeliveryState.FAILED, last_error=error,
                                                        next_attempt_at=None, escalate_at=now)
                counts["failed"] += 1
            continue
        Delivery.objects.filter(pk=d.pk, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENT, sent_at=now, last_error="", next_attempt_at=None,
            escalate_at=now + ack_timeout(d.warning.level))
        counts["sent"] += 1
    return counts


def _acknowledged_people(warning_id: int) -> set[int]:
    return set(Delivery.objects.filter(warning_id=warning_id, acknowledged_at__isnull=False, about__isnull=True)
               .values_list("person_id", flat=True))


def confirmation(warning: Warning) -> dict[str, Any]:
    """Who has and has not confirmed a warning (people reached by the fan-out, superiors' notices excluded)."""
    people = (Delivery.objects.filter(warning=warning, about__isnull=True)
              .values_list("person_id", flat=True).distinct())
    people = set(people)
    confirmed = _acknowledged_people(warning.pk) & people
    return {"total": len(people), "confirmed": len(confirmed), "silent_ids": sorted(people - confirmed),
            "confirmed_ids": sorted(confirmed)}


def superior_of(person: ResponsiblePerson) -> ResponsiblePerson | None:
    """The next person up the chain village → township → county: the named superior, else an active person of
    the same kind whose jurisdiction is the parent region (lowest id first)."""
    if person.superior_id:
        return person.superior
    for length in (9, 6):
        if len(person.region_code) > length:
            found = (ResponsiblePerson.objects.filter(kind=person.kind, region_code=person.region_code[:length],
                                                      is_active=True).exclude(pk=person.pk).order_by("pk").first())
            if found is not None:
                return found
    return None


def _tell_superior(warning: Warning, silent: ResponsiblePerson, superior: ResponsiblePerson | None,
                   now: datetime, step: str) -> int:
    """Queue a notice to ``superior`` that ``silent`` has not confirmed; record the step either way. ``step`` is
    ``all_channels`` or ``silent_too:<name>`` (that person stayed silent on an earlier notice as well)."""
    kind, _sep, step_person = step.partition(":")
    step_params = {"step": kind, "step_person": step_person}
    step = "all channels tried" if kind == "all_channels" else f"{step_person} silent as well"
    if superior is None or not superior.channels:
        _event(warning, None, "escalate", f"{silent.name}: no confirmation and no one further up to tell ({step})",
               text="nobody_up", person=silent.name, **step_params)
        return 0
    _notice, created = Delivery.objects.get_or_create(warning=warning, person=superior, about=silent, defaults={
        "channel": superior.channels[0], "next_attempt_at": now, "reason": "superior",
        "region_code": superior.region_code})
    if not created:
        return 0
    _event(warning, None, "escalate", f"{silent.name}: no confirmation, superior {superior.name} told ({step})",
           text="superior_told", person=silent.name, superior=superior.name, **step_params)
    return 1


def escalate_due(now: datetime | None = None, limit: int = 500) -> int:
    """Escalate unconfirmed messages whose ``escalate_at`` passed: the person's next channel, then a notice to
    their superior in the chain (village → township → county); a superior who stays silent on such a notice in
    turn has the notice go one level further up. Stops once the configured share of recipients has confirmed.
    Every step is recorded on the warning's timeline."""
    now = now or timezone.now()
    cfg = config()
    steps = 0
    due = list(Delivery.objects.filter(escalate_at__lte=now)
               .select_related("warning", "person", "person__superior", "about")
               .order_by("escalate_at", "pk")[:limit])
    share_cache: dict[int, bool] = {}
    for d in due:
        if not Delivery.objects.filter(pk=d.pk, escalate_at=d.escalate_at).update(escalate_at=None):
            continue
        warning, person = d.warning, d.person
        silent = d.about or person
        acknowledged = _acknowledged_people(warning.pk)
        if warning.state != WarningState.PUBLISHED or silent.pk in acknowledged:
            continue
        if warning.pk not in share_cache:
            c = confirmation(warning)
            share_cache[warning.pk] = c["total"] > 0 and c["confirmed"] / c["total"] >= cfg["confirm_share"]
        if share_cache[warning.pk]:
            continue
        if d.about_id:
            # The superior was told and stayed silent too: the next level up is told about the same person.
            steps += _tell_superior(warning, silent, superior_of(person), now, f"silent_too:{person.name}")
            continue
        used = set(Delivery.objects.filter(warning=warning, person=person, about__isnull=True)
                   .values_list("channel", flat=True))
        following = [c for c in person.channels if c not in used]
        if following:
            Delivery.objects.create(warning=warning, person=person, channel=following[0], next_attempt_at=now,
                                    reason="channel", region_code=person.region_code)
            _event(warning, None, "escalate", f"{person.name}: no confirmation, trying {following[0]}",
                   text="next_channel", person=person.name, channel=following[0])
            steps += 1
            continue
        steps += _tell_superior(warning, person, superior_of(person), now, "all_channels")
    return steps


def acknowledge(warning: Warning, person: ResponsiblePerson, via: str, now: datetime | None = None) -> bool:
    """Record that a person confirmed a warning (idempotent); True when this call confirmed it."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = Delivery.objects.filter(warning=warning, person=person, acknowledged_at__isnull=True,
                                       about__isnull=True).update(
            state=DeliveryState.ACKNOWLEDGED, acknowledged_at=now, ack_via=via, escalate_at=None,
            next_attempt_at=None)
        # A superior answering a notice about a silent person stops that notice going further up.
        notices = Delivery.objects.filter(warning=warning, person=person, acknowledged_at__isnull=True,
                                          about__isnull=False).update(
            state=DeliveryState.ACKNOWLEDGED, acknowledged_at=now, ack_via=via, escalate_at=None)
        rows += notices
        if rows:
            _event(warning, person.user, "acknowledge", f"{person.name} confirmed ({via})", text="confirmed",
                   person=person.name, via=via)
            audit.record(AuditAction.UPDATE, warning, actor=person.user, message=f"acknowledged by {person.name}",
                         username=person.name)
    return bool(rows)


def acknowledge_by_token(token: str, max_age_days: int = 14):
    """The (warning, person) of a signed acknowledgement link; raises ValidationFailed when it is not valid."""
    try:
        data = signing.loads(token, salt=ACK_SALT, max_age=timedelta(days=max_age_days))
        warning = Warning.objects.get(pk=data["w"], state__in=EVER_PUBLISHED)
        person = ResponsiblePerson.objects.get(pk=data["p"])
    except (signing.BadSignature, KeyError, TypeError, Warning.DoesNotExist, ResponsiblePerson.DoesNotExist):
        raise ValidationFailed.from_dict({"token": [gettext("This confirmation link is not valid")]}) from None
    return warning, person


def acknowledge_in_app(user, warning: Warning) -> int:
    """A logged-in user confirms a warning for every responsible person linked to their account."""
    people = list(ResponsiblePerson.objects.filter(user=user, deliveries__warning=warning).distinct())
    if not people:
        raise NotAllowed(gettext("You are not a recipient of this warning"))
    return sum(acknowledge(warning, p, Channel.INAPP) for p in people)


def resend_silent(actor, warning: Warning) -> int:
    """The duty officer re-sends to everyone who has not confirmed: their first channel is queued again now."""
    policy.require(actor, "resend", warning)
    if warning.state != WarningState.PUBLISHED:
        raise ValidationFailed.from_dict({"state": [gettext("Only a published warning can be re-sent")]})
    now = timezone.now()
    silent = confirmation(warning)["silent_ids"]
    first = {p.pk: p.channels[0] for p in ResponsiblePerson.objects.filter(pk__in=silent) if p.channels}
    count = 0
    with transaction.atomic():
        for person_id, channel in first.items():
            count += Delivery.objects.filter(warning=warning, person_id=person_id, channel=channel,
                                             about__isnull=True).update(
                state=DeliveryState.QUEUED, attempts=0, next_attempt_at=now, reason="resend", last_error="",
                escalate_at=None)
        _event(warning, actor, "resend", f"re-sent to {count} unconfirmed recipients", text="resent", n=count)
        audit.record(AuditAction.UPDATE, warning, actor=actor, message=f"re-sent to {count} unconfirmed recipients")
        deliveries_queued.send(sender=Warning, warning=warning)
    return count


# --- responsible persons ---------------------------------------------------------------------------------------


def person_accounts(actor):
    """Accounts a responsible person may be linked to (for the in-app channel): people who may act, inside the
    acting user's jurisdiction (``policy.acting_users``; never observers or administrators)."""
    return policy.acting_users(actor.scope_region_code or "", inside=True)


def _check_person(data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    channels = data.get("channels")
    if channels is not None:
        unknown = [c for c in channels if c not in Channel.values()]
        if unknown or len(set(channels)) != len(channels) or not channels:
            errors["channels"] = [f"Give distinct channels among {', '.join(Channel.values())}"]
        if Channel.WEBHOOK in (channels or []) and not data.get("webhook_url"):
            errors["webhook_url"] = ["The group robot channel needs a webhook URL"]
        if Channel.EMAIL in (channels or []) and not data.get("email"):
            errors["email"] = ["The email channel needs an email address"]
        if Channel.INAPP in (channels or []) and not data.get("user"):
            errors["user_id"] = ["The in-app channel needs a linked account"]
    code = data.get("region_code")
    if code and not Region.objects.filter(code=code).exists():
        errors["region_code"] = [f"No region has code {code}"]
    superior = data.get("superior")
    if superior is not None and code and not (len(superior.region_code) < len(code)
                                              and code.startswith(superior.region_code)):
        errors["superior_id"] = ["The superior's jurisdiction must contain this person's (village → township → "
                                 "county)"]
    if errors:
        raise ValidationFailed.from_dict(errors)


def _check_account(actor, account, current=None) -> None:
    if account is None or account == current or actor is None:
        return
    if not person_accounts(actor).filter(pk=account.pk).exists():
        raise ValidationFailed.from_dict({"user_id": ["That account cannot act here (an observer, an administrator, "
                                                      "or outside your jurisdiction)"]})


def create_person(actor, data: Mapping[str, Any]) -> ResponsiblePerson:
    _check_person(data)
    _check_account(actor, data.get("user"))
    return create_object(actor, ResponsiblePerson, data)


def update_person(actor, person: ResponsiblePerson, data: Mapping[str, Any]) -> ResponsiblePerson:
    merged = {f: getattr(person, f) for f in ("channels", "email", "webhook_url", "user", "region_code",
                                              "superior")} | dict(data)
    _check_person(merged)
    _check_account(actor, data.get("user"), person.user)
    return update_object(actor, person, data)



# --- from a monitoring alarm -------------------------------------------------------------------------------------

#: Station type → (template key by level, else None; event type, event, CAP category) of a warning drafted from
#: one of its alarms.
ALARM_EVENTS = {
    "rain": ({WarningLevel.RED: "rainstorm_red", WarningLevel.ORANGE: "rainstorm_orange"}, "rainstorm", "暴雨",
             CapCategory.MET),
    "water_level": ({level: "flash_flood" for level in WarningLevel.values()}, "flash_flood", "山洪", CapCategory.GEO),
    "geohazard": ({level: "geohazard" for level in WarningLevel.values()}, "geohazard", "地质灾害", CapCategory.GEO),
    "tailings": ({}, "tailings", "尾矿库险情", CapCategory.SAFETY),
    "gas": ({}, "hazmat", "危险化学品泄漏", CapCategory.SAFETY),
    "tank": ({}, "hazmat", "危险化学品泄漏", CapCategory.SAFETY),
    "wind": ({}, "gale", "大风", CapCategory.MET),
}
LEVEL_ZH = {WarningLevel.RED: "红色", WarningLevel.ORANGE: "橙色", WarningLevel.YELLOW: "黄色",
            WarningLevel.BLUE: "蓝色"}
DRAFT_HOURS = 12


def alarm_prefill(actor, alarm_id) -> dict:
    """Fields of a warning drafted from an alarm the actor may see (404 otherwise): the alarm's level, the
    station's area, the event and the template of the station type (its locked fields hold), and the source
    alarm."""
    from yingji.monitoring import services as monitoring

    alarm = monitoring.alarm_summary(actor, alarm_id)
    templates, event_type, event, category = ALARM_EVENTS.get(alarm["station_type"], ({}, "other", "监测告警",
                                                                                     CapCategory.OTHER))
    level = alarm["level"]
    now = timezone.now().replace(microsecond=0)
    region = Region.objects.filter(code=alarm["region_code"]).values_list("name", flat=True).first() or ""
    facts = (f"{alarm['station_name']}（{alarm['station_code']}）{alarm['rule']}：{alarm['message']}，"
             f"最近触发 {timezone.localtime(alarm['last_at']):%Y-%m-%d %H:%M}。")
    data = {"event_type": event_type, "event": event, "category": category, "level": level,
            "headline": f"{event}{LEVEL_ZH.get(level, '')}预警", "description": facts, "instruction": "",
            "certainty": "Observed", "effective": now, "expires": now + timedelta(hours=DRAFT_HOURS),
            "area_codes": [alarm["region_code"]], "area_desc": region, "source_alarm": str(alarm["id"])}
    key = templates.get(level)
    if key:
        template = TEMPLATES[key].fields(settings.COUNTY_CODE)
        data = template | {"description": f"{facts}{template['description']}", "area_codes": data["area_codes"],
                           "area_desc": region, "certainty": "Observed", "effective": data["effective"],
                           "expires": data["expires"], "source_alarm": data["source_alarm"]}
        if "level" not in TEMPLATES[key].locked:
            data["level"] = level
    return data


def draft_from_alarm(actor, alarm_id, data: Mapping[str, Any] | None = None) -> Warning:
    """A draft warning pre-filled from an alarm (``alarm_prefill``), ``data`` overriding what its template leaves
    open; ``source_alarm`` is set and the alarm's timeline records it."""
    from yingji.monitoring import links

    prefill = alarm_prefill(actor, alarm_id)
    changes = {k: v for k, v in dict(data or {}).items() if v is not None and k != "source_alarm"}
    with transaction.atomic():
        warning = create_warning(actor, prefill | changes)
        links.record_warning_drafted(actor, alarm_id, warning)
    return warning


def warnings_from_alarm(actor, alarm_id) -> Any:
    """Warnings drafted from an alarm, as far as the actor may see them."""
    return Warning.objects.for_user(actor).filter(source_alarm=str(alarm_id)).order_by("-created_at")


# How this module's audit messages read on pages.
audit.message_pattern(r"acknowledged by (?P<name>.*)", gettext_lazy("Confirmed by %(name)s"))
audit.message_pattern(r"re-sent to (?P<n>\d+) unconfirmed recipients",
                      gettext_lazy("Re-sent to %(n)s recipients who had not confirmed"))
