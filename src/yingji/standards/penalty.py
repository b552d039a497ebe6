"""行政处罚 (administrative penalty) rules for work-safety cases: time limits, hearing, review, payment, discretion.

Sources, newest first:

- 《中华人民共和国行政处罚法》 (revised 2021-01-22, in force 2021-07-15), cited as 行政处罚法. Article numbers and
  figures are those of the 2021 text as widely quoted (第三十三条 首违不罚, 第三十六条 limitation, 第五十一条 简易程序,
  第五十七条 集体讨论, 第五十八条 法制审核, 第六十条 90 days, 第六十一条 送达, 第六十三、六十四条 听证, 第六十七条
  payment in 15 days, 第七十二条 加处罚款, 第八十五条 "三日、五日、七日" are working days); no official copy was at
  hand [unverified against the gazette text].
- 《安全生产违法行为行政处罚办法》 (原国家安全监管总局令第15号, 2007, amended by 第77号 2015): 30 days from 立案,
  extendable to 90 with the head's approval and to 180 with the higher authority's [figures as commonly quoted;
  article number unverified]. A new 办法 (应急管理部令第18号, in force 2026-02-01) is reported to replace it; its
  figures were not seen [unverified], so every figure here is a parameter.
- 较大数额罚款 for hearings: set by each province; "个人 2万元以上, 单位 5万元以上" is the figure 应急管理 bodies quote
  (a secondary copy of the 2015 办法 reads 1万/3万) [unverified] — configurable (:data:`HEARING_FINE_THRESHOLDS`).
- 《应急管理行政裁量权基准暂行规定》 (应急管理部令第12号, 2023-11-01, in force 2024-01-01) and
  国办发〔2022〕27号: 从轻 below the midpoint of the legal range, 从重 above it, 减轻 below the legal minimum
  [the midpoint rule as quoted by provincial benchmarks; article unverified]; the four 情节 bands are the project's
  defaults (:data:`DEFAULT_BANDS`) [unverified], configurable per power item.
- 国办发〔2018〕118号 (行政执法公示制度): 行政处罚 decisions published within 7 working days [recalled, unverified].

Amounts are yuan, exact (int, Decimal or Fraction; floats read as the decimal they print as). "以上" includes the
number. Dates are :class:`datetime.date`; a period "within N days from X" ends on X + N (the start day is not
counted), moved to the next working day when that is a holiday [民事诉讼法 期间 rule, article unverified].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ._util import exact, non_negative

PARTY_KINDS = ("unit", "individual")
CIRCUMSTANCES = ("minor", "ordinary", "serious", "severe")
CIRCUMSTANCE_LABELS_ZH = {"minor": "轻微", "ordinary": "一般", "serious": "较重", "severe": "严重"}
ADJUSTMENTS = ("lighter", "mitigated", "heavier", "exempt")
ADJUSTMENT_LABELS_ZH = {"lighter": "从轻", "mitigated": "减轻", "heavier": "从重", "exempt": "不予处罚"}

#: 行政处罚法 第六十条: decide within 90 days of 立案 unless a law, regulation or rule says otherwise.
GENERAL_DECISION_DAYS = 90
#: 安全生产违法行为行政处罚办法 (15号令): 30 days; head's approval → 90; higher authority's approval → 180
#: [figures as commonly quoted, unverified; 18号令 (2026) not seen].
WORK_SAFETY_DECISION_DAYS = {"none": 30, "head": 90, "higher_authority": 180}
EXTENSIONS = tuple(WORK_SAFETY_DECISION_DAYS)
#: 行政处罚法 第六十三条 较大数额罚款, per party kind (yuan, inclusive) [unverified; provinces set it].
HEARING_FINE_THRESHOLDS = {"individual": 20_000, "unit": 50_000}
#: 行政处罚法 第六十三条 measures that carry a hearing right whatever the fine.
HEARING_MEASURES = {
    "confiscate_large": "没收较大数额违法所得、没收较大价值非法财物",
    "lower_qualification": "降低资质等级",
    "revoke_licence": "吊销许可证件",
    "suspend_production": "责令停产停业（停产停业整顿）",
    "close": "责令关闭",
    "restrict_practice": "限制从业",
    "other_heavy": "其他较重的行政处罚",
}
#: 行政处罚法 第六十四条: the party asks for a hearing within 5 (working, 第八十五条) days of being told; the
#: authority notifies the time and place 7 (working) days before.
HEARING_REQUEST_DAYS = 5
HEARING_NOTICE_DAYS = 7
#: 行政处罚法 第六十一条 (with 第八十五条): an absent party is served within 7 working days.
SERVICE_WORKING_DAYS = 7
#: 立案 within 7 days of discovering the act (《安全生产违法行为行政处罚办法》 as commonly quoted: "应当自发现之日起
#: 7日内" [figure and article unverified; 18号令 (2026) not seen]).
FILING_DAYS = 7
#: 陈述、申辩 within 3 days of the 告知书 (《安全生产违法行为行政处罚办法》 as commonly quoted [unverified]); working
#: days by 行政处罚法 第八十五条.
STATEMENT_WORKING_DAYS = 3
#: 行政处罚法 第六十七条: the fine is paid within 15 days of receiving the decision.
PAYMENT_DAYS = 15
#: 行政处罚法 第七十二条: 3% of the fine per day late, never more than the fine.
SURCHARGE_RATE_PER_DAY = Fraction(3, 100)
#: 国办发〔2018〕118号: decisions published within 7 working days [unverified].
DISCLOSURE_WORKING_DAYS = 7
#: 行政处罚法 第三十六条: 2 years; 5 years for acts touching life and health (or financial) safety with harm.
LIMITATION_YEARS = 2
LIMITATION_YEARS_HARM = 5
#: 行政处罚法 第五十一条 简易程序: on-the-spot fines up to 200 yuan (citizens) / 3000 yuan (units), or a warning.
SUMMARY_PROCEDURE_LIMITS = {"individual": 200, "unit": 3000}
#: Project default 情节 bands as fractions of the legal span (max − min) [unverified]: 轻微 0-30%, 一般 30-60%,
#: 较重 60-80%, 严重 80-100%.
DEFAULT_BANDS = {
    "minor": (Fraction(0), Fraction(3, 10)),
    "ordinary": (Fraction(3, 10), Fraction(6, 10)),
    "serious": (Fraction(6, 10), Fraction(8, 10)),
    "severe": (Fraction(8, 10), Fraction(1)),
}


# --- calendar -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkCalendar:
    """Working days: Monday-Friday, minus ``holidays`` (法定节假日), plus ``extra_workdays`` (调休 weekends).

    The State Council publishes each year's table; none is shipped, so pass it in (an empty calendar only skips
    weekends)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        if self.holidays & self.extra_workdays:
            raise ValueError("A day cannot be both a holiday and an extra working day")

    def is_working_day(self, day: date) -> bool:
        """True on Monday-Friday that is not a 法定节假日, and on a 调休 weekend working day (行政处罚法 第八十五条
        counts short periods in working days)."""
        if day in self.extra_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


WEEKENDS_ONLY = WorkCalendar()


def _check_date(value: Any, what: str) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{what} must be a date, not {value!r}")
    return value


def _check_days(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a whole number of days ≥ 0, not {value!r}")
    return value


def add_working_days(start: date, days: int, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """The last day of a period of ``days`` working days after ``start`` (the start day is not counted), as
    行政处罚法 第八十五条 counts its "三日、五日、七日"; also used for 国办发〔2018〕118号's 7 working days."""
    _check_date(start, "start")
    _check_days(days, "days")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def add_calendar_days(start: date, days: int, calendar: WorkCalendar | None = None) -> date:
    """The last day of a period of ``days`` calendar days after ``start`` (start day not counted); with a
    ``calendar``, an end on a non-working day moves to the next working day (the 期间 rule of 《民事诉讼法》, applied
    to 行政处罚法's day periods [article unverified])."""
    _check_date(start, "start")
    end = start + timedelta(days=_check_days(days, "days"))
    if calendar is not None:
        while not calendar.is_working_day(end):
            end += timedelta(days=1)
    return end


# --- case time limits ---------------------------------------------------------------------------------------------

def decision_deadline(filed_on: date, *, extension: str = "none", regime: str = "work_safety",
                      limits: dict[str, int] | None = None, calendar: WorkCalendar | None = None) -> date:
    """Last day to decide a case from 立案 (``filed_on``).

    ``regime="work_safety"``: 《安全生产违法行为行政处罚办法》 — 30 days; ``extension="head"`` (负责人同意) 90 days;
    ``extension="higher_authority"`` (上一级部门批准) 180 days [figures unverified; ``limits`` replaces them].
    ``regime="general"``: 行政处罚法 第六十条 — 90 days, no extension defined. Periods exclude time the law says
    not to count (听证, 鉴定 …); pass the resulting start date yourself.
    """
    _check_date(filed_on, "filed_on")
    if regime == "general":
        if extension != "none":
            raise ValueError("行政处罚法 第六十条 defines no extension; use regime='work_safety'")
        return add_calendar_days(filed_on, GENERAL_DECISION_DAYS, calendar)
    if regime != "work_safety":
        raise ValueError(f"Unknown regime {regime!r}; known: work_safety, general")
    table = WORK_SAFETY_DECISION_DAYS if limits is None else limits
    if extension not in EXTENSIONS:
        raise ValueError(f"Unknown extension {extension!r}; known: {', '.join(EXTENSIONS)}")
    days = _check_days(table[extension], f"limits[{extension!r}]")
    return add_calendar_days(filed_on, days, calendar)


def filing_deadline(discovered_on: date, calendar: WorkCalendar | None = None, days: int = FILING_DAYS) -> date:
    """Last day to 立案 a case from discovering the act: 7 days [《安全生产违法行为行政处罚办法》, unverified; ``days``
    replaces it]; with a ``calendar`` an end on a holiday moves to the next working day."""
    return add_calendar_days(discovered_on, days, calendar)


def statement_deadline(notified_on: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """Last day for the party's 陈述、申辩 after the 行政处罚告知书 (行政处罚法 第四十四、四十五条): 3 working days
    [《安全生产违法行为行政处罚办法》 figure, unverified]. The decision waits for it unless the party waives it."""
    return add_working_days(notified_on, STATEMENT_WORKING_DAYS, calendar)


def service_deadline(decided_on: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """行政处罚法 第六十一条: the decision is handed over on the spot; an absent party is served within 7 days, which
    第八十五条 counts in working days."""
    return add_working_days(decided_on, SERVICE_WORKING_DAYS, calendar)


def hearing_request_deadline(notified_on: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """行政处罚法 第六十四条 (一): a party asks for a hearing within 5 days of being told (working days, 第八十五条)."""
    return add_working_days(notified_on, HEARING_REQUEST_DAYS, calendar)


def hearing_notice_latest(hearing_on: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """行政处罚法 第六十四条 (二): the party is told the hearing's time and place 7 days before it (working days,
    第八十五条); returns the latest day the notice may go out."""
    _check_date(hearing_on, "hearing_on")
    day = hearing_on
    left = HEARING_NOTICE_DAYS
    while left:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def disclosure_deadline(decided_on: date, calendar: WorkCalendar = WEEKENDS_ONLY,
                        working_days: int = DISCLOSURE_WORKING_DAYS) -> date:
    """行政执法公示 (国办发〔2018〕118号 [unverified]; 行政处罚法 第四十八条 publication of decisions with social
    impact): a 行政处罚 decision is published within 7 working days of being made."""
    return add_working_days(decided_on, working_days, calendar)


def payment_due(served_on: date, calendar: WorkCalendar | None = None) -> date:
    """行政处罚法 第六十七条: the fine is paid within 15 days of receiving the decision (``served_on``)."""
    return add_calendar_days(served_on, PAYMENT_DAYS, calendar)


# --- money --------------------------------------------------------------------------------------------------------

def _yuan(value: Fraction, rounding: str = ROUND_HALF_UP) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=rounding)


def late_payment_surcharge(fine: Any, due: date, paid_on: date) -> Decimal:
    """加处罚款, 行政处罚法 第七十二条 (一): 3% of the fine for each day after ``due`` until ``paid_on``, never more
    than the fine itself. Paid on or before the due day → 0. Rounded to the fen (half up; the law is silent)."""
    amount = non_negative(fine, "fine")
    _check_date(due, "due")
    _check_date(paid_on, "paid_on")
    days_late = max(0, (paid_on - due).days)
    return _yuan(min(amount * SURCHARGE_RATE_PER_DAY * days_late, amount))


def surcharge_cap_reached_on(fine: Any, due: date) -> date:
    """The first day the 行政处罚法 第七十二条 surcharge equals the fine (3% a day → day 34, since 33 × 3% = 99%)."""
    if non_negative(fine, "fine") == 0:
        return _check_date(due, "due")
    days = -(-1 // SURCHARGE_RATE_PER_DAY)  # ceil(1 / 3%)
    return _check_date(due, "due") + timedelta(days=int(days))


# --- procedure ----------------------------------------------------------------------------------------------------

def _check_party(party: str) -> str:
    if party not in PARTY_KINDS:
        raise ValueError(f"Unknown party kind {party!r}; known: {', '.join(PARTY_KINDS)}")
    return party


def _check_measures(measures: Iterable[str]) -> tuple[str, ...]:
    if isinstance(measures, str):
        raise ValueError("measures must be a list of measure keys")
    out = tuple(measures)
    unknown = [m for m in out if m not in HEARING_MEASURES]
    if unknown:
        raise ValueError(f"Unknown measures {unknown}; known: {', '.join(HEARING_MEASURES)}")
    return out


@dataclass(frozen=True)
class Requirement:
    required: bool
    reasons: tuple[str, ...]


def hearing_required(*, party: str, fine: Any = 0, measures: Iterable[str] = (),
                     thresholds: dict[str, Any] | None = None) -> Requirement:
    """听证 right, 行政处罚法 第六十三条: 较大数额罚款 (by default ≥ 2万 for an individual, ≥ 5万 for a unit
    [unverified]; ``thresholds`` replaces them) or a measure in :data:`HEARING_MEASURES` (停产停业, 吊销 …).
    The party must be told of the right; the hearing is held only if asked for."""
    _check_party(party)
    amount = non_negative(fine, "fine")
    reasons = []
    table = HEARING_FINE_THRESHOLDS if thresholds is None else thresholds
    if party not in table:
        raise ValueError(f"thresholds has no figure for {party!r}")
    limit = exact(table[party], "threshold")
    if amount >= limit:
        reasons.append(f"large fine: {amount} ≥ {limit} for {party}")
    reasons.extend(f"measure: {m}" for m in _check_measures(measures))
    return Requirement(bool(reasons), tuple(reasons))


def legal_review_required(*, party: str, fine: Any = 0, measures: Iterable[str] = (), hearing_held: bool = False,
                          major_public_interest: bool = False, complex_case: bool = False,
                          required_by_rule: bool = False, thresholds: dict[str, Any] | None = None) -> Requirement:
    """法制审核 before the decision, 行政处罚法 第五十八条: (一) 重大公共利益; (二) 重大权益 after a hearing; (三) 疑难
    复杂、多个法律关系; (四) other rules. As 应急管理 practice does (重大执法决定法制审核, 国办发〔2018〕118号), a case
    that carries a hearing right (:func:`hearing_required`) is reviewed even if no hearing was asked for
    [practice, unverified]."""
    reasons = []
    if major_public_interest:
        reasons.append("第五十八条(一) major public interest")
    if hearing_held:
        reasons.append("第五十八条(二) hearing held")
    if complex_case:
        reasons.append("第五十八条(三) complex case")
    if required_by_rule:
        reasons.append("第五十八条(四) required by rule")
    hearing = hearing_required(party=party, fine=fine, measures=measures, thresholds=thresholds)
    if hearing.required:
        reasons.append("major enforcement decision (hearing right)")
    return Requirement(bool(reasons), tuple(reasons))


def collective_discussion_required(*, party: str, fine: Any = 0, measures: Iterable[str] = (),
                                   complex_case: bool = False, thresholds: dict[str, Any] | None = None) -> Requirement:
    """集体讨论 by the authority's heads, 行政处罚法 第五十七条: 情节复杂 or 重大违法行为. A 重大违法行为 is taken to
    be one that carries a hearing right (the 较大数额 threshold or a 第六十三条 measure), as 应急管理 bodies apply
    it [practice, unverified]."""
    reasons = []
    if complex_case:
        reasons.append("complex case")
    if hearing_required(party=party, fine=fine, measures=measures, thresholds=thresholds).required:
        reasons.append("major violation (hearing right)")
    return Requirement(bool(reasons), tuple(reasons))


def summary_procedure_allowed(*, party: str, fine: Any) -> bool:
    """简易程序 (当场处罚), 行政处罚法 第五十一条: facts certain, legal basis, and a warning or a fine up to 200 yuan
    for a citizen / 3000 yuan for a unit (``fine=0`` for a warning)."""
    return non_negative(fine, "fine") <= SUMMARY_PROCEDURE_LIMITS[_check_party(party)]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def limitation_expires(act_ended_on: date, *, life_health_harm: bool = False) -> date:
    """行政处罚法 第三十六条: an act not discovered within 2 years (5 years when it touches life and health safety
    and caused harm) is no longer punished; counted from the act, or from its end when it continued. Returns the
    last day on which discovery still counts."""
    _check_date(act_ended_on, "act_ended_on")
    return _add_years(act_ended_on, LIMITATION_YEARS_HARM if life_health_harm else LIMITATION_YEARS)


def time_barred(act_ended_on: date, discovered_on: date, *, life_health_harm: bool = False) -> bool:
    """True when discovery came after the 行政处罚法 第三十六条 period (:func:`limitation_expires`)."""
    _check_date(discovered_on, "discovered_on")
    if discovered_on < act_ended_on:
        raise ValueError("discovered_on cannot be before act_ended_on")
    return discovered_on > limitation_expires(act_ended_on, life_health_harm=life_health_harm)


def no_penalty_ground(*, minor: bool = False, corrected_in_time: bool = False, harm: str = "none",
                      first_offence: bool = False, no_fault_proven: bool = False) -> str | None:
    """不予行政处罚, 行政处罚法 第三十三条. ``"mandatory"`` (不予): a minor act corrected in time with no harm
    (第一款 first sentence), or proof of no fault (第二款); ``"discretionary"`` (可以不予, 首违不罚): a first offence
    with minor harm corrected in time (第一款 second sentence); else None. ``harm`` is none / minor / serious.
    A discretionary waiver still needs education (第三十三条 第三款: 教育)."""
    if harm not in ("none", "minor", "serious"):
        raise ValueError(f"harm must be none, minor or serious, not {harm!r}")
    if no_fault_proven or (minor and corrected_in_time and harm == "none"):
        return "mandatory"
    if first_offence and corrected_in_time and harm in ("none", "minor"):
        return "discretionary"
    return None


# --- discretion benchmark -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FineRange:
    """A proposed fine range in yuan. ``low_exclusive``/``high_exclusive`` mark "低于/高于" bounds."""

    low: Decimal
    high: Decimal
    low_exclusive: bool = False
    high_exclusive: bool = False
    basis: str = ""

    def contains(self, amount: Any) -> bool:
        value = exact(amount, "amount")
        low, high = Fraction(self.low), Fraction(self.high)
        above = value > low if self.low_exclusive else value >= low
        below = value < high if self.high_exclusive else value <= high
        return above and below


def _legal_range(legal_min: Any, legal_max: Any) -> tuple[Fraction | None, Fraction]:
    high = non_negative(legal_max, "legal_max")
    low = None if legal_min is None else non_negative(legal_min, "legal_min")
    if high == 0:
        raise ValueError("legal_max must be above 0")
    if low is not None and low > high:
        raise ValueError("legal_min cannot be above legal_max")
    return low, high


def propose_fine_range(legal_min: Any, legal_max: Any, *, circumstance: str = "ordinary",
                       adjustment: str | None = None, bands: dict[str, tuple[Any, Any]] | None = None,
                       mitigation_floor: Any = 0) -> FineRange:
    """Discretion benchmark (行政裁量权基准), 《应急管理行政裁量权基准暂行规定》 (应急管理部令第12号) and
    国办发〔2022〕27号 as provincial benchmarks apply them [percentages unverified].

    ``legal_min`` is None when the law gives a maximum only ("…以下"); the span then starts at 0. Without an
    adjustment, 情节 ``circumstance`` picks a band of the span (:data:`DEFAULT_BANDS`, or ``bands`` from the power
    item). An adjustment replaces the band: 从轻 ``"lighter"`` [min, midpoint) — below the midpoint; 从重
    ``"heavier"`` (midpoint, max]; 减轻 ``"mitigated"`` [``mitigation_floor``, min) — below the legal minimum
    (行政处罚法 第三十二条), only when the law sets one; 不予处罚 ``"exempt"`` (第三十三条) gives [0, 0].
    Bounds are rounded inwards to the fen.
    """
    low, high = _legal_range(legal_min, legal_max)
    base = low or Fraction(0)
    mid = (base + high) / 2
    if adjustment is not None and adjustment not in ADJUSTMENTS:
        raise ValueError(f"Unknown adjustment {adjustment!r}; known: {', '.join(ADJUSTMENTS)}")
    if adjustment == "exempt":
        return FineRange(Decimal("0.00"), Decimal("0.00"), basis="不予处罚 (行政处罚法 第三十三条)")
    if adjustment == "lighter":
        return FineRange(_yuan(base, ROUND_CEILING), _yuan(mid, ROUND_FLOOR), high_exclusive=True,
                         basis="从轻: below the midpoint")
    if adjustment == "heavier":
        return FineRange(_yuan(mid, ROUND_CEILING), _yuan(high, ROUND_FLOOR), low_exclusive=True,
                         basis="从重: above the midpoint")
    if adjustment == "mitigated":
        if not low:
            raise ValueError("减轻 means below the legal minimum; this range has none")
        floor = non_negative(mitigation_floor, "mitigation_floor")
        if floor >= low:
            raise ValueError("mitigation_floor must be below the legal minimum")
        return FineRange(_yuan(floor, ROUND_CEILING), _yuan(low, ROUND_FLOOR), high_exclusive=True,
                         basis="减轻: below the legal minimum (行政处罚法 第三十二条)")
    if circumstance not in CIRCUMSTANCES:
        raise ValueError(f"Unknown circumstance {circumstance!r}; known: {', '.join(CIRCUMSTANCES)}")
    table = DEFAULT_BANDS if bands is None else bands
    start, end = (exact(v, "band") for v in table[circumstance])
    if not 0 <= start <= end <= 1:
        raise ValueError(f"band for {circumstance!r} must satisfy 0 ≤ start ≤ end ≤ 1")
    span = high - base
    label = CIRCUMSTANCE_LABELS_ZH[circumstance]
    return FineRange(_yuan(base + span * start, ROUND_CEILING), _yuan(base + span * end, ROUND_FLOOR),
                     basis=f"情节{label}: {float(start):.0%}-{float(end):.0%} of the range")


def fine_outside_range(amount: Any, proposed: FineRange) -> bool:
    """True when ``amount`` lies outside the benchmark's proposed range, so the decision needs a written reason
    (《应急管理行政裁量权基准暂行规定》: departing from the benchmark must be explained [article unverified]) that
    the 法制审核 (行政处罚法 第五十八条) sees."""
    return not proposed.contains(amount)
