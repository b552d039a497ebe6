"""Rows grouped by period in the database with plain comparisons of their date or time column: a ``CASE`` over
the periods' ends, in the county's time zone. SQLite computes an extracted month or year (``ExtractMonth``,
``ExtractYear``) by calling back into Python for every row; comparisons of the column are plain SQL on both
engines. The rows must already be inside the periods (the caller filters by the first start and the last end)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone


def bucket(path: str, ends: Iterable[tuple[int, datetime.date | datetime.datetime]]) -> Case:
    """The key of the first period whose end lies after the value at ``path``: ``ends`` are ``(key, end)`` in
    ascending order of end (each end exclusive)."""
    return Case(*[When(Q(**{f"{path}__lt": end}), then=Value(key)) for key, end in ends],
                output_field=IntegerField())


def end_of(day: datetime.date, dates: bool) -> datetime.date | datetime.datetime:
    """A period's exclusive end as the column compares it: the day itself for a date column, its local midnight
    for a time column."""
    return day if dates else timezone.make_aware(datetime.datetime(day.year, day.month, day.day))


def by_year(path: str, years: range, dates: bool = False) -> Case:
    """The year of the date (``dates``) or time at ``path`` among consecutive ``years``."""
    return bucket(path, [(y, end_of(datetime.date(y + 1, 1, 1), dates)) for y in years])


def by_month(path: str, year: int, dates: bool = False) -> Case:
    """The month (1–12) of the date or time at ``path`` within ``year``."""
    return bucket(path, [(m, end_of(datetime.date(year + (m == 12), m % 12 + 1, 1), dates)) for m in range(1, 13)])
