"""Services of inspections (执法检查): planning one (officers checked against the law), its workflow, the field
record submitted from a phone exactly once, findings handed to prevention's hazard closed loop, and the places
other areas hang on an inspection (documents issued from it; the hazard page's "found in").

Workflow (``INSPECTION_WORKFLOW``; each step one compare-and-swap on state and version, an audit record and a
timeline event):

=========  ===========================  ==============================================================
action     from → to                    who may
=========  ===========================  ==============================================================
start      planned → in_progress        one of the inspection's officers, or the section (admin,
                                        section staff); the officers' certificates must be valid that day
record     in_progress → recorded       as ``start``: every checklist item has a result, at least two
                                        officers signed, the enterprise's representative signed (or
                                        the officers noted why not), the 逢查必考 exam was taken
close      recorded → closed            as ``start``: the record is complete and filed
cancel     planned/in_progress →        as ``start``, with a reason (a cancelled inspection stays on
           cancelled                    the record)
=========  ===========================  ==============================================================

A field record (``submit_field_record``) does ``start`` (when still planned), writes every finding, photo,
signature and the exam, hands non-compliant findings marked as hazards to prevention, and does ``record``, all in
one transaction: it is stored whole or not at all. The phone's submission key is stored with a unique
constraint; a repeated key answers the first result and writes nothing.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yingji.core import attachments, audit, policy, values
from yingji.core.choices import AuditAction
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import enterprise_model
from yingji.core.services import create_object
from yingji.core.workflow import Transition, Workflow
from yingji.prevention import services as prevention
from yingji.prevention.choices import HazardLevel, HazardSource
from yingji.prevention.origins import Origin
from yingji.standards import checklists as checklist_rules
from yingji.standards import exams as exam_rules
from yingji.standards import officers as officer_rules

from ..choices import (
    DocumentKind,
    ExamAudience,
    FindingResult,
    InspectionEventKind,
    InspectionOrigin,
    InspectionState,
    SignerRole,
)
from ..models import (
    INSPECTING_ROLES,
    SUPERVISORS,
    Inspection,
    InspectionEvent,
    InspectionExam,
    InspectionFinding,
    InspectionSignature,
    InspectionSubmission,
    Officer,
    RandomDraw,
    Recusal,
)
from . import documents

#: Questions on a 逢查必考 paper: the project's default (no rule fixes the number) [unverified].
EXAM_QUESTIONS = 10
#: How far a phone's clock may run ahead of the server's before a time it reports is refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)
MAX_TEXT = 5000
PHOTO = "photo"
SIGNATURE = "signature"


# --- small validators ------------------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = MAX_TEXT,
          field: str | None = None) -> str:
    field = field or name
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed.from_dict({field: [gettext("Give text")]})
    value = value.strip()
    if "\x00" in value:
        raise ValidationFailed.from_dict({field: [gettext("Must not contain NUL characters")]})
    if required and not value:
        raise ValidationFailed.from_dict({field: [gettext("This field is required")]})
    if len(value) > max_length:
        raise ValidationFailed.from_dict({field: [gettext("At most %(n)s characters") % {"n": max_length}]})
    return value


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = parse_date(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise ValidationFailed.from_dict({field: [gettext("Give a date (YYYY-MM-DD)")]})
    try:
        return values.check_date(value)
    except values.ValueRejected as exc:
        raise ValidationFailed.from_dict({field: [str(exc)]}) from None


def _moment(value, field: str, *, default: datetime.datetime | None = None) -> datetime.datetime:
    """A time the phone reports: ISO 8601, in range, and not ahead of the server's clock."""
    if value in (None, "") and default is not None:
        return default
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    elif isinstance(value, datetime.datetime):
        parsed = value
    if parsed is None:
        raise ValidationFailed.from_dict({field: [gettext("Give a date-time (ISO 8601)")]})
    try:
        parsed = values.check_datetime(parsed)
    except values.ValueRejected as exc:
        raise ValidationFailed.from_dict({field: [str(exc)]}) from None
    if parsed > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed.from_dict({field: [gettext("This time lies in the future")]})
    return parsed


# --- officers --------------------------------------------------------------------------------------------------


def officer_problems(officers: list[Officer], enterprise, on: datetime.date) -> list[str]:
    """Why these officers may not inspect ``enterprise`` on ``on`` (empty when they may): at least
    ``MIN_OFFICERS`` (《行政处罚法》 第四十二条), each active with a certificate valid that day (第五十五条;
    ``standards.officers.may_enforce``), none recused from the enterprise (回避)."""
    problems = []
    if len({o.pk for o in officers}) < officer_rules.MIN_OFFICERS:
        problems.append(gettext("At least %(n)s enforcement officers inspect together") % {
            "n": officer_rules.MIN_OFFICERS})
    for officer in officers:
        if not officer.is_active or not officer.user.is_active:
            problems.append(gettext("%(name)s is no longer an active officer") % {"name": officer.name})
        elif not officer_rules.may_enforce(officer.certificate_expires, on):
            problems.append(gettext("%(name)s's enforcement certificate is not valid on %(date)s (expired "
                                    "%(expires)s)") % {"name": officer.name, "date": on.isoformat(),
                                                       "expires": officer.certificate_expires.isoformat()})
    recused = set(Recusal.objects.filter(enterprise=enterprise, officer__in=officers)
                  .values_list("officer__name", flat=True))
    problems.extend(gettext("%(name)s has declared a conflict of interest with this enterprise (回避)")
                    % {"name": name} for name in sorted(recused))
    return problems


def _officers(actor, ids, enterprise, on: datetime.date) -> list[Officer]:
    if not isinstance(ids, list | tuple) or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise ValidationFailed.from_dict({"officers": [gettext("Give the officers' account ids as a list")]})
    wanted = list(dict.fromkeys(ids))
    found = {o.user_id: o for o in Officer.objects.for_user(actor).filter(user_id__in=wanted)
             .select_related("user")}
    if len(found) != len(wanted):
        raise policy.reference_error(Officer, "officers")
    officers = [found[i] for i in wanted]
    problems = officer_problems(officers, enterprise, on)
    if problems:
        raise ValidationFailed.from_dict({"officers": problems})
    return officers


def _officer_record(officers: list[Officer]) -> list[dict]:
    return [{"officer": o.pk, "user": o.user_id, "name": o.name, "certificate_no": o.certificate_no,
             "certificate_expires": o.certificate_expires.isoformat()} for o in officers]


# --- checklists and exams --------------------------------------------------------------------------------------


def checklist_for(enterprise) -> str:
    """The industry checklist (``standards.checklists.INDUSTRIES``) that fits an enterprise's registered lines."""
    if enterprise.fireworks:
        return "fireworks"
    if enterprise.non_coal_mine or enterprise.tailings_pond:
        return "non_coal_mine"
    if "加油" in (enterprise.industry or ""):
        return "gas_station"
    if enterprise.hazchem_production or enterprise.hazchem_business or enterprise.hazchem_use:
        return "hazardous_chemicals"
    return "industry_trade"


def _basis_text(item) -> str:
    return "；".join(f"《{b.law}》{b.article}" for b in item.basis)


def checklist_snapshot(industry: str) -> dict:
    """The checklist's fields as kept on an inspection (the items copied, so later edits leave it unchanged)."""
    try:
        checklist = checklist_rules.load_checklist(industry)
    except ValueError:
        raise ValidationFailed.from_dict({"checklist": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(checklist_rules.INDUSTRIES)}]}) from None
    return {"checklist_industry": checklist.industry, "checklist_name": checklist.name,
            "checklist_version": checklist.version,
            "checklist_items": [{"code": i.code, "category": i.category, "text": i.text,
                                 "basis": _basis_text(i)} for i in checklist.items]}


def exam_paper(inspection: Inspection, audience: str) -> exam_rules.ExamPaper:
    """The inspection's 逢查必考 paper for ``audience`` (``standards.exams.draw_exam`` with its seed)."""
    if audience not in ExamAudience.values():
        raise ValidationFailed.from_dict({"exam.audience": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(ExamAudience.values())}]})
    return exam_rules.draw_exam(exam_rules.load_bank(), EXAM_QUESTIONS, inspection.exam_seed, audience)


def paper_for_examinee(paper: exam_rules.ExamPaper) -> list[dict]:
    """The questions as the examinee sees them (never the answers)."""
    return [{"id": q.id, "kind": q.kind, "text": q.text, "options": list(q.options)} for q in paper.questions]


# --- planning --------------------------------------------------------------------------------------------------


def _event(inspection: Inspection, actor, kind: str, note: str = "", params: dict | None = None, *,
           time: datetime.datetime | None = None, from_state: str = "", to_state: str = "") -> InspectionEvent:
    return InspectionEvent.objects.create(inspection=inspection, actor=actor, kind=kind, note=note[:MAX_TEXT],
                                          params=params or {}, time=time or timezone.now(),
                                          from_state=from_state, to_state=to_state)


def plan_inspection(actor, data: Mapping[str, Any]) -> Inspection:
    """Plan an inspection: the enterprise, why (a 双随机 draw's pair, the annual plan, a campaign, a complaint, ad
    hoc), the officers (account ids; at least two, certified on the planned date, none recused), the date and the
    checklist (the enterprise's industry by default). A draw's inspection defaults to the pair's officers."""
    policy.require(actor, "add", Inspection)
    data = dict(data)
    enterprise_ref = data.get("enterprise") or data.get("enterprise_id")
    if enterprise_ref in (None, ""):
        raise ValidationFailed.from_dict({"enterprise": [gettext("Choose an enterprise")]})
    enterprise = policy.get_in_scope_or_field_error(enterprise_model(), enterprise_ref, actor, "enterprise")
    origin = data.get("origin") or InspectionOrigin.AD_HOC
    if origin not in InspectionOrigin.values():
        raise ValidationFailed.from_dict({"origin": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(InspectionOrigin.values())}]})
    planned_on = _date(data.get("planned_on"), "planned_on")
    draw_ref = data.get("random_draw") or data.get("random_draw_id")
    draw = None
    officer_ids = data.get("officers")
    if origin == InspectionOrigin.RANDOM_DRAW:
        if draw_ref in (None, ""):
            raise ValidationFailed.from_dict({"random_draw": [gettext("Name the draw this inspection comes from")]})
        draw = policy.get_in_scope_or_field_error(RandomDraw, draw_ref, actor, "random_draw")
        pair = next((p for p in draw.pairs if p["enterprise"] == enterprise.pk), None)
        if pair is None:
            raise ValidationFailed.from_dict({"enterprise": [gettext("This enterprise was not drawn in that draw")]})
        if officer_ids in (None, []):
            officer_ids = list(pair["officers"])
    elif draw_ref not in (None, ""):
        raise ValidationFailed.from_dict({"random_draw": [gettext("Only an inspection from a draw names one")]})
    officers = _officers(actor, officer_ids if officer_ids is not None else [], enterprise, planned_on)
    snapshot = checklist_snapshot(data.get("checklist") or checklist_for(enterprise))
    with transaction.atomic():
        inspection = create_object(actor, Inspection, {
            "enterprise": enterprise, "region_code": enterprise.region_code, "origin": origin,
            "random_draw": draw, "officer_record": _officer_record(officers), "planned_on": planned_on,
            "exam_seed": secrets.token_hex(8), "created_by": actor,
            "summary": _text(data, "summary"), **snapshot}, check_scope=False)
        inspection.officers.set(officers)
        _event(inspection, actor, InspectionEventKind.PLAN, "", {
            "planned_on": planned_on.isoformat(), "officers": [o.name for o in officers],
            "checklist": f"{snapshot['checklist_name']} {snapshot['checklist_version']}", "origin": origin},
            to_state=InspectionState.PLANNED)
    return inspection


# --- workflow --------------------------------------------------------------------------------------------------


def may_act(inspection: Inspection, actor) -> bool:
    """One of the inspection's officers, or the section that runs supervision."""
    return actor.pk in inspection.officer_user_ids or actor.has_role(*SUPERVISORS)


def _start(inspection: Inspection, actor, payload: Mapping[str, Any]) -> dict:
    started = _moment(payload.get("started_at"), "started_at", default=timezone.now())
    officers = list(inspection.officers.select_related("user"))
    problems = officer_problems(officers, inspection.enterprise, timezone.localtime(started).date())
    if problems:
        raise ValidationFailed.from_dict({"officers": problems})
    return {"started_at": started}


def record_problems(inspection: Inspection) -> dict[str, list[str]]:
    """What the record still lacks before it is complete (field → messages): a result for every checklist item,
    the signatures of at least two of its officers, the enterprise representative's signature or the reason it
    is missing, and the 逢查必考 exam."""
    problems: dict[str, list[str]] = {}
    done = set(inspection.findings.values_list("item_code", flat=True))
    missing = [i["code"] for i in inspection.checklist_items if i["code"] not in done]
    if missing:
        problems["findings"] = [gettext("No result yet for %(items)s") % {"items": "、".join(missing)}]
    signed = set(inspection.signatures.filter(role=SignerRole.OFFICER).values_list("officer_id", flat=True))
    if len(signed) < officer_rules.MIN_OFFICERS:
        problems["signatures"] = [gettext("At least %(n)s officers sign the record") % {
            "n": officer_rules.MIN_OFFICERS}]
    if not inspection.signatures.filter(role=SignerRole.ENTERPRISE).exists() and not inspection.no_signature_reason:
        problems.setdefault("signatures", []).append(gettext(
            "The enterprise's representative signs, or the officers note why not"))
    if not InspectionExam.objects.filter(inspection=inspection).exists():
        problems["exam"] = [gettext("The on-site exam (逢查必考) has not been taken")]
    return problems


def _record(inspection: Inspection, actor, payload: Mapping[str, Any]) -> dict:
    problems = record_problems(inspection)
    if problems:
        raise ValidationFailed.from_dict(problems)
    finished = _moment(payload.get("finished_at"), "finished_at", default=timezone.now())
    if inspection.started_at and finished < inspection.started_at:
        raise ValidationFailed.from_dict({"finished_at": [gettext("The inspection cannot finish before it started")]})
    return {"finished_at": finished}


def _close(inspection: Inspection, actor, payload: Mapping[str, Any]) -> dict:
    _text(payload, "note")
    return {"closed_at": timezone.now()}


def _cancel(inspection: Inspection, actor, payload: Mapping[str, Any]) -> dict:
    return {"cancel_reason": _text(payload, "reason", required=True, max_length=200)}


_EVENT_OF = {"start": InspectionEventKind.START, "record": InspectionEventKind.RECORD,
             "close": InspectionEventKind.CLOSE, "cancel": InspectionEventKind.CANCEL}


def _on_applied(inspection: Inspection, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    note = str(payload.get("reason") or payload.get("note") or "").strip()
    time = {"start": inspection.started_at, "record": inspection.finished_at}.get(t.action)
    _event(inspection, actor, _EVENT_OF[t.action], note, {}, time=time, from_state=from_state, to_state=t.target)
    if t.action == "record" and may_issue_documents(actor):
        # Recorded by an officer who issues documents: the record and any order are issued with it (a township
        # officer's record waits for the section, which issues them from the inspection's page).
        issue_inspection_documents(actor, inspection)


INSPECTION_WORKFLOW = Workflow(
    model=Inspection,
    transitions=[
        Transition("start", (InspectionState.PLANNED,), InspectionState.IN_PROGRESS, frozenset(INSPECTING_ROLES),
                   label=_("Start on site"), check=_start, allowed=may_act),
        Transition("record", (InspectionState.IN_PROGRESS,), InspectionState.RECORDED,
                   frozenset(INSPECTING_ROLES), label=_("Complete the record"), check=_record, allowed=may_act),
        Transition("close", (InspectionState.RECORDED,), InspectionState.CLOSED, frozenset(INSPECTING_ROLES),
                   label=_("Close and file"), check=_close, allowed=may_act),
        Transition("cancel", InspectionState.OPEN, InspectionState.CANCELLED, frozenset(INSPECTING_ROLES),
                   label=_("Cancel the inspection"), check=_cancel, allowed=may_act),
    ],
    on_applied=_on_applied,
)


def _require_actor(actor, inspection: Inspection) -> None:
    if not policy.can(actor, "change", Inspection) or not may_act(inspection, actor):
        raise NotAllowed(gettext("Only the inspection's officers or the supervision section may do this"))


def act_on_inspection(actor, inspection: Inspection, action: str,
                      payload: Mapping[str, Any] | None = None) -> Inspection:
    """Take a workflow action on an inspection (409 from the wrong state or when someone else acted first)."""
    return INSPECTION_WORKFLOW.apply(actor, inspection, action, dict(payload or {}))


# --- the field record ------------------------------------------------------------------------------------------


def submission_key(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationFailed.from_dict({"submission_key": [gettext("Give the submission key as a UUID")]}) \
            from None


def _file(files: Mapping[str, Any], name, field: str, used: set[str]):
    if not isinstance(name, str) or name not in files:
        raise ValidationFailed.from_dict({field: [gettext("The file %(name)s was not sent with the record") % {
            "name": str(name)[:50]}]})
    if name in used:
        raise ValidationFailed.from_dict({field: [gettext("The file %(name)s is named twice") % {"name": name}]})
    used.add(name)
    return files[name]


def _hazard_from_finding(actor, inspection: Inspection, finding: InspectionFinding, spec: Mapping[str, Any],
                         found_at: datetime.datetime, field: str, photos: list) -> Any:
    """Hand a non-compliant finding to prevention's closed loop: a hazard of the same enterprise found by this
    inspection; a general one is confirmed at once with the deadline the officers set (责令限期整改), a major one
    is left reported for the section to confirm with its measures and funds (重大事故隐患, 挂牌督办)."""
    level = spec.get("level") or HazardLevel.GENERAL
    if level not in HazardLevel.values():
        raise ValidationFailed.from_dict({f"{field}.level": [gettext("Choose one of %(keys)s") % {
            "keys": ", ".join(HazardLevel.values())}]})
    allowed = prevention.sources_for(actor)
    if not allowed:
        raise NotAllowed(gettext("Your role cannot report hazards"))
    source = HazardSource.INSPECTION if HazardSource.INSPECTION in allowed else allowed[0]
    title = _text(spec, "title", max_length=200, field=f"{field}.title") or finding.item_text[:200]
    try:
        hazard = prevention.report_hazard(actor, {
            "enterprise": inspection.enterprise_id, "title": title, "description": finding.description,
            "location": _text(spec, "location", max_length=200, field=f"{field}.location"), "source": source,
            "found_at": found_at}, photos)
        if level == HazardLevel.GENERAL:
            due = _date(spec.get("due_date"), f"{field}.due_date")
            person = (_text(spec, "responsible_person", max_length=50, field=f"{field}.responsible_person")
                      or inspection.enterprise.principal or inspection.enterprise.safety_manager)
            hazard = prevention.perform(actor, hazard, "confirm", {
                "level": level, "due_at": due.isoformat(), "responsible_person": person,
                "note": gettext("Found in inspection %(number)s") % {"number": inspection.number}})
    except ValidationFailed as exc:
        for error in exc.errors:
            error["field"] = f"{field}.{error['field']}" if error["field"] else field
        raise
    return hazard


def _write_findings(actor, inspection: Inspection, rows, files, used: set[str], fallback_time) -> dict:
    if not isinstance(rows, list):
        raise ValidationFailed.from_dict({"findings": [gettext("Give the findings as a list")]})
    items = {i["code"]: (n, i) for n, i in enumerate(inspection.checklist_items, start=1)}
    seen: set[str] = set()
    photo_count, hazards = 0, []
    for index, row in enumerate(rows):
        field = f"findings[{index}]"
        if not isinstance(row, Mapping):
            raise ValidationFailed.from_dict({field: [gettext("Give each finding as an object")]})
        code = row.get("item")
        if code not in items:
            raise ValidationFailed.from_dict({f"{field}.item": [gettext("Not an item of this inspection's "
                                                                        "checklist")]})
        if code in seen or inspection.findings.filter(item_code=code).exists():
            raise ValidationFailed.from_dict({f"{field}.item": [gettext("This item already has a result")]})
        seen.add(code)
        result = row.get("result")
        if result not in FindingResult.values():
            raise ValidationFailed.from_dict({f"{field}.result": [gettext("Choose one of %(keys)s") % {
                "keys": ", ".join(FindingResult.values())}]})
        description = _text(row, "description", field=f"{field}.description",
                            required=result == FindingResult.NON_COMPLIANT)
        at = _moment(row.get("recorded_at"), f"{field}.recorded_at", default=fallback_time)
        position, item = items[code]
        finding = InspectionFinding.objects.create(
            inspection=inspection, position=position, item_code=code, category=item["category"],
            item_text=item["text"], basis=item["basis"], result=result, description=description,
            recorded_by=actor, recorded_at=at)
        _event(inspection, actor, InspectionEventKind.FINDING, description,
               {"item": code, "result": result}, time=at)
        names = row.get("photos") or []
        if not isinstance(names, list):
            raise ValidationFailed.from_dict({f"{field}.photos": [gettext("Give the photos as a list")]})
        uploaded = [_file(files, name, f"{field}.photos", used) for name in names]
        stored = []
        for upload in uploaded:
            try:
                attachment = attachments.attach(actor, inspection, upload, purpose=PHOTO)
            except ValidationFailed as exc:
                raise ValidationFailed.from_dict({f"{field}.photos": [e["message"] for e in exc.errors]}) from None
            if not attachment.content_type.startswith("image/"):
                raise ValidationFailed.from_dict({f"{field}.photos": [gettext("A photo is a JPEG, PNG or WebP "
                                                                              "image")]})
            stored.append(attachment)
            _event(inspection, actor, InspectionEventKind.PHOTO, attachment.original_name,
                   {"item": code, "attachment": attachment.pk}, time=at)
        finding.photos.set(stored)
        photo_count += len(stored)
        spec = row.get("hazard")
        if spec:
            if result != FindingResult.NON_COMPLIANT:
                raise ValidationFailed.from_dict({f"{field}.hazard": [gettext("Only a non-compliant item "
                                                                              "becomes a hazard")]})
            if not isinstance(spec, Mapping):
                spec = {}
            for upload in uploaded:
                upload.seek(0)
            hazard = _hazard_from_finding(actor, inspection, finding, spec, at, f"{field}.hazard", uploaded)
            InspectionFinding.objects.filter(pk=finding.pk).update(hazard=hazard)
            hazards.append(hazard.pk)
            _event(inspection, actor, InspectionEventKind.HAZARD, hazard.title,
                   {"item": code, "hazard": hazard.pk, "level": hazard.level or spec.get("level") or ""}, time=at)
    return {"findings": len(seen), "photos": photo_count, "hazards": hazards}


def _write_signatures(actor, inspection: Inspection, rows, files, used: set[str], fallback_time) -> int:
    if not isinstance(rows, list):
        raise ValidationFailed.from_dict({"signatures": [gettext("Give the signatures as a list")]})
    officers = {o.user_id: o for o in inspection.officers.all()}
    for index, row in enumerate(rows):
        field = f"signatures[{index}]"
        if not isinstance(row, Mapping):
            raise ValidationFailed.from_dict({field: [gettext("Give each signature as an object")]})
        role = row.get("role")
        if role not in SignerRole.values():
            raise ValidationFailed.from_dict({f"{field}.role": [gettext("Choose one of %(keys)s") % {
                "keys": ", ".join(SignerRole.values())}]})
        officer = None
        if role == SignerRole.OFFICER:
            officer = officers.get(row.get("officer"))
            if officer is None:
                raise ValidationFailed.from_dict({f"{field}.officer": [gettext("Not an officer of this "
                                                                               "inspection")]})
            if inspection.signatures.filter(officer=officer).exists():
                raise ValidationFailed.from_dict({f"{field}.officer": [gettext("This officer has signed "
                                                                               "already")]})
        signer = _text(row, "signer", max_length=50, field=f"{field}.signer",
                       required=officer is None) or officer.name
        at = _moment(row.get("signed_at"), f"{field}.signed_at", default=fallback_time)
        upload = _file(files, row.get("file"), f"{field}.file", used)
        try:
            image = attachments.attach(actor, inspection, upload, purpose=SIGNATURE)
        except ValidationFailed as exc:
            raise ValidationFailed.from_dict({f"{field}.file": [e["message"] for e in exc.errors]}) from None
        if image.content_type != "image/png":
            raise ValidationFailed.from_dict({f"{field}.file": [gettext("A signature is a PNG image")]})
        InspectionSignature.objects.create(inspection=inspection, role=role, signer_name=signer, officer=officer,
                                           image=image, signed_at=at)
        _event(inspection, actor, InspectionEventKind.SIGNATURE, signer, {"role": role, "attachment": image.pk},
               time=at)
    return len(rows)


def _write_exam(actor, inspection: Inspection, spec, fallback_time) -> dict | None:
    if spec in (None, {}):
        return None
    if not isinstance(spec, Mapping):
        raise ValidationFailed.from_dict({"exam": [gettext("Give the exam as an object")]})
    if InspectionExam.objects.filter(inspection=inspection).exists():
        raise ValidationFailed.from_dict({"exam": [gettext("The exam was taken already")]})
    audience = spec.get("audience") or ExamAudience.PRINCIPAL
    paper = exam_paper(inspection, audience)
    examinee = _text(spec, "examinee", required=True, max_length=50, field="exam.examinee")
    answers = spec.get("answers") or {}
    if not isinstance(answers, Mapping):
        raise ValidationFailed.from_dict({"exam.answers": [gettext("Give the answers by question id")]})
    try:
        score = exam_rules.score_exam(paper, answers)
    except ValueError as exc:
        raise ValidationFailed.from_dict({"exam.answers": [str(exc)]}) from None
    at = _moment(spec.get("taken_at"), "exam.taken_at", default=fallback_time)
    InspectionExam.objects.create(
        inspection=inspection, examinee=examinee, audience=audience, seed=paper.seed,
        questions=[q.id for q in paper.questions], answers=dict(answers), total=score.total,
        correct=score.correct, score=score.score, passed=score.passed, wrong=list(score.wrong), taken_at=at)
    _event(inspection, actor, InspectionEventKind.EXAM, examinee,
           {"audience": audience, "score": score.score, "passed": score.passed}, time=at)
    return {"score": score.score, "passed": score.passed, "correct": score.correct, "total": score.total}


def _write_record(actor, inspection: Inspection, key: uuid.UUID, record: Mapping[str, Any], files) -> dict:
    if inspection.state not in InspectionState.OPEN:
        raise Conflict(gettext("This inspection is %(state)s; its record can no longer be filled in") % {
            "state": InspectionState.label(inspection.state)},
            [{"field": "state", "message": gettext("allowed in: planned, on site")}])
    received = timezone.now()
    _event(inspection, actor, InspectionEventKind.SUBMISSION, "", {"key": str(key)}, time=received)
    if inspection.state == InspectionState.PLANNED:
        inspection = INSPECTION_WORKFLOW.apply(actor, inspection, "start",
                                               {"started_at": record.get("started_at")})
    started = inspection.started_at or received
    summary = _text(record, "summary")
    reason = _text(record, "no_signature_reason", max_length=200)
    used: set[str] = set()
    written = _write_findings(actor, inspection, record.get("findings") or [], files, used, started)
    written["signatures"] = _write_signatures(actor, inspection, record.get("signatures") or [], files, used,
                                              started)
    written["exam"] = _write_exam(actor, inspection, record.get("exam"), started)
    unused = sorted(set(files) - used)
    if unused:
        raise ValidationFailed.from_dict({"files": [gettext("Files not named in the record: %(names)s") % {
            "names": ", ".join(unused)[:200]}]})
    changes = {k: v for k, v in (("summary", summary), ("no_signature_reason", reason)) if v}
    if changes:
        Inspection.objects.filter(pk=inspection.pk).update(**changes)
        for name, value in changes.items():
            setattr(inspection, name, value)
    inspection = INSPECTION_WORKFLOW.apply(actor, inspection, "record", {"finished_at": record.get("finished_at")})
    audit.record(AuditAction.UPDATE, inspection, actor=actor,
                 after={"submission": str(key), "findings": written["findings"], "photos": written["photos"],
                        "signatures": written["signatures"], "hazards": written["hazards"],
                        "exam": written["exam"]},
                 message="field record")
    return {"submission_key": str(key), "inspection": inspection.pk, "state": inspection.state,
            "received_at": received.isoformat(), **written}


def submit_field_record(actor, inspection: Inspection, key, record: Mapping[str, Any],
                        files: Mapping[str, Any] | None = None) -> tuple[dict, bool]:
    """Store a field record sent from a phone, exactly once: ``(result, created)``.

    ``record`` holds ``started_at``, ``finished_at``, ``summary``, ``findings`` (``[{"item", "result",
    "description", "recorded_at", "photos": [file names], "hazard": {"level", "due_date", "title",
    "location", "responsible_person"} | null}]``), ``signatures`` (``[{"role", "officer" (account id),
    "signer", "signed_at", "file"}]``), ``no_signature_reason`` and ``exam`` (``{"examinee", "audience",
    "answers": {question id: answer}, "taken_at"}``); ``files`` maps the file names to uploads. A key seen before
    answers its first result (``created`` False) without writing; anything refused writes nothing."""
    key = submission_key(key)
    files = dict(files or {})
    if not isinstance(record, Mapping):
        raise ValidationFailed.from_dict({"record": [gettext("Give the record as an object")]})
    _require_actor(actor, inspection)
    previous = _replay(inspection, key)
    if previous is not None:
        return previous, False
    try:
        with transaction.atomic():
            submission = InspectionSubmission.objects.create(key=key, inspection=inspection, submitted_by=actor)
            result = _write_record(actor, inspection, key, record, files)
            InspectionSubmission.objects.filter(pk=submission.pk).update(result=result)
    except IntegrityError:
        # The same key arrived twice at once: the other request stored it; answer its result.
        previous = _replay(inspection, key)
        if previous is None:
            raise
        return previous, False
    return result, True


def _replay(inspection: Inspection, key: uuid.UUID) -> dict | None:
    stored = InspectionSubmission.objects.filter(key=key).first()
    if stored is None:
        return None
    if stored.inspection_id != inspection.pk:
        raise Conflict(gettext("This submission key was used for another inspection"),
                       [{"field": "submission_key", "message": gettext("already used")}])
    return stored.result


# --- documents issued from an inspection -----------------------------------------------------------------------


def issued_documents(inspection: Inspection, user) -> list[dict]:
    """The documents issued from this inspection that ``user`` may see, for its page."""
    from ..models import EnforcementDocument

    if not policy.can(user, "view", EnforcementDocument):
        return []
    return [{"label": str(DocumentKind.label(d.kind)), "number": d.number, "issued_at": d.issued_at,
             "url": reverse("document_detail", args=[d.pk]), "superseded": d.is_superseded}
            for d in EnforcementDocument.objects.for_user(user).filter(inspection=inspection)
            .order_by("issued_at", "id")]


def note_document_issued(actor, inspection: Inspection, label: str, params: dict | None = None,
                         time=None) -> InspectionEvent:
    """Put a document issued from the inspection on its timeline (the documents service calls it inside the
    issuing transaction)."""
    return _event(inspection, actor, InspectionEventKind.DOCUMENT, label, params or {}, time=time)


def _officers_text(inspection: Inspection) -> str:
    return "、".join(f"{o.get('name', '')}（{o.get('certificate_no', '')}）" for o in inspection.officer_record or [])


def _present(inspection: Inspection) -> str:
    signer = (inspection.signatures.filter(role=SignerRole.ENTERPRISE).values_list("signer_name", flat=True)
              .first())
    return signer or inspection.enterprise.principal or inspection.enterprise.safety_manager or "—"


def may_issue_documents(actor) -> bool:
    from ..models import EnforcementDocument

    return policy.can(actor, "add", EnforcementDocument)


def issue_inspection_documents(actor, inspection: Inspection, *, issued_at=None) -> list:
    """Issue what the law calls for from a recorded inspection, once: the 现场检查记录 (《安全生产法》第六十五条:
    inspections are recorded in writing and signed), and where items were not compliant, the 责令限期整改指令书
    (第六十五条第一款第（二）项: order the hazard removed within a time limit), its deadline the latest rectification
    deadline of the hazards found. Documents already issued are not issued again."""
    if inspection.state not in (InspectionState.RECORDED, InspectionState.CLOSED):
        raise Conflict(gettext("Documents are issued from a recorded inspection"))
    issued = set(inspection.documents.values_list("kind", flat=True))
    when = issued_at or inspection.finished_at or timezone.now()
    out = []
    findings = list(inspection.findings.select_related("hazard").order_by("id"))
    bad = [f for f in findings if f.result == FindingResult.NON_COMPLIANT]
    fallback = str(FindingResult.label(FindingResult.NON_COMPLIANT))

    def issue(kind, content):
        document = documents.issue_document(actor, kind, inspection.enterprise, content, inspection=inspection,
                                            issued_at=when, check_scope=False)
        note_document_issued(actor, inspection, f"{DocumentKind.label(kind)} {document.number}",
                             {"document": document.pk, "number": document.number}, time=when)
        return document

    with transaction.atomic():
        if DocumentKind.SITE_INSPECTION_RECORD not in issued:
            lines = [inspection.summary] if inspection.summary else []
            lines += [f"{n}. {f.item_text}：{f.description or fallback}" for n, f in
                      enumerate(bad, start=1)]
            if not bad:
                lines.append(gettext("No item was found out of compliance."))
            out.append(issue(DocumentKind.SITE_INSPECTION_RECORD, {
                "place": inspection.enterprise.address or inspection.enterprise.name,
                "inspected_from": inspection.started_at or when, "inspected_to": inspection.finished_at or when,
                "officers": _officers_text(inspection) or "—", "present": _present(inspection),
                "findings": "\n".join(lines)}))
        if bad and DocumentKind.RECTIFICATION_ORDER not in issued:
            dues = [f.hazard.due_at for f in bad if f.hazard is not None and f.hazard.due_at is not None]
            deadline = (timezone.localtime(max(dues)).date() if dues
                        else timezone.localtime(when).date() + datetime.timedelta(days=30))
            bases = []
            for f in bad:
                for basis in (f.basis or "").replace("\n", "；").split("；"):
                    if basis and basis not in bases:
                        bases.append(basis)
            out.append(issue(DocumentKind.RECTIFICATION_ORDER, {
                "problems": "\n".join(f"{n}. {f.item_text}：{f.description or fallback}"
                                      for n, f in enumerate(bad, start=1)),
                "legal_basis": "；".join(bases) or "《中华人民共和国安全生产法》第六十五条",
                "deadline": deadline}))
    return out


def hazard_origins(hazard, user) -> list[Origin]:
    """The inspections a hazard was found in, for its page (registered with ``prevention.origins``)."""
    found = []
    for finding in InspectionFinding.objects.filter(hazard=hazard).select_related("inspection__enterprise"):
        inspection = finding.inspection
        if policy.can(user, "view", Inspection) and policy.sees(user, inspection):
            found.append(Origin(
                label=gettext("Inspection %(number)s · %(date)s · item %(item)s") % {
                    "number": inspection.number, "date": inspection.planned_on.isoformat(),
                    "item": finding.item_code},
                url=reverse("inspection_detail", args=[inspection.pk]), kind="inspection"))
    return found


def field_data(inspection: Inspection) -> dict:
    """What the field page needs to work offline: the checklist, the officers, the enterprise's people and both
    exam papers (questions only)."""
    enterprise = inspection.enterprise
    return {
        "id": inspection.pk, "number": inspection.number, "state": inspection.state,
        "enterprise": {"id": enterprise.pk, "name": enterprise.name, "address": enterprise.address,
                       "principal": enterprise.principal, "safety_manager": enterprise.safety_manager},
        "planned_on": inspection.planned_on.isoformat(),
        "checklist": {"name": inspection.checklist_name, "version": inspection.checklist_version,
                      "items": inspection.checklist_items},
        "officers": [{"user": o["user"], "name": o["name"], "certificate_no": o["certificate_no"]}
                     for o in inspection.officer_record],
        "exam": {audience: paper_for_examinee(exam_paper(inspection, audience))
                 for audience in ExamAudience.values()},
        "hazard_levels": HazardLevel.values(),
    }


# How this module's audit messages read on pages.
audit.message_pattern(r"field record", _("Field record received"))
