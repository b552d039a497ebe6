"""The ``date`` filter, written directly for the numeric formats the platform's pages use (``Y-m-d``,
``Y-m-d H:i``, ``Y-m-d H:i:s``, ``m-d H:i``, ``m-d``): Django's goes through ``DateFormat`` and the format
parser for every value (40 µs; a list of 50 rows with two dates a row spent 4 ms there). The output is the same
(``tests/core/test_template_helpers.py`` compares them); any other format or value goes to Django's filter.

Installed as a built-in after Django's own (``TEMPLATES``' ``builtins``), so ``{{ value|date:"Y-m-d" }}`` in
every template uses it."""

from __future__ import annotations

import datetime

from django import template
from django.template import defaultfilters

register = template.Library()


def _ymd(v) -> str:
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"


#: Formats of the date alone (a date or a date-time).
DATE_FORMATS = {"Y-m-d": _ymd, "m-d": lambda v: f"{v.month:02d}-{v.day:02d}"}
#: Formats with the time of day (a date-time only: Django refuses them for a date).
TIME_FORMATS = {
    "Y-m-d H:i": lambda v: f"{_ymd(v)} {v.hour:02d}:{v.minute:02d}",
    "Y-m-d H:i:s": lambda v: f"{_ymd(v)} {v.hour:02d}:{v.minute:02d}:{v.second:02d}",
    "m-d H:i": lambda v: f"{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}",
}


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter (the template has made an aware value local before the call)."""
    kind = type(value)
    if kind is datetime.datetime:
        write = TIME_FORMATS.get(arg) or DATE_FORMATS.get(arg)
        if write is not None:
            return write(value)
    elif kind is datetime.date:
        write = DATE_FORMATS.get(arg)
        if write is not None:
            return write(value)
    return defaultfilters.date(value, arg)
