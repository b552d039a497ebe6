"""The one text policy for every stored string (docs/text-policy.md).

Refused at write, everywhere (API, forms, imports, MQTT and every other service path):
- C0 control characters except tab, newline and carriage return (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F),
  DEL and the C1 controls (U+007F-U+009F): they are never part of a name, an address or a report, and XML (CAP,
  xlsx, docx) cannot carry most of them;
- lone surrogates (U+D800-U+DFFF): not characters at all; PostgreSQL's UTF-8 and every encoder refuse them;
- the noncharacters U+FFFE and U+FFFF, which XML forbids.

Renderers never trust what is stored (rows older than the policy, or written around the services): every XML or
spreadsheet writer passes text through :func:`for_xml`, which replaces what the format cannot carry with U+FFFD.
Migration ``core.0008_clean_stored_text`` removed the refused characters from the rows that existed.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

#: Characters no stored string may contain.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Characters XML 1.0 (and so CAP, Atom, xlsx and docx) cannot carry at all.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"

logger = logging.getLogger(__name__)


def problem(value: str) -> str | None:
    """Why ``value`` may not be stored (translated), or None when it may."""
    match = REFUSED.search(value)
    if match is None:
        return None
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return gettext("must not contain an unpaired surrogate (U+%(code)04X)") % {"code": ord(char)}
    return gettext("must not contain the control character U+%(code)04X (position %(position)d)") % {
        "code": ord(char), "position": match.start() + 1}


def check(value: str) -> str:
    """``value`` unchanged, or ValueError with the reason (for pydantic validators)."""
    reason = problem(value)
    if reason:
        raise ValueError(reason)
    return value


class TextValidator:
    """Django validator (forms and model fields): refuses what :data:`REFUSED` matches."""

    message = gettext_lazy("This text contains a character that cannot be stored.")
    code = "text_policy"

    def __call__(self, value):
        if isinstance(value, str):
            reason = problem(value)
            if reason:
                raise ValidationError(reason, code=self.code)

    def __eq__(self, other):
        return isinstance(other, TextValidator)

    def deconstruct(self):
        return ("yingji.core.textpolicy.TextValidator", (), {})


validate_text = TextValidator()


def field_errors(data, prefix: str = "") -> list[dict]:
    """``[{"field", "message"}]`` for every string in a nested structure (dicts, lists) that breaks the policy."""
    errors: list[dict] = []
    if isinstance(data, str):
        reason = problem(data)
        if reason:
            errors.append({"field": prefix, "message": reason})
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and problem(key):
                errors.append({"field": name, "message": problem(key)})
            errors.extend(field_errors(value, name))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            errors.extend(field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    return errors


def text_fields(model):
    """The concrete string columns of a model (CharField and TextField and their subclasses)."""
    from django.db import models

    return [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]


def instance_errors(instance) -> list[dict]:
    errors = []
    for field in text_fields(type(instance)):
        value = getattr(instance, field.attname, None)
        if isinstance(value, str):
            reason = problem(value)
            if reason:
                errors.append({"field": field.name, "message": reason})
    return errors


def for_xml(value):
    """Output side: text an XML or spreadsheet writer accepts (what it cannot carry becomes U+FFFD)."""
    if isinstance(value, str) and XML_ILLEGAL.search(value):
        return XML_ILLEGAL.sub(REPLACEMENT, value)
    return value


def cleaned(value: str) -> str:
    """A stored value with the refused characters removed (the data migration and ``yingji manage clean_text``)."""
    return REFUSED.sub("", value)


# What a database query can look for: surrogates cannot be stored (nor put in a PostgreSQL query), NUL neither on
# PostgreSQL, so the pattern holds the characters themselves, not escapes, and both engines read it alike.
_DB_PATTERN = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"


def clean_stored_text(registry, using: str = "default") -> dict[str, int]:
    """Remove refused characters from every string column of every model of ``registry`` (the app registry, or
    a migration's historical one); returns ``{"app.model.field": rows}`` for what changed. Row by row through
    ``update()``, so no signal, timestamp or audit record is touched. A table that refuses updates (the
    append-only audit trail) is left as it is."""
    from django.db import DatabaseError, connections, transaction

    vendor = connections[using].vendor
    changed: dict[str, int] = {}
    for model in registry.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        manager = model._base_manager.db_manager(using)
        for field in text_fields(model):
            pattern = _DB_PATTERN.replace("[", "[\x00", 1) if vendor == "sqlite" else _DB_PATTERN
            rows = manager.filter(**{f"{field.attname}__regex": pattern})
            count = 0
            try:
                with transaction.atomic(using=using):
                    for pk, value in list(rows.values_list("pk", field.attname)):
                        if value is None:
                            continue
                        manager.filter(pk=pk).update(**{field.attname: cleaned(value)})
                        count += 1
            except DatabaseError:
                # A table the database keeps append-only (the audit trail) stays as recorded; its renderers
                # pass every value through for_xml.
                logger.warning("text policy: %s.%s refuses updates; left as stored", model._meta.label_lower,
                               field.name)
                continue
            if count:
                changed[f"{model._meta.label_lower}.{field.name}"] = count
    return changed


def refuse_on_save(sender, instance, raw=False, **kwargs):
    """pre_save receiver for every model of the platform: the last gate for writers that bypass forms and API
    schemas (MQTT, imports, tasks). Raw saves (fixtures, restore of a backup) are left alone."""
    if raw or not sender.__module__.startswith("yingji."):
        return  # third-party tables (sessions, axes, task results) hold machine data, not user text
    errors = instance_errors(instance)
    if errors:
        from .errors import ValidationFailed

        raise ValidationFailed(gettext("Text contains characters that cannot be stored"), errors)


def install() -> None:
    """Called once from ``CoreConfig.ready``: every form CharField gets the validator, every model save the gate."""
    from django import forms
    from django.db.models.signals import pre_save

    if validate_text not in forms.CharField.default_validators:
        # Django's CharField adds its NUL check the same way; this makes the policy apply to every text input of
        # every form (ModelForm fields included) without each form having to remember it.
        forms.CharField.default_validators = [*forms.CharField.default_validators, validate_text]
    pre_save.connect(refuse_on_save, dispatch_uid="yingji.core.textpolicy")
