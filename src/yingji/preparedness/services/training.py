"""Training services (the only writers of courses, sessions, attendance, trainees and certificates), the
compliance of each enterprise's people against 《生产经营单位安全培训规定》 (``standards.training``), certificate
reminders and the statistics of a year."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.apps import apps
from django.db import transaction
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yingji.core import notifications, policy
from yingji.core.errors import ValidationFailed
from yingji.core.models import User, enterprise_model
from yingji.core.services import create_object, update_object
from yingji.standards import training as training_rules

from ..models import Attendance, Certificate, Course, ExamAttempt, Trainee, TrainingSession
from ..training_choices import AttemptState, AttendeeKind, ComplianceState, TraineeRole

#: Days before expiry a certificate holder (and the enterprise, or the organisers) are reminded.
REMINDER_DAYS = 60
PERSON_OF_ROLE = {TraineeRole.PRINCIPAL: "principal", TraineeRole.SAFETY_MANAGER: "safety_manager",
                  TraineeRole.SPECIAL_WORKER: "new_worker", TraineeRole.WORKER: "new_worker"}
ROLE_OF_KIND = {AttendeeKind.PRINCIPAL: TraineeRole.PRINCIPAL, AttendeeKind.SAFETY_MANAGER: TraineeRole.SAFETY_MANAGER,
                AttendeeKind.SPECIAL_WORKER: TraineeRole.SPECIAL_WORKER, AttendeeKind.WORKER: TraineeRole.WORKER}


# --- the enterprise's sector ---------------------------------------------------------------------------------


#: The enterprise's fields ``sector_of`` reads (beside its licences).
SECTOR_FIELDS = ("industry", "industry_division", "non_coal_mine", "tailings_pond", "sector", "hazchem_production",
                 "hazchem_business", "fireworks", "metallurgy")


def sector_of(enterprise, licence_kinds: set[str] | None = None) -> str:
    """The ``standards.training`` sector of an enterprise, from its industry, registered lines and licences: a
    coal mine (国民经济行业 06 or 煤矿 in its business), a non-coal mine (the flag, a tailings pond, the sector or a
    mine safety licence), hazardous chemicals (production, trade, the sector or a trade / safe-use licence),
    fireworks (the flag, the sector or a fireworks licence), metal smelting (the metallurgy flag or sector);
    anything else ``other``. The first that applies wins, in the order of 第九条."""
    from yingji.enterprises.choices import LicenceKind, Sector

    if licence_kinds is not None:  # read by the caller for many enterprises at once
        kinds = licence_kinds
    else:
        kinds = {lic.kind for lic in enterprise.licences.all()} if enterprise.pk else set()
    industry = enterprise.industry or ""
    if enterprise.industry_division == "06" or "煤矿" in industry or "煤炭开采" in industry:
        return "coal_mine"
    if (enterprise.non_coal_mine or enterprise.tailings_pond or enterprise.sector == Sector.NON_COAL_MINING
            or LicenceKind.MINE_SAFETY in kinds):
        return "non_coal_mine"
    if (enterprise.hazchem_production or enterprise.hazchem_business
            or enterprise.sector == Sector.HAZARDOUS_CHEMICALS
            or kinds & {LicenceKind.HAZCHEM_BUSINESS, LicenceKind.HAZCHEM_USE}):
        return "hazardous_chemicals"
    if enterprise.fireworks or enterprise.sector == Sector.FIREWORKS or LicenceKind.FIREWORKS_BUSINESS in kinds:
        return "fireworks"
    if enterprise.metallurgy or enterprise.sector == Sector.METALLURGY:
        return "metal_smelting"
    return "other"


# --- writes --------------------------------------------------------------------------------------------------


def _hours(value, field: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except Exception:
        raise ValidationFailed.from_dict({field: [gettext("Enter a number")]}) from None
    if not hours.is_finite() or hours < 0 or hours > 1000:
        raise ValidationFailed.from_dict({field: [gettext("Enter hours between 0 and 1000")]})
    return hours.quantize(Decimal("0.1"))


def create_course(actor, data: Mapping[str, Any]) -> Course:
    data = dict(data)
    audience = data.get("audience") or []
    bad = [a for a in audience if a not in AttendeeKind.values()]
    if bad:
        raise ValidationFailed.from_dict({"audience": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(AttendeeKind.values())}]})
    return create_object(actor, Course, data)


def update_course(actor, course: Course, data: Mapping[str, Any]) -> Course:
    if "audience" in data and any(a not in AttendeeKind.values() for a in data["audience"] or []):
        raise ValidationFailed.from_dict({"audience": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(AttendeeKind.values())}]})
    return update_object(actor, course, data)


def create_session(actor, data: Mapping[str, Any]) -> TrainingSession:
    data = dict(data)
    course_ref = data.get("course", data.pop("course_id", None))
    if course_ref in (None, ""):
        raise ValidationFailed.from_dict({"course": [gettext("Choose a course")]})
    course = policy.get_in_scope_or_field_error(Course, course_ref, actor, "course")
    data["course"] = course
    if data.get("hours") in (None, ""):
        data["hours"] = course.hours
    if not data.get("end_date"):
        data["end_date"] = data.get("start_date")
    _check_dates(data)
    data.setdefault("created_by", actor)
    return create_object(actor, TrainingSession, data)


def _check_dates(data) -> None:
    start, end = data.get("start_date"), data.get("end_date")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        raise ValidationFailed.from_dict({"end_date": [gettext("The end cannot be before the start")]})


def update_session(actor, session: TrainingSession, data: Mapping[str, Any]) -> TrainingSession:
    data = dict(data)
    if "course_id" in data:
        data["course"] = data.pop("course_id")
    if "course" in data:
        data["course"] = policy.get_in_scope_or_field_error(Course, data["course"], actor, "course")
    merged = {"start_date": data.get("start_date", session.start_date),
              "end_date": data.get("end_date", session.end_date)}
    _check_dates(merged)
    return update_object(actor, session, data)


def create_trainee(actor, data: Mapping[str, Any]) -> Trainee:
    data = _trainee_data(data)
    if actor.enterprise_id and data.get("enterprise") in (None, ""):
        data["enterprise"] = actor.enterprise_id
    ref = data.get("enterprise")
    if ref in (None, ""):
        raise ValidationFailed.from_dict({"enterprise": [gettext("Choose an enterprise")]})
    data["enterprise"] = policy.get_in_scope_or_field_error(enterprise_model(), ref, actor, "enterprise")
    return create_object(actor, Trainee, data)


def update_trainee(actor, trainee: Trainee, data: Mapping[str, Any]) -> Trainee:
    data = _trainee_data(data)
    data.pop("enterprise", None)
    return update_object(actor, trainee, data)


def _trainee_data(data: Mapping[str, Any]) -> dict:
    data = dict(data)
    if "enterprise_id" in data:
        data["enterprise"] = data.pop("enterprise_id")
    id_tail = data.pop("id_number", None)
    if id_tail:
        data["id_tail"] = str(id_tail).strip()[-4:]
    tail = data.get("id_tail")
    if tail and not (len(tail) == 4 and tail[:3].isdigit() and (tail[3].isdigit() or tail[3] in "Xx")):
        raise ValidationFailed.from_dict({"id_tail": [gettext("The last four characters of an ID number")]})
    if tail:
        data["id_tail"] = tail.upper()
    phone = data.get("phone")
    if phone and not (len(phone) == 11 and phone.isdigit() and phone[0] == "1"):
        raise ValidationFailed.from_dict({"phone": [gettext("Enter an 11-digit mainland mobile number.")]})
    return data


def _officer_of(user):
    from yingji.enforcement.models import Officer

    return Officer.objects.filter(user=user).first()


def record_attendance(actor, session: TrainingSession, data: Mapping[str, Any]) -> Attendance:
    """One attendee of a session: ``kind``, an account (``user``: bureau, township staff, officers) or an
    enterprise ``trainee``, ``hours`` (the session's by default), ``attended``, ``passed``. An officer's
    attendance is recorded as the officer's training (``enforcement.services.add_training``), and a passed
    attendance of a course with certificates gets one."""
    policy.require(actor, "change", session)
    if not policy.in_scope(actor, session):
        raise ValidationFailed.from_dict({"session": [gettext("This session is outside your jurisdiction")]})
    data = dict(data)
    kind = data.get("kind") or ""
    if kind not in AttendeeKind.values():
        raise ValidationFailed.from_dict({"kind": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(AttendeeKind.values())}]})
    user = trainee = None
    if kind in AttendeeKind.ENTERPRISE:
        ref = data.get("trainee", data.get("trainee_id"))
        if ref in (None, ""):
            raise ValidationFailed.from_dict({"trainee": [gettext("Choose the enterprise person")]})
        trainee = policy.get_in_scope_or_field_error(Trainee, ref, actor, "trainee")
        if session.attendance.filter(trainee=trainee).exists():
            raise ValidationFailed.from_dict({"trainee": [gettext("Already recorded for this session")]})
    else:
        ref = data.get("user", data.get("user_id"))
        if ref in (None, ""):
            raise ValidationFailed.from_dict({"user": [gettext("Choose the account")]})
        user = User.objects.filter(pk=policy._as_pk(ref), enterprise__isnull=True, is_active=True).first()
        if user is None:
            raise ValidationFailed.from_dict({"user": [gettext("Unknown account")]})
        if session.attendance.filter(user=user).exists():
            raise ValidationFailed.from_dict({"user": [gettext("Already recorded for this session")]})
    attended = bool(data.get("attended", True))
    hours = _hours(data["hours"], "hours") if data.get("hours") not in (None, "") else session.hours
    if not attended:
        hours = Decimal("0")
    passed = data.get("passed")
    officer = _officer_of(user) if kind == AttendeeKind.OFFICER and user is not None else None
    if kind == AttendeeKind.OFFICER and officer is None:
        raise ValidationFailed.from_dict({"user": [gettext("This account is not an enforcement officer")]})
    with transaction.atomic():
        record = None
        if officer is not None and attended:
            from yingji.enforcement.services import add_training

            record = add_training(actor, officer, {
                "date": session.start_date, "days": session.days, "topic": session.title[:200],
                "provider": (session.organiser or session.trainer)[:200]})
        attendance = create_object(actor, Attendance, {
            "session": session, "kind": kind, "user": user, "trainee": trainee,
            "enterprise": trainee.enterprise if trainee else None,
            "name": trainee.name if trainee else str(user)[:50], "attended": attended, "hours": hours,
            "passed": passed, "officer_training": record}, check_scope=False)
        if attended and passed and session.course.certificate_months:
            issue_certificate(attendance)
    return attendance


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def issue_certificate(attendance: Attendance, issued_on: datetime.date | None = None) -> Certificate:
    """The certificate of a passed attendance (once: a second call returns it)."""
    existing = Certificate.objects.filter(attendance=attendance).first()
    if existing is not None:
        return existing
    session = attendance.session
    issued = issued_on or session.end_date
    region = attendance.enterprise.region_code if attendance.enterprise_id else session.region_code
    cert = Certificate.objects.create(
        number=f"tmp-{attendance.pk}", attendance=attendance, holder=attendance.name, user=attendance.user,
        trainee=attendance.trainee, enterprise=attendance.enterprise, title=session.course.title[:200],
        region_code=region, issued_on=issued,
        expires_on=_add_months(issued, session.course.certificate_months or 12))
    cert.number = f"PX{issued:%Y}-{cert.pk:06d}"
    cert.save(update_fields=["number"])
    return cert


# --- compliance ----------------------------------------------------------------------------------------------


@dataclass
class PersonCompliance:
    name: str
    role: str
    trainee_id: int | None
    person: str
    initial_required: int
    annual_required: int | None
    initial_hours: Decimal
    hours_this_year: Decimal
    initial_done_in: int | None
    state: str
    basis: str

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "trainee_id": self.trainee_id, "person": self.person,
                "initial_required": self.initial_required, "annual_required": self.annual_required,
                "initial_hours": self.initial_hours, "hours_this_year": self.hours_this_year,
                "state": self.state, "basis": self.basis}


def _person_state(person: str, sector: str, rows: list[tuple[int, bool, Decimal]], year: int) -> tuple:
    """``rows``: (year, initial course, hours) of the person's attended sessions up to ``year``."""
    initial_required, annual_required = training_rules.required_hours(person, sector)
    initial_hours, done_in, running = Decimal("0"), None, Decimal("0")
    for y, initial, hours in sorted(rows):
        if initial:
            running += hours
            if done_in is None and running >= initial_required:
                done_in = y
    initial_hours = running
    this_year = sum((h for y, _i, h in rows if y == year), Decimal("0"))
    if done_in is None:
        state = ComplianceState.NO_INITIAL
    elif annual_required is not None and done_in < year and this_year < annual_required:
        state = ComplianceState.SHORT
    else:
        state = ComplianceState.MET
    return initial_required, annual_required, initial_hours, this_year, done_in, state


def enterprise_compliance(enterprise, on: datetime.date | None = None) -> dict:
    """Each person of the enterprise against ``standards.training.required_hours`` in the year of ``on`` (today):
    the registered trainees, and the principal and safety manager named on the enterprise's record when they are
    not registered yet (no training then). Initial training is done when the person's hours at initial courses
    reach the initial figure; from the next year on the yearly figure applies to the hours of the year."""
    on = on or timezone.localdate()
    trainees, hours = _trainees_and_hours([enterprise.pk], on)
    return _compliance_of(enterprise, trainees.get(enterprise.pk, []), hours, on)


def _trainees_and_hours(enterprise_ids: list[int], on: datetime.date) -> tuple[dict, dict]:
    """The active trainees of the enterprises (by enterprise) and their attended hours up to ``on`` (by trainee):
    two queries for any number of enterprises."""
    trainees: dict[int, list] = defaultdict(list)
    for pk, name, role, enterprise_id in Trainee.objects.filter(
            enterprise_id__in=enterprise_ids, is_active=True).order_by().values_list("id", "name", "role",
                                                                                   "enterprise_id"):
        trainees[enterprise_id].append(_Person(pk, name, role))
    hours = defaultdict(list)
    if not trainees:
        return trainees, hours
    for trainee_id, start, initial, credited in (
            Attendance.objects.filter(trainee__enterprise_id__in=enterprise_ids, trainee__is_active=True,
                                      attended=True, session__start_date__lte=on).order_by()
            .values_list("trainee_id", "session__start_date", "session__course__initial", "hours")):
        hours[trainee_id].append((start.year, initial, credited))
    return trainees, hours


class _Person(NamedTuple):
    """A registered trainee as the compliance rows read it (the rows of hundreds of enterprises: no model
    instances)."""

    pk: int
    name: str
    role: str


def _compliance_of(enterprise, trainees: list, hours: dict, on: datetime.date,
                   licence_kinds: set[str] | None = None) -> dict:
    sector = sector_of(enterprise, licence_kinds)
    people = [(t.name, t.role, t.pk, hours[t.pk]) for t in trainees]
    registered = {(t.name, t.role) for t in trainees}
    for name, role in ((enterprise.principal, TraineeRole.PRINCIPAL),
                       (enterprise.safety_manager, TraineeRole.SAFETY_MANAGER)):
        if name and (name, role) not in registered:
            people.append((name, role, None, []))
    rows = []
    for name, role, pk, person_rows in people:
        person = PERSON_OF_ROLE[role]
        ini, ann, done_hours, this_year, done_in, state = _person_state(person, sector, person_rows, on.year)
        rows.append(PersonCompliance(name, role, pk, person, ini, ann, done_hours, this_year, done_in, state,
                                     training_rules.basis(person, sector)))
    order = {TraineeRole.PRINCIPAL: 0, TraineeRole.SAFETY_MANAGER: 1, TraineeRole.SPECIAL_WORKER: 2,
             TraineeRole.WORKER: 3}
    rows.sort(key=lambda r: (order[r.role], r.name))
    short = sum(1 for r in rows if r.state != ComplianceState.MET)
    return {"enterprise_id": enterprise.pk, "enterprise": enterprise.name, "sector": sector,
            "high_risk": training_rules.is_high_risk(sector), "year": on.year, "people": rows,
            "compliant": bool(rows) and short == 0, "short": short}


def compliance_enterprises(user):
    """The enterprises ``compliance`` reports on: those operating in the user's scope, in the report's order."""
    from yingji.enterprises.choices import EnterpriseStatus

    return enterprise_model().objects.for_user(user).filter(status=EnterpriseStatus.OPERATING).order_by(
        "region_code", "name")


def compliance(user, on: datetime.date | None = None, *, enterprises=None) -> list[dict]:
    """``enterprise_compliance`` of every enterprise the user may see (or those given)."""
    qs = enterprises if enterprises is not None else compliance_enterprises(user)
    policy.require(user, "view", Trainee)
    on = on or timezone.localdate()
    # The columns the sector (``sector_of``) and the rows read, not the whole registry record; the licences' kinds
    # in one query (a prefetch builds a queryset per enterprise); the enterprises as a subquery (hundreds of ids
    # as parameters cost more than the query).
    enterprises = list(qs.only(*SECTOR_FIELDS, "id", "name", "principal", "safety_manager")
                       .order_by("region_code", "name"))
    ids = qs.order_by().values("pk")
    kinds: dict[int, set[str]] = defaultdict(set)
    for enterprise_id, kind in apps.get_model("enterprises", "Licence").objects.filter(
            enterprise_id__in=ids).values_list("enterprise_id", "kind"):
        kinds[enterprise_id].add(kind)
    trainees, hours = _trainees_and_hours(ids, on)
    return [_compliance_of(e, trainees.get(e.pk, []), hours, on, kinds.get(e.pk, set())) for e in enterprises]


# --- certificates --------------------------------------------------------------------------------------------


def remind_expiring_certificates(today: datetime.date | None = None) -> int:
    """Notify once per certificate and expiry date (``reminded_for``): the holder's account or the enterprise's
    accounts, and the training organisers of the region, of certificates expiring within ``REMINDER_DAYS``
    (already expired ones included). Idempotent: a second run the same day, or any later day, sends nothing
    more until the certificate is renewed with a new expiry."""
    today = today or timezone.localdate()
    due = (Certificate.objects.filter(expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS))
           .exclude(reminded_for=F("expires_on")).select_related("enterprise", "user"))
    sent = 0
    for cert in due:
        with transaction.atomic():
            claimed = Certificate.objects.filter(pk=cert.pk).exclude(reminded_for=cert.expires_on).update(
                reminded_for=cert.expires_on)
            if not claimed:
                continue
            recipients = []
            if cert.user_id:
                recipients.append(cert.user)
            if cert.enterprise_id:
                recipients += list(User.objects.filter(enterprise_id=cert.enterprise_id, is_active=True))
            recipients += list(policy.acting_users(cert.region_code, model=Certificate))
            subject = gettext("Training certificate %(number)s of %(holder)s expires on %(date)s") % {
                "number": cert.number, "holder": cert.holder, "date": cert.expires_on.isoformat()}
            notifications.notify(recipients, subject, link=reverse("training_certificate_detail", args=[cert.pk]),
                                 obj=cert, dedupe_key=f"training-cert-{cert.pk}-{cert.expires_on.isoformat()}",
                                 kind="training_certificate")
            sent += 1
    return sent


def certificate_state(cert: Certificate, on: datetime.date | None = None) -> str:
    return cert.state(on)


# --- statistics ----------------------------------------------------------------------------------------------


def statistics(user, year: int) -> dict:
    """The year's training in the user's scope: sessions, trainees (distinct people), hours, attendance by kind,
    certificates issued / expiring / expired, exams taken and passed with the pass rate."""
    sessions = TrainingSession.objects.for_user(user).filter(start_date__year=year)
    attendance = Attendance.objects.for_user(user).filter(session__start_date__year=year, attended=True)
    people = set(attendance.exclude(trainee=None).values_list("trainee_id", flat=True).distinct())
    accounts = set(attendance.exclude(user=None).values_list("user_id", flat=True).distinct())
    by_kind = {row["kind"]: row["n"] for row in attendance.values("kind").annotate(n=Count("id"))}
    hours = attendance.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    certificates = Certificate.objects.for_user(user)
    today = timezone.localdate()
    attempts = ExamAttempt.objects.for_user(user).filter(submitted_at__year=year).exclude(state=AttemptState.OPEN)
    taken = attempts.count()
    passed = attempts.filter(state=AttemptState.PASSED).count()
    return {
        "year": year,
        "sessions": sessions.count(),
        "trainees": len(people) + len(accounts),
        "attendance": sum(by_kind.values()),
        "attendance_by_kind": {k: by_kind.get(k, 0) for k in AttendeeKind.values()},
        "hours": hours,
        "certificates_issued": certificates.filter(issued_on__year=year).count(),
        "certificates_expiring": certificates.filter(
            expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS)).count(),
        "certificates_expired": certificates.filter(expires_on__lt=today).count(),
        "exams_taken": taken,
        "exams_passed": passed,
        "exam_pass_rate": round(passed * 100 / taken, 1) if taken else None,
        "exams_at_inspections": attempts.exclude(inspection=None).count(),
    }

