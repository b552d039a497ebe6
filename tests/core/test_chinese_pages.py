"""Every page a user can open is in Chinese, for every demo role.

The pages come from the URL configuration: every pattern without arguments, and every pattern with a primary key
rendered for sampled objects the role can see (one per workflow state, at most a few per model), plus the links of
the navigation. Each page's visible text (text nodes outside script/style, and the title, placeholder, aria-label,
alt and button-value attributes) is searched for ASCII words of letters; anything not on the explicit allow-list
below (codes, units, acronyms, proper names) fails the test with the page and the words.

A new URL pattern with arguments must be classified in ``OBJECT_PAGES`` or ``NOT_PAGES`` (a guard test checks
that), so a page cannot silently escape the check.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yingji.core import policy
from yingji.core.models import User

ROLES = ["admin", "duty", "section", "inspector", "commander", "approver", "observer", "township1", "township2",
         "grid1", "enterprise1"]

# Pattern names with arguments that render a page for an object: name -> model label.
OBJECT_PAGES = {
    "region_detail": "core.region", "region_edit": "core.region",
    "organisation_detail": "core.organisation", "organisation_edit": "core.organisation",
    "contact_create": "core.organisation",
    "user_detail": "core.user", "user_edit": "core.user",
    "audit_detail": "core.auditrecord",
    "enterprise_detail": "enterprises.enterprise", "enterprise_edit": "enterprises.enterprise",
    "tailings_detail": "enterprises.tailingspond", "tailings_edit": "enterprises.tailingspond",
    "mine_detail": "enterprises.mine", "mine_edit": "enterprises.mine",
    "filing_detail": "enterprises.majorhazardfiling", "filing_edit": "enterprises.majorhazardfiling",
    "licence_create": "enterprises.enterprise", "unit_create": "enterprises.enterprise",
    "licence_edit": "enterprises.licence",
    "unit_detail": "enterprises.unit", "unit_edit": "enterprises.unit",
    "risk_detail": "prevention.riskpoint", "risk_edit": "prevention.riskpoint",
    "hazard_detail": "prevention.hazard",
    "incident_detail": "incidents.incident", "incident_report": "incidents.incident",
    "incident_edit": "incidents.incident",
    "plan_detail": "incidents.plan", "plan_edit": "incidents.plan",
    "sitrep_detail": "incidents.sitrep", "sitrep_edit": "incidents.sitrep", "sitrep_print": "incidents.sitrep",
    "alarm_detail": "monitoring.alarm",
    "rule_detail": "monitoring.rule", "rule_edit": "monitoring.rule",
    "station_detail": "monitoring.station",
    "team_detail": "resources.team", "team_edit": "resources.team",
    "expert_detail": "resources.expert", "expert_edit": "resources.expert",
    "equipment_detail": "resources.equipment", "equipment_edit": "resources.equipment",
    "warehouse_detail": "resources.warehouse", "warehouse_edit": "resources.warehouse",
    "warehouse_receive": "resources.warehouse", "warehouse_move": "resources.warehouse",
    "transfer_detail": "resources.transfer",
    "shelter_detail": "resources.shelter", "shelter_edit": "resources.shelter",
    "warning_detail": "warnings.warning", "warning_edit": "warnings.warning", "warning_update": "warnings.warning",
    "warning_cancel": "warnings.warning",
    "person_detail": "warnings.responsibleperson", "person_edit": "warnings.responsibleperson",
    "public_warning_detail": "warnings.warning",
    "power_detail": "enforcement.enforcementitem", "officer_detail": "enforcement.officer",
    "officer_edit": "enforcement.officer", "draw_detail": "enforcement.randomdraw",
    "public_draw_detail": "enforcement.randomdraw",
    "document_detail": "enforcement.enforcementdocument", "case_detail": "enforcement.penaltycase",
    "case_edit": "enforcement.penaltycase", "public_penalty_detail": "enforcement.penaltycase",
    "duty_shift_detail": "duty.dutyshift", "duty_entry_detail": "duty.dutylogentry",
    "duty_handover_detail": "duty.handover",
    "supervision_class_detail": "enforcement.supervisionclass",
    "supervision_class_edit": "enforcement.supervisionclass",
    "inspection_plan_detail": "enforcement.annualinspectionplan", "campaign_detail": "enforcement.campaign",
    "campaign_edit": "enforcement.campaign", "campaign_task_detail": "enforcement.campaigntask",
    "supervision_order_detail": "enforcement.supervisionorder",
    "inspection_detail": "enforcement.inspection", "inspection_field": "enforcement.inspection",
    # --- hazard places ---
    "hazard_place_detail": "prevention.hazardplace", "hazard_place_edit": "prevention.hazardplace",
    "programme_step_detail": "prevention.programmestep", "programme_step_edit": "prevention.programmestep",
    # --- preparedness: publicity ---
    "publicity_detail": "preparedness.publicityactivity", "publicity_edit": "preparedness.publicityactivity",
    # --- drills ---
    "drill_detail": "preparedness.drill", "drill_edit": "preparedness.drill",
    "drill_plan_detail": "preparedness.drillplan", "drill_plan_edit": "preparedness.drillplan",
    "drill_problem_detail": "preparedness.drillproblem",
    # --- training and exams ---
    "training_course_detail": "preparedness.course", "training_course_edit": "preparedness.course",
    "training_session_detail": "preparedness.trainingsession",
    "training_session_edit": "preparedness.trainingsession",
    "trainee_detail": "preparedness.trainee", "trainee_edit": "preparedness.trainee",
    "training_certificate_detail": "preparedness.certificate",
    "exam_question_detail": "preparedness.question", "exam_question_edit": "preparedness.question",
    "exam_paper_detail": "preparedness.exampaper", "exam_paper_edit": "preparedness.exampaper",
    "exam_attempt_detail": "preparedness.examattempt", "exam_take": "preparedness.examattempt",
    # --- disaster reports ---
    "disaster_event_detail": "disasters.disasterevent", "disaster_report_detail": "disasters.disasterreport",
    "relief_threshold_detail": "disasters.reliefthreshold", "relief_threshold_edit": "disasters.reliefthreshold",
    # --- disasters: zones ---
    "danger_zone_detail": "disasters.dangerzone", "danger_zone_edit": "disasters.dangerzone",
    "household_detail": "disasters.household", "household_edit": "disasters.household",
    "zone_transfer_detail": "disasters.transfer", "zone_transfer_confirm": "disasters.transfer",
    # --- forest fire and geological hazards ---
    "forest_area_detail": "disasters.forestarea", "forest_area_edit": "disasters.forestarea",
    "forest_checkpoint_detail": "disasters.forestcheckpoint", "forest_checkpoint_edit": "disasters.forestcheckpoint",
    "forest_patrol_detail": "disasters.forestpatrol",
    "fire_permit_detail": "disasters.firepermit", "fire_permit_edit": "disasters.firepermit",
    "fire_violation_detail": "disasters.fireviolation", "fire_violation_edit": "disasters.fireviolation",
    "forest_fire_detail": "disasters.forestfire", "forest_fire_edit": "disasters.forestfire",
    "geohazard_point_detail": "disasters.geohazardpoint", "geohazard_point_edit": "disasters.geohazardpoint",
    "geohazard_patrol_detail": "disasters.geopatrol", "geohazard_patrol_edit": "disasters.geopatrol",
    "earthquake_report_detail": "disasters.earthquakereport", "earthquake_report_edit": "disasters.earthquakereport",
    # --- relief ---
    "relief_standard_detail": "disasters.reliefstandard", "relief_standard_edit": "disasters.reliefstandard",
    "relief_application_detail": "disasters.reliefapplication",
    "relief_application_edit": "disasters.reliefapplication",
    "relief_disbursement_detail": "disasters.reliefdisbursement",
    "relief_public_notice": "disasters.disasterevent",
}
# Pattern names with arguments that are not pages: actions answering POST, file downloads, fragments checked
# through their page, the per-recipient acknowledgement link.
NOT_PAGES = {
    "station_sensor_chart",  # a chart spec (JSON) of a station page
    "user_set_active", "attachment_download", "duty_log_file", "duty_log_escalate", "enterprise_qrcode",
    "licence_delete", "unit_delete", "risk_delete", "hazard_attach", "hazard_act", "hazard_sample_draw",
    "hazard_sample_result", "incident_reported",
    "incident_response_level", "incident_transition", "incident_activate", "incident_task_create", "sitrep_draft",
    "task_act", "sitrep_issue", "sitrep_download", "alarm_act", "alarm_open_incident", "rule_set_enabled",
    "team_activity_add", "transfer_act", "shelter_status", "warning_act", "warning_resend", "warning_ack",
    "resource_import_template", "duty_handover_acknowledge", "incident_attach", "officer_training_add",
    "public_draw_inputs", "document_pdf", "case_act", "case_extend", "case_publish",
    "inspection_plan_act", "campaign_task_add", "campaign_task_report", "supervision_order_act",
    "inspection_act", "inspection_documents",
    # --- preparedness: publicity ---
    "publicity_photo_add",
    # --- drills ---
    "drill_problem_add", "drill_photo_add", "drill_problem_act",
    # --- training and exams ---
    "training_session_attendance_add",
    # --- disaster reports ---
    "disaster_event_export",
    "zone_transfer_close",
    # --- forest fire and geological hazards ---
    "fire_permit_act", "forest_fire_act", "geohazard_point_act", "earthquake_incident",
    # --- relief ---
    "relief_application_act", "relief_objection_add", "relief_objection_handle",
}
# Argument-less patterns that do not answer an HTML page.
NOT_HTML = {"logout", "logout_everywhere", "notification_read", "healthz", "liveness",
            "duty_roster_import_template", "enterprise_import_template", "resource_map_layers",
            "inspection_field_sw"}
NOT_HTML |= {"exam_question_import_template"}  # --- training and exams ---
NOT_HTML |= {"household_import_template"}  # --- zones ---
# --- flood checks (汛前大排查) ---
OBJECT_PAGES |= {"flood_check_round_detail": "disasters.floodcheckround",
                 "flood_check_round_edit": "disasters.floodcheckround",
                 "flood_check_record_new": "disasters.floodcheckround",
                 "flood_check_bulletin": "disasters.floodcheckround",
                 "flood_check_record_detail": "disasters.floodcheckrecord"}
NOT_PAGES |= {"flood_check_bulletin_pdf", "flood_check_press"}
# --- annual statistics ---
OBJECT_PAGES |= {"historical_figure_detail": "statistics.historicalfigure",
                 "historical_figure_edit": "statistics.historicalfigure"}
# --- plans (plan documents) ---
OBJECT_PAGES |= {"plan_version_detail": "preparedness.planversion", "plan_review_detail": "preparedness.planreview",
                 "plan_filing_detail": "preparedness.planfiling",
                 "plan_evaluation_detail": "preparedness.planevaluation"}
NOT_PAGES |= {"plan_act", "plan_version_file", "plan_filing_act"}
# --- risk census (自然灾害综合风险普查) ---
OBJECT_PAGES |= {"census_body_detail": "disasters.censusbody", "census_body_edit": "disasters.censusbody",
                 "census_source_detail": "disasters.hazardsource", "census_source_edit": "disasters.hazardsource",
                 "census_zone_detail": "disasters.riskzone", "census_zone_edit": "disasters.riskzone"}
NOT_PAGES.add("census_import_template")
# --- disaster reporting: the village's phone report, ending an event, the phone pages' service worker ---
OBJECT_PAGES["disaster_quick_report"] = "disasters.disasterevent"
NOT_PAGES.add("disaster_event_end")
NOT_HTML.add("disaster_quick_report_sw")
# --- responsibility system (governance) ---
OBJECT_PAGES |= {f"{prefix}_{page}": f"governance.{model}" for prefix, model in (
    ("governance_body", "body"), ("member", "member"), ("key_area", "keyarea"), ("duty_list", "dutylist"),
    ("meeting", "meeting"), ("decision", "decision"), ("responsibility_letter", "responsibilityletter"),
    ("notice", "notice"), ("talk", "talk")) for page in ("detail", "edit")}
NOT_PAGES |= {"decision_assign"}
RESOURCE_IMPORT_KINDS = ["teams", "experts", "equipment", "warehouses", "shelters", "stock"]
SAMPLES_PER_MODEL = 3

# ASCII words a Chinese page may show: acronyms, codes, units, product and proper names.
ALLOWED = {
    # acronyms and standard names
    "CAP", "API", "PDF", "Excel", "Word", "ID", "QR", "LEC", "LS", "GB", "GB/T", "AQ", "AQ/T", "GIS", "SMS", "WeCom",
    "DingTalk", "OpenAPI", "JSON", "XML", "CSV", "URL", "IP", "MQTT", "HTTP", "HTTPS", "PNG", "JPG", "JPEG",
    "xlsx", "xls", "csv", "pdf", "png", "jpg", "OSM", "OpenStreetMap", "Leaflet", "WGS", "CGCS", "TNT", "LNG",
    "LPG", "PM", "Yingji", "English", "Email", "email", "App", "UTC", "GCJ", "WebHook", "Webhook", "webhook",
    "CAS", "WebP", "GBK", "UTF", "Atom", "LED", "LEL", "KiB", "MB", "GB18218",
    # prefixes of licence numbers (危化 WH, 烟花 YH, 非煤 FM) and the GB 18218 ratio q/Q
    "WH", "YH", "FM", "q/Q",
    # steelmaking furnaces named in the 工贸 major hazard criteria (应急管理部令第10号 第四条)
    "AOD", "LF", "RH", "VOD",
    # units
    "m", "mm", "cm", "km", "kg", "t", "h", "min", "s", "mm/h", "m/h", "m/s", "km/h", "kPa", "MPa", "Pa", "ha",
    "ppm", "mg", "L", "kV", "kW", "MW", "m3", "mg/m3", "km2", "m2", "d",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_]*(?:/[A-Za-z]+)*")
CODE_LIKE = re.compile(r"\S*\d\S*|\S*@\S*|\S*://\S*")
SKIP_ELEMENTS = {"script", "style", "template", "svg"}
TEXT_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-bs-title", "data-confirm"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """Text a user can read on the page, and the same-site links (for following the navigation)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self._skip = 0
        self._stack: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIP_ELEMENTS:
            self._skip += 1
        if tag not in VOID:
            self._stack.append(tag)
            if tag == "nav":
                self._in_nav += 1
        if self._skip:
            return
        for name, value in attributes.items():
            if value and (name in TEXT_ATTRIBUTES or name.startswith("data-label")):
                self.parts.append(value)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset") and attributes.get("value"):
            self.parts.append(attributes["value"])
        if tag == "a" and attributes.get("href"):
            (self.nav_links if self._in_nav else self.links).append(attributes["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self._stack:
            return
        while self._stack:
            top = self._stack.pop()
            if top in SKIP_ELEMENTS:
                self._skip -= 1
            if top == "nav":
                self._in_nav -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data)


def english_words(text: str, names: frozenset[str] = frozenset()) -> set[str]:
    """ASCII words of letters not on the allow-list or among ``names`` (login names); anything with a digit, an @
    or a scheme is a code."""
    found = set()
    for chunk in re.split(r"[^\x21-\x7e]+", text):
        if not chunk or CODE_LIKE.fullmatch(chunk):
            continue
        for word in WORD.findall(chunk):
            if len(word.replace("_", "")) < 2 or word in ALLOWED or word in names:
                continue
            if "/" in word and all(piece in ALLOWED for piece in word.split("/")):
                continue
            found.add(word)
    return found


def parse(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("api/", "i18n/")):
                continue
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, route, list(entry.pattern.converters)


def _samples(model, user) -> list:
    if not policy.can(user, "view", model):
        return []
    # Reference data (the powers list, the supply catalogue) is county-wide: no scope to cut it to.
    queryset = model.objects.for_user(user) if policy.is_scoped(model) else model._default_manager.all()
    field_names = {field.name for field in model._meta.get_fields()}
    state_field = next((name for name in ("state", "status") if name in field_names), None)
    if state_field is None:
        objects = list(queryset.order_by("pk")[:1]) + list(queryset.order_by("-pk")[:1])
    else:
        objects = []
        for value in queryset.order_by().values_list(state_field, flat=True).distinct():
            objects.extend(queryset.filter(**{state_field: value}).order_by("-pk")[:1])
    unique = {obj.pk: obj for obj in objects}
    return list(unique.values())[:SAMPLES_PER_MODEL]


def page_urls(user) -> list[str]:
    urls = []
    for name, _route, converters in _patterns():
        if not converters:
            if name not in NOT_HTML:
                urls.append(reverse(name))
        elif name in OBJECT_PAGES:
            model = apps.get_model(OBJECT_PAGES[name])
            if user is None:
                if name.startswith("public_"):
                    urls.extend(reverse(name, args=[obj.pk]) for obj in model.objects.order_by("-pk")[:2])
                continue
            urls.extend(reverse(name, args=[obj.pk]) for obj in _samples(model, user))
        elif name == "resource_import":
            urls.extend(reverse(name, args=[kind]) for kind in RESOURCE_IMPORT_KINDS)
    return urls


def crawl(client: Client, user) -> dict[str, set[str]]:
    """GET every page (and the navigation's links); answer {url: english words} for pages with any."""
    pending = page_urls(user)
    seen: set[str] = set()
    findings: dict[str, set[str]] = {}
    login_names = frozenset(User.objects.values_list("username", flat=True))
    while pending:
        url = pending.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = parse(response.content.decode())
        words = english_words("\n".join(page.parts), login_names)
        if words:
            findings[url] = words
        for href in page.nav_links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/") and not parts.path.startswith(("/api/", "/i18n/")):
                pending.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return findings


def test_every_pattern_with_arguments_is_classified():
    unclassified = [name for name, _route, converters in _patterns() if converters
                    and name not in OBJECT_PAGES and name not in NOT_PAGES and name != "resource_import"]
    assert not unclassified, f"classify these URL names in OBJECT_PAGES or NOT_PAGES: {unclassified}"


def test_the_checker_flags_english_and_allows_codes():
    page = parse('<html><head><title>事故 Incidents</title><script>var x = "Hidden";</script></head><body>'
                 '<input placeholder="Search"><button aria-label="Close">×</button><select><option>Open</option>'
                 '</select><p>水位 2.49 m，4.5 mm/h，编码 91410481MA44ABCD1X，water_level，GB/T 2260，CAP，'
                 'duty@example.cn</p><input type="submit" value="Save"></body></html>')
    words = english_words("\n".join(page.parts))
    assert words == {"Incidents", "Search", "Close", "Open", "water_level", "Save"}


@pytest.mark.parametrize("username", [*ROLES, None])
def test_every_page_is_chinese(web, demo_county, username):
    if username is None:
        client, user = Client(), None
    else:
        client, user = web(username), User.objects.get(username=username)
    findings = crawl(client, user)
    report = "\n".join(f"{url}: {' '.join(sorted(words))}" for url, words in sorted(findings.items()))
    assert not findings, f"English on pages seen by {username or 'an anonymous visitor'}:\n{report}"


def _visible_english(response) -> set[str]:
    return english_words("\n".join(parse(response.content.decode()).parts),
                         frozenset(User.objects.values_list("username", flat=True)))


def test_workflow_buttons_flashes_and_refusals_are_chinese(web, demo_county):
    """Workflow steps done through the pages: the page after each (its flash message, the next buttons, the
    timeline and the audit trail) and a refusal shown on the page are all Chinese."""
    from yingji.core.models import AuditRecord
    from yingji.incidents.models import Incident
    from yingji.warnings.models import Warning

    duty, approver, admin, commander = web("duty"), web("approver"), web("admin"), web("commander")
    draft = Warning.objects.filter(state="draft").order_by("pk").first()
    assert draft is not None
    steps = [(duty, "submit", "提交审核"), (approver, "approve", "审核通过"), (approver, "publish", "发布")]
    for client, action, label in steps:
        response = client.post(f"/warnings/{draft.pk}/actions/{action}/", follow=True)
        assert response.status_code == 200
        flashes = [str(m) for m in response.context["messages"]]
        assert any(f.startswith(label) and "已完成" in f for f in flashes), flashes
        assert not _visible_english(response), (action, _visible_english(response))
    assert "CAP" in response.content.decode()

    incident = Incident.objects.filter(state="closed").order_by("pk").first()
    assert incident is not None
    response = commander.post(f"/incidents/{incident.pk}/transitions/reopen/",
                              {"version": incident.version, "reason": "补充调查"}, follow=True)
    assert response.status_code == 200
    assert any("重新打开事件" in str(m) for m in response.context["messages"]), list(response.context["messages"])
    assert not _visible_english(response), _visible_english(response)
    stale = commander.post(f"/incidents/{incident.pk}/transitions/close/",
                           {"version": incident.version, "summary": "处置完毕"})
    assert stale.status_code == 409 and not _visible_english(stale), _visible_english(stale)

    audit_page = admin.get("/audit/")
    assert not _visible_english(audit_page), _visible_english(audit_page)
    assert AuditRecord.objects.filter(object_type="warnings.warning", message="publish").exists()


AMBIGUOUS = {"Title", "title", "Location", "location", "Issue"}


def test_words_with_several_meanings_carry_a_context():
    """Each of these English words means different things on different pages (a report's title 标题 vs a person's
    title 职务; a hazard's place 位置 vs coordinates 经纬度 …): the catalogue holds them only with a context, and
    the pages show the right word."""
    from pathlib import Path

    import yingji

    catalogue = (Path(yingji.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    without_context = [m.group(1) for m in re.finditer(r'(?:^msgctxt "[^"]*"\n)?^msgid "([^"]*)"$', catalogue, re.M)
                       if m.group(1) in AMBIGUOUS and not m.group(0).startswith("msgctxt")]
    assert not without_context, f"use pgettext / {{% translate … context … %}} for {without_context}"


def test_title_and_location_read_right(web, demo_county):
    from yingji.incidents.models import Incident
    from yingji.prevention.models import Hazard

    section = web("section")
    hazard_form = section.get("/hazards/new/").content.decode()
    assert "标题" in hazard_form and "位置" in hazard_form and "职务" not in hazard_form
    assert "经纬度" not in hazard_form
    hazard = Hazard.objects.for_user(User.objects.get(username="section")).order_by("pk").first()
    detail = section.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "位置" in detail and "经纬度" not in detail
    incidents = section.get("/incidents/").content.decode()
    assert "标题" in incidents and "职务" not in incidents
    incident = Incident.objects.order_by("pk").first()
    assert section.get(f"/incidents/{incident.pk}/").status_code == 200
    persons = web("duty").get("/responsible-persons/").content.decode()
    assert "职务" in persons and "姓名" in persons
    experts = web("duty").get("/resources/experts/").content.decode()
    assert "职务" in experts and "专业领域" in experts
# --- assessment (考核) ---
OBJECT_PAGES |= {"rubric_detail": "assessment.rubric", "rubric_edit": "assessment.rubric",
                 "assessment_ranking": "assessment.rubric", "rubric_item_detail": "assessment.rubricitem",
                 "rubric_item_edit": "assessment.rubricitem", "assessment_detail": "assessment.assessment"}
NOT_PAGES |= {"rubric_act", "assessment_act", "assessment_item_assess"}
NOT_HTML.add("rubric_copy_default")
