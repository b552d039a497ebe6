"""The flood season's figures (防汛抗旱形势): rain so far against the normal, and water levels against a river's or
reservoir's characteristic levels. Pure functions; the county's season dates, rain normals and the anomaly classes
are data (``data/flood_season.json``) with their source and what is unverified.

- 距平百分率 (precipitation anomaly percentage) = (actual − normal) ÷ normal × 100, the usual climate statistic
  (e.g. 《降水量等级》 GB/T 28592-2012 defines the rain amounts; the anomaly classes used in climate bulletins
  — 偏多/偏少 by 2-5 成 — are in the data file, marked unverified).
- Rivers: 警戒水位 (warning level) and 保证水位 (guaranteed level); reservoirs: 汛限水位 (flood-limit level) —
  《防汛条例》 and 《水库调度规程编制导则》 name them; a level at or above the mark counts as over it.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import cache
from typing import Any

from ._util import exact, non_negative, read_json

#: Level states from the most serious down.
LEVEL_STATES = ("over_guarantee", "over_warning", "over_flood_limit", "normal", "unknown")


@cache
def _data() -> dict:
    return read_json("flood_season.json")


def season(year: int) -> tuple[date, date]:
    """The county's flood season (汛期) of ``year``: first and last day (data file, e.g. 6-1 … 9-30)."""
    s = _data()["season"]
    return date(year, *s["start"]), date(year, *s["end"])


def normal_rain(since: date, until: date) -> Fraction:
    """The normal rain (常年同期降水量, mm) from ``since`` to ``until`` (both included), from the monthly normals,
    each month's part prorated by its days."""
    if until < since:
        raise ValueError("until is before since")
    normals = _data()["rain_normals_mm"]["monthly"]
    total = Fraction(0)
    day = since
    import calendar

    while day <= until:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        last = min(until, date(day.year, day.month, days_in_month))
        total += exact(normals[day.month - 1], "normal") * Fraction((last - day).days + 1, days_in_month)
        day = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return total


def anomaly_percent(actual: Any, normal: Any) -> Fraction:
    """距平百分率: (actual − normal) ÷ normal × 100. ValueError when the normal is not positive."""
    a, n = non_negative(actual, "actual"), non_negative(normal, "normal")
    if n == 0:
        raise ValueError("the normal must be positive")
    return (a - n) / n * 100


def anomaly_class(percent: Any) -> str:
    """The anomaly's class key (e.g. much_more, more, normal, less, much_less) from the data file's bands: the
    first band whose lower bound the percentage reaches ("以上" including it)."""
    p = exact(percent, "percent")
    for band in _data()["anomaly_classes"]["bands"]:
        if band["min"] is None or p >= exact(band["min"], "band"):
            return band["key"]
    raise RuntimeError("the anomaly bands must end with an open lower bound")


def anomaly_classes() -> list[dict]:
    return list(_data()["anomaly_classes"]["bands"])


def level_state(value: Any, *, warning: Any = None, guarantee: Any = None, flood_limit: Any = None) -> str:
    """A water level against its marks: over_guarantee (≥ 保证水位), over_warning (≥ 警戒水位), over_flood_limit
    (≥ 汛限水位, reservoirs), normal, or unknown when there is no reading or no mark."""
    if value is None:
        return "unknown"
    v = exact(value, "level")
    marks = {"over_guarantee": guarantee, "over_warning": warning, "over_flood_limit": flood_limit}
    if all(m is None for m in marks.values()):
        return "unknown"
    for state, mark in marks.items():
        if mark is not None and v >= exact(mark, state):
            return state
    return "normal"


def margin(value: Any, mark: Any) -> Fraction | None:
    """How far the level is above (+) or below (−) a mark, in metres; None without both."""
    if value is None or mark is None:
        return None
    return exact(value, "level") - exact(mark, "mark")
