"""Campaigns (专项整治 / 安全生产大检查): creating one with its scope, tasks to townships and departments, progress
reports by deadline, the overdue job, and the findings rolled up.

Who reports on a task (:func:`may_report`): a township's task, that township's staff; a department's task, the
department's accounts, or the county's section staff on its behalf (a department without accounts reports on
paper). A report answers the task's first unanswered deadline; after that day it is marked late. The periodic
job :func:`flag_overdue_tasks` marks a task overdue once its next deadline has passed without a report and tells
the assignee and the campaign's organiser, once per deadline.

Findings (:func:`findings`): the hazards prevention holds for the enterprises in the campaign's scope (sectors and
townships) found in its period, per township (found, rectified, major), beside the figures the reports give (a
report's figures are cumulative to its deadline, so each task counts with its latest report; departments get a
row of their own).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _l

from yingji.core import attachments, audit, notifications, policy, timesafe
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import Organisation, Region, User
from yingji.enterprises.models import Enterprise
from yingji.prevention.choices import HazardLevel, HazardState
from yingji.prevention.models import Hazard
from yingji.standards import gb2260

from ..choices import CampaignKind, CampaignSector, TaskState
from ..models import SUPERVISORS, Campaign, CampaignReport, CampaignTask
from .plans import SECTOR_FLAGS, _text

MAX_DEADLINES = 24
RECTIFIED_STATES = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)
NOTIFY_KIND = "campaign"


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    raise ValidationFailed.from_dict({field: [gettext("Give a date (YYYY-MM-DD)")]})


def _choices(values, allowed: list[str], field: str) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationFailed.from_dict({field: [gettext("Give a list")]})
    result = []
    for value in values:
        if value not in allowed:
            raise ValidationFailed.from_dict({field: [gettext("Unknown value %(value)s") % {"value": str(value)[:50]}]})
        if value not in result:
            result.append(value)
    return result


def _townships(actor, values) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationFailed.from_dict({"townships": [gettext("Give a list")]})
    codes = [str(v.code if isinstance(v, Region) else v) for v in values]
    known = set(Region.objects.filter(policy.scope_q(actor, Region), level="township", code__in=codes)
                .values_list("code", flat=True))
    if set(codes) - known:
        raise policy.reference_error(Region, "townships")
    return sorted(set(codes))


def _campaign_values(actor, data: Mapping[str, Any], current: Campaign | None = None) -> dict:
    def given(name):
        return name in data or current is None

    values: dict[str, Any] = {}
    if given("title"):
        values["title"] = _text(data, "title", required=True, max_length=200)
    if given("kind"):
        if data.get("kind") not in CampaignKind.values():
            raise ValidationFailed.from_dict({"kind": [gettext("Choose a kind")]})
        values["kind"] = data["kind"]
    if given("basis"):
        values["basis"] = _text(data, "basis", required=True, max_length=300)
    if given("description"):
        values["description"] = _text(data, "description")
    if given("starts_on"):
        values["starts_on"] = _date(data.get("starts_on"), "starts_on")
    if given("ends_on"):
        values["ends_on"] = _date(data.get("ends_on"), "ends_on")
    starts = values.get("starts_on", current.starts_on if current else None)
    ends = values.get("ends_on", current.ends_on if current else None)
    if starts and ends and ends < starts:
        raise ValidationFailed.from_dict({"ends_on": [gettext("The campaign must end on or after its start")]})
    if given("industries"):
        values["industries"] = _choices(data.get("industries"), CampaignSector.values(), "industries")
    if given("townships"):
        values["townships"] = _townships(actor, data.get("townships"))
    if given("lead_org"):
        lead = data.get("lead_org")
        values["lead_org"] = (None if lead in (None, "") else
                              policy.get_in_scope_or_field_error(Organisation, lead, actor, "lead_org"))
    return values


def create_campaign(actor, data: Mapping[str, Any]) -> Campaign:
    """Open a campaign organised by the actor's jurisdiction (its tasks are added next)."""
    policy.require(actor, "add", Campaign)
    values = _campaign_values(actor, data)
    with transaction.atomic():
        campaign = Campaign.objects.create(region_code=actor.scope_region_code, created_by=actor, **values)
        audit.record_change(AuditAction.CREATE, campaign, None, audit.snapshot(campaign), actor=actor)
    return campaign


def update_campaign(actor, campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    policy.require(actor, "change", campaign)
    values = _campaign_values(actor, data, campaign)
    before = audit.snapshot(campaign)
    changed = {k: v for k, v in values.items() if getattr(campaign, k) != v}
    if not changed:
        return campaign
    with transaction.atomic():
        for name, value in changed.items():
            setattr(campaign, name, value)
        campaign.save()
        audit.record_change(AuditAction.UPDATE, campaign, before, audit.snapshot(campaign), actor=actor)
    return campaign


# --- tasks ---------------------------------------------------------------------------------------------------


def add_task(actor, campaign: Campaign, data: Mapping[str, Any]) -> CampaignTask:
    """Give a township (``township``: its code) or a department (``organisation``: its id) a task of the
    campaign, with the report deadlines (inside the campaign's period, ascending)."""
    policy.require(actor, "add", CampaignTask)
    township, org = data.get("township") or "", data.get("organisation") or None
    if bool(township) == bool(org):
        raise ValidationFailed.from_dict({"township": [gettext("Choose a township or a department, not both")]})
    if township:
        region = Region.objects.filter(policy.scope_q(actor, Region), level="township",
                                       code=str(getattr(township, "code", township))).first()
        if region is None:
            raise policy.reference_error(Region, "township")
        if campaign.townships and region.code not in campaign.townships:
            raise ValidationFailed.from_dict({"township": [gettext("That township is outside the campaign")]})
        region_code, organisation = region.code, None
    else:
        organisation = policy.get_in_scope_or_field_error(Organisation, org, actor, "organisation")
        region_code = organisation.region_code
    content = _text(data, "content", required=True)
    raw = data.get("deadlines")
    if isinstance(raw, str):
        raw = [part for part in raw.replace("，", ",").replace(" ", ",").split(",") if part]
    if not raw or not isinstance(raw, Iterable):
        raise ValidationFailed.from_dict({"deadlines": [gettext("Give at least one report deadline")]})
    deadlines = sorted({_date(d, "deadlines") for d in raw})
    if len(deadlines) > MAX_DEADLINES:
        raise ValidationFailed.from_dict({"deadlines": [gettext("At most %(n)s deadlines") % {"n": MAX_DEADLINES}]})
    if deadlines[0] < campaign.starts_on or deadlines[-1] > timesafe.add(campaign.ends_on, datetime.timedelta(days=31)):
        raise ValidationFailed.from_dict({"deadlines": [gettext(
            "Deadlines lie within the campaign's period (the last up to a month after it ends)")]})
    with transaction.atomic():
        task = CampaignTask.objects.create(campaign=campaign, region_code=region_code, organisation=organisation,
                                           content=content, deadlines=[d.isoformat() for d in deadlines],
                                           due_on=deadlines[0])
        audit.record_change(AuditAction.CREATE, task, None, audit.snapshot(task), actor=actor)
        _notify(assignees(task), _msg(_l("Campaign “%(title)s”: a task for you, first report due %(due)s."),
                                      title=campaign.title[:100], due=deadlines[0].isoformat()), task, actor)
    return task


def assignees(task) -> list[User]:
    """Who answers for a task or order: the department's active accounts, or the township's staff."""
    users = User.objects.filter(is_active=True, enterprise__isnull=True)
    if task.organisation_id:
        return list(users.filter(organisation_id=task.organisation_id))
    return list(users.filter(scope_region_code=task.region_code, roles__role=Role.TOWNSHIP_STAFF).distinct())


def may_report(task: CampaignTask, actor) -> bool:
    if task.organisation_id:
        return actor.organisation_id == task.organisation_id or (
            actor.has_role(*SUPERVISORS) and len(actor.scope_region_code or "") == 6)
    return actor.has_role(Role.TOWNSHIP_STAFF) and task.region_code.startswith(actor.scope_prefix or "-")


def _count(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ValidationFailed.from_dict({name: [gettext("Give a whole number from 0")]})
    return value


def _next_due(task: CampaignTask, answered: set[datetime.date]) -> datetime.date | None:
    for text in task.deadlines:
        day = datetime.date.fromisoformat(text)
        if day not in answered:
            return day
    return None


def _state_for(due: datetime.date | None, today: datetime.date) -> tuple[str, datetime.date | None]:
    if due is None:
        return TaskState.DONE, None
    if due < today:
        return TaskState.OVERDUE, timesafe.add(due, datetime.timedelta(days=1))
    return TaskState.OPEN, None


def submit_report(actor, task: CampaignTask, data: Mapping[str, Any], files: Iterable = ()) -> CampaignReport:
    """The assignee's progress report for the task's next deadline (late after that day); files attached to it."""
    policy.require(actor, "add", CampaignReport)
    if not may_report(task, actor):
        raise NotAllowed(gettext("Only the task's township or department reports on it"))
    if task.due_on is None:
        raise Conflict(gettext("Every report of this task is in"))
    figures = {n: _count(data, n) for n in ("enterprises_checked", "hazards_found", "hazards_rectified",
                                             "major_hazards")}
    errors = {}
    if figures["hazards_rectified"] > figures["hazards_found"]:
        errors["hazards_rectified"] = [gettext("Cannot exceed the hazards found")]
    if figures["major_hazards"] > figures["hazards_found"]:
        errors["major_hazards"] = [gettext("Cannot exceed the hazards found")]
    if errors:
        raise ValidationFailed.from_dict(errors)
    text = _text(data, "text", required=True)
    period = _text(data, "period", max_length=50) or _msg(_l("Report due %(due)s"), due=task.due_on.isoformat())
    now = timezone.now()
    today = timezone.localdate(now)
    due = task.due_on
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = CampaignReport.objects.create(task=task, region_code=task.region_code, due_on=due,
                                                       period=period, text=text, submitted_by=actor,
                                                       submitted_at=now, late=today > due, **figures)
        except IntegrityError:
            raise Conflict(gettext("Someone else reported for this deadline first; reload")) from None
        answered = set(task.reports.values_list("due_on", flat=True))
        next_due = _next_due(task, answered)
        state, since = _state_for(next_due, today)
        rows = CampaignTask.objects.filter(pk=task.pk, due_on=due).update(due_on=next_due, state=state,
                                                                          overdue_since=since)
        if rows == 0:
            raise Conflict(gettext("Someone else changed this object first; reload and try again"))
        audit.record_change(AuditAction.CREATE, report, None, audit.snapshot(report), actor=actor)
        for uploaded in files:
            attachments.attach(actor, report, uploaded, purpose="report")
        if task.campaign.created_by_id:
            _notify([task.campaign.created_by], _msg(
                _l("Campaign “%(title)s”: %(who)s reported (%(period)s)."), title=task.campaign.title[:100],
                who=task.assignee_name, period=period), task, actor)
    task.refresh_from_db()
    return report


def flag_overdue_tasks(today: datetime.date | None = None) -> int:
    """Mark tasks whose next report deadline has passed without a report overdue and notify once per deadline
    (the state change is a compare-and-swap on the deadline, so a second run notifies nobody)."""
    today = today or timezone.localdate()
    flagged = 0
    for task in (CampaignTask.objects.filter(state=TaskState.OPEN, due_on__lt=today)
                 .select_related("campaign", "campaign__created_by", "organisation").order_by("due_on", "pk")):
        with transaction.atomic():
            rows = CampaignTask.objects.filter(pk=task.pk, state=TaskState.OPEN, due_on=task.due_on).update(
                state=TaskState.OVERDUE, overdue_since=timesafe.add(task.due_on, datetime.timedelta(days=1)))
            if rows == 0:
                continue
            audit.record(AuditAction.UPDATE, task, before={"state": TaskState.OPEN},
                         after={"state": TaskState.OVERDUE, "due_on": task.due_on.isoformat()},
                         message="report overdue")
            recipients = assignees(task) + ([task.campaign.created_by] if task.campaign.created_by_id else [])
            _notify(recipients, _msg(_l("Campaign “%(title)s”: the report due %(due)s from %(who)s is overdue."),
                                     title=task.campaign.title[:100], due=task.due_on.isoformat(),
                                     who=task.assignee_name), task)
            flagged += 1
    return flagged


# --- findings -------------------------------------------------------------------------------------------------


def scope_enterprises(campaign: Campaign):
    """The enterprises a campaign covers: its townships (all when none) and sectors (all when none)."""
    qs = Enterprise.objects.filter(region_code__startswith=gb2260.prefix(campaign.region_code))
    if campaign.townships:
        q = Q()
        for code in campaign.townships:
            q |= Q(region_code__startswith=code)
        qs = qs.filter(q)
    if campaign.industries:
        q = Q()
        for key in campaign.industries:
            for flag in SECTOR_FLAGS.get(key, ()):
                q |= Q(**{flag: True})
        qs = qs.filter(q)
    return qs


def findings(campaign: Campaign, user) -> dict:
    """Hazards of the enterprises in scope found in the period (prevention's records, cut to the viewer's scope)
    and the reports' figures, per township, with totals."""
    # Local dates compared in the database: no conversion of the period's ends (which may lie at the calendar's
    # ends) in Python.
    hazards = (Hazard.objects.for_user(user).filter(enterprise__in=scope_enterprises(campaign),
                                                    found_at__date__gte=campaign.starts_on,
                                                    found_at__date__lte=campaign.ends_on)
               .values_list("region_code", "state", "level"))
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for region_code, state, level in hazards:
        row = rows[region_code[:9]]
        row["found"] += 1
        row["rectified"] += state in RECTIFIED_STATES
        row["major"] += level == HazardLevel.MAJOR
    # A report gives the figures so far (cumulative to its deadline): each task counts with its latest report.
    latest: dict[int, CampaignReport] = {}
    for report in (CampaignReport.objects.for_user(user).filter(task__campaign=campaign)
                   .select_related("task__organisation").order_by("task_id", "due_on")):
        latest[report.task_id] = report
    departments: dict[str, str] = {}
    for report in latest.values():
        task = report.task
        key = f"org:{task.organisation_id}" if task.organisation_id else report.region_code[:9]
        if task.organisation_id:
            departments[key] = str(task.organisation)
        row = rows[key]
        row["reported_checked"] += report.enterprises_checked
        row["reported_found"] += report.hazards_found
        row["reported_rectified"] += report.hazards_rectified
        row["reported_major"] += report.major_hazards
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name")) | departments
    keys = ("found", "rectified", "major", "reported_checked", "reported_found", "reported_rectified",
            "reported_major")
    table = [{"code": code, "name": names.get(code, code), **{k: rows[code][k] for k in keys}}
             for code in sorted(rows, key=lambda k: (k.startswith("org:"), k))]
    totals = {k: sum(r[k] for r in table) for k in keys}
    return {"rows": table, "totals": totals, "enterprises": scope_enterprises(campaign).filter(
        policy.scope_q(user, Enterprise)).count()}


# --- notifications --------------------------------------------------------------------------------------------


def _msg(template, **params) -> str:
    """A notification text (a lazy translation) in the platform's language (jobs have no request language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return (str(template) % params)[:500]


def _notify(recipients, message: str, task: CampaignTask, actor=None) -> int:
    return len(notifications.notify(recipients, message[:200], link=reverse("campaign_task_detail", args=[task.pk]),
                                    obj=task, kind=NOTIFY_KIND, exclude=actor))


audit.message_pattern(r"report overdue", gettext_lazy("Report overdue"))
