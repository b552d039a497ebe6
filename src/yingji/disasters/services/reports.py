"""Disaster reporting (灾情统计报送): events, reports from villages up, validation, deadlines, reminders, the
快报表 export, and the county relief plan's response level. The only writers of ``models.reports``."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext

from yingji.core import audit, policy
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.regions import region_name
from yingji.standards import disasters as rules
from yingji.standards import gb2260

from ..choices_reports import CasualtyKind, ReportStage, ReportState
from ..models.reports import Casualty, DisasterEvent, DisasterReport, ReliefThreshold

__all__ = ["open_event", "end_event", "save_report", "submit_report", "rollup", "due_reports", "remind_due",
           "export_workbook", "seed_thresholds", "county_thresholds", "event_level"]


def _figures_out(figures: Mapping[str, Any]) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}


def figures_of(report: DisasterReport) -> dict:
    """The report's figures cleaned (ints and Decimals, every indicator present)."""
    return rules.clean_figures(report.figures or {})


def _aware(value, field: str) -> datetime.datetime:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value) if value else None
    if not isinstance(value, datetime.datetime):
        raise ValidationFailed.from_dict({field: ["Enter a date and time"]})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _hazard(value) -> str:
    from ..choices_reports import HazardKind

    value = value or "flood"
    if value not in HazardKind.values():
        raise ValidationFailed.from_dict({"hazard": [f"Unknown disaster type {value!r}"]})
    return value


def open_event(actor, data: Mapping[str, Any]) -> DisasterEvent:
    """Open a disaster event (灾害过程) for the county (or a township) in the actor's scope."""
    policy.require(actor, "add", DisasterEvent)
    region_code = str(data.get("region_code") or "")
    errors = {}
    if len(region_code) not in (6, 9):
        errors["region_code"] = ["A disaster event belongs to a county or a township"]
    if not str(data.get("title") or "").strip():
        errors["title"] = ["This field is required"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    policy.require_region_in_scope(actor, region_code)
    started_at = _aware(data.get("started_at"), "started_at")
    incident = data.get("incident")
    with transaction.atomic():
        event = DisasterEvent.objects.create(
            region_code=region_code, incident=incident, title=str(data["title"]).strip()[:200],
            hazard=_hazard(data.get("hazard")), started_at=started_at, major=bool(data.get("major")),
            created_by=actor if getattr(actor, "pk", None) else None)
        audit.record("create", event, actor=actor)
    return event


def end_event(actor, event: DisasterEvent, ended_at) -> DisasterEvent:
    """The disaster is stable (灾情稳定): the 核报 clock starts."""
    policy.require(actor, "change", DisasterEvent)
    ended = _aware(ended_at, "ended_at")
    if ended < event.started_at:
        raise ValidationFailed.from_dict({"ended_at": ["The disaster cannot end before it began"]})
    rows = DisasterEvent.objects.filter(pk=event.pk, version=event.version, ended_at__isnull=True).update(
        ended_at=ended, version=event.version + 1)
    if not rows:
        raise Conflict()
    event.refresh_from_db()
    audit.record("update", event, actor=actor, after={"ended_at": ended.isoformat()})
    return event


def _children(event: DisasterEvent, region_code: str, stage: str) -> list[DisasterReport]:
    """The latest submitted report of each direct child area (township's villages, county's townships)."""
    child_len = {6: 9, 9: 12}.get(len(region_code))
    if child_len is None:
        return []
    latest: dict[str, DisasterReport] = {}
    rows = (DisasterReport.objects.filter(event=event, stage=stage, state=ReportState.SUBMITTED,
                                          region_code__startswith=gb2260.prefix(region_code))
            .order_by("region_code", "seq"))
    for report in rows:
        if len(report.region_code) == child_len:
            latest[report.region_code] = report
    return list(latest.values())


def rollup(event: DisasterEvent, region_code: str, stage: str) -> dict:
    """The sum of the children's latest submitted reports at ``stage`` (the figures a township or county starts
    from)."""
    return _figures_out(rules.sum_figures([figures_of(r) for r in _children(event, region_code, stage)]))


def _check_area(actor, event: DisasterEvent, region_code: str) -> None:
    if len(region_code) not in (6, 9, 12):
        raise ValidationFailed.from_dict({"region_code": ["Report for a village, a township or the county"]})
    if not region_code.startswith(event.region_code[:len(region_code)]) or len(region_code) < len(event.region_code):
        raise ValidationFailed.from_dict({"region_code": ["The area is outside the disaster event's area"]})
    # Village and township users report for their own area only.
    policy.require_region_in_scope(actor, region_code)


def _stage_allowed(event: DisasterEvent, region_code: str, stage: str) -> None:
    if stage not in rules.STAGES:
        raise ValidationFailed.from_dict({"stage": [f"Unknown stage {stage!r}"]})
    done = DisasterReport.objects.filter(event=event, region_code=region_code, state=ReportState.SUBMITTED)
    if stage != ReportStage.INITIAL and not done.filter(stage=ReportStage.INITIAL).exists():
        raise ValidationFailed.from_dict({"stage": ["The initial report comes first"]})
    if stage == ReportStage.FINAL and event.ended_at is None:
        raise ValidationFailed.from_dict({"stage": ["The verified report is filed once the disaster is stable"]})
    if stage != ReportStage.FINAL and done.filter(stage=ReportStage.FINAL).exists():
        raise ValidationFailed.from_dict({"stage": ["The verified report has been submitted"]})


def _clean(figures: Mapping[str, Any]) -> dict:
    try:
        return rules.clean_figures(figures)
    except ValueError as exc:
        key = str(exc).split(" ", 1)[0]
        field = key if key in rules.indicator_keys() else "figures"
        raise ValidationFailed.from_dict({field: [str(exc)]})


def _casualties(rows) -> list[dict]:
    out, errors = [], []
    for i, row in enumerate(rows or []):
        name = str(row.get("name") or "").strip()
        kind = row.get("kind")
        if not name or kind not in CasualtyKind.values():
            errors.append(gettext("Row %(row)d: a name and a kind (dead or missing) are required") % {"row": i + 1})
            continue
        age = row.get("age")
        out.append({"name": name[:50], "kind": kind, "gender": str(row.get("gender") or "")[:4],
                    "age": int(age) if age not in (None, "") else None,
                    "cause": str(row.get("cause") or "")[:200]})
    if errors:
        raise ValidationFailed.from_dict({"casualties": errors})
    return out


def save_report(actor, event: DisasterEvent, data: Mapping[str, Any]) -> DisasterReport:
    """Create or replace the area's draft at a stage: figures (omitted indicators are 0) and the casualty list.
    Nothing is checked against the rules until it is submitted."""
    policy.require(actor, "add", DisasterReport)
    region_code = str(data.get("region_code") or "")
    stage = str(data.get("stage") or "")
    _check_area(actor, event, region_code)
    _stage_allowed(event, region_code, stage)
    figures = _clean(data.get("figures") or {})
    casualties = _casualties(data.get("casualties"))
    as_of = _aware(data.get("as_of") or timezone.now(), "as_of")
    with transaction.atomic():
        report = (DisasterReport.objects.select_for_update()
                  .filter(event=event, region_code=region_code, stage=stage, state=ReportState.DRAFT).first())
        if report is None:
            last = (DisasterReport.objects.filter(event=event, region_code=region_code, stage=stage)
                    .order_by("-seq").first())
            report = DisasterReport(event=event, region_code=region_code, stage=stage,
                                    seq=(last.seq + 1) if last else 1)
        report.as_of = as_of
        report.figures = _figures_out(figures)
        report.remarks = str(data.get("remarks") or "")[:5000]
        report.due_at = _due_of(event, region_code, stage, timezone.now())
        created = report.pk is None
        report.save()
        report.casualties.all().delete()
        Casualty.objects.bulk_create([Casualty(report=report, region_code=region_code, **row) for row in casualties])
        audit.record("create" if created else "update", report, actor=actor, after=report.figures)
    return report


def validation_errors(report: DisasterReport) -> dict[str, list[str]]:
    """Every rule of ``standards.disasters.validate`` for this report: its own consistency, the casualty list, and
    (for a township or the county) the sum of the children's latest submitted reports at the same stage."""
    figures = figures_of(report)
    named = list(report.casualties.values_list("kind", flat=True))
    children = [figures_of(r) for r in _children(report.event, report.region_code, report.stage)]
    return rules.validate(figures, named_dead=named.count(CasualtyKind.DEAD),
                          named_missing=named.count(CasualtyKind.MISSING), children=children or None)


def submit_report(actor, report: DisasterReport) -> DisasterReport:
    """Submit a draft after validation (422 with every failed rule); a county report re-evaluates the event's relief
    response level against the county plan's thresholds."""
    policy.require(actor, "change", DisasterReport)
    policy.require_region_in_scope(actor, report.region_code)
    errors = validation_errors(report)
    if errors:
        raise ValidationFailed.from_dict(errors, "The report does not pass the checks")
    now = timezone.now()
    with transaction.atomic():
        rows = DisasterReport.objects.filter(pk=report.pk, state=ReportState.DRAFT).update(
            state=ReportState.SUBMITTED, submitted_at=now, submitted_by=actor)
        if not rows:
            raise Conflict()
        report.refresh_from_db()
        audit.record("update", report, actor=actor, after={"state": ReportState.SUBMITTED})
        if len(report.region_code) == 6:
            event = report.event
            level, _reached = event_level(event, figures_of(report))
            DisasterEvent.objects.filter(pk=event.pk).update(relief_level=level or "")
            if event.incident_id:
                from yingji.incidents import services as incident_services

                incident_services.regrade_by_rules(actor, event.incident,
                                                   f"{ReportStage.label(report.stage)} {report.seq}")
    return report


def incident_indicators(incident) -> dict:
    """The disaster indicators of an incident: the county's latest submitted report of its disaster event
    (registered with ``incidents.grading``)."""
    report = (DisasterReport.objects.filter(event__incident=incident, state=ReportState.SUBMITTED)
              .annotate(code_length=Length("region_code")).filter(code_length=6)
              .order_by("-submitted_at", "-id").first())
    return figures_of(report) if report is not None else {}


# --- relief plan thresholds -----------------------------------------------------------------------------------

#: Where seeded thresholds come from (shown on the pages, so in Chinese): the data file's county example.
THRESHOLD_SOURCE = "县级自然灾害救助应急预案示例（未核实）"


def seed_thresholds(county_code: str) -> int:
    """Seed the county plan's thresholds from the data file (unverified example) where the county has none."""
    if ReliefThreshold.objects.filter(region_code=county_code).exists():
        return 0
    table = rules.relief_level_table("county_example")
    rows = [ReliefThreshold(region_code=county_code, level=level, indicator=indicator, minimum=Decimal(str(value)),
                            source=THRESHOLD_SOURCE, verified=False)
            for level, conditions in table.items() for indicator, value in conditions.items()]
    ReliefThreshold.objects.bulk_create(rows)
    return len(rows)


def county_thresholds(region_code: str) -> dict[str, dict[str, Decimal]]:
    table: dict[str, dict[str, Decimal]] = {}
    for t in ReliefThreshold.objects.filter(region_code=region_code[:6]):
        table.setdefault(t.level, {})[t.indicator] = t.minimum
    return table


def event_level(event: DisasterEvent, figures: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """The relief response level the figures reach under the county plan (``standards.disasters.response_level``)."""
    return rules.response_level(figures, county_thresholds(event.region_code))


# --- deadlines ------------------------------------------------------------------------------------------------

def _stages_done(event: DisasterEvent, region_code: str) -> dict[str, int]:
    done: dict[str, int] = {}
    for stage in DisasterReport.objects.filter(event=event, region_code=region_code,
                                               state=ReportState.SUBMITTED).values_list("stage", flat=True):
        done[stage] = done.get(stage, 0) + 1
    return done


def _due_of(event: DisasterEvent, region_code: str, stage: str, now: datetime.datetime):
    nxt = _next(event, region_code, now)
    return nxt[1] if nxt and nxt[0] == stage else None


def _next(event: DisasterEvent, region_code: str, now: datetime.datetime):
    """The area's next report owed, computed in local time (续报 are due at 9:00 local)."""
    local = timezone.localtime
    return rules.next_due(local(event.started_at), local(event.ended_at) if event.ended_at else None, region_code,
                          major=event.major, stages_done=_stages_done(event, region_code), now=local(now))


def _areas(event: DisasterEvent) -> list[str]:
    """The areas owing reports: the event's area and every area that has reported for it."""
    codes = set(DisasterReport.objects.filter(event=event).values_list("region_code", flat=True))
    codes.add(event.region_code)
    return sorted(codes)


def due_reports(user, now: datetime.datetime | None = None) -> list[dict]:
    """The next report owed by each area of each open (or not yet verified) event in the user's scope, soonest
    first: {event, region_code, area, stage, due_at, status} (status overdue / near / running)."""
    now = now or timezone.now()
    if not policy.can(user, "view", DisasterReport):
        return []
    out = []
    events = DisasterEvent.objects.for_user(user).filter(started_at__lte=now)
    own = user.scope_region_code or ""
    for event in events[:50]:
        areas = set(_areas(event))
        if own.startswith(event.region_code):
            areas.add(own)  # the viewer's own area owes its report even before it filed one
        for code in sorted(areas):
            if not code.startswith(user.scope_prefix or own):
                continue
            nxt = _next(event, code, now)
            if nxt is None:
                continue
            stage, due = nxt
            left = (due - now).total_seconds()
            status = "overdue" if left < 0 else ("near" if left < 3600 else "running")
            out.append({"event": event, "region_code": code, "area": region_name(code), "stage": stage,
                        "stage_label": ReportStage.label(stage), "due_at": due, "status": status})
    return sorted(out, key=lambda row: row["due_at"])


def remind_due(now: datetime.datetime | None = None) -> int:
    """Notify the reporters of each area whose next report is due within the hour or overdue (idempotent: one
    notification per area, stage and due time)."""
    from yingji.core.notifications import notify

    now = now or timezone.now()
    sent = 0
    for event in DisasterEvent.objects.filter(started_at__lte=now).filter(
            ended_at__isnull=True) | DisasterEvent.objects.filter(ended_at__gte=now - datetime.timedelta(days=10)):
        for code in _areas(event):
            nxt = _next(event, code, now)
            if nxt is None or (nxt[1] - now).total_seconds() > 3600:
                continue
            stage, due = nxt
            users = policy.acting_users(code, model=DisasterReport, action="add")
            subject = f"{event.title}：{region_name(code)}{ReportStage.label(stage)}须于 " \
                      f"{timezone.localtime(due):%m-%d %H:%M} 前报送"
            sent += len(notify(users, subject, obj=event, kind="disaster_report",
                               dedupe_key=f"disaster-report:{event.pk}:{code}:{stage}:{due.isoformat()}"))
    return sent


# --- export ---------------------------------------------------------------------------------------------------

#: The table's own words for the stages (the export is in the table's layout whatever the page language).
STAGE_ZH = {"initial": "初报", "follow_up": "续报", "final": "核报"}

#: The 快报表's header rows: (group, [indicator keys]) in the table's own column order.
EXPORT_GROUPS = (
    ("人口受灾情况", ("affected_people", "deaths", "missing", "evacuated", "needs_relief")),
    ("房屋受损情况", ("collapsed_households", "collapsed_rooms", "severe_households", "severe_rooms",
                      "minor_households", "minor_rooms")),
    ("农作物受灾情况", ("crop_affected_ha", "crop_damaged_ha", "crop_lost_ha")),
    ("直接经济损失", ("loss_total", "loss_agriculture", "loss_industry", "loss_infrastructure",
                      "loss_public_services", "loss_housing", "loss_household_property")),
)


def export_rows(event: DisasterEvent, stage: str) -> list[list[Any]]:
    """The 快报表 as rows of cells: title, 填报单位/阶段, two header rows (groups, indicators with units), then the
    county total and each township and village below it (latest submitted report of each area)."""
    units = {i.key: (i.name_zh, i.unit) for i in rules.indicators()}
    keys = [k for _g, ks in EXPORT_GROUPS for k in ks]
    rows: list[list[Any]] = [
        ["自然灾害损失情况统计快报表"] + [None] * len(keys),
        [f"灾害过程：{event.title}", None, f"报送阶段：{STAGE_ZH[stage]}"] + [None] * (len(keys) - 2),
        ["地区"] + [g for g, ks in EXPORT_GROUPS for g in [g] + [None] * (len(ks) - 1)],
        [None] + [f"{units[k][0]}（{units[k][1]}）" for k in keys],
    ]
    latest: dict[str, DisasterReport] = {}
    for r in DisasterReport.objects.filter(event=event, stage=stage, state=ReportState.SUBMITTED).order_by("seq"):
        latest[r.region_code] = r
    for code in sorted(latest, key=lambda c: (c[:6], c[:9], len(c), c)):
        figures = figures_of(latest[code])
        indent = {6: "", 9: "  ", 12: "    "}[len(code)]
        rows.append([indent + region_name(code).split(" / ")[-1]]
                    + [float(figures[k]) if isinstance(figures[k], Decimal) else figures[k] for k in keys])
    return rows


def export_workbook(event: DisasterEvent, stage: str) -> bytes:
    """The 快报表 of an event at a stage as an Excel workbook in the table's layout (merged title and group
    headers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = export_rows(event, stage)
    wb = Workbook()
    ws = wb.active
    ws.title = "快报表"
    from yingji.core.exports import cell

    for row in rows:
        # Text goes through the export's cell policy (no illegal characters, no formulas); numbers stay numbers.
        ws.append([cell(value) if isinstance(value, str) else value for value in row])
    width = len(rows[3])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    col = 2
    for _group, keys in EXPORT_GROUPS:
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(keys) - 1)
        col += len(keys)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def require_reporter(actor, region_code: str) -> None:
    if not policy.can(actor, "add", DisasterReport):
        raise NotAllowed()
    policy.require_region_in_scope(actor, region_code)


def console_deadlines(user, now) -> list[dict]:
    """The duty console's rows (``core.deadlines``): each area's next disaster report."""
    from django.urls import NoReverseMatch, reverse

    rows = []
    for row in due_reports(user, now):
        try:
            url = reverse("disaster_event_detail", args=[row["event"].pk])
        except NoReverseMatch:
            url = ""
        rows.append({"title": f"{row['event'].title} · {row['area']} · {row['stage_label']}",
                     "due_at": row["due_at"], "status": row["status"], "url": url})
    return rows


def create_threshold(actor, data: Mapping[str, Any]) -> ReliefThreshold:
    """Add a start condition to the county relief plan of the actor's county."""
    from yingji.core.services import create_object

    county = (getattr(actor, "scope_region_code", "") or "")[:6]
    return create_object(actor, ReliefThreshold, {**data, "region_code": county})


def update_threshold(actor, threshold: ReliefThreshold, data: Mapping[str, Any]) -> ReliefThreshold:
    from yingji.core.services import update_object

    return update_object(actor, threshold, {k: v for k, v in data.items() if k != "region_code"})


def event_detail_context(request, event: DisasterEvent, view) -> dict:
    """The event page: every submitted and draft report in the viewer's scope, the next report each area owes."""
    reports = (DisasterReport.objects.for_user(request.user).filter(event=event)
               .select_related("submitted_by").order_by("stage", "region_code", "seq"))
    return {"reports": reports, "dues": [r for r in due_reports(request.user) if r["event"].pk == event.pk],
            "stages": [(s, ReportStage.label(s)) for s in rules.STAGES]}


# --- the village's phone report (初报 from the field) -----------------------------------------------------------

CASUALTY_WORDS = {"死亡": CasualtyKind.DEAD, "遇难": CasualtyKind.DEAD, "失踪": CasualtyKind.MISSING}


def parse_casualty_lines(text: str) -> list[dict]:
    """The casualty list typed on a phone, one person a line: ``姓名 死亡|失踪 [性别] [年龄] [原因]``."""
    rows, errors = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) < 2 or parts[1] not in CASUALTY_WORDS:
            errors.append(gettext("Line %(n)s: name, then 死亡 or 失踪.") % {"n": number})
            continue
        rest = parts[2:]
        row = {"name": parts[0], "kind": CASUALTY_WORDS[parts[1]], "gender": "", "age": None, "cause": ""}
        if rest and rest[0] in ("男", "女"):
            row["gender"] = rest.pop(0)
        if rest and rest[0].removesuffix("岁").isdigit():
            row["age"] = min(int(rest.pop(0).removesuffix("岁")), 150)
        row["cause"] = " ".join(rest)[:200]
        rows.append(row)
    if errors:
        raise ValidationFailed.from_dict({"casualties": errors})
    return rows


def quick_report(actor, event: DisasterEvent, key, record: Mapping[str, Any]) -> tuple[DisasterReport, bool]:
    """A village's report from the phone form, saved and submitted at once with every check of ``submit_report``
    (nothing is kept when a check fails). ``key`` is the phone's submission key: the offline queue may send the
    same report again, which answers the stored one (``created`` False) and stores nothing twice."""
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        raise ValidationFailed.from_dict({"submission_key": [gettext("Give the submission key as a UUID")]}) \
            from None
    existing = DisasterReport.objects.filter(client_key=key).first()
    if existing is not None:
        if existing.event_id != event.pk or not policy.sees(actor, existing):
            raise Conflict(gettext("This submission key was used for another report"),
                           [{"field": "submission_key", "message": gettext("already used")}])
        return existing, False
    # The phone sends what was typed: whole numbers of the count indicators arrive as text.
    counts = {i.key for i in rules.indicators() if i.kind == "count"}
    figures = {}
    for indicator in rules.indicator_keys():
        value = record.get(indicator)
        if value in (None, ""):
            continue
        if indicator in counts and isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        figures[indicator] = value
    data = {"region_code": str(record.get("region_code") or actor.scope_region_code or ""),
            "stage": str(record.get("stage") or ReportStage.INITIAL), "figures": figures,
            "casualties": parse_casualty_lines(str(record.get("casualties") or "")),
            "remarks": str(record.get("remarks") or ""), "as_of": record.get("as_of") or timezone.now()}
    try:
        with transaction.atomic():
            report = save_report(actor, event, data)
            DisasterReport.objects.filter(pk=report.pk).update(client_key=key)
            report = submit_report(actor, report)
    except IntegrityError:
        # The same report arrived twice at once: the other request stored it.
        report = DisasterReport.objects.filter(client_key=key).first()
        if report is None:
            raise
        return report, False
    return report, True
