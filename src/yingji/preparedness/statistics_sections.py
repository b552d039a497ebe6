"""The drills and training sections of the preparedness statistics (``statistics.register``), and the officers'
yearly training days (执法人员每年不少于10天的培训) drawn from the same session records.

Every figure is a count of a list a user can open with the same filters: drills held are the drills of the year
in the drill list, the enterprises meeting the drill requirement are the rows marked so on the drill compliance
page (the same ``services.drills.enterprise_compliance``), sessions, certificates and exams are the rows of their
lists; the tables break the same rows down, so each table's total row equals its figure."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import periods, policy
from yingji.core.models import Region
from yingji.enterprises import industries
from yingji.enterprises.models import Enterprise
from yingji.standards import drills as drill_rules
from yingji.standards import gb2260

from .choices_drills import Compliance, DrillKind, OrganiserLevel, ProblemState
from .models import Attendance, Certificate, ExamAttempt, TrainingSession
from .models.drills import Drill, DrillPlan, DrillProblem
from .services import drills as drill_services
from .services import training as training_services
from .statistics import industry_divisions
from .training_choices import AttemptState, AttendeeKind

TOWNSHIP = 9


def staff_only(user) -> bool:
    """Statistics across units are the bureau's and the townships' (an enterprise sees its own compliance on the
    drill compliance page and its archive)."""
    return not user.enterprise_id


def _township_of(code: str) -> str:
    return code[:TOWNSHIP] if len(code or "") >= TOWNSHIP else ""


def _townships(user, region_code: str | None) -> list[tuple[str, str]]:
    qs = Region.objects.filter(policy.scope_q(user, Region), level="township")
    if region_code:
        qs = qs.filter(code__startswith=gb2260.prefix(region_code)[:TOWNSHIP])
    return list(qs.order_by("code").values_list("code", "name"))


def _section_of(division: str | None) -> str:
    return industries.SECTION_OF_DIVISION.get(division or "", "")


def _industry_label(letter: str) -> str:
    return f"{letter} {industries.SECTIONS[letter]}" if letter in industries.SECTIONS else _("Industry not given")


def _rate(passed: int, taken: int):
    return round(passed * 100 / taken, 1) if taken else None


# --- drills ------------------------------------------------------------------------------------------------------


def drill_enterprises(user, region_code: str | None = None, industry: str | None = None):
    """The enterprises whose drill compliance the section counts (as the drill compliance page lists them)."""
    qs = Enterprise.objects.filter(policy.scope_q(user, Enterprise))
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(industry_division__in=divisions)
    return qs


def drill_queryset(user, year: int | range, region_code: str | None = None, industry: str | None = None):
    """The drills the section counts: the year's drills the user may see (``year`` may be a range of years),
    held in ``region_code`` (prefix), of enterprises in ``industry``."""
    qs = Drill.objects.filter(policy.scope_q(user, Drill), **periods.in_years("date", year, dates=True))
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(enterprise__industry_division__in=divisions)
    return qs


def drill_figures(user, year: int, region_code: str | None = None, industry: str | None = None,
                  today: datetime.date | None = None) -> dict:
    """Drills held against required (art. 33 of 生产安全事故应急预案管理办法 for enterprises, via
    ``standards.drills``; a township's own yearly drill), participants, by organiser level, form, township and
    industry."""
    today = today or timezone.localdate()
    rows = list(drill_queryset(user, year, region_code, industry).values_list(
        "region_code", "organiser_level", "kind", "participants", "enterprise__industry_division", "date",
        "plan_type"))
    plans = DrillPlan.objects.filter(policy.scope_q(user, DrillPlan), year=year)
    if region_code:
        plans = plans.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        plans = plans.filter(enterprise__industry_division__in=divisions)
    planned: dict[str, int] = defaultdict(int)
    for level in plans.values_list("organiser_level", flat=True):
        planned[level] += 1

    companies = drill_services.enterprise_compliance(
        user, year, today, enterprises=drill_enterprises(user, region_code, industry))
    for row in companies:
        row["required"] = drill_services.minimum_drills(row["unit_kind"])
    townships = _townships(user, region_code) if divisions is None else []
    township_held: dict[str, list] = defaultdict(list)
    for code, level, _kind, _people, _division, date, plan_type in rows:
        if level == OrganiserLevel.TOWNSHIP:
            township_held[_township_of(code)].append((date, plan_type))
    township_status = {code: drill_rules.overall(drill_rules.check(drill_rules.township_requirements(),
                                                                   township_held.get(code, []), year, today))
                       for code, _name in townships}

    held_total = len(rows)
    people_total = sum(r[3] for r in rows)
    required_total = sum(r["required"] for r in companies) + len(townships)
    met = sum(1 for r in companies if r["status"] == drill_rules.MET)
    pending = sum(1 for r in companies if r["status"] == drill_rules.PENDING)
    missed = sum(1 for r in companies if r["status"] == drill_rules.MISSED)
    problems = DrillProblem.objects.filter(policy.scope_q(user, DrillProblem),
                                           drill__in=drill_queryset(user, year, region_code, industry))

    # By organiser level: held, planned, required, participants.
    level_rows = []
    required_of = {OrganiserLevel.ENTERPRISE: sum(r["required"] for r in companies),
                   OrganiserLevel.TOWNSHIP: len(townships)}
    for level in OrganiserLevel.values():
        mine = [r for r in rows if r[1] == level]
        level_rows.append([OrganiserLevel.label(level), len(mine), planned.get(level, 0),
                           required_of.get(level, ""), sum(r[3] for r in mine)])
    level_rows.append([_("Total"), held_total, sum(planned.values()), required_total, people_total])

    kind_rows = []
    for kind in DrillKind.values():
        mine = [r for r in rows if r[2] == kind]
        kind_rows.append([DrillKind.label(kind), len(mine), sum(r[3] for r in mine)])
    kind_rows.append([_("Total"), held_total, people_total])

    # By township: the drills held there, participants, its enterprises and how many meet the requirement.
    by_place: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, *_rest in rows:
        cell = by_place[_township_of(code)]
        cell[0] += 1
        cell[1] += _rest[2]
    firms: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in companies:
        cell = firms[_township_of(r["enterprise"].region_code)]
        cell[0] += 1
        cell[1] += r["status"] == drill_rules.MET
        cell[2] += r["required"]
    status_label = {status: str(Compliance.label(status)) for status in Compliance.values()}
    township_rows = [[name, *by_place.get(code, [0, 0]), *firms.get(code, [0, 0, 0]),
                      status_label.get(township_status.get(code), "")] for code, name in townships]
    if "" in by_place or "" in firms:
        township_rows.insert(0, [_("County level"), *by_place.get("", [0, 0]), *firms.get("", [0, 0, 0]), ""])
    township_rows.append([_("Total"), held_total, people_total, len(companies), met,
                          sum(r["required"] for r in companies), ""])

    # By industry (GB/T 4754 section of the organising enterprise): enterprise drills and compliance.
    by_industry: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for _code, level, _kind, people, division, *_x in rows:
        if level == OrganiserLevel.ENTERPRISE:
            cell = by_industry[_section_of(division)]
            cell[0] += 1
            cell[1] += people
    for r in companies:
        cell = by_industry[_section_of(r["enterprise"].industry_division)]
        cell[2] += 1
        cell[3] += r["status"] == drill_rules.MET
        cell[4] += r["required"]
    industry_rows = [[_industry_label(letter), *by_industry[letter]] for letter in sorted(by_industry)]
    industry_rows.append([_("Total"), *[sum(c[i] for c in by_industry.values()) for i in range(5)]])

    return {
        "figures": [
            {"label": _("Drills held"), "value": held_total},
            {"label": _("Drill participants"), "value": people_total},
            {"label": _("Drills required"), "value": required_total},
            {"label": _("Drills planned"), "value": sum(planned.values())},
            {"label": _("Enterprises checked for drills"), "value": len(companies)},
            {"label": _("Enterprises meeting the drill requirement"), "value": met},
            {"label": _("Enterprises with drills still due"), "value": pending},
            {"label": _("Enterprises that missed a drill"), "value": missed},
            {"label": _("Townships that held their drill"),
             "value": sum(1 for s in township_status.values() if s == drill_rules.MET)},
            {"label": _("Drill problems open"), "value": problems.exclude(state=ProblemState.CLOSED).count()},
        ],
        "tables": [
            {"title": _("By organiser level"),
             "headers": [_("Organiser level"), _("Drills held"), _("Drills planned"), _("Drills required"),
                         _("Participants")], "rows": level_rows, "summary_rows": 1},
            {"title": _("By form"), "headers": [_("Form"), _("Drills held"), _("Participants")],
             "rows": kind_rows, "summary_rows": 1},
            {"title": _("By township / street"),
             "headers": [_("Township / street"), _("Drills held"), _("Participants"), _("Enterprises"),
                         _("Enterprises meeting the requirement"), _("Enterprise drills required"),
                         _("Township's own drill")], "rows": township_rows, "summary_rows": 1},
            {"title": _("By industry"),
             "headers": [_("Industry"), _("Enterprise drills held"), _("Participants"), _("Enterprises"),
                         _("Enterprises meeting the requirement"), _("Enterprise drills required")],
             "rows": industry_rows, "summary_rows": 1},
        ],
    }


# --- training ----------------------------------------------------------------------------------------------------


def session_queryset(user, year: int | range, region_code: str | None = None, industry: str | None = None):
    qs = TrainingSession.objects.for_user(user).filter(**periods.in_years("start_date", year, dates=True))
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(pk__in=Attendance.objects.filter(enterprise__industry_division__in=divisions)
                       .values("session_id"))
    return qs


def attendance_queryset(user, year: int | range, region_code: str | None = None, industry: str | None = None):
    """The attended places of the year (or of a range of years, by the session's start); an enterprise's person
    counts where the enterprise is, others where the session was held."""
    from django.db.models import Q

    qs = Attendance.objects.for_user(user).filter(**periods.in_years("session__start_date", year, dates=True),
                                                  attended=True)
    if region_code:
        qs = qs.filter(Q(enterprise__region_code__startswith=gb2260.prefix(region_code))
                       | Q(enterprise__isnull=True, session__region_code__startswith=gb2260.prefix(region_code)))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(enterprise__industry_division__in=divisions)
    return qs


def certificate_queryset(user, region_code: str | None = None, industry: str | None = None):
    qs = Certificate.objects.for_user(user)
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(enterprise__industry_division__in=divisions)
    return qs


def attempt_queryset(user, year: int, region_code: str | None = None, industry: str | None = None):
    qs = ExamAttempt.objects.for_user(user).filter(submitted_at__year=year).exclude(state=AttemptState.OPEN)
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(enterprise__industry_division__in=divisions)
    return qs


def training_figures(user, year: int, region_code: str | None = None, industry: str | None = None,
                     today: datetime.date | None = None) -> dict:
    """Sessions, trainees (distinct people) by kind, hours, certificates issued and expiring, exams taken and
    passed, by township and industry; the officers' training days against the ten a year."""
    today = today or timezone.localdate()
    sessions = list(session_queryset(user, year, region_code, industry).values_list("pk", "region_code"))
    attended = list(attendance_queryset(user, year, region_code, industry).values_list(
        "kind", "trainee_id", "user_id", "hours", "enterprise__region_code", "session__region_code",
        "enterprise__industry_division"))
    certs = certificate_queryset(user, region_code, industry)
    issued = list(certs.filter(issued_on__year=year).values_list("region_code", "enterprise__industry_division"))
    expiring_in_year = certs.filter(expires_on__year=year).count()
    expiring_soon = certs.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(
        days=training_services.REMINDER_DAYS)).count()
    attempts = list(attempt_queryset(user, year, region_code, industry).values_list(
        "region_code", "enterprise__industry_division", "state"))

    def person(row) -> tuple:
        return ("t", row[1]) if row[1] else ("u", row[2])

    def place(row) -> str:
        return _township_of(row[4] if row[4] else row[5])

    hours_total = sum((r[3] for r in attended), Decimal("0"))
    passed_total = sum(1 for a in attempts if a[2] == AttemptState.PASSED)

    kind_rows = []
    for kind in AttendeeKind.values():
        mine = [r for r in attended if r[0] == kind]
        kind_rows.append([AttendeeKind.label(kind), len({person(r) for r in mine}), len(mine),
                          sum((r[3] for r in mine), Decimal("0"))])
    enterprise_rows = [r for r in attended if r[0] in AttendeeKind.ENTERPRISE]
    kind_rows.append([_("Of which enterprise people"), len({person(r) for r in enterprise_rows}),
                      len(enterprise_rows), sum((r[3] for r in enterprise_rows), Decimal("0"))])
    kind_rows.append([_("Total"), len({person(r) for r in attended}), len(attended), hours_total])

    def tally(key_session, key_attendance, key_cert, key_attempt) -> dict:
        found: dict[str, list] = defaultdict(lambda: [0, set(), 0, Decimal("0"), 0, 0, 0])
        for s in sessions:
            key = key_session(s)
            if key is not None:
                found[key][0] += 1
        for r in attended:
            cell = found[key_attendance(r)]
            cell[1].add(person(r))
            cell[2] += 1
            cell[3] += r[3]
        for c in issued:
            found[key_cert(c)][4] += 1
        for a in attempts:
            cell = found[key_attempt(a)]
            cell[5] += 1
            cell[6] += a[2] == AttemptState.PASSED

        return found

    def cells(cell) -> list:
        return [cell[0], len(cell[1]), cell[2], cell[3], cell[4], cell[5], cell[6], _rate(cell[6], cell[5])]

    totals = [len(sessions), len({person(r) for r in attended}), len(attended), hours_total, len(issued),
              len(attempts), passed_total, _rate(passed_total, len(attempts))]
    empty = [0, set(), 0, Decimal("0"), 0, 0, 0]
    by_place = tally(lambda s: _township_of(s[1]), place, lambda c: _township_of(c[0]),
                     lambda a: _township_of(a[0]))
    township_rows = [[name, *cells(by_place.get(code, empty))] for code, name in _townships(user, region_code)]
    if "" in by_place:
        township_rows.insert(0, [_("County level"), *cells(by_place[""])])
    township_rows.append([_("Total"), *totals])

    by_industry = tally(lambda s: None, lambda r: _section_of(r[6]) if r[0] in AttendeeKind.ENTERPRISE else None,
                        lambda c: _section_of(c[1]) if c[1] else None, lambda a: _section_of(a[1]) if a[1] else None)
    by_industry.pop(None, None)
    industry_rows = [[_industry_label(letter), *cells(by_industry[letter])[1:]] for letter in sorted(by_industry)]
    industry_rows.append([_("Total"), *[sum((row[i] or 0) for row in industry_rows) for i in range(1, 7)]])
    industry_rows[-1].append(_rate(industry_rows[-1][6], industry_rows[-1][5]))

    heads = [_("Trainees"), _("Attendances"), _("Hours"), _("Certificates issued"), _("Exams taken"),
             _("Exams passed"), _("Pass rate (%)")]
    tables = [
        {"title": _("Trainees by kind"), "headers": [_("Attendee"), _("Trainees"), _("Attendances"), _("Hours")],
         "rows": kind_rows, "summary_rows": 2},
        {"title": _("By township / street"), "headers": [_("Township / street"), _("Sessions"), *heads],
         "rows": township_rows, "summary_rows": 1},
        {"title": _("By industry"), "headers": [_("Industry"), *heads], "rows": industry_rows, "summary_rows": 1},
    ]
    officers = None
    if not industry and _may_view_officers(user):
        officers = officer_training_days(user, year, region_code=region_code)
        tables.append({"title": _("Enforcement officers' training days"),
                       "headers": [_("Officer"), _("Training days"), _("Of which at training sessions"),
                                   _("Days required"), _("Days owed")],
                       "rows": [[o["name"], o["days"], o["session_days"], o["required"], o["owed"]]
                                for o in officers], "summary_rows": 0})
    figures = [
        {"label": _("Training sessions"), "value": totals[0]},
        {"label": _("Trainees"), "value": totals[1]},
        {"label": _("Attendances"), "value": totals[2]},
        {"label": _("Training hours"), "value": float(hours_total)},
        {"label": _("Certificates issued"), "value": totals[4]},
        {"label": _("Certificates expiring in the year"), "value": expiring_in_year},
        {"label": _("Certificates expiring within 60 days"), "value": expiring_soon},
        {"label": _("Exams taken"), "value": totals[5]},
        {"label": _("Exams passed"), "value": passed_total},
        {"label": _("Exam pass rate (%)"), "value": totals[7]},
    ]
    if officers is not None:
        figures += [
            {"label": _("Enforcement officers"), "value": len(officers)},
            {"label": _("Officers with ten training days"), "value": sum(1 for o in officers if o["compliant"])},
        ]
    for row in (*kind_rows, *township_rows, *industry_rows):
        for i, value in enumerate(row):
            if isinstance(value, Decimal):
                row[i] = float(value)
    return {"figures": figures, "tables": tables}


# --- officers' training days -------------------------------------------------------------------------------------


def _may_view_officers(user) -> bool:
    from yingji.enforcement.models import Officer

    return policy.can(user, "view", Officer)


def officer_training_days(user, year: int, *, region_code: str | None = None) -> list[dict]:
    """Each active enforcement officer the user may see, with the training days of ``year`` (the officer's
    training records: those written from training-session attendance and any recorded directly), the days of
    them from sessions, and whether the ten days a year (``standards.officers.ANNUAL_TRAINING_DAYS``) are met."""
    from django.db.models import Q, Sum

    from yingji.enforcement.models import Officer, TrainingRecord
    from yingji.standards import officers as officer_rules

    qs = Officer.objects.for_user(user).filter(is_active=True)
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    rows = list(qs.annotate(days=Sum("training__days", filter=Q(training__date__year=year)))
                .order_by("region_code", "name", "pk").values("pk", "name", "region_code", "days"))
    from_sessions: dict[int, Decimal] = defaultdict(Decimal)
    linked = Attendance.objects.filter(officer_training__isnull=False).values("officer_training_id")
    for officer_id, days in (TrainingRecord.objects.filter(officer_id__in=[r["pk"] for r in rows], date__year=year,
                                                           pk__in=linked)
                             .values_list("officer_id", "days")):
        from_sessions[officer_id] += days
    required = officer_rules.ANNUAL_TRAINING_DAYS
    result = []
    for row in rows:
        days = row["days"] or Decimal("0")
        owed = officer_rules.training_shortfall(days)
        result.append({"officer_id": row["pk"], "name": row["name"], "region_code": row["region_code"],
                       "year": year, "days": days, "session_days": from_sessions.get(row["pk"], Decimal("0")),
                       "required": required, "owed": owed, "compliant": owed == 0})
    return result
