"""Supervision class of an enterprise (安全生产分类分级监管) and its inspections in the annual plan.

An enterprise is graded A (closest watch) to D from what is known of it: the highest level of its major hazard
sources (GB 18218-2018 §4.2: 一级 … 四级), the colour of its highest risk point (red 重大, orange 较大, yellow 一般,
blue 低), its high-risk sectors, and its record of the last twelve months (accidents, 重大事故隐患, administrative
penalties). Each criterion names the class it calls for; the enterprise takes the strictest, and the reason lists
every criterion that called for it. The class fixes the inspections a year in the plan: 重点检查 visits (planned
for the enterprise) and 双随机 visits (the enterprise stays in the random pool).

There is no national table of these classes: the principle follows MEM practice (重点检查企业 inspected in full at
least once a year, the others by 双随机 sampling; 《安全生产年度监督检查计划编制办法》) and provincial schemes (江西
2025 分类分级行政检查指导意见; 山西 2025 年度行政检查最高频次). The thresholds and frequencies are this project's
defaults in ``data/supervision_class.json``, each marked ``verified: false`` with its note [unverified]; a county
replaces the file with its own rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ._util import count, read_json

_DATA = read_json("supervision_class.json")
#: Classes from the closest watch to the lightest.
CLASSES: tuple[str, ...] = tuple(c["key"] for c in _DATA["classes"])
_RANK = {key: n for n, key in enumerate(CLASSES)}
_BY_KEY = {c["key"]: c for c in _DATA["classes"]}
_RULES = _DATA["rules"]
DEFAULT_CLASS: str = _DATA["default_class"]
#: The sectors the rules know (keys of the enterprise's sector flags).
SECTORS: tuple[str, ...] = tuple(k for k in _RULES["sectors"] if k not in ("verified", "note"))
COLOURS = ("red", "orange", "yellow", "blue")
COLOUR_NAMES = {"red": "红色（重大风险）", "orange": "橙色（较大风险）", "yellow": "黄色（一般风险）",
                "blue": "蓝色（低风险）"}
SECTOR_NAMES = {"hazardous_chemicals": "危险化学品", "fireworks": "烟花爆竹", "non_coal_mine": "非煤矿山",
                "tailings_pond": "尾矿库", "metallurgy": "金属冶炼", "ammonia_refrigeration": "涉氨制冷",
                "combustible_dust": "粉尘涉爆", "confined_space": "有限空间作业"}
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
RECORD_NAMES = {"accidents": "近一年发生生产安全事故%d起", "major_hazards": "近一年排查出重大事故隐患%d项",
                "penalties": "近一年受到行政处罚%d次"}
SOURCE: str = _DATA["source"]
VERIFIED: bool = bool(_DATA["verified"])


@dataclass(frozen=True)
class ClassInputs:
    """What the grading reads. ``risk_colour``: the highest colour of the enterprise's risk points (None when it
    has none); ``major_hazard_level``: the highest level of its major hazard sources (1 highest … 4; None when it
    has none); ``sectors``: keys of :data:`SECTORS`; record counts over the last twelve months."""

    risk_colour: str | None = None
    major_hazard_level: int | None = None
    sectors: frozenset[str] = field(default_factory=frozenset)
    accidents: int = 0
    major_hazards: int = 0
    penalties: int = 0


@dataclass(frozen=True)
class Grade:
    supervision_class: str
    #: Every criterion that called for the class, in Chinese (e.g. "存在一级重大危险源").
    reasons: tuple[str, ...]
    key_visits: int
    random_visits: int

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)

    @property
    def visits(self) -> int:
        return self.key_visits + self.random_visits


def label(supervision_class: str) -> str:
    """The class's Chinese label (e.g. ``A类（重点监管）``)."""
    return _check(supervision_class)["label"]


def _check(supervision_class: str) -> dict:
    if supervision_class not in _BY_KEY:
        raise ValueError(f"Unknown supervision class {supervision_class!r}; classes: {', '.join(CLASSES)}")
    return _BY_KEY[supervision_class]


def frequency(supervision_class: str) -> tuple[int, int]:
    """(重点检查 visits, 双随机 visits) a year for a class (data file; project defaults [unverified])."""
    entry = _check(supervision_class)
    return entry["key_visits"], entry["random_visits"]


def stricter(a: str, b: str) -> str:
    """The class that watches more closely of two (A is the strictest)."""
    return a if _RANK[_check(a)["key"]] <= _RANK[_check(b)["key"]] else b


def grade(inputs: ClassInputs) -> Grade:
    """Grade an enterprise (see the module docstring). ``grade(ClassInputs(major_hazard_level=2))`` is A with the
    reason 存在二级重大危险源; an enterprise with nothing known is D (default class) with the reason 无较高风险因素."""
    calls: list[tuple[str, str]] = []
    level = inputs.major_hazard_level
    if level is not None:
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVEL_NAMES:
            raise ValueError(f"major_hazard_level must be 1-4 or None, not {level!r}")
        calls.append((_RULES["major_hazard_level"][str(level)], f"存在{LEVEL_NAMES[level]}重大危险源"))
    colour = inputs.risk_colour
    if colour is not None:
        if colour not in COLOURS:
            raise ValueError(f"risk_colour must be one of {', '.join(COLOURS)} or None, not {colour!r}")
        calls.append((_RULES["risk_colour"][colour], f"最高风险等级为{COLOUR_NAMES[colour]}"))
    unknown = set(inputs.sectors) - set(SECTORS)
    if unknown:
        raise ValueError(f"Unknown sectors {sorted(unknown)}; known: {', '.join(SECTORS)}")
    for sector in SECTORS:  # data-file order: the reason reads the same for the same enterprise
        if sector in inputs.sectors:
            calls.append((_RULES["sectors"][sector], f"属{SECTOR_NAMES[sector]}重点行业领域"))
    for rule in _RULES["record"]:
        n = count(getattr(inputs, rule["field"]), rule["field"])
        if n >= rule["at_least"]:
            calls.append((rule["class"], RECORD_NAMES[rule["field"]] % n))
    result = DEFAULT_CLASS
    for called, _why in calls:
        result = stricter(result, called)
    reasons = tuple(why for called, why in calls if called == result) or ("无较高风险因素",)
    key_visits, random_visits = frequency(result)
    return Grade(result, reasons, key_visits, random_visits)


def spread_months(visits: int, offset: int = 0, first_month: int = 1) -> list[int]:
    """Months (1-12) of ``visits`` inspections spread evenly over ``first_month`` … December, one interval apart;
    ``offset`` (e.g. the enterprise id) shifts the start within the first interval so a plan's visits do not all
    fall in the same months. ``spread_months(4)`` → [1, 4, 7, 10]; ``spread_months(2, offset=1)`` → [2, 8]; more
    visits than months put two in some months."""
    count(visits, "visits")
    count(offset, "offset")
    if isinstance(first_month, bool) or not isinstance(first_month, int) or not 1 <= first_month <= 12:
        raise ValueError(f"first_month must be 1-12, not {first_month!r}")
    if visits == 0:
        return []
    span = 13 - first_month
    step = span / visits
    shift = offset % max(1, int(step)) if step >= 1 else 0
    return sorted(first_month + min(span - 1, int(i * step) + shift) for i in range(visits))


def distribution(classes: Iterable[str]) -> dict[str, int]:
    """How many of each class, every class listed (zeros included), strictest first."""
    result = dict.fromkeys(CLASSES, 0)
    for c in classes:
        _check(c)
        result[c] += 1
    return result
