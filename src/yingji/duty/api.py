"""API of the duty desk: rosters (and their Excel import), who is on duty now, the duty log, handovers, the daily
duty report."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core import policy
from yingji.core.api_support import (
    ERRORS,
    Date,
    DateTime,
    ErrorOut,
    Id,
    InSchema,
    PageParams,
    Phone,
    ShortText,
    apply_filters,
    filter_params,
    page_of,
    paginate,
)

from . import report, roster_import, services
from .choices import EntryKind, Shift
from .filters import DutyLogFilterSet, DutyShiftFilterSet
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


def _shift_out(s: DutyShift) -> dict:
    return {"id": s.pk, "region_code": s.region_code, "date": s.date, "shift": s.shift, "starts_at": s.starts_at,
            "ends_at": s.ends_at, "leader_name": s.leader_name, "leader_phone": s.leader_phone,
            "leader_id": s.leader_id, "officer_names": s.officer_names,
            "officer_ids": sorted(u.pk for u in s.officers.all()), "notes": s.notes}


def _entry_out(e: DutyLogEntry, user) -> dict:
    return {"id": e.pk, "region_code": e.region_code, "received_at": e.received_at, "source": e.source,
            "kind": e.kind, "caller_name": e.caller_name, "caller_phone": e.caller_phone, "content": e.content,
            "state": e.state, "incident_id": e.incident_id,
            "logged_by": str(e.logged_by) if e.logged_by_id else None, "version": e.version,
            "available_actions": services.entry_actions(e, user)}


def _handover_out(h: Handover) -> dict:
    return {"id": h.pk, "region_code": h.region_code, "shift_id": h.shift_id,
            "handed_over_by": str(h.handed_over_by) if h.handed_over_by_id else None,
            "handed_over_at": h.handed_over_at, "notes": h.notes, "state": h.state,
            "received_by": str(h.received_by) if h.received_by_id else None, "acknowledged_at": h.acknowledged_at,
            "items": [{"text": i.text, "log_entry_id": i.log_entry_id} for i in h.items.all()]}


SHIFTS = DutyShift.objects.prefetch_related("officers")
ENTRIES = DutyLogEntry.objects.select_related("logged_by")
HANDOVERS = Handover.objects.select_related("handed_over_by", "received_by").prefetch_related("items")


@router.get("/duty/rosters", response={200: page_of(ShiftOut), **ERRORS}, summary="The duty roster")
def list_shifts(request, filters: Query[filter_params(DutyShiftFilterSet)], page: Query[PageParams]):
    policy.require(request.auth, "view", DutyShift)
    qs = SHIFTS.filter(policy.scope_q(request.auth, DutyShift))
    return paginate(apply_filters(DutyShiftFilterSet, request, qs), page, _shift_out)


@router.post("/duty/rosters", response={201: ShiftOut, **ERRORS}, summary="Put a shift on the roster")
def create_shift(request, payload: ShiftIn):
    shift = services.create_shift(request.auth, payload.model_dump())
    return Status(201, _shift_out(SHIFTS.get(pk=shift.pk)))


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
    created = SHIFTS.filter(pk__in=[s.pk for s in result]).order_by("starts_at")
    return Status(201, {"created": len(result), "dry_run": False, "shifts": [_shift_out(s) for s in created]})


@router.get("/duty/rosters/import/template", response=ERRORS, summary="Download the roster import template",
            openapi_extra=_binary(report.CONTENT_TYPES["xlsx"]))
def roster_import_template(request):
    policy.require(request.auth, "add", DutyShift)
    response = HttpResponse(roster_import.template_workbook(), content_type=report.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = "attachment; filename*=UTF-8''duty-roster-template.xlsx"
    return response


@router.get("/duty/rosters/{id}", response={200: ShiftOut, **ERRORS})
def get_shift(request, id: Id):
    return _shift_out(policy.get_object(request.auth, DutyShift, id, queryset=SHIFTS))


@router.get("/duty/now", response={200: NowOut, **ERRORS}, summary="Who is on duty now")
def on_duty_now(request):
    from django.utils import timezone

    return {"time": timezone.now(), "shifts": [_shift_out(s) for s in services.on_duty(request.auth)]}


@router.get("/duty/log", response={200: page_of(EntryOut), **ERRORS}, summary="The duty log")
def list_entries(request, filters: Query[filter_params(DutyLogFilterSet)], page: Query[PageParams]):
    policy.require(request.auth, "view", DutyLogEntry)
    qs = ENTRIES.filter(policy.scope_q(request.auth, DutyLogEntry))
    return paginate(apply_filters(DutyLogFilterSet, request, qs), page, lambda e: _entry_out(e, request.auth))


@router.post("/duty/log", response={201: EntryOut, **ERRORS}, summary="Log a call, message or action")
def create_entry(request, payload: EntryIn):
    entry = services.log_entry(request.auth, payload.model_dump(exclude_none=True))
    return Status(201, _entry_out(ENTRIES.get(pk=entry.pk), request.auth))


@router.get("/duty/log/{id}", response={200: EntryOut, **ERRORS})
def get_entry(request, id: Id):
    return _entry_out(policy.get_object(request.auth, DutyLogEntry, id, queryset=ENTRIES), request.auth)


@router.post("/duty/log/{id}/transitions", response={200: EntryOut, **ERRORS},
             summary="File the entry as information, or turn it into an incident (give the incident's fields)")
def act_on_entry(request, id: Id, payload: EntryTransitionIn):
    entry = policy.get_object(request.auth, DutyLogEntry, id, "change", queryset=ENTRIES)
    data = payload.model_dump(exclude_none=True)
    services.act_on_entry(request.auth, entry, data.pop("action"), data)
    return _entry_out(ENTRIES.get(pk=entry.pk), request.auth)


@router.get("/duty/handovers", response={200: page_of(HandoverOut), **ERRORS}, summary="Shift handovers")
def list_handovers(request, page: Query[PageParams]):
    policy.require(request.auth, "view", Handover)
    return paginate(HANDOVERS.filter(policy.scope_q(request.auth, Handover)), page, _handover_out)


@router.post("/duty/handovers", response={201: HandoverOut, **ERRORS},
             summary="Hand over the desk (open log entries are carried over automatically)")
def create_handover(request, payload: HandoverIn):
    handover = services.hand_over(request.auth, payload.model_dump())
    return Status(201, _handover_out(HANDOVERS.get(pk=handover.pk)))


@router.get("/duty/handovers/{id}", response={200: HandoverOut, **ERRORS})
def get_handover(request, id: Id):
    return _handover_out(policy.get_object(request.auth, Handover, id, queryset=HANDOVERS))


@router.post("/duty/handovers/{id}/transitions", response={200: HandoverOut, **ERRORS},
             summary="Acknowledge a handover as the incoming officer")
def act_on_handover(request, id: Id, payload: HandoverTransitionIn):
    handover = policy.get_object(request.auth, Handover, id, "change", queryset=HANDOVERS)
    data = payload.model_dump(exclude_none=True)
    services.act_on_handover(request.auth, handover, data.pop("action"), data)
    return _handover_out(HANDOVERS.get(pk=handover.pk))


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
