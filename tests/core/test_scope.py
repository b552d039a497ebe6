"""Scope and permission: every role sees only its own jurisdiction or enterprise, through the API and the pages;
out-of-scope objects answer 404, actions a role lacks answer 403."""

from __future__ import annotations

import pytest
from django.apps import apps

from yingji.core import policy
from yingji.core.errors import NotAllowed, NotFound
from yingji.core.models import AuditRecord, Contact, Organisation, Region, Scoped, User
from yingji.enterprises.models import Enterprise

COUNTY_ROLES = ["admin", "duty", "section", "inspector", "commander", "approver", "observer"]
ALL_ACCOUNTS = COUNTY_ROLES + ["township1", "township2", "grid1", "enterprise1"]

# API detail path of every scoped model; a new scoped model must be added here (or to NO_DETAIL_ENDPOINT).
API_DETAIL = {
    "core.region": "/api/v1/regions/{id}",
    "core.organisation": "/api/v1/organisations/{id}",
    "core.user": "/api/v1/users/{id}",
    "core.auditrecord": "/api/v1/audit/{id}",
    "enterprises.enterprise": "/api/v1/enterprises/{id}",
    "enterprises.tailingspond": "/api/v1/tailings-ponds/{id}",
    "enterprises.mine": "/api/v1/mines/{id}",
    "enterprises.majorhazardfiling": "/api/v1/major-hazard-filings/{id}",
    "enterprises.custodiancheck": "/api/v1/custodian-checks/{id}",
    "resources.team": "/api/v1/teams/{id}",
    "resources.expert": "/api/v1/experts/{id}",
    "resources.equipment": "/api/v1/equipment/{id}",
    "resources.warehouse": "/api/v1/warehouses/{id}",
    "resources.stockbatch": "/api/v1/stock/{id}",
    "resources.transfer": "/api/v1/transfers/{id}",
    "resources.shelter": "/api/v1/shelters/{id}",
    "resources.teamactivity": "/api/v1/team-activities/{id}",
    "enterprises.licence": "/api/v1/licences/{id}",
    "enterprises.unit": "/api/v1/units/{id}",
    "prevention.riskpoint": "/api/v1/risks/{id}",
    "prevention.hazard": "/api/v1/hazards/{id}",
    "prevention.hazardsample": "/api/v1/hazard-samples/{id}",
    "monitoring.station": "/api/v1/stations/{id}",
    "monitoring.alarm": "/api/v1/alarms/{id}",
    "monitoring.rule": "/api/v1/rules/{id}",
    "incidents.incident": "/api/v1/incidents/{id}",
    "incidents.plan": "/api/v1/plans/{id}",
    "incidents.task": "/api/v1/tasks/{id}",
    "incidents.sitrep": "/api/v1/sitreps/{id}",
    "duty.dutyshift": "/api/v1/duty/rosters/{id}",
    "duty.dutylogentry": "/api/v1/duty/log/{id}",
    "duty.handover": "/api/v1/duty/handovers/{id}",
    "warnings.warning": "/api/v1/warnings/{id}",
    "warnings.responsibleperson": "/api/v1/responsible-persons/{id}",
    "enforcement.officer": "/api/v1/enforcement-officers/{id}",
    "enforcement.randomdraw": "/api/v1/random-draws/{id}",
    "enforcement.enforcementdocument": "/api/v1/enforcement-documents/{id}",
    "enforcement.penaltycase": "/api/v1/penalty-cases/{id}",
    "enforcement.supervisionclass": "/api/v1/supervision-classes/{id}",
    "enforcement.annualinspectionplan": "/api/v1/inspection-plans/{id}",
    "enforcement.campaign": "/api/v1/campaigns/{id}",
    "enforcement.campaigntask": "/api/v1/campaign-tasks/{id}",
    "enforcement.supervisionorder": "/api/v1/supervision-orders/{id}",
    "enforcement.inspection": "/api/v1/inspections/{id}",
    # --- hazard places and the dual-prevention programme ---
    "prevention.hazardplace": "/api/v1/hazard-places/{id}",
    "prevention.programmestep": "/api/v1/dual-prevention-steps/{id}",
    # --- preparedness: publicity ---
    "preparedness.publicityactivity": "/api/v1/preparedness/publicity/{id}",
    # --- drills ---
    "preparedness.drillplan": "/api/v1/drill-plans/{id}",
    "preparedness.drill": "/api/v1/drills/{id}",
    "preparedness.drillproblem": "/api/v1/drill-problems/{id}",
    # --- disasters: zones ---
    "disasters.dangerzone": "/api/v1/danger-zones/{id}",
    "disasters.household": "/api/v1/danger-zone-households/{id}",
    "disasters.transfer": "/api/v1/zone-transfers/{id}",
}
API_DETAIL["statistics.historicalfigure"] = "/api/v1/statistics/historical-figures/{id}"  # --- statistics ---
API_DETAIL |= {f"governance.{model}": f"/api/v1/governance/{path}/{{id}}" for model, path in (  # --- governance ---
    ("body", "bodies"), ("member", "members"), ("keyarea", "key-areas"), ("dutylist", "duty-lists"),
    ("meeting", "meetings"), ("decision", "decisions"), ("responsibilityletter", "responsibility-letters"),
    ("notice", "notices"), ("talk", "talks"))}
NO_DETAIL_ENDPOINT = {"core.contact", "core.attachment"}  # read through their owner (and /attachments/<id>/)
# --- assessment: items are read through their rubric and assessment ---
API_DETAIL |= {"assessment.rubric": "/api/v1/assessment/rubrics/{id}",
               "assessment.assessment": "/api/v1/assessment/assessments/{id}"}
NO_DETAIL_ENDPOINT |= {"assessment.rubricitem", "assessment.assessmentitem"}
NO_DETAIL_ENDPOINT.add("warnings.delivery")  # read through its warning: /api/v1/warnings/{id}/deliveries
NO_DETAIL_ENDPOINT |= {"resources.stockmovement", "resources.reservestandard"}  # read through /stock, their lists
NO_DETAIL_ENDPOINT.add("enforcement.recusal")  # read through its officer's page
NO_DETAIL_ENDPOINT |= {"enforcement.planitem", "enforcement.campaignreport"}  # read through their plan / task
# --- training and exams ---
API_DETAIL.update({
    "preparedness.course": "/api/v1/training-courses/{id}",
    "preparedness.trainingsession": "/api/v1/training-sessions/{id}",
    "preparedness.trainee": "/api/v1/trainees/{id}",
    "preparedness.certificate": "/api/v1/training-certificates/{id}",
    "preparedness.exampaper": "/api/v1/exam-papers/{id}",
    "preparedness.examattempt": "/api/v1/exam-attempts/{id}",
    "preparedness.question": "/api/v1/exam-questions/{id}",
})
NO_DETAIL_ENDPOINT.add("preparedness.attendance")  # read through its session: /api/v1/training-sessions/{id}/attendance
# --- disaster reports ---
NO_DETAIL_ENDPOINT.add("disasters.casualty")  # read through its report
API_DETAIL |= {"disasters.disasterevent": "/api/v1/disaster-events/{id}",
               "disasters.disasterreport": "/api/v1/disaster-reports/{id}",
               "disasters.reliefthreshold": "/api/v1/relief-thresholds/{id}"}
NO_DETAIL_ENDPOINT.add("disasters.transferhousehold")  # read through its transfer: /api/v1/zone-transfers/{id}
# --- flood checks (汛前大排查) ---
API_DETAIL |= {"disasters.floodcheckround": "/api/v1/flood-check-rounds/{id}",
               "disasters.floodcheckrecord": "/api/v1/flood-check-records/{id}"}
# --- relief ---
API_DETAIL |= {"disasters.reliefstandard": "/api/v1/relief-standards/{id}",
               "disasters.reliefapplication": "/api/v1/relief-applications/{id}",
               "disasters.reliefdisbursement": "/api/v1/relief-disbursements/{id}"}
NO_DETAIL_ENDPOINT.add("disasters.reliefobjection")  # read through its application: /api/v1/relief-applications/{id}
# --- plans (plan documents) ---
API_DETAIL |= {"preparedness.planversion": "/api/v1/plan-versions/{id}",
               "preparedness.planreview": "/api/v1/plan-reviews/{id}",
               "preparedness.planfiling": "/api/v1/plan-filings/{id}",
               "preparedness.planevaluation": "/api/v1/plan-evaluations/{id}"}


def scoped_models():
    return [m for m in apps.get_models() if issubclass(m, Scoped)]


def visible_codes(user: User) -> set[str]:
    """The region codes a user's scope covers, computed independently of the policy module."""
    codes = set(Region.objects.values_list("code", flat=True))
    if user.enterprise_id:
        code = user.enterprise.region_code
        return {c for c in codes if code.startswith(c)}
    return {c for c in codes if c.startswith(user.scope_region_code)}


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_region_list_is_exactly_the_users_scope(api, username):
    client = api(username)
    response = client.get("/api/v1/regions", limit=500)
    assert response.status_code == 200
    body = response.json()
    got = {item["code"] for item in body["items"]}
    assert got == visible_codes(client.user)
    assert body["count"] == len(got)


def test_county_user_sees_the_whole_demo_county(api):
    body = api("observer").get("/api/v1/regions", level="township").json()
    assert body["count"] == 14
    assert {item["parent_code"] for item in body["items"]} == {"410481"}


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_organisations_enterprises_users_audit_follow_role_and_scope(api, username):
    client = api(username)
    user = client.user
    orgs = client.get("/api/v1/organisations", limit=500)
    if user.has_role("enterprise_user") or user.role_keys == {"grid_member"}:
        # Neither an enterprise nor a village grid member works with the organisation chart.
        assert orgs.status_code == 403
    else:
        assert orgs.status_code == 200
        assert all(o["region_code"].startswith(user.scope_region_code) for o in orgs.json()["items"])
        expected = Organisation.objects.filter(region_code__startswith=user.scope_region_code).count()
        assert orgs.json()["count"] == expected
    ents = client.get("/api/v1/enterprises", limit=500).json()
    if user.enterprise_id:
        assert [e["id"] for e in ents["items"]] == [user.enterprise_id]
    else:
        assert ents["count"] == Enterprise.objects.filter(region_code__startswith=user.scope_region_code).count()
        assert all(e["region_code"].startswith(user.scope_region_code) for e in ents["items"])
    users = client.get("/api/v1/users")
    audit = client.get("/api/v1/audit")
    if user.has_role("admin"):
        assert users.status_code == 200 and audit.status_code == 200
    else:
        assert users.status_code == 403 and audit.status_code == 403


def test_township_user_gets_404_for_another_township_and_403_for_actions_it_lacks(api, demo_county):
    client = api("township1")
    own = Region.objects.get(code=demo_county["township"])
    other = Region.objects.get(code=demo_county["township2"])
    assert client.get(f"/api/v1/regions/{own.pk}").status_code == 200
    assert client.get(f"/api/v1/regions/{other.pk}").status_code == 404
    # Existence is never revealed: a missing id and another scope's id answer the same.
    assert client.get("/api/v1/regions/999999").json() == {"detail": "region 999999 not found", "errors": []}
    assert client.patch(f"/api/v1/regions/{other.pk}", {"name": "X"}).status_code == 404
    assert client.patch(f"/api/v1/regions/{own.pk}", {"name": "X"}).status_code == 403
    assert client.delete(f"/api/v1/regions/{own.pk}").status_code == 403
    created = client.post("/api/v1/regions", {"code": own.code + "299", "name": "新村", "level": "village",
                                              "parent_code": own.code})
    assert created.status_code == 403
    other_org = Organisation.objects.filter(region_code=other.code).first()
    assert client.get(f"/api/v1/organisations/{other_org.pk}").status_code == 404
    other_ent = Enterprise.objects.filter(region_code__startswith=other.code).first()
    assert client.get(f"/api/v1/enterprises/{other_ent.pk}").status_code == 404
    own_ent = Enterprise.objects.filter(region_code__startswith=own.code).first()
    assert client.get(f"/api/v1/enterprises/{own_ent.pk}").status_code == 200
    assert client.patch(f"/api/v1/enterprises/{own_ent.pk}", {"address": "x"}).status_code == 403
    Region.objects.get(pk=own.pk)  # unchanged
    assert Region.objects.get(pk=own.pk).name == own.name


@pytest.mark.parametrize("username", [u for u in ALL_ACCOUNTS if u != "admin"])
def test_every_non_admin_role_gets_403_creating_a_region_in_its_own_scope(api, username):
    client = api(username)
    user = client.user
    parent = Region.objects.get(code=user.scope_region_code or user.enterprise.region_code[:9])
    if parent.level == "village":
        parent = parent.parent
    code = parent.code + ("298" if parent.level == "township" else "298")
    level = "village" if parent.level == "township" else "township"
    response = client.post("/api/v1/regions", {"code": code, "name": "测试", "level": level,
                                               "parent_code": parent.code})
    assert response.status_code == 403
    assert not Region.objects.filter(code=code).exists()


def test_admin_can_create_and_a_township_admin_cannot_reach_outside(api, demo_county):
    admin = api("admin")
    response = admin.post("/api/v1/regions", {"code": demo_county["township"] + "298", "name": "测试村",
                                              "level": "village", "parent_code": demo_county["township"]})
    assert response.status_code == 201, response.content
    assert response.json()["parent_code"] == demo_county["township"]
    # An administrator scoped to one township cannot create users outside it.
    from yingji.core.services import create_user

    local_admin = create_user(None, username="tadmin", roles=["admin"], password="Local@admin1",
                              scope_region_code=demo_county["township"])
    from tests.conftest import ApiClient

    client = ApiClient(local_admin)
    denied = client.post("/api/v1/users", {"username": "x1", "password": "Str0ng!pass", "roles": ["observer"],
                                           "scope_region_code": demo_county["township2"]})
    assert denied.status_code == 403
    assert not User.objects.filter(username="x1").exists()
    ok = client.post("/api/v1/users", {"username": "x2", "password": "Str0ng!pass", "roles": ["grid_member"],
                                       "scope_region_code": demo_county["village"]})
    assert ok.status_code == 201, ok.content
    listed = {u["username"] for u in client.get("/api/v1/users", limit=500).json()["items"]}
    assert "x2" in listed and "township2" not in listed and "admin" not in listed


@pytest.mark.parametrize("username", ["township1", "grid1", "enterprise1"])
def test_generic_walk_out_of_scope_objects_answer_404(api, username):
    client = api(username)
    user = client.user
    labels = {m._meta.label_lower for m in scoped_models()}
    assert labels <= set(API_DETAIL) | NO_DETAIL_ENDPOINT, "register the new scoped model's detail endpoint"
    checked = 0
    for model in scoped_models():
        outside = model._default_manager.exclude(policy.scope_q(user, model)).order_by("pk").first()
        if outside is None:
            continue
        with pytest.raises(NotFound):
            policy.get_object(user, model, outside.pk)
        path = API_DETAIL.get(model._meta.label_lower)
        if path:
            response = client.get(path.format(id=outside.pk))
            assert response.status_code == 404, (model, response.status_code)
            assert response.json()["errors"] == []
        checked += 1
    assert checked >= 4


def test_scope_filter_of_every_model_matches_region_prefix(demo_county):
    user = User.objects.get(username="township1")
    for model in (Region, Organisation, Contact, Enterprise):
        field = model.SCOPE_REGION_FIELD
        visible = list(model.objects.for_user(user).values_list(field, flat=True))
        assert visible, model
        assert all(code.startswith(user.scope_region_code) for code in visible)
        hidden = model.objects.exclude(pk__in=model.objects.for_user(user).values("pk"))
        assert all(not getattr(o, field).startswith(user.scope_region_code) for o in hidden)


def test_disabled_or_anonymous_users_see_nothing(demo_county):
    user = User.objects.get(username="admin")
    user.is_active = False
    with pytest.raises(NotAllowed):
        Region.objects.for_user(user)
    assert not policy.can(None, "view", Region)
    assert not AuditRecord.objects.filter(policy.scope_q(None, AuditRecord)).exists()


# --- pages ---------------------------------------------------------------------------------------------------


def test_pages_follow_the_same_policy(web, demo_county):
    client = web("township1")
    page = client.get("/regions/", {"level": "village"})
    assert page.status_code == 200
    html = page.content.decode()
    own_villages = Region.objects.filter(parent__code=demo_county["township"])
    other_villages = Region.objects.filter(parent__code=demo_county["township2"])
    assert all(v.code in html for v in own_villages)
    assert not any(v.code in html for v in other_villages)
    other = Region.objects.get(code=demo_county["township2"])
    assert client.get(f"/regions/{other.pk}/").status_code == 404
    own = Region.objects.get(code=demo_county["township"])
    assert client.get(f"/regions/{own.pk}/").status_code == 200
    assert client.get(f"/regions/{own.pk}/edit/").status_code == 403
    assert client.get("/users/").status_code == 403
    assert client.get("/audit/").status_code == 403
    other_ent = Enterprise.objects.filter(region_code__startswith=other.code).first()
    assert client.get(f"/enterprises/{other_ent.pk}/").status_code == 404


def test_enterprise_user_pages_show_only_its_enterprise(web):
    client = web("enterprise1")
    user = User.objects.get(username="enterprise1")
    html = client.get("/enterprises/").content.decode()
    assert user.enterprise.name in html
    others = Enterprise.objects.exclude(pk=user.enterprise_id)
    assert not any(e.credit_code in html for e in others)
    assert client.get("/organisations/").status_code == 403
# --- forest fire and geological hazards ---
API_DETAIL |= {"disasters.forestarea": "/api/v1/forest-areas/{id}",
               "disasters.forestcheckpoint": "/api/v1/forest-checkpoints/{id}",
               "disasters.forestpatrol": "/api/v1/forest-patrols/{id}",
               "disasters.firepermit": "/api/v1/fire-permits/{id}",
               "disasters.fireviolation": "/api/v1/fire-violations/{id}",
               "disasters.forestfire": "/api/v1/forest-fires/{id}",
               "disasters.geohazardpoint": "/api/v1/geohazard-points/{id}",
               "disasters.geopatrol": "/api/v1/geohazard-patrols/{id}",
               "disasters.earthquakereport": "/api/v1/earthquake-reports/{id}"}
# --- risk census (自然灾害综合风险普查) ---
API_DETAIL |= {"disasters.censusbody": "/api/v1/census-bodies/{id}",
               "disasters.hazardsource": "/api/v1/census-hazard-sources/{id}",
               "disasters.riskzone": "/api/v1/census-risk-zones/{id}"}
