"""Saving an edit page without touching it changes nothing.

The test walks every page of the URL conf that takes an object id, finds out which model the page edits (by
watching which model the view asks the policy for), takes a demo object that a demo user may change, reads the
form out of the rendered HTML exactly as a browser submits it (date inputs included: a browser sends a
``type=date`` value only when it is ISO ``YYYY-MM-DD``, otherwise it shows the field blank and sends ""), posts
it back unchanged and asserts the save is accepted, writes no audit record and leaves the object and its
children as they were.

New pages are found on their own: a page with an object id is an edit page unless it is listed below as one that
is not (detail pages, downloads, action endpoints). A new edit page that loses data on save fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yingji.core import policy
from yingji.core.models import AuditRecord, User

# Pages with parameters in their address that are not edit pages: they show, download or act, and never render
# an object's fields into a form to be saved back. Every other page with an object id is walked as an edit page.
NOT_EDIT_PAGES = {
    "station_sensor_chart",  # a chart spec (JSON) of a station page
    "region_detail", "organisation_detail", "contact_create", "user_detail", "user_set_active", "audit_detail",
    "attachment_download",
    "duty_log_file", "duty_log_escalate", "duty_handover_acknowledge", "duty_shift_detail", "duty_entry_detail",
    "duty_handover_detail",
    "enterprise_detail", "enterprise_qrcode", "tailings_detail", "mine_detail", "filing_detail", "licence_create",
    "unit_create",
    "licence_delete", "unit_detail",
    "unit_delete",
    "incident_detail", "incident_report", "incident_reported", "incident_response_level", "incident_transition",
    "incident_activate", "incident_task_create", "incident_attach", "sitrep_draft", "task_act", "plan_detail",
    "sitrep_detail", "sitrep_issue", "sitrep_print", "sitrep_download",
    "alarm_detail", "alarm_act", "alarm_open_incident", "rule_detail", "rule_set_enabled", "station_detail",
    "risk_detail", "risk_delete", "hazard_detail", "hazard_attach", "hazard_act", "hazard_sample_draw",
    "hazard_sample_result",
    "team_detail", "team_activity_add", "expert_detail", "equipment_detail", "warehouse_detail",
    "warehouse_receive", "warehouse_move", "transfer_detail", "transfer_act", "shelter_detail", "shelter_status",
    "resource_import", "resource_import_template",
    # A CAP update or cancellation is a new warning prefilled from the original, not an edit of it.
    "warning_detail", "warning_update", "warning_cancel", "warning_act", "warning_resend", "warning_ack",
    "person_detail", "public_warning_detail",
    "power_detail", "officer_detail", "officer_training_add", "draw_detail", "public_draw_detail",
    "public_draw_inputs",
    "document_detail", "document_pdf", "case_detail", "case_act", "case_extend", "case_publish",
    "public_penalty_detail",
    "supervision_class_detail", "inspection_plan_detail", "inspection_plan_act", "campaign_detail",
    "campaign_task_add", "campaign_task_detail", "campaign_task_report", "supervision_order_detail",
    "supervision_order_act",
    # The field page fills in a new record (findings, signatures, exam); it never edits saved fields.
    "inspection_detail", "inspection_act", "inspection_field", "inspection_documents",
    # A hazard place's page shows it and its hazards.
    "hazard_place_detail", "programme_step_detail",
    # --- preparedness: publicity ---
    "publicity_detail", "publicity_photo_add",
    # --- drills ---
    "drill_detail", "drill_plan_detail", "drill_problem_detail", "drill_problem_add", "drill_photo_add",
    "drill_problem_act",
    # --- training and exams --- (an exam is answered once on its page; it never edits saved fields)
    "training_course_detail", "training_session_detail", "training_session_attendance_add", "trainee_detail",
    "training_certificate_detail", "exam_question_detail", "exam_paper_detail", "exam_attempt_detail", "exam_take",
    # --- disaster reports ---
    "disaster_event_detail", "disaster_report_detail", "relief_threshold_detail", "disaster_event_export",
    # --- disasters: zones (the confirm page fills in a household's state, never an object's saved fields) ---
    "danger_zone_detail", "household_detail", "zone_transfer_detail", "zone_transfer_confirm", "zone_transfer_close",
    # --- forest fire and geological hazards ---
    "forest_area_detail", "forest_checkpoint_detail", "forest_patrol_detail", "fire_permit_detail",
    "fire_violation_detail", "forest_fire_detail", "geohazard_point_detail", "geohazard_patrol_detail",
    "earthquake_report_detail", "fire_permit_act", "forest_fire_act", "geohazard_point_act", "earthquake_incident",
    # --- relief (workflow steps and objections are actions; the public notice only shows) ---
    "relief_standard_detail", "relief_application_detail", "relief_disbursement_detail", "relief_application_act",
    "relief_objection_add", "relief_objection_handle", "relief_public_notice",
}
# --- flood checks (汛前大排查): the record page makes a new check; the bulletin and its PDF only show ---
NOT_EDIT_PAGES |= {"flood_check_round_detail", "flood_check_record_detail", "flood_check_record_new",
                   "flood_check_bulletin", "flood_check_bulletin_pdf", "flood_check_press"}
# --- risk census: object pages only show; the template is a download ---
NOT_EDIT_PAGES |= {"census_body_detail", "census_source_detail", "census_zone_detail", "census_import_template"}
# --- disaster reporting: the phone report makes a new report; ending an event is an action ---
NOT_EDIT_PAGES |= {"disaster_quick_report", "disaster_event_end"}
NOT_EDIT_PAGES.add("historical_figure_detail")  # --- annual statistics: the generic detail shows only ---
NOT_EDIT_PAGES |= {"decision_assign"}  # --- governance: a POST action (the decision becomes a 交办单) ---
# --- governance: generic detail pages (no form on them) ---
NOT_EDIT_PAGES |= {"governance_body_detail", "member_detail", "key_area_detail", "duty_list_detail", "meeting_detail",
                   "decision_detail", "responsibility_letter_detail", "notice_detail", "talk_detail"}
# --- assessment: detail pages show; the ranking shows or exports; the rest are POST actions ---
NOT_EDIT_PAGES |= {"rubric_detail", "rubric_item_detail", "assessment_detail", "assessment_ranking", "rubric_act",
                   "assessment_act", "assessment_item_assess"}

# Demo users tried in this order for each page: the first that may change a suitable object is used.
# --- plans (plan documents: records kept as written; actions are POST endpoints) ---
NOT_EDIT_PAGES |= {"plan_version_detail", "plan_review_detail", "plan_filing_detail", "plan_evaluation_detail",
                   "plan_act", "plan_version_file", "plan_filing_act"}
USERS = ["admin", "section", "duty", "inspector", "commander", "approver", "township1", "grid1", "enterprise1"]



def _draft_sitrep():
    from yingji.incidents.models import Incident
    from yingji.incidents.services import draft_sitrep, update_sitrep

    commander = User.objects.get(username="commander")
    incident = Incident.objects.filter(policy.scope_q(commander, Incident)).order_by("pk").first()
    sitrep = draft_sitrep(commander, incident)
    # Multi-line text: a browser submits its line breaks as CR LF, which must not count as a change.
    update_sitrep(commander, sitrep, {"next_steps": "继续搜救。\n做好善后。", "resources": "消防救援大队\n\n医疗队"})


# Objects the demo county does not hold, made through their services for the walk.
MAKE_OBJECTS = {"incidents.sitrep": _draft_sitrep}

# How many demo objects to try per page before giving up (an object may be in a state the page refuses).
MAX_CANDIDATES = 12


@dataclass
class EditPage:
    name: str
    route: str
    id_name: str  # the name of the object id in the route (``<int:pk>``)

    def url(self, pk: int) -> str:
        return reverse(self.name, kwargs={self.id_name: pk})


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("api/"):
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry, prefix + str(entry.pattern)


def parameterised_pages() -> list[tuple[str, str]]:
    """(url name, route) of every web page whose address carries parameters."""
    return sorted({(p.name, route) for p, route in _patterns(get_resolver()) if PARAMETER.search(route)})


def edit_pages() -> list[EditPage]:
    """Every page whose only parameter is an object id, unless listed as not an edit page."""
    pages = []
    for name, route in parameterised_pages():
        params = PARAMETER.findall(route)
        if name not in NOT_EDIT_PAGES and len(params) == 1 and params[0][0] == "int":
            pages.append(EditPage(name, route, params[0][1]))
    return pages


def test_edit_pages_are_discovered():
    """Every page with parameters is walked as an edit page or listed as not one; the list has no stale names."""
    names = {name for name, _route in parameterised_pages()}
    stale = NOT_EDIT_PAGES - names
    assert not stale, f"NOT_EDIT_PAGES lists pages that no longer exist: {sorted(stale)}"
    walked = {page.name for page in edit_pages()}
    unclassified = names - walked - NOT_EDIT_PAGES
    assert not unclassified, (f"pages whose address carries more than an object id: walk them here or list them "
                              f"in NOT_EDIT_PAGES: {sorted(unclassified)}")
    assert {"licence_edit", "risk_edit", "equipment_edit", "warning_edit", "region_edit", "sitrep_edit"} <= walked


# --- the browser side --------------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")
ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")
# What a browser accepts as the value of each native picker; anything else it shows blank and submits "".
BROWSER_VALUE_SYNTAX = {"date": ISO_DATE, "datetime-local": ISO_DATETIME, "time": ISO_TIME}
NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


class FormParser(HTMLParser):
    """The forms of a page and the name/value pairs a browser would submit for each."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "pairs": [], "inputs": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        disabled = "disabled" in a
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            self._form["inputs"].append((kind, name, a.get("value")))
            if not name or disabled or kind in NOT_SUBMITTED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["pairs"].append((name, a.get("value", "on")))
                return
            value = a.get("value", "")
            syntax = BROWSER_VALUE_SYNTAX.get(kind)
            if syntax is not None and value and not syntax.match(value):
                value = ""  # the browser rejects the value: blank field, blank submission
            self._form["pairs"].append((name, value))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "disabled": disabled,
                            "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": "",
                            "disabled": "disabled" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": a.get("name"), "disabled": disabled, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            s, self._select = self._select, None
            if self._form is None or not s["name"] or s["disabled"]:
                return
            options = s["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not s["multiple"]:
                chosen = [o for o in options if not o["disabled"]][:1]
            for o in chosen:
                value = o["value"] if o["value"] is not None else o["text"].strip()
                self._form["pairs"].append((s["name"], value))
        elif tag == "textarea" and self._textarea is not None:
            t, self._textarea = self._textarea, None
            if self._form is not None and t["name"] and not t["disabled"]:
                text = t["text"][1:] if t["text"].startswith("\n") else t["text"]
                # Browsers submit a textarea's line breaks as CR LF.
                text = text.replace("\r\n", "\n").replace("\n", "\r\n")
                self._form["pairs"].append((t["name"], text))
        elif tag == "form":
            self._form = None


def edit_form(html: str, url: str) -> dict | None:
    """The POST form of the page that submits to the page itself."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and urlsplit(form["action"]).path in ("", url):
            return form
    return None


def as_post_data(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


# --- the database side -------------------------------------------------------------------------------------


def _row(obj: models.Model) -> dict:
    values = {}
    for f in obj._meta.concrete_fields:
        values[f.attname] = getattr(obj, f.attname)
    for f in obj._meta.many_to_many:
        values[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return values


def snapshot(model: type[models.Model], pk) -> dict:
    """The object's stored values and those of its children (reverse foreign keys, one level down)."""
    obj = model._default_manager.get(pk=pk)
    state = {"self": _row(obj)}
    for rel in model._meta.related_objects:
        if rel.one_to_many and rel.related_model is not AuditRecord:
            manager = getattr(obj, rel.get_accessor_name(), None)
            if manager is not None:
                # Children compare by their values: a service may rewrite a child list (a unit's chemicals)
                # with new row ids, which loses nothing.
                pk_name = rel.related_model._meta.pk.attname
                rows = [{k: v for k, v in _row(r).items() if k != pk_name}
                        for r in manager.all().order_by("pk")[:200]]
                state[rel.get_accessor_name()] = rows
    return state


def _filled(obj: models.Model) -> int:
    """How many of the object's fields carry a value (dates and times count double: they are the point here)."""
    score = 0
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if value not in (None, "", [], {}):
            score += 3 if isinstance(value, date | datetime | time) else 1
    return score


class ModelSpy:
    """Records which model a view fetches through the policy (every page does, see ``policy.get_object``)."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[type[models.Model], str]] = []
        original = policy.get_object

        def spy(user, model, pk, action="view", queryset=None):
            self.calls.append((model, action))
            return original(user, model, pk, action, queryset=queryset)

        monkeypatch.setattr(policy, "get_object", spy)


def _candidates(model, action, user) -> list[models.Model]:
    if not policy.can(user, action, model):
        return []
    objects = list(model._default_manager.filter(policy.scope_q(user, model)).order_by("pk")[:300])
    return sorted(objects, key=_filled, reverse=True)[:MAX_CANDIDATES]


def _comparable(state: dict) -> dict:
    def norm(value):
        if isinstance(value, Decimal):
            return value.normalize()
        if isinstance(value, dict | list):
            return repr(value)
        return value

    return {k: ([{f: norm(v) for f, v in row.items()} for row in rows] if isinstance(rows, list)
                else {f: norm(v) for f, v in rows.items()}) for k, rows in state.items()}


def _diff(before: dict, after: dict) -> list[str]:
    out = []
    for key in before.keys() | after.keys():
        b, a = before.get(key), after.get(key)
        if isinstance(b, dict) and isinstance(a, dict):
            out += [f"{key}.{f}: {b.get(f)!r} -> {a.get(f)!r}" for f in b.keys() | a.keys() if b.get(f) != a.get(f)]
        elif b != a:
            out.append(f"{key}: {b!r} -> {a!r}")
    return sorted(out)


@pytest.mark.parametrize("page", edit_pages(), ids=lambda p: p.name)
def test_unchanged_save_changes_nothing(demo_county, monkeypatch, page: EditPage):
    spy = ModelSpy(monkeypatch)
    Client().get(page.url(0))  # unauthenticated: redirected to login before any lookup
    probe = Client()
    probe.force_login(User.objects.get(username="admin"))
    probe.get(page.url(2_000_000_000))
    assert spy.calls, f"{page.name}: the page fetched no object through the policy"
    model, action = spy.calls[-1]
    if model._meta.label_lower in MAKE_OBJECTS:
        MAKE_OBJECTS[model._meta.label_lower]()

    tried = []
    for username in USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for obj in _candidates(model, action, user):
            url = page.url(obj.pk)
            response = client.get(url)
            tried.append((username, obj.pk, response.status_code))
            if response.status_code != 200:
                continue
            form = edit_form(response.content.decode(), url)
            if form is None:
                continue
            _assert_unchanged_save(client, model, obj.pk, url, form, f"{page.name} as {username}")
            return
    pytest.fail(f"{page.name}: no demo object of {model._meta.label} could be opened for editing; tried {tried}")


def _assert_unchanged_save(client, model, pk, url, form, where):
    problems = [f"<input type={kind} name={name}> holds {value!r}: a browser shows it blank and submits blank"
                for kind, name, value in form["inputs"]
                if BROWSER_VALUE_SYNTAX.get(kind) and value and not BROWSER_VALUE_SYNTAX[kind].match(value)]
    before = _comparable(snapshot(model, pk))
    last_audit = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(url, as_post_data(form["pairs"]))
    if response.status_code not in (302, 303):
        problems.append(f"saving the unchanged form was refused ({response.status_code}): {_form_errors(response)}")
    after = _comparable(snapshot(model, pk))
    problems += [f"stored value changed: {d}" for d in _diff(before, after)]
    problems += [f"audit record written: {r}" for r in AuditRecord.objects.filter(id__gt=last_audit).values_list(
        "action", "object_type", "object_id", "after")]
    assert not problems, f"{where}: an unchanged save is not a no-op:\n  " + "\n  ".join(problems)


def _form_errors(response) -> str:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    if form is not None and hasattr(form, "errors"):
        return form.errors.as_json()
    return response.content.decode()[:300]
