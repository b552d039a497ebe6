"""Law-enforcement officers (执法人员): who may act, and the yearly training they owe.

- Two officers at least: 《行政处罚法》(2021) 第四十二条 (执法人员不得少于两人，法律另有规定的除外); the same rule
  for inspections in 《安全生产法》(2021) 第六十五条 [article number of the inspection rule unverified].
- A certificate (行政执法证件) is shown at every act (《行政处罚法》 第五十五条) and is valid until its expiry date;
  the warning window before expiry is the project's default, not a rule.
- At least 10 days of training a year: the bureau's 14th five-year plan (监管执法保障: "每年要对执法人员开展不少于
  10天的培训"); the national text it follows is not identified here [unverified].
"""

from __future__ import annotations

import datetime
from decimal import Decimal

#: 《行政处罚法》(2021) 第四十二条.
MIN_OFFICERS = 2
#: The bureau's plan (see the module docstring).
ANNUAL_TRAINING_DAYS = Decimal(10)
#: Project default: a certificate that expires within this many days is flagged for renewal.
EXPIRY_WARNING_DAYS = 60


def certificate_status(expires: datetime.date | None, on: datetime.date) -> str:
    """``"valid"``, ``"expiring"`` (within :data:`EXPIRY_WARNING_DAYS`, the expiry day included) or
    ``"expired"`` (after the expiry day, or no certificate) on day ``on``."""
    if expires is None or on > expires:
        return "expired"
    if (expires - on).days < EXPIRY_WARNING_DAYS:
        return "expiring"
    return "valid"


def may_enforce(expires: datetime.date | None, on: datetime.date) -> bool:
    """An officer may act on ``on`` while the certificate has not expired (《行政处罚法》 第五十五条)."""
    return certificate_status(expires, on) != "expired"


def training_shortfall(days_this_year: Decimal | int | float | str) -> Decimal:
    """Days of training still owed this year (0 when the bureau's 10 days are met); negative input is refused."""
    days = Decimal(str(days_this_year))
    if days < 0:
        raise ValueError("training days cannot be negative")
    return max(Decimal(0), ANNUAL_TRAINING_DAYS - days)
