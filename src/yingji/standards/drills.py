"""How often a unit must drill its emergency plans (应急预案演练频次).

Source: 《生产安全事故应急预案管理办法》(国家安全生产监督管理总局令第88号, as amended by 应急管理部令第2号, 2019),
第三十三条:

    生产经营单位应当制定本单位的应急预案演练计划，根据本单位的事故风险特点，每年至少组织一次综合应急预案演练或者
    专项应急预案演练，每半年至少组织一次现场处置方案演练。
    易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位，矿山、金属冶炼、城市轨道交通运营、建筑施工单位，
    以及宾馆、商场、娱乐场所、旅游景区等人员密集场所经营单位，应当至少每半年组织一次生产安全事故应急预案演练，并将
    演练情况报送所在地县级以上地方人民政府负有安全生产监督管理职责的部门。

Reading used here: every unit drills a comprehensive or special plan (综合/专项应急预案) at least once per calendar
year and an on-site disposal plan (现场处置方案) at least once per half-year (1 Jan–30 Jun, 1 Jul–31 Dec); for the
unit kinds of the second paragraph the comprehensive-or-special drill is due every half-year too (an on-site drill
alone already meets "a drill every half-year", so the second paragraph only adds something read this way), and the
drill is reported to the bureau. The article names no calendar: half-years of the calendar year are this project's
choice.

Townships are not 生产经营单位: for them :func:`township_requirements` applies this project's default of one drill
of their own a year (``verified = False``; 《突发事件应急预案管理办法》(国办发〔2024〕5号) asks plan owners to drill
regularly and special/department plans at least every three years, and counties usually ask townships for a
yearly flood/fire drill).

No Django, no imports of ours: the caller passes plain dates and keys.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

SOURCE = "《生产安全事故应急预案管理办法》（应急管理部令第2号修正）第三十三条"
TOWNSHIP_SOURCE = "本项目默认：乡镇（街道）每年至少组织一次本级应急预案演练（未经核实）"
TOWNSHIP_VERIFIED = False

#: Plan types a drill can exercise (what art. 33 counts).
COMPREHENSIVE = "comprehensive"  # 综合应急预案
SPECIAL = "special"  # 专项应急预案
ON_SITE = "on_site"  # 现场处置方案
PLAN_TYPES = (COMPREHENSIVE, SPECIAL, ON_SITE)

#: Unit kinds of art. 33 §2 (keys) and the general kind.
HAZARDOUS_GOODS = "hazardous_goods"  # 易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位
MINE = "mine"  # 矿山
METAL_SMELTING = "metal_smelting"  # 金属冶炼
URBAN_RAIL = "urban_rail"  # 城市轨道交通运营
CONSTRUCTION = "construction"  # 建筑施工
CROWDED_PLACE = "crowded_place"  # 宾馆、商场、娱乐场所、旅游景区等人员密集场所经营单位
GENERAL = "general"  # 其他生产经营单位
HIGH_RISK_KINDS = (HAZARDOUS_GOODS, MINE, METAL_SMELTING, URBAN_RAIL, CONSTRUCTION, CROWDED_PLACE)
UNIT_KINDS = (*HIGH_RISK_KINDS, GENERAL)
UNIT_KIND_NAMES = {
    HAZARDOUS_GOODS: "危险物品生产、经营、储存、运输单位", MINE: "矿山", METAL_SMELTING: "金属冶炼",
    URBAN_RAIL: "城市轨道交通运营", CONSTRUCTION: "建筑施工单位", CROWDED_PLACE: "人员密集场所经营单位",
    GENERAL: "一般生产经营单位",
}

YEAR = "year"
HALF_YEAR = "half_year"

#: Period results.
MET = "met"  # a drill of the required type was held in the period
PENDING = "pending"  # none yet, but the period has not ended
MISSED = "missed"  # the period ended without one


@dataclass(frozen=True)
class Requirement:
    """At least one drill of one of ``plan_types`` in every ``period`` (``YEAR`` or ``HALF_YEAR``)."""

    key: str
    plan_types: frozenset[str]
    period: str
    label: str


@dataclass(frozen=True)
class PeriodResult:
    requirement: Requirement
    start: datetime.date
    end: datetime.date
    held: int
    status: str


def requirements(unit_kind: str) -> list[Requirement]:
    """Art. 33: what a unit of ``unit_kind`` must drill. Unknown kinds raise ValueError."""
    if unit_kind not in UNIT_KINDS:
        raise ValueError(f"unknown unit kind {unit_kind!r}")
    high = unit_kind in HIGH_RISK_KINDS
    return [
        Requirement("plan", frozenset({COMPREHENSIVE, SPECIAL}), HALF_YEAR if high else YEAR,
                    "综合或专项应急预案演练" + ("（每半年至少一次）" if high else "（每年至少一次）")),
        Requirement("on_site", frozenset({ON_SITE}), HALF_YEAR, "现场处置方案演练（每半年至少一次）"),
    ]


def township_requirements() -> list[Requirement]:
    """A township's own drills: one a year of any plan type (this project's default, see the module note)."""
    return [Requirement("township", frozenset(PLAN_TYPES), YEAR, "乡镇（街道）本级应急演练（每年至少一次）")]


def periods(year: int, period: str) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar year, or its two halves, as (first day, last day)."""
    if period == YEAR:
        return [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    if period == HALF_YEAR:
        return [(datetime.date(year, 1, 1), datetime.date(year, 6, 30)),
                (datetime.date(year, 7, 1), datetime.date(year, 12, 31))]
    raise ValueError(f"unknown period {period!r}")


def check(reqs: Iterable[Requirement], drills: Iterable[tuple[datetime.date, str]], year: int,
          today: datetime.date) -> list[PeriodResult]:
    """Each requirement's periods of ``year`` as seen on ``today``: the drills ``(date, plan_type)`` held in it
    (drills after ``today`` are not yet held), and whether it is met, still pending or missed."""
    held = [(d, t) for d, t in drills if d <= today]
    results = []
    for req in reqs:
        for start, end in periods(year, req.period):
            if start > today:
                continue  # a period not begun is not judged yet
            n = sum(1 for d, t in held if start <= d <= end and t in req.plan_types)
            status = MET if n else (MISSED if end < today else PENDING)
            results.append(PeriodResult(req, start, end, n, status))
    return results


def overall(results: Iterable[PeriodResult]) -> str:
    """``missed`` when any period was missed, else ``pending`` when any is still open without a drill, else
    ``met``."""
    statuses = {r.status for r in results}
    if MISSED in statuses:
        return MISSED
    return PENDING if PENDING in statuses else MET


#: Industry divisions (GB/T 4754-2017) read as crowded places or construction.
CROWDED_DIVISIONS = frozenset({"52", "61", "78", "90"})  # 零售业, 住宿业, 公共设施管理业(游览景区), 娱乐业
CONSTRUCTION_DIVISIONS = frozenset({"47", "48", "49", "50"})  # 建筑业 (section E)
#: Licence kinds and sector/flag keys that make a unit one of the art. 33 §2 kinds.
_HAZARDOUS = frozenset({"hazardous_chemicals", "fireworks", "hazchem_production", "hazchem_business",
                        "fireworks_business"})
_MINE = frozenset({"non_coal_mining", "non_coal_mine", "tailings_pond", "mine_safety"})
_SMELTING = frozenset({"metallurgy"})


def unit_kind(facts: Iterable[str], industry_division: str = "", industry_text: str = "") -> str:
    """The art. 33 unit kind from what the registry knows: ``facts`` are the enterprise's supervision sector,
    its special-supervision flags that are set and its licence kinds; ``industry_division`` its GB/T 4754 division
    (two digits). Hazardous goods first, then mines, smelting, construction, rail, crowded places. Using
    hazardous chemicals (使用, ``hazchem_use``) alone is not among the kinds art. 33 §2 names."""
    facts = set(facts)
    if facts & _HAZARDOUS:
        return HAZARDOUS_GOODS
    if facts & _MINE:
        return MINE
    if facts & _SMELTING:
        return METAL_SMELTING
    if industry_division in CONSTRUCTION_DIVISIONS:
        return CONSTRUCTION
    if "轨道交通" in (industry_text or ""):
        return URBAN_RAIL
    if industry_division in CROWDED_DIVISIONS:
        return CROWDED_PLACE
    return GENERAL
