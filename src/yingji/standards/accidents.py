"""《生产安全事故报告和调查处理条例》 (国务院令第493号, in force 2007-06-01): grades, reporting chain, 补报 window.

"以上" includes the number, "以下" excludes it (第三条 last paragraph).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from ._util import count, non_negative

#: Grades from the highest down (第三条).
GRADES = ("especially_serious", "serious", "relatively_large", "ordinary")
GRADE_LABELS_ZH = {
    "especially_serious": "特别重大事故",
    "serious": "重大事故",
    "relatively_large": "较大事故",
    "ordinary": "一般事故",
}

#: 第三条: the lowest deaths, serious injuries (incl. acute industrial poisoning) and direct loss (yuan) that reach
#: each grade above 一般.
_THRESHOLDS = (
    ("especially_serious", 30, 100, Fraction(100_000_000)),
    ("serious", 10, 50, Fraction(50_000_000)),
    ("relatively_large", 3, 10, Fraction(10_000_000)),
)

#: Reporting levels, bottom up: the county-level regulator (县级安全生产监督管理部门, now 应急管理局), the 设区的市
#: regulator, the provincial regulator, and the State Council regulator (国务院安全生产监督管理部门, now MEM).
REPORTING_LEVELS = ("county", "city", "province", "state_council")
#: 第十条: how far up each grade is reported.
_REPORT_UP_TO = {
    "ordinary": "city",
    "relatively_large": "province",
    "serious": "state_council",
    "especially_serious": "state_council",
}
#: 第九条: the unit's 负责人 reports to the county-level regulator within 1 hour of learning of the accident.
UNIT_REPORT_HOURS = 1
#: 第十一条: each level of escalation takes at most 2 hours.
ESCALATION_HOURS = 2

#: 第十三条: days after the accident within which a change in casualties must be reported (补报).
SUPPLEMENT_WINDOW_DAYS = {"general": 30, "road_traffic": 7, "fire": 7}
ACCIDENT_KINDS = tuple(SUPPLEMENT_WINDOW_DAYS)


def grade(deaths: int, serious_injuries: int, direct_loss_yuan: Any) -> str:
    """Accident grade by 《生产安全事故报告和调查处理条例》 第三条; the highest grade any criterion reaches wins.

    特别重大: ≥30 deaths, or ≥100 serious injuries (incl. acute industrial poisoning), or loss ≥ 1亿 yuan;
    重大: 10-29, 50-99, 5000万 ≤ loss < 1亿; 较大: 3-9, 10-49, 1000万 ≤ loss < 5000万; 一般: the rest (the
    article sets no floor, so 0/0/0 is "ordinary"). Counts must be ints ≥ 0 (not bool, not 1.0); the loss may be
    int, float or Decimal ≥ 0. Returns one of :data:`GRADES`.
    """
    d = count(deaths, "deaths")
    s = count(serious_injuries, "serious_injuries")
    loss = non_negative(direct_loss_yuan, "direct_loss_yuan")
    for key, min_deaths, min_serious, min_loss in _THRESHOLDS:
        if d >= min_deaths or s >= min_serious or loss >= min_loss:
            return key
    return "ordinary"


def _check_grade(value: str) -> str:
    if value not in GRADES:
        raise ValueError(f"Unknown accident grade {value!r}; known: {', '.join(GRADES)}")
    return value


def reporting_deadlines(occurred_at: datetime, grade: str,
                        reported_to_unit_at: datetime | None = None) -> list[tuple[str, datetime]]:
    """Latest report time at each level, 《生产安全事故报告和调查处理条例》 第九、十、十一条.

    The unit's 负责人 reports to the county-level regulator within 1 hour of learning of the accident
    (``reported_to_unit_at``, else ``occurred_at``) (第九条); each level then reports to the next within 2 hours
    (第十一条), as far up as 第十条 requires: 一般 → 设区的市 (county, city); 较大 → 省 (county, city, province);
    重大 and 特别重大 → 国务院安全生产监督管理部门 (all four). The State Council regulator and the provincial
    government then report to the State Council itself "immediately" (立即), which has no fixed hour and is not
    listed. Regulators may skip levels (越级上报); these are ceilings for the ordinary chain.
    Returns ``[(level, due), ...]`` bottom up, with level keys from :data:`REPORTING_LEVELS`.
    """
    _check_grade(grade)
    if not isinstance(occurred_at, datetime):
        raise ValueError("occurred_at must be a datetime")
    start = occurred_at
    if reported_to_unit_at is not None:
        if not isinstance(reported_to_unit_at, datetime):
            raise ValueError("reported_to_unit_at must be a datetime")
        if (reported_to_unit_at.tzinfo is None) != (occurred_at.tzinfo is None):
            raise ValueError("occurred_at and reported_to_unit_at must both be aware or both be naive")
        if reported_to_unit_at < occurred_at:
            raise ValueError("reported_to_unit_at cannot be before occurred_at")
        start = reported_to_unit_at
    top = REPORTING_LEVELS.index(_REPORT_UP_TO[grade])
    due = start + timedelta(hours=UNIT_REPORT_HOURS)
    chain = [(REPORTING_LEVELS[0], due)]
    for level in REPORTING_LEVELS[1:top + 1]:
        due = due + timedelta(hours=ESCALATION_HOURS)
        chain.append((level, due))
    return chain


def supplement_window_days(kind: str = "general") -> int:
    """补报 window of 《生产安全事故报告和调查处理条例》 第十三条: a change in casualties within 30 days of the
    accident must be reported; for road traffic and fire accidents, within 7 days.

    ``kind`` is one of :data:`ACCIDENT_KINDS` (``"general"``, ``"road_traffic"``, ``"fire"``); anything else is a
    ValueError.
    """
    try:
        return SUPPLEMENT_WINDOW_DAYS[kind]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown accident kind {kind!r}; known kinds: {', '.join(ACCIDENT_KINDS)}")
