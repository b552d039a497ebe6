"""重大危险源包保责任制: the custodians' periods and whether each one's check is done, due or missed."""

from __future__ import annotations

import datetime

import pytest

from yingji.standards import custodians as c

D = datetime.date


@pytest.mark.parametrize("role, day, expected", [
    ("operational", D(2026, 12, 3), (D(2026, 11, 30), D(2026, 12, 6))),   # Thursday: Monday to Sunday
    ("operational", D(2026, 11, 30), (D(2026, 11, 30), D(2026, 12, 6))),
    ("technical", D(2026, 2, 14), (D(2026, 2, 1), D(2026, 2, 28))),
    ("technical", D(2028, 2, 29), (D(2028, 2, 1), D(2028, 2, 29))),
    ("principal", D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
    ("principal", D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30))),
])
def test_periods(role, day, expected):
    assert c.period(role, day) == expected


def test_previous_period_crosses_the_year():
    assert c.previous_period("principal", D(2026, 2, 10)) == (D(2025, 10, 1), D(2025, 12, 31))
    assert c.previous_period("technical", D(2026, 1, 5)) == (D(2025, 12, 1), D(2025, 12, 31))


def test_status_done_due_missed():
    today, filed = D(2026, 12, 3), D(2024, 1, 1)
    assert c.status("operational", D(2026, 11, 30), filed, today) == c.DONE
    assert c.status("operational", D(2026, 11, 24), filed, today) == c.DUE      # last week's check
    assert c.status("operational", D(2026, 11, 22), filed, today) == c.MISSED   # the week before last
    assert c.status("technical", None, D(2026, 11, 20), today) == c.DUE        # filed last month: not yet owed
    assert c.status("technical", None, filed, today) == c.MISSED
    assert c.status("principal", D(2026, 7, 15), filed, today) == c.DUE
    assert c.status("principal", D(2026, 6, 30), filed, today) == c.MISSED
    with pytest.raises(ValueError):
        c.status("deputy", None, filed, today)
