"""重大危险源安全包保责任制: the three custodians of a hazardous-chemicals major hazard source and how often each must
check it.

《危险化学品企业重大危险源安全包保责任制办法（试行）》 (应急厅〔2021〕12号) names for every major hazard source a
principal custodian (主要负责人), a technical custodian (技术负责人) and an operational custodian (操作负责人), and
requires of them at least (第九、十、十一条):
- the principal: one safety risk and hazard check of the source every quarter;
- the technical custodian: one every month;
- the operational custodian: one every week.
[unverified: the article numbers are as commonly cited; the frequencies are those of the measures' text.]

A period is the calendar quarter, month or ISO week (Monday to Sunday) the day falls in. A custodian's duty is
``done`` when a check lies in the current period, ``due`` while the current period runs without one but the previous
period had one (or the source was filed during it or later), and ``missed`` when the previous period went by without
a check.
"""

from __future__ import annotations

import datetime

PRINCIPAL, TECHNICAL, OPERATIONAL = "principal", "technical", "operational"
ROLES = (PRINCIPAL, TECHNICAL, OPERATIONAL)
PERIOD = {PRINCIPAL: "quarter", TECHNICAL: "month", OPERATIONAL: "week"}
DONE, DUE, MISSED = "done", "due", "missed"


def period(role: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The [start, end] (both included) of the period of ``role`` that contains ``day``."""
    kind = PERIOD[role]
    if kind == "week":
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    months = 1 if kind == "month" else 3
    start = day.replace(month=(day.month - 1) // months * months + 1, day=1)
    year, month = divmod(start.month - 1 + months, 12)
    return start, datetime.date(start.year + year, month + 1, 1) - datetime.timedelta(days=1)


def previous_period(role: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start, _end = period(role, day)
    return period(role, start - datetime.timedelta(days=1))


def status(role: str, last_check: datetime.date | None, since: datetime.date, today: datetime.date) -> str:
    """The custodian's duty now: ``done``, ``due`` or ``missed`` (see the module's text). ``since`` is when the
    source was filed (no period before it counts)."""
    if role not in PERIOD:
        raise ValueError(f"unknown custodian role {role!r}")
    start, _end = period(role, today)
    if last_check is not None and last_check >= start:
        return DONE
    previous_start, _previous_end = previous_period(role, today)
    if since >= previous_start or (last_check is not None and last_check >= previous_start):
        return DUE
    return MISSED
