"""Disaster relief (灾害救助) rules, stdlib only.

- The relief kinds: 《自然灾害救助条例》 (国务院令第577号, 2019年修订) 第十四条 应急救助 (basic living help in the
  emergency), 第十九条 过渡期生活救助 (for households whose house collapsed or was badly damaged), 第二十条 倒损住房
  恢复重建 and 第二十一条 冬春生活救助; amounts are set by each level of government per year (the county's table is
  editable data; the defaults in ``data/relief_standards.json`` are examples, verified=false).
- The public notice (公示) of the relief list before county approval: the 工作规程 of 冬春/过渡期 relief put the list
  up in the village for at least 7 days; unverified in the project's references, so marked so in the data file.
- Masking personal data in public: a name keeps its first and last character (张*明), an identity number its first
  6 (region) and last 4 characters (GB 11643 number: 6 address + 8 birth + 3 order + 1 check).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from ._util import read_json

KINDS = ("emergency", "transition", "winter_spring", "housing")


@cache
def table() -> dict:
    return read_json("relief_standards.json")


def notice_days() -> int:
    """The public notice period in days (data/relief_standards.json ``notice``, unverified)."""
    return int(table()["notice"]["days"])


def notice_ends(start: date) -> date:
    """The last day of a notice put up on ``start`` (the start day counts as the first day)."""
    return start + timedelta(days=notice_days() - 1)


def default_amounts(kind: str) -> tuple[Decimal, Decimal]:
    entry = table()["default_amounts"][kind]
    return Decimal(entry["per_person"]), Decimal(entry["per_household"])


def amount(kind: str, members: int, per_person: Decimal, per_household: Decimal, units: int = 1) -> Decimal:
    """The relief due: per person × members × units (days or months for the living help) plus per household."""
    if kind not in KINDS:
        raise ValueError(f"unknown relief kind {kind!r}")
    if members < 1 or units < 1:
        raise ValueError("members and units must be at least 1")
    return (Decimal(per_person) * members * units + Decimal(per_household)).quantize(Decimal("0.01"))


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """A GB 11643-1999 citizen identity number: 17 digits and the ISO 7064 MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def with_check(first17: str) -> str:
    """The full identity number for 17 digits (demo data and tests)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


def mask_id_number(value: str) -> str:
    """410422********1234: the region and the last four characters only."""
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str) -> str:
    """张*明 / 张* / 欧**华: the first and last characters of a name, the rest starred."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
