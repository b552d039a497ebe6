"""Lookups in validation never reveal what is outside the caller's scope (issue 21 §3): for every reference field
of every write endpoint, an id of an object outside the caller's scope and an id that exists nowhere produce
byte-identical error bodies (same status, same message, no name or stock of the unseen object)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import ApiClient
from yingji.core import policy, services
from yingji.core.errors import ValidationFailed
from yingji.core.models import Organisation, User
from yingji.enterprises.models import Enterprise
from yingji.incidents.models import Incident, Plan
from yingji.monitoring.models import Station
from yingji.prevention import services as prevention
from yingji.prevention.models import RiskPoint
from yingji.resources.models import SupplyItem, Team, Warehouse
from yingji.warnings.models import ResponsiblePerson

NOWHERE = 10**12
EVENT = "industrial_commercial_accident"
ROLES = ["admin", "section_staff", "duty_officer", "commander", "township_staff", "inspector"]


def _soon(days: int = 3) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def world(demo_county):
    """A township-scoped account holding every staff role (so the scope, not the role, decides), the objects
    in its township that the writes need, and one object of each referenced kind outside it."""
    t1, t2 = demo_county["township"], demo_county["township2"]
    actor = services.create_user(None, username="t1_allrounder", roles=ROLES, password="Oracle@test1",
                                 scope_region_code=t1, validate_password=False)
    admin = User.objects.get(username="admin")
    own_enterprise = User.objects.get(username="enterprise1").enterprise
    assert own_enterprise.region_code.startswith(t1)
    hazard = prevention.report_hazard(User.objects.get(username="enterprise1"), {
        "enterprise": own_enterprise.pk, "title": "配电柜门未关", "description": "配电室柜门敞开"})
    from yingji.incidents import services as incidents

    incident = incidents.create_incident(actor, {
        "event_type": EVENT, "title": "仓库起火", "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "source": "phone", "region_code": t1})
    foreign_incident = incidents.create_incident(admin, {
        "event_type": EVENT, "title": "厂房起火", "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "source": "phone", "region_code": t2})
    outside = {
        "organisation": Organisation.objects.exclude(region_code__startswith=t1).first(),
        # Supervisors (bureau, member units) are county-wide; any other organisation outside is unseen.
        "non_supervisor": Organisation.objects.exclude(region_code__startswith=t1).exclude(
            kind__in=["bureau", "member_unit"]).first(),
        "enterprise": Enterprise.objects.exclude(region_code__startswith=t1).first(),
        "user": User.objects.get(username="township2"),
        "risk_point": RiskPoint.objects.exclude(enterprise=own_enterprise).first(),
        "plan": Plan.objects.exclude(region_code__startswith=t1).filter(is_active=True).first(),
        "team": Team.objects.exclude(region_code__startswith=t1).first(),
        "incident": foreign_incident,
        "warehouse": Warehouse.objects.exclude(region_code__startswith=t1).first(),
        "station": Station.objects.exclude(region_code__startswith=t1).first(),
        "person": ResponsiblePerson.objects.filter(region_code__startswith=t2).first(),
    }
    assert all(outside.values()), {k: v for k, v in outside.items() if not v}
    return {
        "client": ApiClient(actor), "actor": actor, "t1": t1, "hazard": hazard, "incident": incident,
        "enterprise": own_enterprise, "outside": {k: v.pk for k, v in outside.items()},
        "own_warehouse": Warehouse.objects.filter(region_code__startswith=t1).first().pk,
        "item": SupplyItem.objects.first().pk,
    }


def _cases(w):
    """(name, method, path, payload builder taking the reference id, field, kind of the outside object)."""
    t1 = w["t1"]
    roster = {"date": timezone.localdate().isoformat(), "shift": "day", "leader_name": "刘", "officer_names": "王"}
    return [
        ("organisation parent", "post", "/api/v1/organisations",
         lambda r: {"name": "测试办", "kind": "member_unit", "region_code": t1, "parent_id": r}, "parent_id",
         "organisation"),
        ("organisation lead unit", "post", "/api/v1/organisations",
         lambda r: {"name": "测试办", "kind": "member_unit", "region_code": t1, "lead_unit_id": r},
         "lead_unit_id", "organisation"),
        ("organisation members", "post", "/api/v1/organisations",
         lambda r: {"name": "测试办", "kind": "member_unit", "region_code": t1, "member_unit_ids": [r]},
         "member_unit_ids", "organisation"),
        ("user enterprise", "post", "/api/v1/users",
         lambda r: {"username": "probe", "password": "Probe@pass123", "roles": ["enterprise_user"],
                    "enterprise_id": r}, "enterprise_id", "enterprise"),
        ("user organisation", "post", "/api/v1/users",
         lambda r: {"username": "probe", "password": "Probe@pass123", "roles": ["observer"],
                    "scope_region_code": t1, "organisation_id": r}, "organisation_id", "organisation"),
        ("user patch organisation", "patch", f"/api/v1/users/{w['actor'].pk}",
         lambda r: {"organisation_id": r}, "organisation_id", "organisation"),
        ("hazard enterprise", "post", "/api/v1/hazards",
         lambda r: {"enterprise_id": r, "title": "t", "description": "d"}, "enterprise", "enterprise"),
        ("hazard risk point", "post", "/api/v1/hazards",
         lambda r: {"enterprise_id": w["enterprise"].pk, "title": "t", "description": "d", "risk_point_id": r},
         "risk_point_id", "risk_point"),
        ("hazard responsible account", "post", f"/api/v1/hazards/{w['hazard'].pk}/transitions",
         lambda r: {"action": "confirm", "level": "general", "due_at": _soon(), "responsible_person": "王强",
                    "responsible_user_id": r}, "responsible_user_id", "user"),
        ("enterprise supervising unit", "patch", f"/api/v1/enterprises/{w['enterprise'].pk}",
         lambda r: {"supervising_unit_id": r}, "supervising_unit_id", "non_supervisor"),
        ("risk point enterprise", "post", "/api/v1/risks",
         lambda r: {"enterprise_id": r, "name": "喷漆房", "accident_type": "poisoning", "method": "LEC", "l": 3,
                    "e": 6, "c": 40, "responsible_tier": "company", "responsible_person": "张伟"},
         "enterprise", "enterprise"),
        ("incident enterprise", "post", "/api/v1/incidents",
         lambda r: {"event_type": EVENT, "title": "t", "occurred_at": _soon(-1), "source": "phone",
                    "region_code": t1, "enterprise_id": r}, "enterprise_id", "enterprise"),
        ("task unit", "post", f"/api/v1/incidents/{w['incident'].pk}/tasks",
         lambda r: {"title": "疏散", "unit_id": r}, "unit_id", "organisation"),
        ("task assignee", "post", f"/api/v1/incidents/{w['incident'].pk}/tasks",
         lambda r: {"title": "疏散", "assignee_id": r}, "assignee_id", "user"),
        ("plan activation", "post", f"/api/v1/incidents/{w['incident'].pk}/activation",
         lambda r: {"plan_id": r}, "plan_id", "plan"),
        ("plan headquarters", "post", "/api/v1/plans",
         lambda r: {"name": "预案", "kind": "special", "region_code": t1, "event_types": [EVENT], "hq_id": r},
         "hq_id", "organisation"),
        ("roster officers", "post", "/api/v1/duty/rosters",
         lambda r: {**roster, "officer_ids": [r]},
         "officer_ids", "user"),
        ("roster leader", "post", "/api/v1/duty/rosters",
         lambda r: {**roster, "leader_id": r}, "leader_id", "user"),
        ("team activity team", "post", "/api/v1/team-activities",
         lambda r: {"team_id": r, "kind": "drill", "date": timezone.localdate().isoformat()}, "team_id", "team"),
        ("stock receipt warehouse", "post", "/api/v1/stock",
         lambda r: {"warehouse_id": r, "item_id": w["item"], "batch_no": "B1", "quantity": 1}, "warehouse_id",
         "warehouse"),
        ("reserve standard warehouse", "post", "/api/v1/reserve-standards",
         lambda r: {"item_id": w["item"], "warehouse_id": r, "required_quantity": 5}, "warehouse_id", "warehouse"),
        ("transfer source", "post", "/api/v1/transfers",
         lambda r: {"source_id": r, "target_id": w["own_warehouse"], "item_id": w["item"], "quantity": 40},
         "source_id", "warehouse"),
        ("transfer target", "post", "/api/v1/transfers",
         lambda r: {"source_id": w["own_warehouse"], "target_id": r, "item_id": w["item"], "quantity": 1},
         "target_id", "warehouse"),
        ("equipment team", "post", "/api/v1/equipment",
         lambda r: {"item": "pump", "holder_kind": "team", "team_id": r}, "team_id", "team"),
        ("equipment warehouse", "post", "/api/v1/equipment",
         lambda r: {"item": "pump", "holder_kind": "warehouse", "warehouse_id": r}, "warehouse_id", "warehouse"),
        ("station enterprise", "post", "/api/v1/stations",
         lambda r: {"code": "PROBE-1", "name": "探测站", "type": "rain", "region_code": t1, "enterprise_id": r},
         "enterprise_id", "enterprise"),
        ("rule station", "post", "/api/v1/rules",
         lambda r: {"name": "雨量", "kind": "above", "station_id": r, "sensor_key": "rain", "threshold": 5,
                    "level": "yellow"}, "station_id", "station"),
        ("responsible person account", "post", "/api/v1/responsible-persons",
         lambda r: {"name": "张三", "kind": "flood", "region_code": t1, "phone": "13800001111", "user_id": r},
         "user_id", "user"),
        ("responsible person superior", "post", "/api/v1/responsible-persons",
         lambda r: {"name": "张三", "kind": "flood", "region_code": t1, "phone": "13800001111",
                    "superior_id": r}, "superior_id", "person"),
    ]


CASE_NAMES = [c[0] for c in _cases({"t1": "", "outside": {}, "actor": User(pk=1), "hazard": User(pk=1),
                                    "incident": User(pk=1), "enterprise": User(pk=1), "own_warehouse": 1,
                                    "item": 1})]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_out_of_scope_and_unknown_references_answer_byte_identically(world, name):
    _name, method, path, payload, field, kind = next(c for c in _cases(world) if c[0] == name)
    client = world["client"]
    outside = getattr(client, method)(path, payload(world["outside"][kind]))
    unknown = getattr(client, method)(path, payload(NOWHERE))
    assert outside.status_code == unknown.status_code == 422, (outside.content, unknown.content)
    assert outside.content == unknown.content
    assert field in [e["field"] for e in outside.json()["errors"]], outside.content


@pytest.mark.parametrize("name", ["transfer source", "hazard responsible account", "task assignee"])
def test_an_in_scope_reference_passes_the_lookup(world, name):
    """The same writes with a reference inside the scope get past the lookup (so the test above is not
    comparing two refusals of something else)."""
    _name, method, path, payload, field, kind = next(c for c in _cases(world) if c[0] == name)
    inside = {"warehouse": Warehouse.objects.filter(region_code__startswith=world["t1"]).first().pk,
              "user": User.objects.get(username="township1").pk}[kind]
    response = getattr(world["client"], method)(path, payload(inside))
    errors = response.json().get("errors", []) if response.status_code >= 400 else []
    assert field not in [e["field"] for e in errors], response.content


def test_the_transfer_refusal_names_nothing_of_the_unseen_warehouse(world):
    foreign = Warehouse.objects.get(pk=world["outside"]["warehouse"])
    response = world["client"].post("/api/v1/transfers", {"source_id": foreign.pk, "target_id": world["own_warehouse"],
                                                          "item_id": world["item"], "quantity": 10**6})
    assert response.status_code == 422
    assert foreign.name not in response.content.decode() and "holds" not in response.content.decode()


def test_helper_treats_malformed_unknown_and_out_of_scope_alike(world):
    actor = world["actor"]
    foreign = Warehouse.objects.get(pk=world["outside"]["warehouse"])
    own = Warehouse.objects.get(pk=world["own_warehouse"])
    assert policy.get_in_scope_or_field_error(Warehouse, own.pk, actor, "w") == own
    assert policy.get_in_scope_or_field_error(Warehouse, str(own.pk), actor, "w") == own
    assert policy.get_in_scope_or_field_error(Warehouse, own, actor, "w") == own
    bodies = set()
    for ref in (foreign.pk, foreign, NOWHERE, 0, -1, 2**63, True, "abc", None, 1.5):
        with pytest.raises(ValidationFailed) as exc:
            policy.get_in_scope_or_field_error(Warehouse, ref, actor, "w")
        assert exc.value.status == 422
        bodies.add(repr(exc.value.as_body()))
    assert len(bodies) == 1
    with pytest.raises(ValidationFailed) as many:
        policy.get_many_in_scope_or_field_error(Warehouse, [own.pk, foreign.pk], actor, "ws")
    assert repr(many.value.as_body()) == repr(pytest.raises(ValidationFailed, policy.get_many_in_scope_or_field_error,
                                                            Warehouse, [own.pk, NOWHERE], actor, "ws").value.as_body())
    assert policy.get_many_in_scope_or_field_error(Warehouse, [own.pk, own.pk], actor, "ws") == [own]
    # Unscoped reference data (the supply catalogue) is the same for everyone.
    item = SupplyItem.objects.first()
    assert policy.get_in_scope_or_field_error(SupplyItem, item.pk, actor, "item_id") == item


def test_raw_ids_of_scoped_relations_in_generic_writes_are_resolved_in_scope(world):
    """create_object/update_object resolve a raw id of a scoped relation through the same lookup."""
    from yingji.resources.models import TeamActivity

    own_team = Team.objects.filter(region_code__startswith=world["t1"]).first()
    bodies = []
    for ref in (world["outside"]["incident"], NOWHERE):
        with pytest.raises(ValidationFailed) as exc:
            services.create_object(world["actor"], TeamActivity, {
                "team": own_team, "kind": "drill", "date": timezone.localdate(), "incident_id": ref,
                "region_code": own_team.region_code})
        bodies.append(exc.value.as_body())
    assert bodies[0] == bodies[1] and bodies[0]["errors"][0]["field"] == "incident_id"
    activity = services.create_object(world["actor"], TeamActivity, {
        "team": own_team, "kind": "drill", "date": timezone.localdate(), "incident_id": world["incident"].pk,
        "region_code": own_team.region_code})
    assert activity.incident_id == world["incident"].pk
    assert Incident.objects.filter(pk=world["outside"]["incident"]).exists()
