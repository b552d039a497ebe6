"""Scope: an enterprise account sees and touches only its own enterprise's hazards and risk points; a township
account only its township's; out-of-scope objects answer 404 through the API and the pages."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from tests.prevention.conftest import png
from yingji.core.models import User
from yingji.enterprises.models import Enterprise
from yingji.prevention import services
from yingji.prevention.models import Hazard, RiskPoint


def _ids(client, path: str) -> set[int]:
    ids, offset = set(), 0
    while True:
        body = client.get(path, limit=500, offset=offset).json()
        ids |= {item["id"] for item in body["items"]}
        offset += 500
        if offset >= body["count"]:
            return ids


@pytest.mark.parametrize("username", ["enterprise1", "township1", "township2", "grid1", "inspector"])
@pytest.mark.parametrize("model, path", [(Hazard, "/api/v1/hazards"), (RiskPoint, "/api/v1/risks")])
def test_lists_are_exactly_the_users_scope(api, username, model, path):
    client = api(username)
    user = client.user
    if user.enterprise_id:
        expected = {o.pk for o in model.objects.all() if o.enterprise_id == user.enterprise_id}
    else:
        expected = {o.pk for o in model.objects.all() if o.region_code.startswith(user.scope_region_code)}
    assert expected or username == "grid1"
    assert _ids(client, path) == expected


def test_enterprise_user_cannot_see_or_touch_another_enterprises_hazard(api, make_hazard, users):
    other_enterprise = Enterprise.objects.exclude(pk=users["enterprise1"].enterprise_id).first()
    foreign = make_hazard(enterprise=other_enterprise, reporter=users["inspector"])
    client = api("enterprise1")
    assert_error_shape(client.get(f"/api/v1/hazards/{foreign.pk}"), 404)
    assert_error_shape(client.get(f"/api/v1/hazards/{foreign.pk}/events"), 404)
    assert_error_shape(client.get(f"/api/v1/hazards/{foreign.pk}/attachments"), 404)
    assert_error_shape(client.post(f"/api/v1/hazards/{foreign.pk}/transitions", {"action": "start"}), 404)
    report = client.post("/api/v1/hazards", {"enterprise_id": other_enterprise.pk, "title": "x", "description": "y"})
    assert assert_error_shape(report, 422)["errors"][0]["field"] == "enterprise"
    own = client.post("/api/v1/hazards", {"title": "配电箱未接地", "description": "二车间配电箱"})
    assert own.status_code == 201, own.content
    assert own.json()["enterprise_id"] == users["enterprise1"].enterprise_id
    assert own.json()["source"] == "self_check" and own.json()["state"] == "reported"
    inspector_source = client.post("/api/v1/hazards", {"title": "x", "description": "y", "source": "inspector"})
    assert assert_error_shape(inspector_source, 422)["errors"][0]["field"] == "source"


def test_township_user_sees_only_its_township(api, web, make_hazard, users, demo_county):
    other = Enterprise.objects.filter(region_code__startswith=demo_county["township2"]).first()
    foreign = make_hazard(enterprise=other, reporter=users["inspector"], title="二号乡镇隐患")
    own = make_hazard(title="一号乡镇隐患")
    client = api("township1")
    assert client.get(f"/api/v1/hazards/{own.pk}").status_code == 200
    assert_error_shape(client.get(f"/api/v1/hazards/{foreign.pk}"), 404)
    assert_error_shape(client.post(f"/api/v1/hazards/{foreign.pk}/transitions",
                                   {"action": "confirm", "level": "general"}), 404)
    page = web("township1").get("/hazards/", {"q": "乡镇隐患"})
    html = page.content.decode()
    assert "一号乡镇隐患" in html and "二号乡镇隐患" not in html
    assert web("township1").get(f"/hazards/{foreign.pk}/").status_code == 404
    assert web("township2").get(f"/hazards/{foreign.pk}/").status_code == 200
    wrong_source = client.post("/api/v1/hazards", {"enterprise_id": other.pk, "title": "x", "description": "y"})
    assert_error_shape(wrong_source, 422)


def test_evidence_is_served_only_inside_scope(make_hazard, users, web):
    hazard = make_hazard()
    attachment = services.add_attachment(users["enterprise1"], hazard, png())
    assert web("enterprise1").get(f"/attachments/{attachment.pk}/").status_code == 200
    assert web("township1").get(f"/attachments/{attachment.pk}/").status_code == 200
    assert web("township2").get(f"/attachments/{attachment.pk}/").status_code == 404
    other_user = User.objects.exclude(enterprise=None).exclude(enterprise_id=hazard.enterprise_id).first()
    if other_user is not None:
        assert web(other_user.username).get(f"/attachments/{attachment.pk}/").status_code == 404


def test_roles_without_reporting_rights_cannot_report(api, users):
    enterprise_id = users["enterprise1"].enterprise_id
    for name in ("admin", "duty", "commander", "approver", "observer"):
        response = api(name).post("/api/v1/hazards", {"enterprise_id": enterprise_id, "title": "x",
                                                       "description": "y"})
        assert_error_shape(response, 403)
    for name, source in (("inspector", "inspector"), ("section", "inspector"), ("township1", "township")):
        response = api(name).post("/api/v1/hazards", {"enterprise_id": enterprise_id, "title": "x",
                                                       "description": "y"})
        assert response.status_code == 201 and response.json()["source"] == source
