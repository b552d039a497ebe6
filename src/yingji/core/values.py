"""Request-side value rules, one definition each, shared by the API types, every form and FilterSet, the imports
and the MQTT parser: the accepted date range, how a time-zone-less date-time is read, integer ranges, phone numbers.

Every check raises :class:`ValueRejected` (a ``ValueError``, so pydantic turns it into a field error) with a
translated message; :func:`django_validator` adapts a check to Django's ``ValidationError``.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

#: Signed 64-bit, the widest integer column of both databases (ids are BigAutoField).
MAX_BIGINT = 2**63 - 1
#: Signed 32-bit: IntegerField on PostgreSQL.
MAX_INT = 2**31 - 1

#: The one phone rule: an 11-digit mainland mobile, a landline with its area code and optional extension, or a
#: short service number (12350, 110).
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{3,8})$")


class ValueRejected(ValueError):
    """A value outside what the platform accepts; ``str()`` is the translated message for the field."""


@cache
def _bounds(setting: tuple[str, str]) -> tuple[datetime.date, datetime.date]:
    low, high = (datetime.date.fromisoformat(part.strip()) for part in setting)
    if low > high:
        raise ValueError("YINGJI_DATE_RANGE: the first date must not be after the second")
    return low, high


def date_bounds() -> tuple[datetime.date, datetime.date]:
    """The accepted range, ``YINGJI_DATE_RANGE`` (``FIRST,LAST``, ISO dates; default 1900-01-01,2100-12-31)."""
    return _bounds(tuple(settings.YINGJI_DATE_RANGE))


def _out_of_range() -> ValueRejected:
    low, high = date_bounds()
    return ValueRejected(gettext("Enter a date between %(first)s and %(last)s.")
                         % {"first": low.isoformat(), "last": high.isoformat()})


def check_date(value: datetime.date) -> datetime.date:
    """``value`` if within the accepted range."""
    low, high = date_bounds()
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not low <= day <= high:
        raise _out_of_range()
    return value


def check_datetime(value: datetime.datetime) -> datetime.datetime:
    """``value`` within the accepted range and time-zone aware: a date-time without a zone (or offset) is read in
    the county's time zone (``TIME_ZONE``), the same rule for the API, forms, filters, imports and MQTT."""
    check_date(value)
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value, timezone.get_default_timezone())
        except (ValueError, OverflowError) as exc:  # pragma: no cover - guarded by the range check
            raise _out_of_range() from exc
    return value


def check_int(value, low: int = -MAX_BIGINT - 1, high: int = MAX_BIGINT):
    """``value`` (an int or Decimal) if between ``low`` and ``high`` (default: what a 64-bit column holds)."""
    if not low <= value <= high:
        raise ValueRejected(gettext("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high})
    return value


def check_phone(value: str) -> str:
    """``value`` (surrounding blanks removed) if empty or phone-shaped."""
    value = value.strip()
    if value and not PHONE_RE.match(value):
        raise ValueRejected(gettext(
            "Enter a mobile number, a landline such as 0375-8123456, or a short service number."))
    return value


def django_validator(check):
    """A Django validator running ``check`` (for form fields, model fields and imports)."""

    def validate(value):
        if value is None or value == "":
            return
        try:
            check(value)
        except ValueRejected as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    validate.__name__ = f"validate_{check.__name__.removeprefix('check_')}"
    return validate


validate_date = django_validator(check_date)
validate_datetime = django_validator(check_datetime)
validate_int = django_validator(check_int)
validate_phone = django_validator(check_phone)


def install_form_rules() -> None:
    """Give every Django date, date-time and number form field the range checks, once for all: the forms of the
    pages and the FilterSets of the lists, exports and API (django-filter builds its filters on these fields) —
    so that ``0001-01-01`` or a 20-digit id is a field error rather than an overflow in the time-zone arithmetic
    or the database driver. Called from the core app's ``ready()``."""
    from django import forms

    forms.DateField.default_validators = [validate_date]
    forms.DateTimeField.default_validators = [validate_datetime]
    forms.IntegerField.default_validators = [validate_int]
    forms.DecimalField.default_validators = [validate_int]
    _guard_model_choices(forms)


def _too_big(value) -> bool:
    text = str(value).strip()
    return text.lstrip("+-").isdigit() and not -MAX_BIGINT - 1 <= int(text) <= MAX_BIGINT


def _guard_model_choices(forms) -> None:
    """Model choice fields look the submitted ids up before any validator runs, and SQLite's driver overflows on
    ids beyond 64 bits (Django's own guard covers single lookups, not ``pk__in``): such an id is an invalid
    choice, as an unknown one is."""
    if getattr(forms.ModelChoiceField, "_yingji_guarded", False):
        return
    to_python, check_values = forms.ModelChoiceField.to_python, forms.ModelMultipleChoiceField._check_values

    def guarded_to_python(self, value):
        if value not in self.empty_values and _too_big(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return to_python(self, value)

    def guarded_check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if _too_big(pk):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk})
        return check_values(self, value)

    forms.ModelChoiceField.to_python = guarded_to_python
    forms.ModelMultipleChoiceField._check_values = guarded_check_values
    forms.ModelChoiceField._yingji_guarded = True
