"""暴雨预警信号 (中国气象局令第16号 annex) from observed rolling accumulations; "以上" inclusive."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import rainstorm

ORDER = [None, "blue", "yellow", "orange", "red"]


@pytest.mark.parametrize("mm_3h, mm_6h, mm_12h, expected", [
    (0, 0, 0, None),
    (10, 20, 49.9, None),
    (10, 20, 50, "blue"),
    (10, 49.9, 80, "blue"),
    (10, 50, 80, "yellow"),
    (49.9, 60, 80, "yellow"),
    (50, 60, 80, "orange"),
    (99.9, 120, 150, "orange"),
    (100, 100, 100, "red"),
    (Decimal("100.0"), 130, 200, "red"),
])
def test_thresholds(mm_3h, mm_6h, mm_12h, expected):
    assert rainstorm.signal(mm_3h=mm_3h, mm_6h=mm_6h, mm_12h=mm_12h) == expected


def test_missing_windows():
    assert rainstorm.signal(mm_3h=None, mm_6h=None, mm_12h=55) == "blue"
    assert rainstorm.signal(mm_3h=101, mm_6h=None, mm_12h=None) == "red"
    assert rainstorm.signal(mm_3h=None, mm_6h=40, mm_12h=None) is None
    with pytest.raises(ValueError):
        rainstorm.signal(mm_3h=None, mm_6h=None, mm_12h=None)


@pytest.mark.parametrize("mm_3h, mm_6h, mm_12h", [
    (60, 50, 80), (10, 90, 80), (60, None, 50), (-1, 0, 0), (0, 0, -0.1), (True, 1, 2), ("50", 60, 70),
    (float("nan"), 1, 2)])
def test_bad_inputs(mm_3h, mm_6h, mm_12h):
    with pytest.raises(ValueError):
        rainstorm.signal(mm_3h=mm_3h, mm_6h=mm_6h, mm_12h=mm_12h)


def test_keyword_only():
    with pytest.raises(TypeError):
        rainstorm.signal(1, 2, 3)


amounts = st.decimals(min_value=0, max_value=400, places=1, allow_nan=False, allow_infinity=False)


@given(a=amounts, b=amounts, c=amounts)
def test_matches_the_table(a, b, c):
    mm_3h, mm_6h, mm_12h = sorted((a, b, c))
    got = rainstorm.signal(mm_3h=mm_3h, mm_6h=mm_6h, mm_12h=mm_12h)
    if mm_3h >= 100:
        assert got == "red"
    elif mm_3h >= 50:
        assert got == "orange"
    elif mm_6h >= 50:
        assert got == "yellow"
    elif mm_12h >= 50:
        assert got == "blue"
    else:
        assert got is None


@given(a=amounts, b=amounts, c=amounts, extra=amounts)
def test_more_rain_never_lowers_the_signal(a, b, c, extra):
    mm_3h, mm_6h, mm_12h = sorted((a, b, c))
    before = rainstorm.signal(mm_3h=mm_3h, mm_6h=mm_6h, mm_12h=mm_12h)
    after = rainstorm.signal(mm_3h=mm_3h + extra, mm_6h=mm_6h + extra, mm_12h=mm_12h + extra)
    assert ORDER.index(after) >= ORDER.index(before)


def test_lowest_is_the_smallest_amount_any_signal_needs():
    """Ingestion skips gauges whose 12-hour sum is below ``LOWEST``: just below it no window reaches a signal,
    at it the 12-hour (blue) one does."""
    assert rainstorm.LOWEST == 50
    just_below = float(rainstorm.LOWEST) - 0.1
    assert rainstorm.signal(mm_3h=just_below, mm_6h=just_below, mm_12h=just_below) is None
    assert rainstorm.signal(mm_3h=0, mm_6h=0, mm_12h=float(rainstorm.LOWEST)) == "blue"
