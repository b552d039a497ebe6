"""The daily duty report (值班日报): one HTML template rendered as a web page, a PDF (WeasyPrint) and an Excel
workbook (the same HTML's tables, read back into sheets), so the three never disagree.

The report covers one duty day, 08:00 to 08:00 the next morning (the day shift and the night shift that follows
it, see ``Shift.HOURS``), or one of its two shifts. Everything in it is read through the user's scope.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import audit, exports, pdf, policy, values
from yingji.core.choices import AuditAction
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.incidents.choices import AccidentGrade, IncidentState, InformationSource, ReportingLevel, TaskState
from yingji.incidents.models import Incident, Task

from .choices import EntryKind, EntryState, HandoverState, Shift
from .models import DutyLogEntry, DutyShift, Handover
from .services import shift_bounds

FORMATS = ("json", "pdf", "xlsx")
BODY_TEMPLATE = "duty/report_body.html"
DOCUMENT_TEMPLATE = "duty/report_document.html"
PDF_STYLESHEET = Path(__file__).parent / "static" / "duty" / "report_pdf.css"


@dataclass
class DailyReport:
    date: datetime.date
    shift: str
    start: datetime.datetime
    end: datetime.datetime
    scope: str
    generated_at: datetime.datetime
    generated_by: str
    roster: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    entry_counts: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    incident_counts: dict = field(default_factory=dict)
    handovers: list = field(default_factory=list)
    alarms: list | None = None
    overdue_tasks: list = field(default_factory=list)

    @property
    def shift_label(self) -> str:
        return Shift.label(self.shift) if self.shift else _("Whole duty day")


def period(date: datetime.date, shift: str = "") -> tuple[datetime.datetime, datetime.datetime]:
    if shift:
        return shift_bounds(date, shift)
    return shift_bounds(date, Shift.DAY)[0], shift_bounds(date, Shift.NIGHT)[1]


def parse_params(date_text: str | None, shift: str | None) -> tuple[datetime.date, str]:
    """The report's date (default: today's duty day) and shift ('' for both), or a field-level 422."""
    errors = {}
    date = None
    if date_text:
        try:
            date = values.check_date(datetime.date.fromisoformat(date_text))
        except values.ValueRejected as exc:
            errors["date"] = [str(exc)]
        except ValueError:
            errors["date"] = ["Use YYYY-MM-DD"]
    else:
        now = timezone.localtime()
        date = now.date() - datetime.timedelta(days=1 if now.hour < Shift.HOURS[Shift.DAY][0] else 0)
    shift = shift or ""
    if shift not in ("", *Shift.values()):
        errors["shift"] = [f"One of {', '.join(Shift.values())}, or empty for the whole duty day"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    return date, shift


def _deadline_status(deadline, now: datetime.datetime) -> str:
    level = ReportingLevel.label(deadline.level)
    if deadline.reported_at:
        return _("%(level)s reported %(time)s") % {
            "level": level, "time": timezone.localtime(deadline.reported_at).strftime("%m-%d %H:%M")}
    if deadline.due_at <= now:
        return _("%(level)s OVERDUE (due %(time)s)") % {
            "level": level, "time": timezone.localtime(deadline.due_at).strftime("%m-%d %H:%M")}
    return _("%(level)s due %(time)s") % {
        "level": level, "time": timezone.localtime(deadline.due_at).strftime("%m-%d %H:%M")}


def _alarm_model():
    try:
        return apps.get_model("monitoring", "Alarm")
    except LookupError:
        return None


def build(user, date: datetime.date, shift: str = "") -> DailyReport:
    """Gather the report for ``user``'s scope. Raises NotAllowed for roles that cannot see the duty log."""
    if not policy.can(user, "view", DutyLogEntry):
        raise NotAllowed()
    start, end = period(date, shift)
    now = timezone.now()
    report = DailyReport(date=date, shift=shift, start=start, end=end, scope=user.region_code,
                         generated_at=now, generated_by=str(user))
    if policy.can(user, "view", DutyShift):
        report.roster = list(DutyShift.objects.for_user(user).filter(starts_at__lt=end, ends_at__gt=start)
                             .select_related("leader").prefetch_related("officers"))
    report.entries = list(DutyLogEntry.objects.for_user(user).filter(received_at__gte=start, received_at__lt=end)
                          .select_related("logged_by", "incident").order_by("received_at", "id"))
    for e in report.entries:
        e.source_label = InformationSource.label(e.source)
    counts = Counter((e.source, e.kind) for e in report.entries)
    report.entry_counts = [{"source": InformationSource.label(s), "kind": EntryKind.label(k), "count": n}
                           for (s, k), n in sorted(counts.items())]
    if policy.can(user, "view", Incident):
        _add_incidents(report, user, now)
    if policy.can(user, "view", Handover):
        report.handovers = list(Handover.objects.for_user(user)
                                .filter(handed_over_at__gte=start, handed_over_at__lt=end)
                                .select_related("handed_over_by", "received_by").prefetch_related("items")
                                .order_by("handed_over_at", "id"))
    alarm_model = _alarm_model()
    if alarm_model is not None and policy.can(user, "view", alarm_model):
        report.alarms = list(alarm_model.objects.for_user(user).filter(raised_at__gte=start, raised_at__lt=end)
                             .select_related("station").order_by("raised_at", "id"))
    if policy.can(user, "view", Task):
        report.overdue_tasks = list(Task.objects.for_user(user)
                                    .filter(state__in=TaskState.OPEN, due_at__lt=min(end, now))
                                    .select_related("incident", "unit", "assignee").order_by("due_at", "id"))
    return report


def _add_incidents(report: DailyReport, user, now: datetime.datetime) -> None:
    start, end = report.start, report.end
    qs = (Incident.objects.for_user(user).prefetch_related("deadlines").order_by("received_at", "id")
          .filter(received_at__lt=end))
    received, still_open, closed = [], [], []
    rows = []
    for incident in qs.filter(_incident_q(start, end)):
        flags = []
        if start <= incident.received_at < end:
            received.append(incident)
            flags.append(_("received"))
        if incident.state in IncidentState.OPEN:
            still_open.append(incident)
            flags.append(_("open"))
        if incident.closed_at and start <= incident.closed_at < end:
            closed.append(incident)
            flags.append(_("closed"))
        rows.append({"incident": incident, "flags": "、".join(flags),
                     "grade": AccidentGrade.label(incident.grade), "state": IncidentState.label(incident.state),
                     "reporting": "；".join(_deadline_status(d, now) for d in incident.deadlines.all())})
    report.incidents = rows
    report.incident_counts = {"received": len(received), "open": len(still_open), "closed": len(closed)}


def _incident_q(start, end):
    from django.db.models import Q

    return (Q(received_at__gte=start, received_at__lt=end) | Q(state__in=IncidentState.OPEN)
            | Q(closed_at__gte=start, closed_at__lt=end))


def context(report: DailyReport) -> dict:
    return {"report": report, "open_state": EntryState.OPEN, "acknowledged": HandoverState.ACKNOWLEDGED}


def render_body(report: DailyReport) -> str:
    return render_to_string(BODY_TEMPLATE, context(report))


# --- PDF ---------------------------------------------------------------------------------------------------------


def render_pdf(report: DailyReport) -> bytes:
    html = render_to_string(DOCUMENT_TEMPLATE, context(report))
    return pdf.render(html, PDF_STYLESHEET, Path(__file__).parent)


# --- Excel (the body's tables, one sheet each) -------------------------------------------------------------------


def _cell_value(text: str, numeric: bool):
    if numeric:
        try:
            return int(text)
        except ValueError:
            pass
    return exports.cell(text)


def render_xlsx(report: DailyReport) -> bytes:
    import lxml.html
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    root = lxml.html.fromstring(render_body(report))
    wb = Workbook()
    wb.remove(wb.active)
    used = set()
    for table in root.iter("table"):
        title = (table.get("data-sheet") or "Sheet")[:31]
        base, n = title, 2
        while title in used:
            title, n = f"{base[:28]}-{n}", n + 1
        used.add(title)
        ws = wb.create_sheet(title)
        heading = table.get("data-title") or title
        ws.append([exports.cell(heading)])
        ws["A1"].font = Font(bold=True, size=13)
        for tr in table.iter("tr"):
            cells = tr.xpath("./th|./td")
            ws.append([_cell_value(" ".join(c.text_content().split()), "num" in (c.get("class") or "").split())
                       for c in cells])
            if cells and all(c.tag == "th" for c in cells):
                for c in ws[ws.max_row]:
                    c.font = Font(bold=True)
        for column in ws.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 1.6))
            for c in column:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filename(report: DailyReport, fmt: str) -> str:
    suffix = f"-{report.shift}" if report.shift else ""
    return f"duty-report-{report.date.isoformat()}{suffix}.{fmt}"


def record_export(user, report: DailyReport, fmt: str) -> None:
    """Downloads of the report are exports: recorded like ``core.exports`` records list exports."""
    audit.record(AuditAction.EXPORT, None, actor=user, object_type="duty.dailyreport",
                 object_repr=filename(report, fmt), message=f"date={report.date.isoformat()}&shift={report.shift}",
                 region_code=user.region_code)


CONTENT_TYPES = {"pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download(user, report: DailyReport, fmt: str) -> HttpResponse:
    """The report as a PDF or Excel attachment; the download is recorded in the audit trail."""
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed.from_dict({"format": [f"One of {', '.join(FORMATS)}"]})
    content = render_pdf(report) if fmt == "pdf" else render_xlsx(report)
    record_export(user, report, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{iri_to_uri(filename(report, fmt))}"
    return response


def as_json(report: DailyReport) -> dict:
    return {
        "date": report.date, "shift": report.shift or None, "start": report.start, "end": report.end,
        "scope": report.scope, "generated_at": report.generated_at,
        "roster": [{"id": s.pk, "region_code": s.region_code, "date": s.date, "shift": s.shift,
                    "leader_name": s.leader_name, "leader_phone": s.leader_phone, "officer_names": s.officer_names}
                   for s in report.roster],
        "entry_counts": report.entry_counts,
        "entries": [{"id": e.pk, "region_code": e.region_code, "received_at": e.received_at, "source": e.source,
                     "kind": e.kind, "caller_name": e.caller_name, "content": e.content, "state": e.state,
                     "incident_id": e.incident_id} for e in report.entries],
        "incident_counts": report.incident_counts,
        "incidents": [{"id": r["incident"].pk, "title": r["incident"].title,
                       "region_code": r["incident"].region_code, "grade": r["incident"].grade,
                       "state": r["incident"].state, "received_at": r["incident"].received_at,
                       "closed_at": r["incident"].closed_at,
                       "deadlines": [{"level": d.level, "due_at": d.due_at, "reported_at": d.reported_at}
                                     for d in r["incident"].deadlines.all()]} for r in report.incidents],
        "handovers": [{"id": h.pk, "region_code": h.region_code, "handed_over_at": h.handed_over_at,
                       "handed_over_by": str(h.handed_over_by) if h.handed_over_by_id else None,
                       "received_by": str(h.received_by) if h.received_by_id else None, "state": h.state,
                       "items": [i.text for i in h.items.all()]} for h in report.handovers],
        "alarms": None if report.alarms is None else [
            {"id": a.pk, "region_code": a.region_code, "level": a.level, "state": a.state, "message": a.message,
             "station": a.station.name, "raised_at": a.raised_at} for a in report.alarms],
        "overdue_tasks": [{"id": t.pk, "incident_id": t.incident_id, "title": t.title, "due_at": t.due_at,
                           "state": t.state} for t in report.overdue_tasks],
    }


# How this module's audit messages read on pages.
audit.message_pattern(r"date=(?P<date>[\d-]+)&shift=(?P<shift>\w+)",
                      lambda date, shift: gettext_lazy("Report of %(date)s, %(shift)s")
                      % {"date": date, "shift": Shift.label(shift)})
