"""Writing the audit trail. Services call ``record``; nothing updates or deletes an audit record."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re
import uuid

from django.db import models
from django.utils.translation import gettext, gettext_lazy

from . import context
from .choices import AuditAction
from .models import AuditRecord, changed_keys
from .policy import object_scope

REDACTED = "***"
SECRET_FIELDS = {"password", "key_hash"}

#: How stored audit messages read on pages: (compiled pattern, sentence with the pattern's named groups). The
#: stored message stays the English sentence (API, exports); apps register the messages they write.
MESSAGE_PATTERNS: list[tuple[re.Pattern, object]] = []
#: Labels of workflow actions by (model label, action), filled by ``core.workflow.Workflow``.
ACTION_LABELS: dict[tuple[str, str], object] = {}


def message_pattern(pattern: str, sentence) -> None:
    """Register how an audit message written as ``pattern`` (a regular expression with named groups) reads:
    ``sentence`` is a lazy translation using the same names."""
    MESSAGE_PATTERNS.append((re.compile(pattern + r"\Z", re.S), sentence))


def describe_message(record) -> str:
    """The record's message in the active language: a workflow action by its label (with the actor's note), a
    registered message as its sentence, anything else as stored."""
    message = record.message or ""
    action, sep, note = message.partition(": ")
    label = ACTION_LABELS.get((record.object_type, action))
    if label is not None and (sep or action == message):
        return f"{label}：{note}" if note else str(label)
    for pattern, sentence in MESSAGE_PATTERNS:
        match = pattern.match(message)
        if match:
            values = match.groupdict()
            return sentence(**values) if callable(sentence) else str(sentence) % values
    return message


message_pattern(r"full contact numbers shown", gettext_lazy("full contact numbers shown"))
message_pattern(r"logout everywhere", gettext_lazy("signed out everywhere"))
message_pattern(r"Demo county loaded \(seed (?P<seed>\d+), reset=(?P<reset>\w+)\)",
                lambda seed, reset: (gettext("Demo county reloaded (seed %(seed)s)") if reset == "True"
                                     else gettext("Demo county loaded (seed %(seed)s)")) % {"seed": seed})
message_pattern(r"Failed login for '(?P<username>.*)' from (?P<address>.*)",
                lambda username, address: gettext("Failed login for “%(username)s” from %(address)s") % {
                    "username": username,
                    "address": gettext("an unknown address") if address == "unknown address" else address})


def _json_value(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # One zone for every instant, so a value read from the database (UTC) and the same instant parsed from
        # a form (Asia/Shanghai) are not recorded as a change.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bytes):
        return value.hex()
    return value


def snapshot(obj: models.Model) -> dict:
    """JSON-safe values of the object's concrete fields and many-to-many ids; secrets are redacted."""
    data = {}
    for field in obj._meta.concrete_fields:
        key = field.attname
        value = getattr(obj, key)
        if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
            # As stored: a form's Decimal('7') is the column's 7.0.
            with contextlib.suppress(decimal.InvalidOperation):
                value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        data[field.name] = REDACTED if field.name in SECRET_FIELDS and value else _json_value(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def record(action: str, obj: models.Model | None = None, *, actor=None, before: dict | None = None,
           after: dict | None = None, message: str = "", object_type: str = "", object_id: str = "",
           object_repr: str = "", region_code: str | None = None, username: str | None = None) -> AuditRecord:
    """Append one audit record. The actor defaults to the user bound to the request context."""
    ctx = context.current()
    actor = actor if actor is not None else ctx.user
    scope_region, enterprise_id = object_scope(obj)
    if region_code is not None:
        scope_region = region_code
    if actor is not None and getattr(actor, "pk", None):
        user, name = actor, username or actor.get_username()
    else:
        user, name = None, username or ""
    return AuditRecord.objects.create(
        user=user,
        username=name[:150],
        address=ctx.address,
        request_id=ctx.request_id,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region_code=scope_region,
        enterprise_id=enterprise_id,
        before=before,
        after=after,
        message=message[:500],
    )


def record_change(action: str, obj: models.Model, before: dict | None, after: dict | None, *, actor=None,
                  message: str = "") -> AuditRecord | None:
    """Record a create/update/delete; an update that changed nothing is not recorded."""
    if action == AuditAction.UPDATE and before == after:
        return None
    if action == AuditAction.UPDATE and before and after:
        changed = changed_keys(before, after)
        before = {k: before.get(k) for k in changed}
        after = {k: after.get(k) for k in changed}
    return record(action, obj, actor=actor, before=before, after=after, message=message)
