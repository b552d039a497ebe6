"""The risk calculator (saves nothing) and risk points, whose grade is always computed by standards.risk."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord
from yingji.prevention.models import RiskPoint
from yingji.standards import risk

URL = "/api/v1/tools/risk-assessment"


@pytest.mark.parametrize("body, score, level, color, tier", [
    ({"method": "LEC", "l": 6, "e": 6, "c": 15}, 540, 1, "red", "公司"),
    ({"method": "LEC", "l": 3, "e": 6, "c": 15}, 270, 2, "orange", "部门"),
    ({"method": "LEC", "l": 3, "e": 6, "c": 7}, 126, 3, "yellow", "车间"),
    ({"method": "LEC", "l": 10, "e": 1, "c": 7}, 70, 4, "blue", "班组"),  # D = 70 is the top of 低 (exclusive band)
    ({"method": "LEC", "l": 0.1, "e": 0.5, "c": 1}, 0.05, 4, "blue", "班组"),
    ({"method": "LS", "l": 4, "s": 5}, 20, 1, "red", "公司"),
    ({"method": "LS", "l": 3, "s": 5}, 15, 2, "orange", "部门"),
    ({"method": "LS", "l": 4, "s": 4}, 16, 2, "orange", "部门"),
    ({"method": "LS", "l": 3, "s": 3}, 9, 3, "yellow", "车间"),
    ({"method": "LS", "l": 2, "s": 4}, 8, 4, "blue", "班组"),
])
def test_calculator_grades_by_lec_and_ls(api, body, score, level, color, tier):
    client = api("observer")
    before = (RiskPoint.objects.count(), AuditRecord.objects.count())
    response = client.post(URL, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["score"], data["level"], data["color"], data["control_tier"]) == (score, level, color, tier)
    assert data["label_zh"] == risk.LEVELS[level][1]
    assert (RiskPoint.objects.count(), AuditRecord.objects.count()) == before


@pytest.mark.parametrize("body, field", [
    ({"method": "LEC", "l": 7, "e": 6, "c": 15}, "l"),
    ({"method": "LEC", "l": 6, "e": 4, "c": 15}, "e"),
    ({"method": "LEC", "l": 6, "e": 6, "c": 20}, "c"),
    ({"method": "LEC", "l": 6, "c": 15}, "e"),
    ({"method": "LS", "l": 6, "s": 1}, "l"),
    ({"method": "LS", "l": 2.5, "s": 1}, "l"),
    ({"method": "LS", "l": 2, "s": 0}, "s"),
    ({"method": "LS", "l": 2}, "s"),
    ({"method": "LS", "l": 2, "s": 3, "e": 6}, "e"),
    ({"method": "XYZ", "l": 2, "s": 3}, "method"),
    ({"method": "LEC", "l": "many", "e": 6, "c": 15}, "l"),
])
def test_calculator_refuses_values_off_the_scales(api, body, field):
    body_out = assert_error_shape(api("observer").post(URL, body), 422)
    if field:
        assert body_out["errors"][0]["field"] == field, body_out


def test_calculator_needs_authentication(api):
    assert_error_shape(api(None).post(URL, {"method": "LS", "l": 1, "s": 1}), 401)


def _risk_body(**extra):
    return {"name": "液氯储罐区", "location": "罐区", "accident_type": "poisoning", "method": "LEC", "l": 3, "e": 6,
            "c": 40, "responsible_tier": "company", "responsible_person": "张伟",
            "engineering_measures": "设置有毒气体检测报警", **extra}


def test_risk_points_are_graded_from_their_inputs_never_by_hand(api, users):
    client = api("enterprise1")
    by_hand = client.post("/api/v1/risks", _risk_body(score=1, level=4, colour="blue"))
    assert {e["field"] for e in assert_error_shape(by_hand, 422)["errors"]} == {"score", "level", "colour"}
    created = client.post("/api/v1/risks", _risk_body())
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["score"], data["level"], data["colour"], data["control_tier"]) == (720, 1, "red", "company")
    assert data["enterprise_id"] == users["enterprise1"].enterprise_id
    assert data["region_code"] == users["enterprise1"].enterprise.region_code
    point = RiskPoint.objects.get(pk=data["id"])
    assert (point.likelihood, point.exposure, point.consequence) == (3, 6, 40)
    changed = client.patch(f"/api/v1/risks/{point.pk}", {"method": "LS", "l": 2, "s": 3, "e": None, "c": None,
                                                         "responsible_tier": "team"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["score"], changed.json()["colour"], changed.json()["control_tier"]) == (6, "blue", "team")
    audit = AuditRecord.objects.filter(object_type="prevention.riskpoint", object_id=str(point.pk)).order_by("id")
    assert [a.action for a in audit] == ["create", "update"]
    assert audit.last().after["colour"] == "blue" and audit.last().before["colour"] == "red"


def test_risk_point_validation(api):
    client = api("enterprise1")
    low_tier = client.post("/api/v1/risks", _risk_body(responsible_tier="team"))
    assert assert_error_shape(low_tier, 422)["errors"][0]["field"] == "responsible_tier"
    off_scale = client.post("/api/v1/risks", _risk_body(e=4))
    assert assert_error_shape(off_scale, 422)["errors"][0]["field"] == "e"
    mixed = client.post("/api/v1/risks", _risk_body(method="LS", l=3, s=4))
    assert assert_error_shape(mixed, 422)
    assert assert_error_shape(client.post("/api/v1/risks", _risk_body(accident_type="meteor")), 422)


def test_risk_point_roles_and_scope(api, users):
    other = RiskPoint.objects.exclude(enterprise_id=users["enterprise1"].enterprise_id).first()
    assert api("enterprise1").get(f"/api/v1/risks/{other.pk}").status_code == 404
    assert api("enterprise1").patch(f"/api/v1/risks/{other.pk}", {"name": "x"}).status_code == 404
    foreign = api("enterprise1").post("/api/v1/risks", _risk_body(enterprise_id=other.enterprise_id))
    assert assert_error_shape(foreign, 422)["errors"][0]["field"] == "enterprise"
    assert_error_shape(api("inspector").post("/api/v1/risks", _risk_body(enterprise_id=other.enterprise_id)), 403)
    section = api("section").post("/api/v1/risks", _risk_body(enterprise_id=other.enterprise_id))
    assert section.status_code == 201
    own = RiskPoint.objects.filter(enterprise_id=users["enterprise1"].enterprise_id).first()
    assert api("township1").delete(f"/api/v1/risks/{own.pk}").status_code == 403
    assert api("enterprise1").delete(f"/api/v1/risks/{own.pk}").status_code == 204
    assert not RiskPoint.objects.filter(pk=own.pk).exists()
