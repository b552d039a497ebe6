"""Natural disasters are graded and reported by their own rules, not by the work-safety accident rules.

- Which rules apply: 《突发事件应对法》 (2024) 第二条 separates 自然灾害, 事故灾难, 公共卫生事件 and 社会安全事件;
  only 事故灾难 of production are graded by 《生产安全事故报告和调查处理条例》 (``accidents``). Natural disasters are
  graded by the relief plan's response levels (``国家自然灾害救助应急预案`` (2024) §5 and the county's own 自然灾害救助
  应急预案 of the same structure), public-health and social-security events by their own special plans.
- Disaster indicators and the 初报/续报/核报 deadlines: 自然灾害情况统计调查制度 (应急〔2020〕19号), tables in
  ``data/disaster_statistics.json``; relief response thresholds in ``data/disaster_relief_levels.json`` (a county
  keeps its own copy as editable data; see the notes there for what is unverified).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from ._util import count, non_negative, read_json

#: The grading scheme of each incident category (《突发事件应对法》 第二条 categories, ``events.categories``).
SCHEMES = ("work_safety", "natural_disaster", "public_health", "social_security")
_SCHEME_OF_CATEGORY = {"accident_disaster": "work_safety", "natural_disaster": "natural_disaster",
                       "public_health": "public_health", "social_security": "social_security"}

#: Response levels from the most severe down (预案 Ⅰ级 … Ⅳ级).
LEVELS = ("I", "II", "III", "IV")
#: Indicators the relief plan's start conditions test (any one reaching its threshold starts the level).
LEVEL_INDICATORS = ("dead_and_missing", "evacuated_or_needs_relief", "collapsed_or_severe_rooms",
                    "collapsed_or_severe_households", "affected_people", "direct_loss_10k_yuan")
#: Report stages of the statistics system: 初报, 续报, 核报.
STAGES = ("initial", "follow_up", "final")
#: Reporting tiers bottom up (行政村 → 乡镇 → 县), by the length of their GB/T 2260-style code.
TIERS = {12: "village", 9: "township", 6: "county"}


def grading_scheme(category: str) -> str:
    """Which rules grade an incident of ``category`` (《突发事件应对法》 (2024) 第二条): ``accident_disaster`` →
    ``work_safety`` (《生产安全事故报告和调查处理条例》 第三条), ``natural_disaster`` → ``natural_disaster`` (relief
    plan levels, statistics system deadlines), ``public_health`` and ``social_security`` → their own schemes.
    An unknown category is a ValueError."""
    try:
        return _SCHEME_OF_CATEGORY[category]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown incident category {category!r}")


# --- indicators ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    unit: str
    kind: str  # count | area | money
    sector: bool
    verified: bool


@cache
def _statistics() -> dict:
    return read_json("disaster_statistics.json")


def indicators() -> tuple[Indicator, ...]:
    """The indicators of 《自然灾害损失情况统计快报表》 in the table's order (自然灾害情况统计调查制度)."""
    return tuple(Indicator(i["key"], i["name_zh"], i["unit"], i["kind"], bool(i.get("sector")), bool(i["verified"]))
                 for i in _statistics()["indicators"])


def indicator_keys() -> tuple[str, ...]:
    return tuple(i.key for i in indicators())


def sector_keys() -> tuple[str, ...]:
    """The sectors the direct loss is split into (分行业直接经济损失)."""
    return tuple(i.key for i in indicators() if i.sector)


def clean_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures with every indicator present (missing → 0): counts as ints ≥ 0, areas and money as Decimal ≥ 0.
    An unknown key or a bad value is a ValueError naming it."""
    known = {i.key: i for i in indicators()}
    unknown = set(figures) - set(known)
    if unknown:
        raise ValueError(f"Unknown indicator(s): {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key, ind in known.items():
        value = figures.get(key, 0)
        if ind.kind == "count":
            out[key] = count(value, key)
        else:
            if isinstance(value, str):
                try:
                    value = Decimal(value)
                except ArithmeticError:
                    raise ValueError(f"{key} must be a number, not {value!r}")
            non_negative(value, key)
            out[key] = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return out


def validate(figures: Mapping[str, Any], *, named_dead: int | None = None, named_missing: int | None = None,
             children: list[Mapping[str, Any]] | None = None) -> dict[str, list[str]]:
    """The checks of the 快报表's 审核关系 (自然灾害情况统计调查制度, 指标解释), as field → [messages]; empty when the
    report is consistent:

    - 成灾 ≤ 受灾 and 绝收 ≤ 成灾 (农作物面积);
    - dead + missing, 紧急转移安置 and 需紧急生活救助 each ≤ 受灾人口;
    - houses: households ≤ rooms for 倒塌/严重损坏/一般损坏 (a household has at least one room), and rooms > 0 only
      with households > 0;
    - the loss by sector sums to at most the total, and a total is given whenever a sector is;
    - 因灾死亡/失踪 equal the people named in the casualty list (因灾死亡失踪人口一览表) when given;
    - a township's or county's report equals the sum of its children's reports, indicator by indicator, when given.

    ``figures`` must have passed :func:`clean_figures`.
    """
    f = figures
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if f["crop_damaged_ha"] > f["crop_affected_ha"]:
        add("crop_damaged_ha", "成灾面积不能大于受灾面积")
    if f["crop_lost_ha"] > f["crop_damaged_ha"]:
        add("crop_lost_ha", "绝收面积不能大于成灾面积")
    if f["deaths"] + f["missing"] > f["affected_people"]:
        add("deaths", "死亡和失踪人口之和不能大于受灾人口")
    for key, label in (("evacuated", "紧急转移安置人口"), ("needs_relief", "需紧急生活救助人口")):
        if f[key] > f["affected_people"]:
            add(key, f"{label}不能大于受灾人口")
    for kind, label in (("collapsed", "倒塌"), ("severe", "严重损坏"), ("minor", "一般损坏")):
        households, rooms = f[f"{kind}_households"], f[f"{kind}_rooms"]
        if households > rooms:
            add(f"{kind}_rooms", f"{label}房屋间数不能少于户数")
        if rooms and not households:
            add(f"{kind}_households", f"有{label}房屋间数时须填户数")
    sectors = sum((f[k] for k in sector_keys()), Decimal(0))
    if sectors > f["loss_total"]:
        add("loss_total", "分行业损失之和不能大于直接经济损失")
    if named_dead is not None and named_dead != f["deaths"]:
        add("deaths", f"死亡人口 {f['deaths']} 与一览表中的 {named_dead} 人不符")
    if named_missing is not None and named_missing != f["missing"]:
        add("missing", f"失踪人口 {f['missing']} 与一览表中的 {named_missing} 人不符")
    if children:
        for key in indicator_keys():
            total = sum((c[key] for c in children), Decimal(0) if not isinstance(f[key], int) else 0)
            if f[key] != total:
                add(key, f"与下级报告之和 {total} 不符")
    return errors


def sum_figures(children: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Indicator-by-indicator sum of cleaned figures (the roll-up a township or county starts from)."""
    out = clean_figures({})
    for child in children:
        for key in out:
            out[key] += child[key]
    return out


# --- deadlines ----------------------------------------------------------------------------------------------

def tier(region_code: str) -> str:
    """village / township / county from the code's length (12 / 9 / 6 digits)."""
    try:
        return TIERS[len(region_code)]
    except (KeyError, TypeError):
        raise ValueError(f"Not a village, township or county code: {region_code!r}")


def deadline_rules() -> dict:
    return _statistics()["deadlines"]


def initial_due(started_at: datetime, region_code: str) -> datetime:
    """初报 due: the county reports to the 地(市) within 2 hours of the disaster (自然灾害情况统计调查制度 (六)
    报送要求 1.(1)); the township reports to the county within 1 hour and the village at once (30 minutes) so the
    county can meet it [village and township hours unverified, see the data file]."""
    hours = deadline_rules()["initial"][f"{tier(region_code)}_hours"]
    return started_at + timedelta(hours=hours)


def follow_up_dues(started_at: datetime, until: datetime, *, major: bool) -> list[datetime]:
    """续报 due times from the disaster's start up to ``until`` (the end of the disaster, or now): for a major
    disaster every day at 9:00 (the figures as at 24:00 the day before, 24小时零报告), else every 7 days after the
    start [unverified rhythm, see the data file]. Times keep ``started_at``'s timezone."""
    rules = deadline_rules()["follow_up"]
    dues: list[datetime] = []
    if major:
        day = (started_at + timedelta(days=1)).replace(hour=rules["daily_at_hour"], minute=0, second=0,
                                                        microsecond=0)
        while day <= until:
            dues.append(day)
            day += timedelta(days=1)
    else:
        due = started_at + timedelta(days=rules["regular_every_days"])
        while due <= until:
            dues.append(due)
            due += timedelta(days=rules["regular_every_days"])
    return dues


def final_due(ended_at: datetime) -> datetime:
    """核报 due: within 5 days after the disaster is stable/ended (自然灾害情况统计调查制度 报送要求, 核报)
    [unverified, see the data file]."""
    return ended_at + timedelta(days=deadline_rules()["final"]["days_after_end"])


def next_due(started_at: datetime, ended_at: datetime | None, region_code: str, *, major: bool,
             stages_done: Mapping[str, int], now: datetime) -> tuple[str, datetime] | None:
    """The next report owed by the region: (stage, due) or None when nothing is owed.

    ``stages_done`` counts the submitted reports of each stage. 初报 first; while the disaster lasts, one 续报 per
    due time passed (the next owed is the first one not covered by the count); once it has ended, the 核报 until
    one is submitted."""
    if not stages_done.get("initial"):
        return "initial", initial_due(started_at, region_code)
    if ended_at is not None:
        return None if stages_done.get("final") else ("final", final_due(ended_at))
    horizon = now + timedelta(days=deadline_rules()["follow_up"]["regular_every_days"] + 1)
    dues = follow_up_dues(started_at, horizon, major=major)
    done = stages_done.get("follow_up", 0)
    return ("follow_up", dues[done]) if done < len(dues) else None


# --- response levels ----------------------------------------------------------------------------------------

def relief_level_table(which: str = "county_example") -> dict[str, dict[str, int]]:
    """Thresholds of a relief plan (``national``: 国家自然灾害救助应急预案 (2024) §5; ``county_example``: the
    shape of a county plan) as {level: {indicator: min}} [unverified numbers, see the data file]."""
    return read_json("disaster_relief_levels.json")[which]["thresholds"]


def level_values(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The plan indicators from the statistics indicators: 死亡和失踪, 紧急转移安置或需紧急生活救助 (the larger),
    倒塌和严重损坏房屋 间 and 户, 受灾人口, 直接经济损失 (万元)."""
    return {
        "dead_and_missing": figures.get("deaths", 0) + figures.get("missing", 0),
        "evacuated_or_needs_relief": max(figures.get("evacuated", 0), figures.get("needs_relief", 0)),
        "collapsed_or_severe_rooms": figures.get("collapsed_rooms", 0) + figures.get("severe_rooms", 0),
        "collapsed_or_severe_households": (figures.get("collapsed_households", 0)
                                           + figures.get("severe_households", 0)),
        "affected_people": figures.get("affected_people", 0),
        "direct_loss_10k_yuan": figures.get("loss_total", 0),
    }


def response_level(figures: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, Any]]
                   ) -> tuple[str | None, list[str]]:
    """The relief response level the figures reach and the indicators that reached it (国家自然灾害救助应急预案
    (2024) §5: a level starts when any one of its conditions is met, "以上" including the number; the most severe
    level reached wins). ``thresholds`` is {level: {indicator: min}}, levels from :data:`LEVELS`, indicators from
    :data:`LEVEL_INDICATORS`; None when no level is reached."""
    values = level_values(figures)
    for level in LEVELS:
        conditions = thresholds.get(level) or {}
        reached = []
        for indicator, minimum in conditions.items():
            if indicator not in LEVEL_INDICATORS:
                raise ValueError(f"Unknown plan indicator {indicator!r}")
            if Fraction(str(values[indicator])) >= Fraction(str(minimum)):
                reached.append(indicator)
        if reached:
            return level, reached
    return None, []


# --- incidents of the natural-disaster category -----------------------------------------------------------------

#: The incident grade a relief response level corresponds to (Ⅰ特别重大 … Ⅳ一般, 《突发事件应对法》 第三条 four
#: grades); below Ⅳ the disaster is still 一般.
GRADE_OF_LEVEL = {"I": "especially_serious", "II": "serious", "III": "relatively_large", "IV": "ordinary"}


def incident_figures(deaths: int, missing: int, direct_loss_yuan: Any, extra: Mapping[str, Any] | None = None
                     ) -> dict[str, Any]:
    """An incident's own figures as statistics indicators (the loss in 万元), with any disaster indicators
    (受灾人口, 紧急转移安置, 倒塌房屋 …) from ``extra`` (e.g. the county's latest disaster report)."""
    exact_loss = non_negative(direct_loss_yuan, "direct_loss_yuan")
    loss = Decimal(exact_loss.numerator) / Decimal(exact_loss.denominator) / Decimal(10000)
    base = {"deaths": count(deaths, "deaths"), "missing": count(missing, "missing"), "loss_total": loss}
    return {**base, **(extra or {})}


def incident_grade(figures: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, Any]] | None = None
                   ) -> tuple[str, str | None]:
    """(grade, relief level) of a natural disaster: the county relief plan's level (国家自然灾害救助应急预案 §5
    structure, :func:`response_level`) reached by the disaster indicators, mapped by :data:`GRADE_OF_LEVEL`; not
    the work-safety thresholds of 《生产安全事故报告和调查处理条例》. ``thresholds`` default to the data file's
    county example [unverified]."""
    level, _reached = response_level(figures, thresholds if thresholds is not None else relief_level_table())
    return GRADE_OF_LEVEL.get(level or "", "ordinary"), level


def incident_reporting_deadlines(occurred_at: datetime) -> list[tuple[str, datetime]]:
    """The natural-disaster reporting chain (自然灾害情况统计调查制度 报送要求, 初报): the township to the county
    within 1 hour [unverified] and the county to the 地(市) within 2 hours of the disaster [verified]; further
    levels follow the relief response, not a fixed clock. Returns ``[("county", due), ("city", due)]`` like
    ``accidents.reporting_deadlines``."""
    if not isinstance(occurred_at, datetime):
        raise ValueError("occurred_at must be a datetime")
    rules = deadline_rules()["initial"]
    return [("county", occurred_at + timedelta(hours=rules["township_hours"])),
            ("city", occurred_at + timedelta(hours=rules["county_hours"]))]
