"""Rendering any stored date or time, however far out (docs/text-policy.md, "Dates on output").

The accepted range at write is the values policy's business; this module makes output survive what is already
stored: 9999-12-31 23:59:59 UTC has no local time in Asia/Shanghai (it would be year 10000), and adding a reminder
interval to it overflows too. Python raises OverflowError for both, which used to answer 500 on every page that
showed such a row.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

_django_localtime = timezone.localtime
_django_make_naive = timezone.make_naive


def localtime(value=None, timezone_=None):
    """``django.utils.timezone.localtime`` that returns an instant with no local representation unchanged (still
    aware, in its own zone) instead of raising OverflowError."""
    try:
        return _django_localtime(value, timezone_)
    except OverflowError:
        return value


def make_naive(value, timezone_=None):
    """``django.utils.timezone.make_naive`` that, for the current (display) time zone only, gives an instant with
    no local representation as its own wall time instead of raising. With an explicit zone (the database adapters
    pass theirs) it raises as before: a write must never shift silently."""
    try:
        return _django_make_naive(value, timezone_)
    except OverflowError:
        if timezone_ is not None:
            raise
        return value.replace(tzinfo=None)


def add(value, delta: datetime.timedelta):
    """``value + delta``, saturating at the ends of the calendar instead of raising OverflowError."""
    try:
        return value + delta
    except OverflowError:
        if isinstance(value, datetime.datetime):
            end = datetime.datetime.max if delta > datetime.timedelta(0) else datetime.datetime.min
            return end.replace(tzinfo=value.tzinfo)
        return datetime.date.max if delta > datetime.timedelta(0) else datetime.date.min


def install() -> None:
    """Called once from ``CoreConfig.ready``. Django has no hook for the conversion it applies to every datetime
    a template shows (``template_localtime`` calls the module's ``localtime``), so the module attributes themselves
    are replaced; nothing changes for any value that has a local time."""
    if timezone.localtime is not localtime:
        timezone.localtime = localtime
        # Form widgets show datetimes through make_naive (django.forms.utils.to_current_timezone).
        timezone.make_naive = make_naive
