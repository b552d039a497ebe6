"""API of the duty desk: rosters (and their Excel import), who is on duty now, the duty log, handovers, the daily
duty report."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from yingji.core import policy
from yingji.core.api_support import (
    ERRORS,
    Date,
    DateTime,
    ErrorOut,
    Id,
    InSchema,
    Phone,
    Schema,
    ShortText,
)
from yingji.core.crud import Crud, Output, contextual
from yingji.core.surfaces import View

from . import report, roster_import, services, surfaces
from .choices import EntryKind, Shift
from .models import DutyLogEntry, DutyShift, Handover

router = Router(tags=["duty"])


class ShiftOut(Schema):
    id: int
    region_code: str
    date: datetime.date
    shift: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    leader_name: str
    leader_phone: str
    leader_id: int | None
    officer_names: str
    officer_ids: list[int]
    notes: str


class ShiftIn(InSchema):
    date: Date
    shift: Literal[tuple(Shift.values())]  # type: ignore[valid-type]
    leader_name: ShortText(50, 1)
    leader_phone: Phone = ""
    leader_id: Id | None = None
    officer_names: ShortText(200, 1)
    officer_ids: list[Id] = []
    notes: ShortText(200) = ""


class NowOut(Schema):
    time: datetime.datetime
    shifts: list[ShiftOut]


class EntryOut(Schema):
    id: int
    region_code: str
    received_at: datetime.datetime
    source: str
    kind: str
    caller_name: str
    caller_phone: str
    content: str
    state: str
    incident_id: int | None
    logged_by: str | None
    version: int
    available_actions: list[str]


class EntryIn(InSchema):
    source: Literal[tuple(services.SOURCES.values())]  # type: ignore[valid-type]
    kind: Literal[tuple(EntryKind.values())] = EntryKind.CALL  # type: ignore[valid-type]
    received_at: DateTime | None = None
    region_code: ShortText(12) | None = None
    caller_name: ShortText(50) = ""
    caller_phone: Phone = ""
    content: ShortText(5000, 1)


class EntryTransitionIn(InSchema):
    action: ShortText(32, 1)
    note: ShortText(2000) | None = None
    incident: dict | None = None


class HandoverItemOut(Schema):
    text: str
    log_entry_id: int | None


class HandoverOut(Schema):
    id: int
    region_code: str
    shift_id: int | None
    handed_over_by: str | None
    handed_over_at: datetime.datetime
    notes: str
    state: str
    received_by: str | None
    acknowledged_at: datetime.datetime | None
    items: list[HandoverItemOut]


class HandoverIn(InSchema):
    notes: ShortText(5000) = ""
    items: list[ShortText(500)] = []


class HandoverTransitionIn(InSchema):
    action: ShortText(32, 1)
    note: ShortText(2000) | None = None


class RosterImportOut(Schema):
    created: int
    dry_run: bool
    shifts: list[ShiftOut]


class RosterImportRowError(Schema):
    field: str
    message: str
    row: int | None = None
    column: str = ""


class RosterImportErrorOut(ErrorOut):
    errors: list[RosterImportRowError] = []


def _binary(*content_types: str) -> dict:
    return {"responses": {200: {"content": {t: {"schema": {"type": "string", "format": "binary"}}
                                            for t in content_types}}}}


def _person(user) -> str | None:
    return str(user) if user is not None else None


def _act_on_entry(user, entry: DutyLogEntry, payload: EntryTransitionIn) -> None:
    # Acting needs the change grant before the workflow looks at the action (403 whatever the entry's state).
    policy.require(user, "change", DutyLogEntry)
    data = payload.model_dump(exclude_none=True)
    services.act_on_entry(user, entry, data.pop("action"), data)


def _act_on_handover(user, handover: Handover, payload: HandoverTransitionIn) -> None:
    policy.require(user, "change", Handover)
    data = payload.model_dump(exclude_none=True)
    services.act_on_handover(user, handover, data.pop("action"), data)


shift_out = Output(ShiftOut, resolvers={"officer_ids": lambda s: sorted(u.pk for u in s.officers.all())},
                   phones=("leader_phone",))

shifts = Crud(router, surfaces.SHIFTS, "/duty/rosters", out=ShiftOut, in_schema=ShiftIn, module=__name__,
              tags=None, output=shift_out) \
    .list("list_shifts", summary="The duty roster").create("create_shift", summary="Put a shift on the roster")


@router.post("/duty/rosters/import", response={201: RosterImportOut, 200: RosterImportOut, **ERRORS,
                                               422: RosterImportErrorOut},
             summary="Import the roster from the Excel template (multipart, field `file`)",
             description="One row per person per shift: date, shift (白班/夜班), role (带班领导/值班员), username or "
                         "contact name, phone. Every row is checked first; if anything is wrong nothing is written and "
                         "the 422 answer lists each problem with its row, column and reason. `dry_run` only checks.")
def import_roster(request, file: File[UploadedFile], dry_run: bool = False):
    policy.require(request.auth, "add", DutyShift)
    result = roster_import.import_roster(request.auth, roster_import.read_upload(file), dry_run=dry_run)
    if dry_run:
        shifts = [{**s, "id": 0, "starts_at": services.shift_bounds(s["date"], s["shift"])[0],
                   "ends_at": services.shift_bounds(s["date"], s["shift"])[1]} for s in result]
        return Status(200, {"created": 0, "dry_run": True, "shifts": shifts})
    created = surfaces.SHIFTS.base_queryset().filter(pk__in=[s.pk for s in result]).order_by("starts_at")
    view = View(request.auth, surfaces.SHIFTS.reveal(request.auth))
    return Status(201, {"created": len(result), "dry_run": False, "shifts": [shift_out(s, view) for s in created]})


@router.get("/duty/rosters/import/template", response=ERRORS, summary="Download the roster import template",
            openapi_extra=_binary(report.CONTENT_TYPES["xlsx"]))
def roster_import_template(request):
    policy.require(request.auth, "add", DutyShift)
    response = HttpResponse(roster_import.template_workbook(), content_type=report.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = "attachment; filename*=UTF-8''duty-roster-template.xlsx"
    return response


shifts.get("get_shift")


@router.get("/duty/now", response={200: NowOut, **ERRORS}, summary="Who is on duty now")
def on_duty_now(request):
    from django.utils import timezone

    view = View(request.auth, surfaces.SHIFTS.reveal(request.auth))
    return {"time": timezone.now(), "shifts": [shift_out(s, view) for s in services.on_duty(request.auth)]}


Crud(router, surfaces.ENTRIES, "/duty/log", out=EntryOut, in_schema=EntryIn, module=__name__, tags=None,
     output=Output(EntryOut, resolvers={
         "logged_by": lambda e: _person(e.logged_by),
         "available_actions": contextual(lambda e, view: services.entry_actions(e, view.user))})) \
    .list("list_entries", summary="The duty log") \
    .create("create_entry", summary="Log a call, message or action",
            write=lambda user, payload: services.log_entry(user, payload.model_dump(exclude_none=True))) \
    .get("get_entry") \
    .transitions("act_on_entry", allowed_name="list_entry_transitions", workflow=services.LOG_WORKFLOW,
                 body=EntryTransitionIn, act=_act_on_entry,
                 summary="File the entry as information, or turn it into an incident (give the incident's fields)")

Crud(router, surfaces.HANDOVERS, "/duty/handovers", out=HandoverOut, in_schema=HandoverIn, module=__name__,
     tags=None, output=Output(HandoverOut, resolvers={
         "handed_over_by": lambda h: _person(h.handed_over_by), "received_by": lambda h: _person(h.received_by),
         "items": lambda h: [{"text": i.text, "log_entry_id": i.log_entry_id} for i in h.items.all()]})) \
    .list("list_handovers", summary="Shift handovers", filters=False) \
    .create("create_handover", summary="Hand over the desk (open log entries are carried over automatically)") \
    .get("get_handover") \
    .transitions("act_on_handover", allowed_name="list_handover_transitions", workflow=services.HANDOVER_WORKFLOW,
                 body=HandoverTransitionIn, act=_act_on_handover,
                 summary="Acknowledge a handover as the incoming officer")


@router.get("/duty/reports/daily", response={200: dict, **ERRORS, 503: ErrorOut}, url_name="duty_daily_report",
            summary="The daily duty report (值班日报) of a duty day or one shift: JSON, PDF or Excel",
            description="`date` defaults to the running duty day (08:00 to 08:00); `shift` narrows it to the day "
                        "or the night shift. `format=pdf|xlsx` downloads the report (recorded in the audit trail); "
                        "503 when the server cannot render PDF.",
            openapi_extra=_binary(*report.CONTENT_TYPES.values()))
def daily_report(request, date: ShortText(10) | None = None, shift: ShortText(8) | None = None,
                 format: Literal[report.FORMATS] = "json"):  # type: ignore[valid-type]
    day, shift_key = report.parse_params(date, shift)
    daily = report.build(request.auth, day, shift_key)
    if format == "json":
        return report.as_json(daily)
    return report.download(request.auth, daily, format)
