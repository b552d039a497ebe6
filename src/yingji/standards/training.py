"""Safety training hours (安全培训学时) of 《生产经营单位安全培训规定》 (原国家安全生产监督管理总局令第3号, as amended
by 第80号令, 2015), from the table in ``data/training_hours.json``.

- 第九条: 主要负责人 and 安全生产管理人员: initial training at least 32 学时, re-training at least 12 学时 a year;
  in 煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼 units at least 48 and 16.
- 第十三条: 新上岗的从业人员 at least 24 学时 of pre-job training; in the same high-risk units at least 72 学时,
  and at least 20 学时 of re-training every year. The article sets no yearly figure for other workers.

Rows whose text was not read with its article number are ``"verified": false`` in the data file [unverified].
"""

from __future__ import annotations

from functools import cache

from ._util import read_json

PERSONS = ("principal", "safety_manager", "new_worker")
SECTORS = ("coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "metal_smelting", "other")


@cache
def _table() -> dict:
    data = read_json("training_hours.json")
    rows = {(r["person"], r["high_risk"]): r for r in data["rows"]}
    return {"high_risk": frozenset(data["high_risk_sectors"]), "rows": rows}


def is_high_risk(sector: str) -> bool:
    """Whether ``sector`` is one of the five the rule names (第九条第二款, 第十三条第二款)."""
    if sector not in SECTORS:
        raise ValueError(f"unknown sector {sector!r}; one of {', '.join(SECTORS)}")
    return sector in _table()["high_risk"]


def basis(person: str, sector: str) -> str:
    """The article and paragraph of 《生产经营单位安全培训规定》 that sets the hours of ``person`` in ``sector``."""
    return _row(person, sector)["basis"]


def _row(person: str, sector: str) -> dict:
    if person not in PERSONS:
        raise ValueError(f"unknown person {person!r}; one of {', '.join(PERSONS)}")
    return _table()["rows"][(person, is_high_risk(sector))]


def required_hours(person: str, sector: str) -> tuple[int, int | None]:
    """``(initial_hours, annual_hours)`` of safety training for ``person`` (``principal`` 主要负责人,
    ``safety_manager`` 安全生产管理人员, ``new_worker`` 新上岗从业人员) in ``sector``.

    《生产经营单位安全培训规定》 第九条: principals and safety managers 32 initial / 12 a year; in 煤矿、非煤矿山、
    危险化学品、烟花爆竹、金属冶炼 units 48 / 16. 第十三条: new workers 24 (no yearly figure, ``None``); in those units
    72 / 20. ValueError for an unknown person or sector.
    """
    row = _row(person, sector)
    return row["initial_hours"], row["annual_hours"]


def is_verified(person: str, sector: str) -> bool:
    """Whether the row was checked against the article's text with its number (see the data file's notes)."""
    return bool(_row(person, sector)["verified"])
