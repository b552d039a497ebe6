"""Enforcement statistics (issue 14 §7): the year's inspections, enterprises covered, hazards found and rectified
from inspections, documents issued by kind, cases opened and closed, fines decided and collected — in total and by
month, township, industry and officer.

:func:`summary` is the one entry point (the page, the API, the export and, later, the annual statistics read it).
Every figure comes from aggregate queries over querysets already cut to the user's scope
(``Model.objects.for_user``): a fixed number of queries whatever the number of records. The pure helpers below
(:func:`merge_groups`, :func:`totals_of`, :func:`rate`) shape those grouped counts into rows and never touch the
database.

What each figure counts is :data:`FIGURES` (shown on the page and in the API's schema). Month is the local month of
the figure's own date; township and industry are those of the record (its enterprise's industry division).
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, DateTimeField, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from yingji.core import periods, policy
from yingji.core.choices import RegionLevel
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Region
from yingji.enterprises import industries
from yingji.prevention.choices import HazardState
from yingji.standards import gb2260

from ..choices import CaseState, DocumentKind, InspectionState, PlanState
from ..models import EnforcementDocument, Inspection, Officer, PenaltyCase, PlanItem

DIMENSIONS = ("month", "township", "industry", "officer")
MONTHS = tuple(range(1, 13))
TOWNSHIP_CODE_LENGTH = 9
MIN_YEAR, MAX_YEAR = 2000, 2100

#: Every figure and what it counts (the page's legend and the API schema's descriptions).
FIGURES = {
    "plan_visits": "visits planned in the year's approved or published annual inspection plans (the most local plan "
                   "of an enterprise counts); not broken down by officer",
    "inspections_planned": "inspections scheduled in the year (planned date), cancelled ones excluded",
    "inspections_done": "inspections recorded or closed, finished in the year (as the annual plan's done counts)",
    "enterprises_covered": "distinct enterprises with an inspection done in the year",
    "hazards_found": "distinct hazards raised from the findings of the inspections done in the year",
    "hazards_rectified": "of those hazards, rectified or further on (rectified, verified or closed) now",
    "documents": "enforcement documents issued in the year (all kinds)",
    "cases_opened": "penalty cases filed (立案) in the year",
    "cases_closed": "penalty cases closed (结案) in the year",
    "fines_decided": "fines of the penalty decisions made in the year, CNY (revoked decisions excluded)",
    "fines_collected": "fines paid in the year, CNY",
}
COUNTS = ("plan_visits", "inspections_planned", "inspections_done", "enterprises_covered", "hazards_found",
          "hazards_rectified", "documents", "cases_opened", "cases_closed")
AMOUNTS = ("fines_decided", "fines_collected")
RECTIFIED_OR_LATER = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)
DONE_STATES = (InspectionState.RECORDED, InspectionState.CLOSED)
PLAN_STATES = (PlanState.APPROVED, PlanState.PUBLISHED)


# --- pure helpers: grouped counts to rows ------------------------------------------------------------------------


def empty_figures() -> dict:
    return {**dict.fromkeys(COUNTS, 0), **{name: Decimal(0) for name in AMOUNTS}}


def merge_groups(groups: Iterable[Mapping], keys: Iterable = ()) -> dict:
    """Merge grouped figures into one row per key: each item of ``groups`` maps a key to ``{figure: value}``
    (one aggregate query's result); ``keys`` are keys to show even when nothing was counted (the twelve months).
    Missing figures are 0; a ``None`` value (an empty sum) counts as 0."""
    rows: dict = {key: empty_figures() for key in keys}
    for group in groups:
        for key, figures in group.items():
            row = rows.setdefault(key, empty_figures())
            for name, value in figures.items():
                row[name] += value or 0
    return rows


def totals_of(rows: Iterable[Mapping]) -> dict:
    """Column sums of figure rows."""
    total = empty_figures()
    for row in rows:
        for name in total:
            total[name] += row.get(name) or 0
    return total


def rate(part, whole) -> float | None:
    """``part / whole`` rounded to four places, None when nothing was expected."""
    return round(part / whole, 4) if whole else None


# --- parameters --------------------------------------------------------------------------------------------------


def may_view(user) -> bool:
    """Staff who may read every record the figures count (inspections, documents, cases, plans): the bureau and
    townships, never an enterprise account (nor a village grid member, who reads no enforcement documents)."""
    return bool(user is not None and user.is_authenticated and not user.enterprise_id
                and all(policy.can(user, "view", model)
                        for model in (Inspection, EnforcementDocument, PenaltyCase, PlanItem)))


def check_access(user) -> None:
    if not may_view(user):
        raise NotAllowed()


def clean_filters(year, township: str | None = None, industry: str | None = None, officer=None) -> dict:
    """The validated parameters (422 with field errors otherwise)."""
    errors: dict[str, str] = {}
    try:
        year = int(year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = f"A year between {MIN_YEAR} and {MAX_YEAR}"
    township = (township or "").strip() or None
    if township and not Region.objects.filter(code=township, level=RegionLevel.TOWNSHIP).exists():
        errors["township"] = f"No township has code {township}"
    industry = (industry or "").strip() or None
    if industry and industry not in dict(industries.division_choices()):
        errors["industry"] = f"Unknown industry division {industry}"
    officer_id = None
    if officer not in (None, ""):
        try:
            officer_id = int(officer)
        except (TypeError, ValueError):
            errors["officer"] = "An officer id"
        else:
            if not Officer.objects.filter(pk=officer_id).exists():
                errors["officer"] = f"No officer has id {officer_id}"
    if errors:
        raise ValidationFailed.from_dict(errors)
    return {"year": year, "township": township, "industry": industry, "officer": officer_id}


# --- the aggregate queries -----------------------------------------------------------------------------------------


def _key(dimension: str, officer_path: str | None):
    """The grouping of a dimension other than the month (:func:`_by_month`)."""
    if dimension == "township":
        return Substr("region_code", 1, TOWNSHIP_CODE_LENGTH)
    if dimension == "industry":
        return F("enterprise__industry_division")
    if dimension == "officer":
        return F(officer_path)
    raise ValueError(dimension)


def _narrowed(qs, f: dict, officer_path: str | None = None):
    """``qs`` cut to the filters' township, area (a county of a city), industry and, with ``officer_path``, officer."""
    if f["township"]:
        qs = qs.filter(region_code__startswith=f["township"])
    if f.get("area"):
        qs = qs.filter(region_code__startswith=gb2260.prefix(f["area"]))
    if f["industry"]:
        qs = qs.filter(enterprise__industry_division=f["industry"])
    if officer_path and f["officer"]:
        qs = qs.filter(**{officer_path: f["officer"]})
    return qs


class _Source(NamedTuple):
    """A group of figures: the scoped records (``qs``) of a ``family`` of figures, the condition ``when`` a record
    counts (its date in the period, and any condition of the figure's own), the date the month or year of a record
    is taken from, the path to its officers, and the ``aggregates`` given a condition to count under."""
    family: str
    qs: QuerySet
    when: Q
    date_field: str
    officer_path: str
    aggregates: Callable[[Q | None], dict]

    @property
    def records(self) -> QuerySet:
        return self.qs.filter(self.when)


def _sources(user, f: dict) -> list[_Source]:
    """Each group of figures, in the year (in the years ``f["year"]`` to ``f["last_year"]`` when that is given)."""
    year, last_year = f["year"], f.get("last_year") or f["year"]
    start, end = periods.year_bounds(range(year, last_year + 1))
    first, last = datetime.date(year, 1, 1), datetime.date(last_year, 12, 31)

    def scoped(model, officer_path):
        return _narrowed(model.objects.for_user(user).order_by(), f, officer_path)

    officers, documents_officer = "officers", "issued_by__officer"
    inspections, documents, cases = (scoped(Inspection, officers), scoped(EnforcementDocument, documents_officer),
                                     scoped(PenaltyCase, officers))
    done = Q(state__in=DONE_STATES, finished_at__gte=start, finished_at__lt=end)
    return [
        _Source("inspections", inspections, Q(planned_on__range=(first, last)) & ~Q(state=InspectionState.CANCELLED),
                "planned_on", officers, lambda q: {"inspections_planned": Count("id", distinct=True, filter=q)}),
        _Source("inspections", inspections, done, "finished_at", officers, lambda q: {
            "inspections_done": Count("id", distinct=True, filter=q),
            "enterprises_covered": Count("enterprise", distinct=True, filter=q)}),
        _Source("documents", documents, Q(issued_at__gte=start, issued_at__lt=end), "issued_at", documents_officer,
                lambda q: {"documents": Count("id", distinct=True, filter=q)}),
        _Source("cases", cases, Q(filed_on__range=(first, last)), "filed_on", officers,
                lambda q: {"cases_opened": Count("id", distinct=True, filter=q)}),
        _Source("cases", cases, Q(closed_on__range=(first, last)), "closed_on", officers,
                lambda q: {"cases_closed": Count("id", distinct=True, filter=q)}),
        _Source("cases", cases, Q(decided_on__range=(first, last)) & ~Q(state=CaseState.REVOKED), "decided_on",
                officers, lambda q: {"fines_decided": Sum("fine", filter=q)}),
        _Source("cases", cases, Q(paid_on__range=(first, last)), "paid_on", officers,
                lambda q: {"fines_collected": Sum("amount_paid", filter=q)}),
        # The hazards the done inspections found, apart: joined with every finding, the inspections' own counts
        # went over thirty findings a row (a few of which name a hazard) with four distinct counts.
        _Source("hazards", inspections.filter(findings__hazard__isnull=False), done, "finished_at", officers,
                lambda q: {"hazards_found": Count("findings__hazard", distinct=True),
                           "hazards_rectified": Count("findings__hazard", distinct=True,
                                                      filter=Q(findings__hazard__state__in=RECTIFIED_OR_LATER))}),
    ]


def _by_family(sources: list[_Source]) -> list[tuple[str, QuerySet, dict]]:
    """(family, records, aggregates) of one query per family for the groupings that take no date (the totals, township,
    industry, officer): the records meeting any of the family's conditions, each figure counted under its own (the
    four figures of the penalty cases were four queries of each grouping, each of its own date)."""
    families: dict[str, list[_Source]] = {}
    for source in sources:
        families.setdefault(source.family, []).append(source)
    out = []
    for family, members in families.items():
        if len(members) == 1:
            out.append((family, members[0].records, members[0].aggregates(None)))
            continue
        aggregates: dict = {}
        for member in members:
            aggregates.update(member.aggregates(member.when))
        out.append((family, members[0].qs.filter(functools.reduce(operator.or_, (m.when for m in members))),
                    aggregates))
    return out


def _grouped(qs, key, aggregates: dict) -> dict:
    """One aggregate query: ``{key: {figure: value}}``."""
    rows = qs.annotate(group_key=key).values("group_key").annotate(**aggregates)
    return {r["group_key"]: {name: r[name] for name in aggregates} for r in rows}


def _by_month(qs, date_field: str, aggregates: dict, year: int) -> dict:
    """``{month: {figure: value}}`` of the year's months that counted anything, in one grouped query: the month
    is a CASE over each month's bounds in the county's time zone (plain comparisons of the column), each figure
    computed once per group. The same answer as grouping by ``ExtractMonth``, which SQLite computes by calling back
    into Python for every row; and a twelfth of the distinct counts of one conditional aggregate per figure and
    month (20 ms of the page). Months without a record are left to ``merge_groups``."""
    dates = not isinstance(qs.model._meta.get_field(date_field), DateTimeField)
    within = qs.filter(**periods.in_years(date_field, year, dates))
    return _grouped(within, periods.by_month(date_field, year, dates), aggregates)


def _plan_groups(user, f: dict) -> dict[str, dict]:
    """Planned visits by month, township and industry (one query over the year's plan items). An enterprise in a
    county plan and a township plan counts once, from the more local plan."""
    if f["officer"]:
        return {}
    groups: dict[str, dict] = {"month": {}, "township": {}, "industry": {}}
    for _region, township, industry, months in _chosen_plan_items(user, f, range(f["year"], f["year"] + 1))[
            f["year"]].values():
        for key, dimension in ((township, "township"), (industry, "industry")):
            slot = groups[dimension].setdefault(key, {"plan_visits": 0})
            slot["plan_visits"] += len(months)
        for month in months:
            slot = groups["month"].setdefault(month, {"plan_visits": 0})
            slot["plan_visits"] += 1
    return groups


def _chosen_plan_items(user, f: dict, years: range) -> dict[int, dict[int, tuple]]:
    """``{year: {enterprise id: (plan's region, township, industry, months)}}`` of the years' approved or published
    plans in one query: of an enterprise in a county plan and a township plan, the more local plan's item."""
    qs = _narrowed(PlanItem.objects.for_user(user).order_by().filter(plan__year__in=list(years),
                                                                     plan__state__in=PLAN_STATES), f)
    chosen: dict[int, dict[int, tuple]] = {year: {} for year in years}
    for year, enterprise_id, plan_region, township, industry, key_months, random_months in qs.values_list(
            "plan__year", "enterprise_id", "plan__region_code", "township_code", "enterprise__industry_division",
            "key_months", "random_months"):
        current = chosen[year].get(enterprise_id)
        if current is None or len(plan_region) > len(current[0]):
            chosen[year][enterprise_id] = (plan_region, township, industry, [*key_months, *random_months])
    return chosen


def _labels(dimension: str, keys) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if dimension == "month":
        return {m: gettext("Month %(month)s") % {"month": m} for m in keys}
    if dimension == "township":
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if dimension == "industry":
        return {k: industries.label(k) for k in keys}
    return dict(Officer.objects.filter(pk__in=keys).values_list("pk", "name"))


def _rows(dimension: str, merged: dict) -> list[dict]:
    labels = _labels(dimension, merged.keys())
    rows = []
    for key, figures in merged.items():
        label = labels.get(key) or (str(key) if key not in (None, "") else gettext("Unclassified"))
        rows.append({"key": "" if key is None else str(key), "label": label, **figures,
                     "done_rate": rate(figures["inspections_done"], figures["plan_visits"]),
                     "rectified_rate": rate(figures["hazards_rectified"], figures["hazards_found"])})
    if dimension == "month":
        rows.sort(key=lambda r: int(r["key"]))
    elif dimension == "officer":
        rows.sort(key=lambda r: (-r["inspections_done"], r["label"]))
    else:
        rows.sort(key=lambda r: (r["key"] == "", r["key"]))
    return rows


def summary(user, year, **filters) -> dict:
    """The year's enforcement figures inside ``user``'s scope, optionally for one ``township`` (code),
    ``industry`` (division code) or ``officer`` (officer id): ``totals``, ``documents_by_kind`` and one row list per
    dimension (``by_month``, ``by_township``, ``by_industry``, ``by_officer``). Raises NotAllowed for enterprise
    accounts and ValidationFailed for bad parameters."""
    check_access(user)
    f = clean_filters(year, **filters)
    sources = _sources(user, f)
    plan = _plan_groups(user, f)
    families = _by_family(sources)
    officer_path = {s.family: s.officer_path for s in sources}
    result: dict = {"year": f["year"], "filters": {k: f[k] for k in ("township", "industry", "officer")},
                    "figures": dict(FIGURES), "totals": _totals(families, plan, f)}
    for dimension in DIMENSIONS:
        if dimension == "month":
            groups = [_by_month(s.records, s.date_field, s.aggregates(None), f["year"]) for s in sources]
        else:
            groups = [_grouped(qs, _key(dimension, officer_path[family]), aggregates)
                      for family, qs, aggregates in families]
        groups.append(plan.get(dimension, {}))
        merged = merge_groups(groups, MONTHS if dimension == "month" else ())
        result[f"by_{dimension}"] = _rows(dimension, merged)
    documents = next(s.records for s in sources if s.family == "documents")
    by_kind = dict(documents.values_list("kind").annotate(n=Count("id", distinct=True)).values_list("kind", "n"))
    result["documents_by_kind"] = [{"kind": kind, "label": str(DocumentKind.label(kind)),
                                    "count": by_kind.get(kind, 0)} for kind in DocumentKind.values()]
    return result


def _totals(families: list[tuple[str, QuerySet, dict]], plan: dict, f: dict) -> dict:
    """The figures in total: one aggregate per family of figures (:func:`_by_family`)."""
    planned = sum(v["plan_visits"] for v in plan.get("month", {}).values())
    total = merge_groups([{None: qs.aggregate(**aggregates)} for _family, qs, aggregates in families]
                         + [{None: {"plan_visits": planned}}])[None]
    return _rates(total, f)


def _rates(total: dict, f: dict) -> dict:
    if f["officer"]:
        total["plan_visits"] = 0
    return {**total, "done_rate": rate(total["inspections_done"], total["plan_visits"]),
            "rectified_rate": rate(total["hazards_rectified"], total["hazards_found"])}


def totals(user, year, area: str | None = None, **filters) -> dict:
    """The ``totals`` of :func:`summary` alone (no breakdowns): what the annual statistics read. ``area``: a
    region code (a county of a city, say) the figures are cut to, already checked by the caller."""
    check_access(user)
    f = clean_filters(year, **filters) | {"area": area}
    return _totals(_by_family(_sources(user, f)), _plan_groups(user, f), f)


def totals_by_year(user, years: range, area: str | None = None, **filters) -> dict[int, dict]:
    """:func:`totals` of each of a range of consecutive ``years`` (the annual report's five years), each figure
    group read once for all the years, grouped by year: ``{year: totals}``."""
    check_access(user)
    years = periods.years_of(years)
    f = clean_filters(years[0], **filters) | {"area": area, "last_year": clean_filters(years[-1])["year"]}
    grouped = [_by_year(s.records, s.date_field, s.aggregates(None), years) for s in _sources(user, f)]
    plans = {} if f["officer"] else _chosen_plan_items(user, f, years)
    out = {}
    for year in years:
        planned = sum(len(item[3]) for item in plans.get(year, {}).values())
        out[year] = _rates(merge_groups([{None: group.get(year, {})} for group in grouped]
                                        + [{None: {"plan_visits": planned}}])[None], f)
    return out


def _by_year(qs, date_field: str, aggregates: dict, years: range) -> dict:
    """``{year: {figure: value}}`` of the years that counted anything, in one grouped query (the year a CASE over
    the years' ends in the county's time zone, as :func:`_by_month`'s months)."""
    dates = not isinstance(qs.model._meta.get_field(date_field), DateTimeField)
    return _grouped(qs, periods.by_year(date_field, years, dates), aggregates)


#: What a table shows for a figure not counted in it (see ``counted``).
NOT_COUNTED = "—"


def counted(data: dict, dimension: str | None, name: str) -> bool:
    """Whether figure ``name`` is a figure of ``dimension``'s rows (``None``: the totals) in ``data``. Plans name
    enterprises and months, not officers: planned visits are no figure of an officer's row, nor of the totals of
    one officer (a 0 there read as "nothing planned")."""
    return not (name == "plan_visits" and (dimension == "officer" or data["filters"]["officer"]))


def table(data: dict, dimension: str) -> tuple[list[str], list[list]]:
    """One dimension's rows as a plain table (header, rows) for the export, with a total line."""
    names = (*COUNTS, *AMOUNTS)
    header = [str(DIMENSION_LABELS[dimension]), *[str(FIGURE_LABELS[name]) for name in names]]

    def cells(row, of):
        return [row[name] if counted(data, of, name) else NOT_COUNTED for name in names]

    rows = [[row["label"], *cells(row, dimension)] for row in data[f"by_{dimension}"]]
    rows.append([gettext("Total"), *cells(data["totals"], None)])
    return header, rows

DIMENSION_LABELS = {"month": gettext_lazy("Month"), "township": pgettext_lazy("plan", "Township"),
                    "industry": gettext_lazy("Industry"), "officer": gettext_lazy("Officer")}
FIGURE_LABELS = {
    "plan_visits": gettext_lazy("Planned visits"),
    "inspections_planned": gettext_lazy("Inspections scheduled"),
    "inspections_done": gettext_lazy("Inspections done"),
    "enterprises_covered": gettext_lazy("Enterprises covered"),
    "hazards_found": gettext_lazy("Hazards found"),
    "hazards_rectified": gettext_lazy("Hazards rectified"),
    "documents": gettext_lazy("Documents issued"),
    "cases_opened": gettext_lazy("Cases opened"),
    "cases_closed": gettext_lazy("Cases closed"),
    "fines_decided": gettext_lazy("Fines decided (CNY)"),
    "fines_collected": gettext_lazy("Fines collected (CNY)"),
}
