"""The annual figures of a jurisdiction (``GET /api/v1/statistics/annual``, the annual report page and its exports).

Every figure is read from the records with the definition of the list or statistics page it summarises, through
that area's own query (scoped to the user with ``for_user``), so each equals the count of its list:

- ``teams``: the rescue teams on record in the region (the team list; the platform keeps no founding dates, so
  the figure is the present one for every year) and the sum of their headcounts.
- ``drills``: drills held in the year (the drill statistics' query), by form (``by_kind``) and organiser level.
- ``training``: training sessions starting in the year; distinct people who attended, by kind of attendee (the
  training statistics' table).
- ``publicity``: activities held in the year, their participants and materials handed out.
- ``inspections``: visits planned in the year's approved annual inspection plans, inspections done (recorded or
  closed) in the year and inspections scheduled in the year (the enforcement statistics).
- ``hazards``: hazards found in the year, of those closed, major and overdue now (the hazard statistics' cohort).
- ``enforcement``: penalty cases filed in the year, fines decided in the year (CNY, revoked decisions excluded).
- ``incidents``: incidents that occurred in the year and their deaths; ``by_grade`` counts the work-safety
  accidents only, and ``by_scheme`` gives count, deaths and grades per grading scheme (work_safety,
  natural_disaster, public_health, social_security): a disaster's 一般 and an accident's 一般事故 are not the same
  grade, so they are never added together.
- ``warnings``: warnings published (ever published: in force, updated, cancelled or expired) taking effect in the
  year, the people they reached (one per warning and person, superiors' notices excluded) and of those who
  confirmed (the warning's confirmation page).
- ``alarms``: alarms raised in the year, by level.
- ``shelters``: the shelters on record and their capacity (present figures, as teams).

A section the user's roles may not read (enforcement for a village grid member) is ``null``. Enforcement is not
broken down below townships: for a village those two sections are ``null`` too.
"""

from __future__ import annotations

import functools
from collections import Counter

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext

from yingji.core import periods, policy
from yingji.core.choices import RegionLevel
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Region
from yingji.enforcement.services import statistics as enforcement_statistics
from yingji.incidents import grading
from yingji.incidents.models import Incident
from yingji.monitoring.models import Alarm
from yingji.preparedness import statistics as preparedness_statistics
from yingji.preparedness import statistics_sections
from yingji.preparedness.models.publicity import PublicityActivity
from yingji.preparedness.training_choices import AttendeeKind
from yingji.prevention import stats as hazard_stats
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard
from yingji.resources.models import Shelter, Team
from yingji.standards import disasters, gb2260
from yingji.warnings.choices import WarningState
from yingji.warnings.models import Delivery, Warning  # noqa: A004

TOWNSHIP = 9
#: The warning states of a message that was published at some time.
EVER_PUBLISHED = (WarningState.PUBLISHED, WarningState.UPDATED, WarningState.CANCELLED, WarningState.EXPIRED)
SECTIONS = ("teams", "drills", "training", "publicity", "inspections", "hazards", "enforcement", "incidents",
            "warnings", "alarms", "shelters")


def may_view(user) -> bool:
    """The bureau's and townships' and villages' staff; never an enterprise account."""
    return bool(user is not None and user.is_authenticated and not user.enterprise_id and user.scope_region_code)


def check_year(value) -> int:
    return preparedness_statistics.check_year(value)


def check_region(user, value) -> str:
    """The region asked for (default: the user's own jurisdiction), a region inside the user's jurisdiction;
    unknown and out of scope answer alike (a 422 naming ``region``)."""
    if value in (None, ""):
        return user.scope_region_code
    code = str(value).strip()
    if not code.isdigit() or not Region.objects.filter(policy.scope_q(user, Region), code=code).exists():
        raise ValidationFailed.from_dict({"region": [gettext("Choose a township or village of your jurisdiction")]})
    return code


def _per_year(section):
    """A section's figures: for one ``year`` (an int), that year's; for a range of consecutive years, ``{year:
    figures}``, read together and grouped by year."""

    @functools.wraps(section)
    def figures_of(user, year, region: str):
        if isinstance(year, range):
            return section(user, year, region)
        return section(user, range(year, year + 1), region)[year]

    return figures_of


def _in(qs, region: str, field: str = "region_code"):
    return qs.filter(**{f"{field}__startswith": gb2260.prefix(region)})


@_per_year
def teams(user, years: range, region: str) -> dict[int, dict]:
    row = _in(Team.objects.for_user(user), region).order_by().aggregate(count=Count("id"), headcount=Sum("headcount"))
    return {y: {"count": row["count"], "headcount": row["headcount"] or 0} for y in years}


@_per_year
def drills(user, years: range, region: str) -> dict[int, dict]:
    rows = statistics_sections.drill_queryset(user, years, region).order_by().annotate(
        year=periods.by_year("date", years, dates=True)).values("year", "kind", "organiser_level").annotate(
        n=Count("id"), people=Sum("participants"))
    kinds, levels = {y: Counter() for y in years}, {y: Counter() for y in years}
    participants = dict.fromkeys(years, 0)
    for row in rows:
        kinds[row["year"]][row["kind"]] += row["n"]
        levels[row["year"]][row["organiser_level"]] += row["n"]
        participants[row["year"]] += row["people"] or 0
    return {y: {"count": sum(kinds[y].values()), "by_kind": dict(sorted(kinds[y].items())),
                "by_level": dict(sorted(levels[y].items())), "participants": participants[y]} for y in years}


@_per_year
def training(user, years: range, region: str) -> dict[int, dict]:
    sessions = dict(statistics_sections.session_queryset(user, years, region).order_by().annotate(
        year=periods.by_year("start_date", years, dates=True)).values_list("year").annotate(n=Count("id")))
    attended = statistics_sections.attendance_queryset(user, years, region).order_by().annotate(
        year=periods.by_year("session__start_date", years, dates=True)).values_list(
        "year", "kind", "trainee_id", "user_id")
    people: dict[int, dict[str, set]] = {y: {kind: set() for kind in AttendeeKind.values()} for y in years}
    for year, kind, trainee_id, user_id in attended:
        people[year].setdefault(kind, set()).add(("t", trainee_id) if trainee_id else ("u", user_id))
    return {y: {"sessions": sessions.get(y, 0), "trainees_by_kind": {k: len(found) for k, found in people[y].items()},
                "trainees": len(set().union(*people[y].values()))} for y in years}


@_per_year
def publicity(user, years: range, region: str) -> dict[int, dict]:
    rows = {row["year"]: row for row in _in(PublicityActivity.objects.for_user(user).filter(
        **periods.in_years("held_on", years, dates=True)), region).order_by().annotate(
        year=periods.by_year("held_on", years, dates=True)).values("year").annotate(
        events=Count("id"), participants=Sum("participants"), materials=Sum("materials_count"))}
    return {y: {"events": rows[y]["events"], "participants": rows[y]["participants"] or 0,
                "materials": rows[y]["materials"] or 0} if y in rows
            else {"events": 0, "participants": 0, "materials": 0} for y in years}


def _enforcement_totals(user, years: range, region: str) -> dict[int, dict] | None:
    if not enforcement_statistics.may_view(user) or len(region) > TOWNSHIP:
        return None
    if len(region) == TOWNSHIP:
        return enforcement_statistics.totals_by_year(user, years, township=region)
    return enforcement_statistics.totals_by_year(user, years, area=region)


def inspections(user, years: range, region: str, totals: dict | None) -> dict[int, dict | None]:
    if totals is None:
        return dict.fromkeys(years)
    return {y: {"planned": t["plan_visits"], "done": t["inspections_done"], "scheduled": t["inspections_planned"]}
            for y, t in totals.items()}


def enforcement(user, years: range, region: str, totals: dict | None) -> dict[int, dict | None]:
    if totals is None:
        return dict.fromkeys(years)
    return {y: {"cases": t["cases_opened"], "fines_yuan": int(t["fines_decided"] or 0)} for y, t in totals.items()}


@_per_year
def hazards(user, years: range, region: str) -> dict[int, dict]:
    """The hazard statistics' cohort of each year (found in it), with the figures as that page counts them
    (``prevention.stats.hazard_statistics``: closed, major, overdue now), in one query grouped by year."""
    rows = {row["year"]: row for row in _in(Hazard.objects.for_user(user), region).filter(
        **periods.in_years("found_at", years)).order_by().annotate(
        year=periods.by_year("found_at", years)).values("year").annotate(
        found=Count("id"), closed=Count("id", filter=Q(state=HazardState.CLOSED)),
        major=Count("id", filter=Q(level="major")), overdue=Count("id", filter=hazard_stats.overdue_q()))}
    return {y: {key: rows[y][key] if y in rows else 0 for key in ("found", "closed", "major", "overdue")}
            for y in years}


@_per_year
def incidents(user, years: range, region: str) -> dict[int, dict]:
    rows = _in(Incident.objects.for_user(user), region).filter(
        **periods.in_years("occurred_at", years)).order_by().annotate(
        year=periods.by_year("occurred_at", years)).values("year", "category", "grade").annotate(
        n=Count("id"), deaths=Sum("deaths"))
    by_scheme = {y: {scheme: {"count": 0, "deaths": 0, "by_grade": Counter()} for scheme in disasters.SCHEMES}
                 for y in years}
    for row in rows:
        bucket = by_scheme[row["year"]][grading.scheme(row["category"])]
        bucket["count"] += row["n"]
        bucket["deaths"] += row["deaths"] or 0
        bucket["by_grade"][row["grade"]] += row["n"]
    out = {}
    for year, schemes in by_scheme.items():
        for bucket in schemes.values():
            bucket["by_grade"] = dict(sorted(bucket["by_grade"].items()))
        out[year] = {"count": sum(b["count"] for b in schemes.values()),
                     "deaths": sum(b["deaths"] for b in schemes.values()),
                     "by_grade": dict(schemes["work_safety"]["by_grade"]), "by_scheme": schemes}
    return out


@_per_year
def warnings(user, years: range, region: str) -> dict[int, dict]:
    """The people reached are distinct (warning, person) pairs: counted per warning (a warning's year is its
    taking effect) and added up."""
    published = _in(Warning.objects.for_user(user), region).filter(
        state__in=EVER_PUBLISHED, **periods.in_years("effective", years)).order_by()
    year_of = dict(published.annotate(year=periods.by_year("effective", years)).values_list("pk", "year"))
    out = {y: {"published": 0, "recipients": 0, "confirmed": 0} for y in years}
    for year in year_of.values():
        out[year]["published"] += 1
    reached = Delivery.objects.filter(warning__in=published.values("pk"), about__isnull=True).order_by().values(
        "warning_id").annotate(people=Count("person", distinct=True),
                               confirmed=Count("person", distinct=True, filter=Q(acknowledged_at__isnull=False)))
    for row in reached:
        year = out[year_of[row["warning_id"]]]
        year["recipients"] += row["people"]
        year["confirmed"] += row["confirmed"]
    return out


@_per_year
def alarms(user, years: range, region: str) -> dict[int, dict]:
    rows = _in(Alarm.objects.for_user(user), region).filter(
        **periods.in_years("raised_at", years)).order_by().annotate(
        year=periods.by_year("raised_at", years)).values_list("year", "level").annotate(n=Count("id"))
    levels = {y: Counter() for y in years}
    for year, level, n in rows:
        levels[year][level] += n
    return {y: {"count": sum(levels[y].values()), "by_level": dict(sorted(levels[y].items()))} for y in years}


@_per_year
def shelters(user, years: range, region: str) -> dict[int, dict]:
    row = _in(Shelter.objects.for_user(user), region).order_by().aggregate(count=Count("id"),
                                                                         capacity=Sum("capacity"))
    return {y: {"count": row["count"], "capacity": row["capacity"] or 0} for y in years}


def figures_by_year(user, years: range, region: str, sections=SECTIONS) -> dict[int, dict]:
    """The ``sections`` (default every one) of each of a range of consecutive ``years``, for an already checked
    region: ``{year: {section: {...}}}``. Each section is read once for all the years and grouped by year (the
    annual report's five years: about a fifth of the queries of a year at a time); a year's figures are the same
    as asked alone."""
    years = periods.years_of(years)
    totals = (_enforcement_totals(user, years, region)
              if {"inspections", "enforcement"} & set(sections) else None)
    build = {"teams": teams, "drills": drills, "training": training, "publicity": publicity, "hazards": hazards,
             "incidents": incidents, "warnings": warnings, "alarms": alarms, "shelters": shelters,
             "inspections": lambda u, y, r: inspections(u, y, r, totals),
             "enforcement": lambda u, y, r: enforcement(u, y, r, totals)}
    by_section = {key: build[key](user, years, region) for key in sections}
    return {year: {key: by_section[key][year] for key in sections} for year in years}


def figures(user, year: int, region: str, sections=SECTIONS) -> dict:
    """The ``sections`` (default every one) for an already checked year and region."""
    return figures_by_year(user, range(year, year + 1), region, sections)[year]


def _by_code(qs, value=None) -> dict[str, int]:
    """``{region code: count (or the sum of ``value``)}`` of a queryset, grouped in the database."""
    rows = qs.order_by().values_list("region_code").annotate(n=Sum(value) if value else Count("id"))
    return {code: n or 0 for code, n in rows}


def _trainees_by_code(user, year: int, region: str) -> dict[str, set]:
    """The distinct people trained in the year by the code of their place (an enterprise's person where the
    enterprise is, others where the session was held: ``attendance_queryset``'s rule)."""
    people: dict[str, set] = {}
    for enterprise_id, enterprise_code, session_code, trainee_id, user_id in \
            statistics_sections.attendance_queryset(user, year, region).order_by().values_list(
                "enterprise_id", "enterprise__region_code", "session__region_code", "trainee_id", "user_id"):
        code = enterprise_code if enterprise_id is not None else session_code
        people.setdefault(code, set()).add(("t", trainee_id) if trainee_id else ("u", user_id))
    return people


def area_figures(user, year: int, region: str, places: list[str], indicators) -> tuple[dict, dict]:
    """The ``indicators`` (of ``TOWNSHIP_INDICATORS``' kind: counts and sums that add up over areas, and the
    distinct trainees) for each of ``places`` (codes below ``region``) and for ``region`` itself: one grouped query
    per figure for all the places together, bucketed by region code here — the same querysets as
    :func:`figures`, so each place's figure is the one :func:`figures` gives for it. Returns ``({place:
    {indicator: value}}, {indicator: total})``."""
    since, until = periods.year_bounds(year)
    grouped: dict[str, dict] = {}
    for indicator in indicators:
        if indicator == "drills.count":
            grouped[indicator] = _by_code(statistics_sections.drill_queryset(user, year, region))
        elif indicator == "training.trainees":
            grouped[indicator] = _trainees_by_code(user, year, region)
        elif indicator == "publicity.events":
            grouped[indicator] = _by_code(_in(PublicityActivity.objects.for_user(user).filter(held_on__year=year),
                                              region))
        elif indicator in ("hazards.found", "hazards.closed"):
            if indicator not in grouped:  # both in one grouped query
                found, closed = {}, {}
                for code, n, m in _in(Hazard.objects.for_user(user), region).filter(
                        found_at__gte=since, found_at__lt=until).order_by().values_list("region_code").annotate(
                        found=Count("id"), closed=Count("id", filter=Q(state=HazardState.CLOSED))):
                    found[code], closed[code] = n, m
                grouped["hazards.found"], grouped["hazards.closed"] = found, closed
        elif indicator == "incidents.count":
            grouped[indicator] = _by_code(_in(Incident.objects.for_user(user), region).filter(
                occurred_at__gte=since, occurred_at__lt=until))
        elif indicator == "warnings.published":
            grouped[indicator] = _by_code(_in(Warning.objects.for_user(user), region).filter(
                state__in=EVER_PUBLISHED, effective__gte=since, effective__lt=until))
        elif indicator == "teams.count":
            grouped[indicator] = _by_code(_in(Team.objects.for_user(user), region))
        elif indicator == "shelters.capacity":
            grouped[indicator] = _by_code(_in(Shelter.objects.for_user(user), region), "capacity")
        else:
            raise ValueError(f"{indicator} is not a figure by area")

    def combine(indicator: str, prefix: str) -> int:
        parts = [v for code, v in grouped[indicator].items() if code.startswith(prefix)]
        return len(set().union(*parts)) if indicator == "training.trainees" else sum(parts)

    by_place = {place: {i: combine(i, gb2260.prefix(place)) for i in indicators} for place in places}
    return by_place, {i: combine(i, gb2260.prefix(region)) for i in indicators}


def check(user, year=None, region=None) -> tuple[int, str]:
    """The year and region asked for, checked. Raises NotAllowed for enterprise accounts, ValidationFailed (422
    naming the field) for a bad year or region."""
    if not may_view(user):
        raise NotAllowed()
    errors = {}
    try:
        year = check_year(year)
    except ValidationFailed as exc:
        errors.update({e["field"]: [e["message"]] for e in exc.errors})
    try:
        region = check_region(user, region)
    except ValidationFailed as exc:
        errors.update({e["field"]: [e["message"]] for e in exc.errors})
    if errors:
        raise ValidationFailed.from_dict(errors)
    return year, region


def answer(year: int, region: str, figures_of_year: dict) -> dict:
    """``{year, region_code, region_name, <section>: {...}, entered: {indicator: value}}`` of a year's computed
    figures; ``entered`` holds the figures staff entered by hand for that year and region (years before the
    platform), never mixed into the computed ones."""
    from .models import HistoricalFigure

    entered = dict(HistoricalFigure.objects.filter(year=year, region_code=region)
                   .order_by("indicator").values_list("indicator", "value"))
    return {"year": year, "region_code": region, "region_name": Region.objects.get(code=region).name,
            **figures_of_year, "entered": entered}


def compute(user, year=None, region=None) -> dict:
    """The :func:`answer` of a checked (:func:`check`) year and region."""
    year, region = check(user, year, region)
    return answer(year, region, figures(user, year, region))


def subdivisions(user, region: str) -> list[tuple[str, str]]:
    """The divisions one level below ``region`` the user may see, by code: a city's counties, a county's townships
    (a township: itself, as before)."""
    if gb2260.is_code(region) and gb2260.level(region) in (gb2260.CITY, gb2260.PROVINCE):
        qs = Region.objects.filter(policy.scope_q(user, Region), level=RegionLevel.COUNTY,
                                   code__startswith=gb2260.prefix(region))
    else:
        qs = Region.objects.filter(policy.scope_q(user, Region), level=RegionLevel.TOWNSHIP,
                                   code__startswith=region[:TOWNSHIP])
    return list(qs.order_by("code").values_list("code", "name"))
