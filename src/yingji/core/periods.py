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


def years_of(year: int | range) -> range:
    """``year`` as a range of consecutive years (a single year is a range of one)."""
    years = range(year, year + 1) if isinstance(year, int) else year
    if not years or years.step != 1:
        raise ValueError("a range of consecutive years")
    return years


def in_years(path: str, year: int | range, dates: bool = False) -> dict:
    """The lookups of the date (``dates``) or time at ``path`` falling in ``year`` or in any of a range of
    consecutive years: one comparison with each bound (the local New Year's midnights for a time)."""
    since, until = year_bounds(year, dates)
    return {f"{path}__gte": since, f"{path}__lt": until}


def year_bounds(year: int | range, dates: bool = False) -> tuple:
    """The first day (``dates``) or instant (local midnight) of ``year``, or of the first of a range of years,
    and of the year after the last: ``[since, until)``."""
    years = years_of(year)
    return end_of(datetime.date(years[0], 1, 1), dates), end_of(datetime.date(years[-1] + 1, 1, 1), dates)
