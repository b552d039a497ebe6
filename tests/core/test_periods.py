"""core.periods: years' bounds and lookups in the county's time zone (Asia/Shanghai), months and years by CASE."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yingji.core import periods


def test_a_years_bounds_are_its_local_new_years_midnights():
    since, until = periods.year_bounds(2025)
    assert since == timezone.make_aware(datetime.datetime(2025, 1, 1))
    assert until == timezone.make_aware(datetime.datetime(2026, 1, 1))
    # 2024-12-31 16:00 UTC is already New Year's Day in the county (UTC+8).
    assert since == datetime.datetime(2024, 12, 31, 16, 0, tzinfo=datetime.UTC)


def test_a_range_of_years_spans_the_first_to_the_end_of_the_last():
    assert periods.year_bounds(range(2021, 2026), dates=True) == (datetime.date(2021, 1, 1), datetime.date(2026, 1, 1))
    assert periods.year_bounds(range(2021, 2026))[1] == periods.year_bounds(2025)[1]


def test_in_years_is_the_bounds_as_lookups():
    assert periods.in_years("held_on", 2024, dates=True) == {
        "held_on__gte": datetime.date(2024, 1, 1), "held_on__lt": datetime.date(2025, 1, 1)}
    assert periods.in_years("found_at", range(2023, 2025)) == {
        "found_at__gte": periods.year_bounds(2023)[0], "found_at__lt": periods.year_bounds(2024)[1]}


@pytest.mark.parametrize("years", [range(2025, 2025), range(2020, 2026, 2)])
def test_years_must_be_consecutive_and_not_empty(years):
    with pytest.raises(ValueError):
        periods.year_bounds(years)
