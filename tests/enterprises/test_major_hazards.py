"""Production and storage units, their chemicals, GB 18218 assessments with history, the major hazard source
lists and the calculator."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord, User
from yingji.enterprises import services
from yingji.enterprises.models import Enterprise, MajorHazardAssessment, Unit

#: The reference's worked case: chlorine 20 t (Q 5, β 4) and ammonia 50 t (Q 10, β 2), 120 people (α 2):
#: S = 9, R = 2 × (4 × 4 + 2 × 5) = 52, level 2.
WORKED = [{"name": "氯", "quantity_t": 20}, {"name": "氨", "quantity_t": 50}]


def unit_payload(**extra):
    return {"kind": "storage", "name": "液氯液氨罐区", "exposed_population": 120, "chemicals": WORKED, **extra}


# --- units ------------------------------------------------------------------------------------------------------


def test_anonymous_is_401(api, own_enterprise):
    anonymous = api(None)
    unit = own_enterprise.units.first()
    base = f"/api/v1/enterprises/{own_enterprise.pk}"
    for path in (f"{base}/units", f"{base}/major-hazards", "/api/v1/major-hazards", f"/api/v1/units/{unit.pk}",
                 f"/api/v1/units/{unit.pk}/assessments"):
        assert_error_shape(anonymous.get(path), 401)
    assert_error_shape(anonymous.post(f"/api/v1/enterprises/{own_enterprise.pk}/units", unit_payload()), 401)
    assert_error_shape(anonymous.patch(f"/api/v1/units/{unit.pk}", {"name": "x"}), 401)
    assert_error_shape(anonymous.delete(f"/api/v1/units/{unit.pk}"), 401)
    assert_error_shape(anonymous.post("/api/v1/tools/major-hazard-assessment",
                                      {"items": WORKED, "exposed_population": 1}), 401)


def test_enterprise_records_a_unit_which_is_assessed_and_marks_the_enterprise(api, own_enterprise):
    client = api("enterprise1")
    assert own_enterprise.major_hazard is False
    response = client.post(f"/api/v1/enterprises/{own_enterprise.pk}/units", unit_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sum_ratio"] == pytest.approx(9)
    assert body["is_major"] is True and body["r_value"] == pytest.approx(52) and body["level"] == 2
    assert [c["name"] for c in body["chemicals"]] == ["氯", "氨"]
    own_enterprise.refresh_from_db()
    assert own_enterprise.major_hazard is True and own_enterprise.major_hazard_level == 2
    history = MajorHazardAssessment.objects.filter(unit_id=body["id"])
    assert history.count() == 1
    record = history.get()
    assert record.reason == "created" and record.computed_by.username == "enterprise1"
    assert record.items == [{"name": "氯", "quantity_t": 20.0}, {"name": "氨", "quantity_t": 50.0}]
    assert record.alpha == 2 and record.level == 2 and record.results[0]["beta"] == 4
    created = AuditRecord.objects.get(object_type="enterprises.unit", object_id=str(body["id"]), action="create")
    assert len(created.after["chemicals"]) == 2
    derived = AuditRecord.objects.filter(object_type="enterprises.enterprise", object_id=str(own_enterprise.pk),
                                         action="update").first()
    assert derived.after == {"major_hazard": True, "major_hazard_level": 2}


def test_every_change_of_inputs_appends_history_and_never_overwrites(api, own_enterprise):
    client = api("enterprise1")
    unit_id = client.post(f"/api/v1/enterprises/{own_enterprise.pk}/units", unit_payload()).json()["id"]
    first = MajorHazardAssessment.objects.get(unit_id=unit_id)
    # More chlorine: R = 2 × (4 × 66/5 + 2 × 5) = 125.6, level 1.
    body = client.patch(f"/api/v1/units/{unit_id}", {"chemicals": [{"name": "氯", "quantity_t": 66},
                                                                    {"name": "氨", "quantity_t": 50}]}).json()
    assert body["level"] == 1 and body["r_value"] == pytest.approx(125.6)
    # Fewer people: α 1.0 → R 62.8, level 2.
    body = client.patch(f"/api/v1/units/{unit_id}", {"exposed_population": 10}).json()
    assert body["level"] == 2
    # A change that does not touch the inputs computes nothing new.
    client.patch(f"/api/v1/units/{unit_id}", {"description": "东侧罐区"})
    # Below the thresholds: no longer a major hazard source; the enterprise follows.
    body = client.patch(f"/api/v1/units/{unit_id}", {"chemicals": [{"name": "氯", "quantity_t": 1}]}).json()
    assert body["is_major"] is False and body["level"] is None and body["r_value"] is None
    own_enterprise.refresh_from_db()
    assert own_enterprise.major_hazard is False and own_enterprise.major_hazard_level is None
    history = client.get(f"/api/v1/units/{unit_id}/assessments").json()
    assert history["count"] == 4
    assert [h["level"] for h in history["items"]] == [None, 2, 1, 2]  # newest first
    assert [h["reason"] for h in history["items"]][-1] == "created"
    assert history["items"][0]["inputs"] == [{"name": "氯", "quantity_t": 1.0}]
    first.refresh_from_db()
    assert first.level == 2 and first.items[0]["quantity_t"] == 20.0  # untouched
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        MajorHazardAssessment.objects.filter(pk=first.pk).update(level=4)


def test_deleting_a_unit_keeps_its_history_and_updates_the_enterprise(api, own_enterprise):
    client = api("enterprise1")
    unit_id = client.post(f"/api/v1/enterprises/{own_enterprise.pk}/units", unit_payload()).json()["id"]
    assert client.delete(f"/api/v1/units/{unit_id}").status_code == 204
    assert not Unit.objects.filter(pk=unit_id).exists()
    kept = MajorHazardAssessment.objects.get(enterprise=own_enterprise, unit_name="液氯液氨罐区")
    assert kept.unit_id is None
    own_enterprise.refresh_from_db()
    assert own_enterprise.major_hazard is False
    assert AuditRecord.objects.filter(object_type="enterprises.unit", object_id=str(unit_id), action="delete").exists()


def test_unknown_chemicals_and_bad_items_are_422_naming_the_item(api, own_enterprise):
    client = api("enterprise1")
    path = f"/api/v1/enterprises/{own_enterprise.pk}/units"
    body = assert_error_shape(client.post(path, unit_payload(chemicals=[
        {"name": "氯", "quantity_t": 1}, {"name": "不存在的化学品", "quantity_t": 1}])), 422)
    assert body["errors"][0]["field"] == "chemicals.1.name"
    assert "不存在的化学品" in body["errors"][0]["message"]
    body = assert_error_shape(client.post(path, unit_payload(chemicals=[{"cas": "9004-70-0", "quantity_t": 1}])),
                              422)
    assert body["errors"][0]["field"] == "chemicals.0.cas"
    body = assert_error_shape(client.post(path, unit_payload(chemicals=[{"category": "W99", "quantity_t": 1}])), 422)
    assert body["errors"][0]["field"] == "chemicals.0.category"
    body = assert_error_shape(client.post(path, unit_payload(chemicals=[{"name": "氯", "cas": "7782-50-5",
                                                                         "quantity_t": 1}])), 422)
    assert body["errors"][0]["field"] == "chemicals.0.name"
    body = assert_error_shape(client.post(path, unit_payload(chemicals=[{"name": "氯", "quantity_t": -1}])), 422)
    assert body["errors"][0]["field"] == "chemicals.0.quantity_t"
    body = assert_error_shape(client.post(path, unit_payload(kind="warehouse", name="")), 422)
    assert {"kind", "name"} <= {e["field"] for e in body["errors"]}
    assert not Unit.objects.filter(enterprise=own_enterprise, name="液氯液氨罐区").exists()
    existing = own_enterprise.units.first()
    body = assert_error_shape(client.post(path, unit_payload(name=existing.name)), 409)
    assert body["errors"][0]["field"] == "name"


def test_unit_scope_and_grants(api, own_enterprise, township_enterprise, other_enterprise):
    other_unit = Unit.objects.filter(enterprise__region_code__startswith=other_enterprise.region_code[:9]).first()
    township_unit = Unit.objects.filter(enterprise=township_enterprise).first() or Unit.objects.filter(
        enterprise__region_code__startswith=township_enterprise.region_code[:9]).exclude(
        enterprise=own_enterprise).first()
    enterprise_client = api("enterprise1")
    # Another enterprise's units do not exist for an enterprise user.
    assert_error_shape(enterprise_client.get(f"/api/v1/units/{township_unit.pk}"), 404)
    assert_error_shape(enterprise_client.patch(f"/api/v1/units/{township_unit.pk}", {"name": "x"}), 404)
    assert_error_shape(enterprise_client.delete(f"/api/v1/units/{township_unit.pk}"), 404)
    assert_error_shape(enterprise_client.get(f"/api/v1/enterprises/{township_enterprise.pk}/units"), 404)
    assert_error_shape(enterprise_client.post(f"/api/v1/enterprises/{township_enterprise.pk}/units",
                                              unit_payload()), 404)
    assert_error_shape(enterprise_client.get(f"/api/v1/enterprises/{township_enterprise.pk}/major-hazards"), 404)
    majors = enterprise_client.get("/api/v1/major-hazards", limit=500).json()
    assert all(m["enterprise_id"] == own_enterprise.pk for m in majors["items"])
    # A township user sees its township's units, may not change them, and never sees another township's.
    township_client = api("township1")
    assert township_client.get(f"/api/v1/units/{township_unit.pk}").status_code == 200
    assert_error_shape(township_client.patch(f"/api/v1/units/{township_unit.pk}", {"name": "x"}), 403)
    assert_error_shape(township_client.delete(f"/api/v1/units/{township_unit.pk}"), 403)
    assert_error_shape(township_client.post(f"/api/v1/enterprises/{township_enterprise.pk}/units",
                                            unit_payload()), 403)
    assert_error_shape(township_client.get(f"/api/v1/units/{other_unit.pk}"), 404)
    assert_error_shape(township_client.get(f"/api/v1/units/{other_unit.pk}/assessments"), 404)
    # The bureau's section staff may change any unit in the county.
    response = api("section").patch(f"/api/v1/units/{other_unit.pk}", {"exposed_population": 5})
    assert response.status_code == 200, response.content


def test_service_refuses_an_enterprise_outside_scope(own_enterprise, other_enterprise):
    from yingji.core.errors import NotFound

    with pytest.raises(NotFound):
        services.create_unit(User.objects.get(username="enterprise1"), other_enterprise,
                             {"kind": "storage", "name": "x"}, [])


# --- lists of major hazard sources ------------------------------------------------------------------------------


def test_demo_county_has_major_hazard_sources_of_every_level(api):
    body = api("observer").get("/api/v1/major-hazards", limit=500).json()
    assert {m["level"] for m in body["items"]} == {1, 2, 3, 4}
    assert body["count"] == Unit.objects.filter(is_major=True).count()
    levels = [m["level"] for m in body["items"]]
    assert levels == sorted(levels)  # highest level (1) first
    one = api("observer").get("/api/v1/major-hazards", level="1").json()
    assert one["count"] >= 1 and {m["level"] for m in one["items"]} == {1}


def test_county_list_filters_by_township_and_scope(api, demo_county):
    admin = api("admin")
    township = demo_county["township"]
    body = admin.get("/api/v1/major-hazards", township=township, limit=500).json()
    expected = Unit.objects.filter(is_major=True, enterprise__region_code__startswith=township).count()
    assert body["count"] == expected
    assert all(m["region_code"].startswith(township) for m in body["items"])
    mine = api("township2").get("/api/v1/major-hazards", limit=500).json()
    assert all(m["region_code"].startswith(demo_county["township2"]) for m in mine["items"])
    assert_error_shape(admin.get("/api/v1/major-hazards", level="7"), 422)


def test_enterprise_major_hazards_lists_only_its_major_units(api):
    enterprise = Enterprise.objects.filter(major_hazard=True).order_by("id").first()
    body = api("admin").get(f"/api/v1/enterprises/{enterprise.pk}/major-hazards").json()
    assert body["count"] == enterprise.units.filter(is_major=True).count() >= 1
    assert all(m["enterprise_id"] == enterprise.pk and m["level"] in (1, 2, 3, 4) for m in body["items"])
    assert min(m["level"] for m in body["items"]) == enterprise.major_hazard_level


# --- the calculator ---------------------------------------------------------------------------------------------


def test_calculator_answers_the_worked_case_and_saves_nothing(api):
    before = (MajorHazardAssessment.objects.count(), Unit.objects.count())
    response = api("grid1").post("/api/v1/tools/major-hazard-assessment",
                                 {"items": WORKED, "exposed_population": 120})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sum_ratio"] == pytest.approx(9) and body["is_major"] is True
    assert body["r_value"] == pytest.approx(52) and body["level"] == 2 and body["alpha"] == 2
    assert [i["beta"] for i in body["items"]] == [4, 2]
    assert [i["critical_t"] for i in body["items"]] == [5, 10]
    assert (MajorHazardAssessment.objects.count(), Unit.objects.count()) == before


def test_calculator_boundaries_and_overrides(api):
    client = api("observer")
    at_threshold = client.post("/api/v1/tools/major-hazard-assessment",
                               {"items": [{"name": "氨", "quantity_t": 10}], "exposed_population": 0}).json()
    assert at_threshold["is_major"] is True and at_threshold["sum_ratio"] == 1  # S ≥ 1 includes 1
    below = client.post("/api/v1/tools/major-hazard-assessment",
                        {"items": [{"name": "氨", "quantity_t": 9.999}], "exposed_population": 0}).json()
    assert below["is_major"] is False and below["level"] is None
    category = client.post("/api/v1/tools/major-hazard-assessment",
                           {"items": [{"category": "W5.4", "quantity_t": 5000}], "exposed_population": 100}).json()
    assert category["is_major"] is True and category["items"][0]["source"] == "table2"
    override = client.post("/api/v1/tools/major-hazard-assessment",
                           {"items": [{"name": "氨", "quantity_t": 10, "critical_t": 20}],
                            "exposed_population": 0}).json()
    assert override["sum_ratio"] == 0.5


def test_calculator_refuses_unknown_chemicals_naming_the_item(api):
    client = api("observer")
    body = assert_error_shape(client.post("/api/v1/tools/major-hazard-assessment", {
        "items": [{"name": "氯", "quantity_t": 1}, {"name": "水", "quantity_t": 1}], "exposed_population": 5}), 422)
    assert body["errors"] == [{"field": "items.1.name", "message": body["errors"][0]["message"]}]
    assert "水" in body["errors"][0]["message"]
    body = assert_error_shape(client.post("/api/v1/tools/major-hazard-assessment", {
        "items": [{"quantity_t": 1}], "exposed_population": 5}), 422)
    assert body["errors"][0]["field"].startswith("items.0")
    body = assert_error_shape(client.post("/api/v1/tools/major-hazard-assessment", {
        "items": [{"name": "氯", "quantity_t": "lots"}], "exposed_population": -1}), 422)
    assert {"items.0.quantity_t", "exposed_population"} <= {e["field"] for e in body["errors"]}


# --- pages ------------------------------------------------------------------------------------------------------


def test_unit_pages_create_edit_and_show_history(web, own_enterprise):
    client = web("enterprise1")
    assert client.get(f"/enterprises/{own_enterprise.pk}/units/new/").status_code == 200
    form = {"kind": "storage", "name": "液氨罐区", "description": "", "exposed_population": "120",
            "chemicals-TOTAL_FORMS": "3", "chemicals-INITIAL_FORMS": "0", "chemicals-MIN_NUM_FORMS": "0",
            "chemicals-MAX_NUM_FORMS": "200",
            "chemicals-0-name": "氨", "chemicals-0-quantity_t": "150",
            "chemicals-1-name": "", "chemicals-2-name": ""}
    response = client.post(f"/enterprises/{own_enterprise.pk}/units/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Unit.objects.get(enterprise=own_enterprise, name="液氨罐区")
    assert unit.is_major and unit.level == 2  # R = 2 × 2 × 15 = 60
    page = client.get(f"/units/{unit.pk}/").content.decode()
    assert "液氨罐区" in page and "yj-assessment-history" in page
    form.update({"chemicals-0-name": "不存在", "chemicals-TOTAL_FORMS": "3"})
    response = client.post(f"/units/{unit.pk}/edit/", form)
    assert response.status_code == 200
    assert "不存在" in response.content.decode()
    assert MajorHazardAssessment.objects.filter(unit=unit).count() == 1
    form.update({"chemicals-0-name": "氨", "chemicals-0-quantity_t": "5"})
    assert client.post(f"/units/{unit.pk}/edit/", form).status_code == 302
    unit.refresh_from_db()
    assert not unit.is_major and MajorHazardAssessment.objects.filter(unit=unit).count() == 2
    assert client.post(f"/units/{unit.pk}/delete/").status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_unit_pages_follow_scope(web, township_enterprise, own_enterprise):
    unit = Unit.objects.exclude(enterprise=own_enterprise).filter(
        enterprise__region_code__startswith=township_enterprise.region_code[:9]).first()
    assert web("enterprise1").get(f"/units/{unit.pk}/").status_code == 404
    township = web("township1")
    assert township.get(f"/units/{unit.pk}/").status_code == 200
    assert township.get(f"/units/{unit.pk}/edit/").status_code == 403
    assert township.post(f"/units/{unit.pk}/delete/").status_code == 403
    assert township.get(f"/enterprises/{own_enterprise.pk}/units/new/").status_code == 403


def test_major_hazard_page_and_export(web, demo_county):
    client = web("township1")
    page = client.get("/major-hazards/")
    assert page.status_code == 200
    html = page.content.decode()
    outside = Unit.objects.filter(is_major=True).exclude(enterprise__region_code__startswith=demo_county["township"])
    assert not any(u.enterprise.name in html for u in outside)
    export = web("admin").get("/major-hazards/", {"level": "1", "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.count("\n") - 1 == Unit.objects.filter(is_major=True, level=1).count()


def test_calculator_page(web):
    client = web("observer")
    assert client.get("/tools/major-hazard-assessment/").status_code == 200
    response = client.post("/tools/major-hazard-assessment/", {
        "exposed_population": "120", "chemicals-TOTAL_FORMS": "2", "chemicals-INITIAL_FORMS": "0",
        "chemicals-MIN_NUM_FORMS": "0", "chemicals-MAX_NUM_FORMS": "200",
        "chemicals-0-name": "氯", "chemicals-0-quantity_t": "20", "chemicals-1-name": "氨",
        "chemicals-1-quantity_t": "50"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "yj-calculator-result" in html and "52.00" in html


@pytest.mark.parametrize("path", ["/api/v1/major-hazards", "/api/v1/licences", "/api/v1/enterprises"])
def test_county_lists_use_a_bounded_number_of_queries(api, path, django_assert_max_num_queries):
    client = api("admin")
    client.get(path, limit=5)
    with django_assert_max_num_queries(8):
        small = client.get(path, limit=5)
    with django_assert_max_num_queries(8):
        large = client.get(path, limit=300)
    assert small.status_code == large.status_code == 200
    assert len(large.json()["items"]) > len(small.json()["items"])


def test_unit_list_and_pages_use_a_bounded_number_of_queries(api, web, django_assert_max_num_queries):
    enterprise = Enterprise.objects.filter(major_hazard=True).first()
    client = api("admin")
    client.get(f"/api/v1/enterprises/{enterprise.pk}/units")
    with django_assert_max_num_queries(9):
        assert client.get(f"/api/v1/enterprises/{enterprise.pk}/units").status_code == 200
    page = web("admin")
    page.get(f"/enterprises/{enterprise.pk}/")
    for path in (f"/enterprises/{enterprise.pk}/", "/major-hazards/", "/licences/"):
        with django_assert_max_num_queries(30):
            assert page.get(path).status_code == 200
