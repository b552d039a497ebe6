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

import datetime
from collections import Counter

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext

from yingji.core import policy
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


def _bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return (timezone.make_aware(datetime.datetime(year, 1, 1)), timezone.make_aware(datetime.datetime(year + 1, 1, 1)))


def _in(qs, region: str, field: str = "region_code"):
    return qs.filter(**{f"{field}__startswith": gb2260.prefix(region)})


def teams(user, year: int, region: str) -> dict:
    row = _in(Team.objects.for_user(user), region).order_by().aggregate(count=Count("id"), headcount=Sum("headcount"))
    return {"count": row["count"], "headcount": row["headcount"] or 0}


def drills(user, year: int, region: str) -> dict:
    qs = statistics_sections.drill_queryset(user, year, region).order_by()
    kinds = Counter(qs.values_list("kind", flat=True))
    levels = Counter(qs.values_list("organiser_level", flat=True))
    return {"count": sum(kinds.values()), "by_kind": dict(sorted(kinds.items())),
            "by_level": dict(sorted(levels.items())),
            "participants": qs.aggregate(n=Sum("participants"))["n"] or 0}


def training(user, year: int, region: str) -> dict:
    sessions = statistics_sections.session_queryset(user, year, region).order_by().count()
    attended = statistics_sections.attendance_queryset(user, year, region).order_by().values_list(
        "kind", "trainee_id", "user_id")
    people: dict[str, set] = {kind: set() for kind in AttendeeKind.values()}
    for kind, trainee_id, user_id in attended:
        people.setdefault(kind, set()).add(("t", trainee_id) if trainee_id else ("u", user_id))
    by_kind = {kind: len(found) for kind, found in people.items()}
    return {"sessions": sessions, "trainees_by_kind": by_kind, "trainees": len(set().union(*people.values()))}


def publicity(user, year: int, region: str) -> dict:
    row = _in(PublicityActivity.objects.for_user(user).filter(held_on__year=year), region).order_by().aggregate(
        events=Count("id"), participants=Sum("participants"), materials=Sum("materials_count"))
    return {"events": row["events"], "participants": row["participants"] or 0, "materials": row["materials"] or 0}


def _enforcement_totals(user, year: int, region: str) -> dict | None:
    if not enforcement_statistics.may_view(user) or len(region) > TOWNSHIP:
        return None
    if len(region) == TOWNSHIP:
        return enforcement_statistics.totals(user, year, township=region)
    return enforcement_statistics.totals(user, year, area=region)


def inspections(user, year: int, region: str, totals: dict | None) -> dict | None:
    if totals is None:
        return None
    return {"planned": totals["plan_visits"], "done": totals["inspections_done"],
            "scheduled": totals["inspections_planned"]}


def enforcement(user, year: int, region: str, totals: dict | None) -> dict | None:
    if totals is None:
        return None
    return {"cases": totals["cases_opened"], "fines_yuan": int(totals["fines_decided"] or 0)}


def hazards(user, year: int, region: str) -> dict:
    since, until = _bounds(year)
    total = hazard_stats.hazard_statistics(_in(Hazard.objects.for_user(user), region), "township", since,
                                           until).total
    return {"found": total["found"], "closed": total["closed"], "major": total["major"],
            "overdue": total["overdue"]}


def incidents(user, year: int, region: str) -> dict:
    since, until = _bounds(year)
    qs = _in(Incident.objects.for_user(user), region).filter(occurred_at__gte=since, occurred_at__lt=until)
    qs = qs.order_by()
    rows = qs.values("category", "grade").annotate(n=Count("id"), deaths=Sum("deaths"))
    by_scheme = {scheme: {"count": 0, "deaths": 0, "by_grade": Counter()} for scheme in disasters.SCHEMES}
    for row in rows:
        bucket = by_scheme[grading.scheme(row["category"])]
        bucket["count"] += row["n"]
        bucket["deaths"] += row["deaths"] or 0
        bucket["by_grade"][row["grade"]] += row["n"]
    for bucket in by_scheme.values():
        bucket["by_grade"] = dict(sorted(bucket["by_grade"].items()))
    return {"count": sum(b["count"] for b in by_scheme.values()),
            "deaths": sum(b["deaths"] for b in by_scheme.values()),
            "by_grade": dict(by_scheme["work_safety"]["by_grade"]), "by_scheme": by_scheme}


def warnings(user, year: int, region: str) -> dict:
    since, until = _bounds(year)
    published = _in(Warning.objects.for_user(user), region).filter(
        state__in=EVER_PUBLISHED, effective__gte=since, effective__lt=until).order_by()
    reached = Delivery.objects.filter(warning__in=published.values("pk"), about__isnull=True).order_by()
    recipients = reached.values("warning_id", "person_id").distinct().count()
    confirmed = reached.filter(acknowledged_at__isnull=False).values("warning_id", "person_id").distinct().count()
    return {"published": published.count(), "recipients": recipients, "confirmed": confirmed}


def alarms(user, year: int, region: str) -> dict:
    since, until = _bounds(year)
    qs = _in(Alarm.objects.for_user(user), region).filter(raised_at__gte=since, raised_at__lt=until).order_by()
    levels = Counter(qs.values_list("level", flat=True))
    return {"count": sum(levels.values()), "by_level": dict(sorted(levels.items()))}


def shelters(user, year: int, region: str) -> dict:
    row = _in(Shelter.objects.for_user(user), region).order_by().aggregate(count=Count("id"),
                                                                         capacity=Sum("capacity"))
    return {"count": row["count"], "capacity": row["capacity"] or 0}


def figures(user, year: int, region: str, sections=SECTIONS) -> dict:
    """The ``sections`` (default every one) for an already checked year and region."""
    totals = (_enforcement_totals(user, year, region)
              if {"inspections", "enforcement"} & set(sections) else None)
    build = {"teams": teams, "drills": drills, "training": training, "publicity": publicity, "hazards": hazards,
             "incidents": incidents, "warnings": warnings, "alarms": alarms, "shelters": shelters,
             "inspections": lambda u, y, r: inspections(u, y, r, totals),
             "enforcement": lambda u, y, r: enforcement(u, y, r, totals)}
    return {key: build[key](user, year, region) for key in sections}


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
    since, until = _bounds(year)
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
            found = _in(Hazard.objects.for_user(user), region).filter(found_at__gte=since, found_at__lt=until)
            grouped[indicator] = _by_code(found if indicator == "hazards.found"
                                          else found.filter(state=HazardState.CLOSED))
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


def compute(user, year=None, region=None) -> dict:
    """``{year, region_code, region_name, <section>: {...}, entered: {indicator: value}}``; ``entered`` holds the
    figures staff entered by hand for that year and region (years before the platform), never mixed into the
    computed ones. Raises NotAllowed for enterprise accounts, ValidationFailed (422 naming the field) for a bad
    year or region."""
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
    from .models import HistoricalFigure

    entered = dict(HistoricalFigure.objects.filter(year=year, region_code=region)
                   .order_by("indicator").values_list("indicator", "value"))
    return {"year": year, "region_code": region, "region_name": Region.objects.get(code=region).name,
            **figures(user, year, region), "entered": entered}


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
