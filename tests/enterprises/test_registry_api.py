"""The enterprise registry API: the new profile fields, derived major-hazard flags, scope, grants and validation."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from tests.enterprises.conftest import new_credit_code
from yingji.core.models import AuditRecord, Organisation
from yingji.enterprises.models import Enterprise

NEW_FIELDS = {"industry_section", "industry_division", "sector", "supervising_unit_id", "supervising_unit_name",
              "scale", "legal_representative_phone", "principal", "principal_phone", "hazchem_production",
              "hazchem_business", "hazchem_use", "fireworks", "non_coal_mine", "tailings_pond", "metallurgy",
              "ammonia_refrigeration", "combustible_dust", "confined_space", "major_hazard", "major_hazard_level"}
OLD_FIELDS = {"id", "name", "credit_code", "region_code", "address", "lat", "lon", "industry",
              "legal_representative", "safety_manager", "safety_manager_phone", "employee_count", "status"}


def member_unit(short_name="工信局") -> Organisation:
    return Organisation.objects.get(short_name=short_name, kind="member_unit")


def payload(demo_county, **extra):
    return {"name": "舞钢市测试化工有限公司", "credit_code": new_credit_code(),
            "region_code": demo_county["village"], **extra}


def test_anonymous_is_401(api, own_enterprise):
    anonymous = api(None)
    assert_error_shape(anonymous.get("/api/v1/enterprises"), 401)
    assert_error_shape(anonymous.get(f"/api/v1/enterprises/{own_enterprise.pk}"), 401)
    assert_error_shape(anonymous.post("/api/v1/enterprises", {}), 401)
    assert_error_shape(anonymous.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {}), 401)


def test_detail_keeps_the_old_fields_and_adds_the_new_ones(api, own_enterprise):
    body = api("admin").get(f"/api/v1/enterprises/{own_enterprise.pk}").json()
    assert set(body) >= OLD_FIELDS | NEW_FIELDS
    assert body["credit_code"] == own_enterprise.credit_code


def test_create_with_the_full_profile(api, demo_county):
    unit = member_unit()
    data = payload(demo_county, industry_division="26", sector="hazardous_chemicals", supervising_unit_id=unit.pk,
                   scale="above", principal="王强", principal_phone="13837512345",
                   legal_representative="王强", legal_representative_phone="0375-8123456", employee_count=120,
                   hazchem_production=True, confined_space=True, lat="33.3", lon="113.5")
    response = api("section").post("/api/v1/enterprises", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["industry_section"] == "C"  # derived from the division
    assert body["supervising_unit_name"] == unit.name
    assert body["hazchem_production"] and body["confined_space"] and not body["fireworks"]
    assert body["major_hazard"] is False and body["major_hazard_level"] is None
    record = AuditRecord.objects.get(object_type="enterprises.enterprise", object_id=str(body["id"]),
                                     action="create")
    assert record.after["principal"] == "王强"


def test_validation_names_each_field(api, demo_county):
    client = api("admin")
    body = assert_error_shape(client.post("/api/v1/enterprises", payload(
        demo_county, credit_code="TOO-SHORT", industry_division="99", sector="space", scale="huge",
        employee_count=-1)), 422)
    assert {"credit_code", "industry_division", "sector", "scale", "employee_count"} <= {
        e["field"] for e in body["errors"]}
    body = assert_error_shape(client.post("/api/v1/enterprises", payload(
        demo_county, credit_code="91410481MA44XK2P0X")), 422)
    assert body["errors"][0]["field"] == "credit_code"
    assert "check character" in body["errors"][0]["message"]
    section = Organisation.objects.filter(kind="section").first()
    body = assert_error_shape(client.post("/api/v1/enterprises", payload(
        demo_county, supervising_unit_id=section.pk)), 422)
    assert body["errors"][0]["field"] == "supervising_unit"
    body = assert_error_shape(client.post("/api/v1/enterprises", payload(
        demo_county, industry_section="A", industry_division="26")), 422)
    assert body["errors"][0]["field"] == "industry_division"
    body = assert_error_shape(client.post("/api/v1/enterprises", payload(
        demo_county, principal_phone="not a phone")), 422)
    assert body["errors"][0]["field"] == "principal_phone"
    body = assert_error_shape(client.post("/api/v1/enterprises", payload(demo_county, region_code="410481999")), 422)
    assert body["errors"][0]["field"] == "region_code"


def test_major_hazard_cannot_be_set_by_hand(api, own_enterprise, demo_county):
    client = api("admin")
    response = client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"major_hazard": True})
    # Not part of the input schema: refused, naming the field, and the derived value stays.
    assert [e["field"] for e in assert_error_shape(response, 422)["errors"]] == ["major_hazard"]
    assert client.get(f"/api/v1/enterprises/{own_enterprise.pk}").json()["major_hazard"] is False
    from yingji.core.errors import ValidationFailed
    from yingji.core.models import User
    from yingji.enterprises import services

    with pytest.raises(ValidationFailed):
        services.update_enterprise(User.objects.get(username="admin"), own_enterprise, {"major_hazard": True})


def test_patch_clears_nullable_fields_and_refuses_null_elsewhere(api, own_enterprise):
    client = api("admin")
    unit = member_unit("市场监管局")
    body = client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"supervising_unit_id": unit.pk}).json()
    assert body["supervising_unit_id"] == unit.pk
    body = client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"supervising_unit_id": None}).json()
    assert body["supervising_unit_id"] is None
    assert_error_shape(client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"principal": None}), 422)


def test_filters_by_sector_flag_supervisor_and_level(api):
    client = api("admin")
    body = client.get("/api/v1/enterprises", sector="fireworks", limit=500).json()
    assert body["count"] == Enterprise.objects.filter(sector="fireworks").count() > 0
    body = client.get("/api/v1/enterprises", flag="ammonia_refrigeration", limit=500).json()
    assert body["count"] == Enterprise.objects.filter(ammonia_refrigeration=True).count() > 0
    assert all(e["ammonia_refrigeration"] for e in body["items"])
    body = client.get("/api/v1/enterprises", flag="major_hazard", limit=500).json()
    assert body["count"] == Enterprise.objects.filter(major_hazard=True).count() > 0
    body = client.get("/api/v1/enterprises", major_hazard_level="1").json()
    assert body["count"] >= 1 and all(e["major_hazard_level"] == 1 for e in body["items"])
    bureau = Organisation.objects.get(kind="bureau")
    body = client.get("/api/v1/enterprises", supervising_unit=str(bureau.pk), limit=500).json()
    assert body["count"] == Enterprise.objects.filter(supervising_unit=bureau).count() > 0
    assert_error_shape(client.get("/api/v1/enterprises", flag="wizardry"), 422)


# --- scope and grants ------------------------------------------------------------------------------------------


def test_enterprise_user_sees_and_edits_only_its_own(api, own_enterprise, township_enterprise):
    client = api("enterprise1")
    body = client.get("/api/v1/enterprises", limit=500).json()
    assert [e["id"] for e in body["items"]] == [own_enterprise.pk]
    assert_error_shape(client.get(f"/api/v1/enterprises/{township_enterprise.pk}"), 404)
    assert_error_shape(client.patch(f"/api/v1/enterprises/{township_enterprise.pk}", {"address": "x"}), 404)
    response = client.patch(f"/api/v1/enterprises/{own_enterprise.pk}",
                            {"principal": "赵敏", "principal_phone": "13900000001"})
    assert response.status_code == 200, response.content
    assert response.json()["principal"] == "赵敏"
    other_unit = Organisation.objects.filter(kind="member_unit").exclude(pk=own_enterprise.supervising_unit_id).first()
    for field, value in (("credit_code", new_credit_code()), ("region_code", own_enterprise.region_code[:9]),
                         ("status", "closed"), ("supervising_unit_id", other_unit.pk), ("name", "别名"),
                         ("combustible_dust", not own_enterprise.combustible_dust)):
        assert_error_shape(client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {field: value}), 403)
    assert_error_shape(client.post("/api/v1/enterprises", {"name": "x", "credit_code": new_credit_code(),
                                                           "region_code": own_enterprise.region_code}), 403)


def test_township_user_sees_only_its_township(api, demo_county, township_enterprise, other_enterprise):
    client = api("township1")
    body = client.get("/api/v1/enterprises", limit=500).json()
    assert body["count"] == Enterprise.objects.filter(region_code__startswith=demo_county["township"]).count()
    assert all(e["region_code"].startswith(demo_county["township"]) for e in body["items"])
    assert client.get(f"/api/v1/enterprises/{township_enterprise.pk}").status_code == 200
    assert_error_shape(client.get(f"/api/v1/enterprises/{other_enterprise.pk}"), 404)
    assert_error_shape(client.patch(f"/api/v1/enterprises/{township_enterprise.pk}", {"address": "x"}), 403)
    assert_error_shape(client.post("/api/v1/enterprises", payload(demo_county)), 403)


def test_section_staff_cannot_register_outside_its_jurisdiction(api, demo_county):
    from tests.conftest import ApiClient
    from yingji.core.services import create_user

    local = create_user(None, username="tsection", roles=["section_staff"], password="Local@staff1",
                        scope_region_code=demo_county["township"])
    client = ApiClient(local)
    outside = demo_county["township2"]
    assert_error_shape(client.post("/api/v1/enterprises", payload(demo_county, region_code=outside)), 403)
    assert client.post("/api/v1/enterprises", payload(demo_county)).status_code == 201


def test_changing_the_division_moves_the_section(api, own_enterprise):
    client = api("admin")
    assert client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"industry_division": "26"}).json()[
        "industry_section"] == "C"
    body = client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"industry_division": "01"}).json()
    assert (body["industry_division"], body["industry_section"]) == ("01", "A")
    body = client.patch(f"/api/v1/enterprises/{own_enterprise.pk}", {"industry_division": ""}).json()
    assert body["industry_division"] == ""
