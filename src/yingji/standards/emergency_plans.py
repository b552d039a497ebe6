"""应急预案 (emergency plan) life-cycle deadlines: filing, filing check, periodic evaluation, revision triggers.

Source: 《生产安全事故应急预案管理办法》 (原国家安全监管总局令第88号, 2016; amended by 应急管理部令第2号, 2019-07-11,
in force 2019-09-01), cited as 办法. Article numbers and figures are those of the 2019 text as widely quoted; no
official copy was at hand [unverified against the gazette text]:

- 第六条: a unit's plans are 综合应急预案, 专项应急预案 and 现场处置方案.
- 第二十六条: 易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位, 矿山、金属冶炼、城市轨道交通运营、
  建筑施工单位, and 宾馆、商场、娱乐场所、旅游景区等人员密集场所经营单位 file their plans within 20 working days
  of publication (公布之日起20个工作日内) with the county-level (or higher) 应急管理部门; the filing materials are
  申报表, 评审意见 (for the units of 第二十一条), 电子文档, 风险评估结果和应急资源调查清单.
- 第二十七条: the receiving department checks the materials within 5 working days; complete → filed and a
  备案登记表 issued; incomplete → refused, telling all missing materials at once.
- 第三十五条: 矿山、金属冶炼、建筑施工企业和易燃易爆物品、危险化学品等危险物品的生产、经营（带储存设施的）、储存、
  运输企业、使用危险化学品达到国家规定数量的化工企业、烟花爆竹生产、批发经营企业和中型规模以上的其他生产经营单位
  evaluate their plans at least once every three years.
- 第三十六条: the six revision triggers (:data:`REVISION_TRIGGERS`); 第三十六条 second paragraph / 第三十七条: a
  revision touching the command system, procedures, main measures or response levels is re-filed.

Government and department plans: 《突发事件应急预案管理办法》 (国办发〔2024〕5号) also asks for an evaluation at
least every three years [article number unverified]; :func:`evaluation_due` applies the same period.

The filing completeness checklist (materials of 第二十六条 and the contents GB/T 29639-2020 asks of each plan
kind) is the data file ``data/plan_filing_checklist.json``, with its source and unverified items marked.

Dates are :class:`datetime.date`; a deadline past ``date.max`` is ``date.max`` (never an overflow).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from ._util import read_json
from .penalty import WEEKENDS_ONLY, WorkCalendar

#: 办法 第二十六条: working days from publication to filing.
FILING_WORKING_DAYS = 20
#: 办法 第二十七条: working days the receiving department has to check the materials.
FILING_CHECK_WORKING_DAYS = 5
#: 办法 第三十五条 (and 国办发〔2024〕5号 for government plans [unverified]): years between evaluations.
EVALUATION_YEARS = 3

#: Unit kinds named by 办法 第二十六条 (filing obligation) → Chinese label.
FILING_UNIT_KINDS = {
    "hazardous_goods": "易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位",
    "mine": "矿山",
    "metal_smelting": "金属冶炼",
    "urban_rail": "城市轨道交通运营",
    "construction": "建筑施工",
    "crowded_place": "宾馆、商场、娱乐场所、旅游景区等人员密集场所经营单位",
}
#: Unit kinds named by 办法 第三十五条 (evaluation at least every three years) → Chinese label.
EVALUATION_UNIT_KINDS = {
    "mine": "矿山",
    "metal_smelting": "金属冶炼",
    "construction": "建筑施工",
    "hazardous_goods": "易燃易爆物品、危险化学品等危险物品的生产、经营（带储存设施的）、储存、运输企业",
    "chemical_user": "使用危险化学品达到国家规定数量的化工企业",
    "fireworks": "烟花爆竹生产、批发经营企业",
    "medium_or_larger": "中型规模以上的其他生产经营单位",
}

#: Unit kinds that keep the full set of plans: 办法 第十三条 (综合应急预案: 风险种类多、可能发生多种类型事故),
#: 第十四条 (专项应急预案: 某一种或者多种类型的事故风险) and 第十五条 (现场处置方案: 危险性较大的场所、装置或者设施)
#: [article numbers unverified]. Which unit kinds meet all three conditions is this platform's reading (the units of
#: 第二十六条/第三十五条 handling dangerous goods, mines, smelting, fireworks, and holders of a 重大危险源 under
#: GB 18218), not a list in the 办法 [local rule].
PLAN_SET_UNIT_KINDS = {
    "major_hazard": "构成重大危险源的单位（GB 18218）",
    "hazardous_goods": "危险物品的生产、经营、储存、运输单位",
    "chemical_user": "使用危险化学品达到国家规定数量的化工企业",
    "mine": "矿山",
    "metal_smelting": "金属冶炼",
    "fireworks": "烟花爆竹生产、批发经营企业",
}
#: 办法 第六条: the three kinds of a production unit's plans, in the article's order.
UNIT_PLAN_KINDS = ("comprehensive", "special", "on_site")

#: 办法 第三十六条: situations in which a plan must be revised [wording as commonly quoted, unverified].
REVISION_TRIGGERS = {
    "law_changed": "依据的法律、法规、规章、标准及上位预案中的有关规定发生重大变化的",
    "command_changed": "应急指挥机构及其职责发生调整的",
    "risk_changed": "安全生产面临的风险发生重大变化的",
    "resources_changed": "重要应急资源发生重大变化的",
    "drill_or_response_findings": "在应急演练和事故应急救援中发现需要修订预案的重大问题的",
    "other": "编制单位认为应当修订的其他情况",
}
#: 办法 第三十六条 second paragraph [unverified]: changes of these contents require re-filing.
REFILING_CONTENTS = {
    "command_system": "组织指挥体系与职责",
    "procedures": "应急处置程序",
    "measures": "主要处置措施",
    "response_levels": "应急响应分级",
}
#: 办法 第二十六条: filing materials; ``review_opinion`` only for units that must review (第二十一条).
FILING_MATERIALS = {
    "application_form": "应急预案备案申报表",
    "review_opinion": "应急预案评审意见",
    "electronic_copy": "应急预案电子文档",
    "risk_and_resources": "风险评估结果和应急资源调查清单",
}


def _check_date(value: object, what: str) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{what} must be a date, not {value!r}")
    return value


def _unit_kinds(kinds: Iterable[str], known: dict[str, str]) -> set[str]:
    if isinstance(kinds, str):
        kinds = [kinds]
    result = set(kinds)
    unknown = result - set(known) - set(FILING_UNIT_KINDS) - set(EVALUATION_UNIT_KINDS) - set(PLAN_SET_UNIT_KINDS)
    if unknown:
        raise ValueError(f"Unknown unit kinds {sorted(unknown)}")
    return result


def _add_working_days(start: date, days: int, calendar: WorkCalendar) -> date:
    day, left = start, days
    while left:
        if day == date.max:
            return date.max
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def filing_deadline(published_on: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """办法 第二十六条: the last day to file a plan, 20 working days after its publication (公布之日不计)."""
    return _add_working_days(_check_date(published_on, "published_on"), FILING_WORKING_DAYS, calendar)


def filing_check_deadline(received_on: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """办法 第二十七条: the last day for the receiving department to check filing materials (5 working days)."""
    return _add_working_days(_check_date(received_on, "received_on"), FILING_CHECK_WORKING_DAYS, calendar)


def filing_required(unit_kinds: Iterable[str]) -> bool:
    """办法 第二十六条: True when any of the unit's kinds is one the article obliges to file."""
    return bool(_unit_kinds(unit_kinds, FILING_UNIT_KINDS) & set(FILING_UNIT_KINDS))


def evaluation_required(unit_kinds: Iterable[str]) -> bool:
    """办法 第三十五条: True when the unit must evaluate its plans at least every three years."""
    return bool(_unit_kinds(unit_kinds, EVALUATION_UNIT_KINDS) & set(EVALUATION_UNIT_KINDS))


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years (29 February → 28 February), clamped to ``date.max``; the 办法 第三十五条 "每三年"
    period counted from the last evaluation or publication."""
    _check_date(day, "day")
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise ValueError(f"years must be a whole number ≥ 0, not {years!r}")
    year = day.year + years
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def evaluation_due(last_evaluated_or_published_on: date, years: int = EVALUATION_YEARS) -> date:
    """办法 第三十五条: the next evaluation is due three years after the last one (or after publication when the
    plan has not been evaluated yet)."""
    return add_years(_check_date(last_evaluated_or_published_on, "last_evaluated_or_published_on"), years)


def days_overdue(due: date, today: date) -> int:
    """Days past ``due`` on ``today`` (0 when not yet due); for the 办法 第二十六条 / 第三十五条 deadlines."""
    _check_date(due, "due")
    _check_date(today, "today")
    return max(0, (today - due).days)


def revision_required(triggers: Iterable[str]) -> bool:
    """办法 第三十六条: True when any listed trigger (keys of :data:`REVISION_TRIGGERS`) applies."""
    triggers = set([triggers] if isinstance(triggers, str) else triggers)
    unknown = triggers - set(REVISION_TRIGGERS)
    if unknown:
        raise ValueError(f"Unknown revision triggers {sorted(unknown)}")
    return bool(triggers)


def refiling_required(changed_contents: Iterable[str]) -> bool:
    """办法 第三十六条 second paragraph: a revision changing the command system, procedures, main measures or
    response levels is re-filed (keys of :data:`REFILING_CONTENTS`)."""
    changed = set([changed_contents] if isinstance(changed_contents, str) else changed_contents)
    unknown = changed - set(REFILING_CONTENTS)
    if unknown:
        raise ValueError(f"Unknown plan contents {sorted(unknown)}")
    return bool(changed)


def missing_filing_materials(provided: Iterable[str], *, review_required: bool = True) -> list[str]:
    """办法 第二十六条 / 第二十七条 completeness check: the materials still missing, in the article's order (told
    all at once); the review opinion is only asked of units that must hold a review (第二十一条)."""
    provided = set([provided] if isinstance(provided, str) else provided)
    unknown = provided - set(FILING_MATERIALS)
    if unknown:
        raise ValueError(f"Unknown filing materials {sorted(unknown)}")
    needed = [key for key in FILING_MATERIALS if review_required or key != "review_opinion"]
    return [key for key in needed if key not in provided]


def next_evaluation_due(last_evaluated_or_published_on: date, unit_kinds: Iterable[str] = (), *,
                        government: bool = False) -> date | None:
    """The date the next periodic evaluation is due, or None when no rule sets one.

    - 办法 第三十五条: the unit kinds it names (:data:`EVALUATION_UNIT_KINDS`) evaluate at least every three years,
      counted from the last evaluation or, before the first, from publication;
    - government and department plans (``government=True``): 《突发事件应急预案管理办法》 (国办发〔2024〕5号) sets the
      same three-year period [article number unverified];
    - other production units: the 办法 sets no period (None).
    """
    if government or evaluation_required(unit_kinds):
        return evaluation_due(last_evaluated_or_published_on)
    _check_date(last_evaluated_or_published_on, "last_evaluated_or_published_on")
    return None


def required_plan_kinds(unit_kinds: Iterable[str]) -> tuple[str, ...]:
    """The plan kinds a production unit must keep (keys of :data:`UNIT_PLAN_KINDS`): all three (办法 第六条,
    第十三条 to 第十五条) for the unit kinds of :data:`PLAN_SET_UNIT_KINDS`; none otherwise (the 办法 then leaves
    the set to the unit's own risk assessment, and the coverage check lists no gap)."""
    if _unit_kinds(unit_kinds, PLAN_SET_UNIT_KINDS) & set(PLAN_SET_UNIT_KINDS):
        return UNIT_PLAN_KINDS
    return ()


_CHECKLIST: dict | None = None


def filing_checklist_data() -> dict:
    """The completeness checklist data file (办法 第二十六条 materials, GB/T 29639-2020 contents), read once."""
    global _CHECKLIST
    if _CHECKLIST is None:
        _CHECKLIST = read_json("plan_filing_checklist.json")
    return _CHECKLIST


def filing_checklist(plan_kind: str, *, review_required: bool = True) -> list[dict]:
    """The items a filing of a ``plan_kind`` plan (a key of :data:`UNIT_PLAN_KINDS`) is checked against: the
    办法 第二十六条 materials (the review opinion only where 第二十一条 asks for a review), the contents GB/T
    29639-2020 asks of that kind (第6/7/8章) and the annexes (第9章). Each item: ``{"key": "materials.…" |
    "contents.…" | "annex.…", "label", "basis", "verified"}``."""
    data = filing_checklist_data()
    if plan_kind not in data["contents"] or plan_kind == "annex":
        raise ValueError(f"Unknown plan kind {plan_kind!r}; kinds: {', '.join(UNIT_PLAN_KINDS)}")
    items = [{**m, "key": f"materials.{m['key']}"} for m in data["materials"]
             if review_required or not m.get("review_only")]
    items += [{**c, "key": f"contents.{c['key']}"} for c in data["contents"][plan_kind]]
    items += [{**a, "key": f"annex.{a['key']}"} for a in data["contents"]["annex"]]
    return [{k: item[k] for k in ("key", "label", "basis", "verified")} for item in items]


def missing_checklist_items(provided: Iterable[str], plan_kind: str, *, review_required: bool = True) -> list[str]:
    """办法 第二十七条 completeness check against :func:`filing_checklist`: the keys still missing, in the
    checklist's order (the refusal tells all of them at once). Unknown keys raise ValueError."""
    provided = set([provided] if isinstance(provided, str) else provided)
    items = [item["key"] for item in filing_checklist(plan_kind, review_required=review_required)]
    all_keys = {item["key"] for item in filing_checklist(plan_kind, review_required=True)}
    unknown = provided - all_keys
    if unknown:
        raise ValueError(f"Unknown checklist items {sorted(unknown)}")
    return [key for key in items if key not in provided]
