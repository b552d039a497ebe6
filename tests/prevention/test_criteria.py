"""A hazard that matches an item of its sector's 重大事故隐患判定标准 is major, with the item cited: the confirmer
cannot make it general, an item of another sector is refused, and the page and the API cite it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.prevention.conftest import future
from yingji.enterprises.models import Enterprise
from yingji.prevention.choices import HazardLevel
from yingji.standards import major_hazards

#: Every supervision sector that has lists (the data file maps each list to these keys).
SECTORS = tuple(sorted({sector for lst in major_hazards.all_lists() for sector in lst.sectors}))


def _report(api, username, enterprise, **extra):
    return api(username).post("/api/v1/hazards", {"enterprise_id": enterprise.pk, "title": "判定标准隐患",
                                                   "description": "现场检查发现", **extra})


def _confirm(api, hazard_id, level, **extra):
    return api("inspector").post(f"/api/v1/hazards/{hazard_id}/transitions", {
        "action": "confirm", "level": level, "due_at": future(60), "responsible_person": "王强",
        "measures": "停产整改", "funds": "50000", **extra})


@pytest.mark.parametrize("sector", SECTORS)
def test_each_sector_items_make_a_hazard_major(api, sector):
    enterprise = Enterprise.objects.order_by("pk").first()
    Enterprise.objects.filter(pk=enterprise.pk).update(sector=sector)
    for lst in major_hazards.lists_for(sector):
        for item in (lst.items[0], lst.items[-1]):
            reported = _report(api, "inspector", enterprise, criterion=item.code)
            assert reported.status_code == 201, reported.content
            body = reported.json()
            assert body["criterion"] == item.code and item.clause in body["criterion_citation"]
            refused = _confirm(api, body["id"], HazardLevel.GENERAL)
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["field"] == "level"
            confirmed = _confirm(api, body["id"], HazardLevel.MAJOR).json()
            assert confirmed["level"] == "major" and confirmed["supervised"] and confirmed["state"] == "confirmed"


def test_an_item_of_another_sector_is_refused_and_judgement_can_still_raise(api, users):
    enterprise = users["enterprise1"].enterprise
    Enterprise.objects.filter(pk=enterprise.pk).update(sector="fireworks")
    wrong = _report(api, "enterprise1", enterprise, criterion="HX-01")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "criterion"
    plain = _report(api, "enterprise1", enterprise).json()
    assert plain["criterion"] == ""
    raised = _confirm(api, plain["id"], HazardLevel.MAJOR).json()
    assert raised["level"] == "major" and raised["criterion"] == ""
    cited_at_confirm = _report(api, "enterprise1", enterprise).json()
    refused = _confirm(api, cited_at_confirm["id"], HazardLevel.GENERAL, criterion="YH-04")
    assert refused.status_code == 422
    assert _confirm(api, cited_at_confirm["id"], HazardLevel.MAJOR, criterion="YH-04").json()["criterion"] == "YH-04"


def test_the_page_cites_the_item_and_the_confirm_form_offers_the_sectors_items(web, api, users, make_hazard):
    enterprise = users["enterprise1"].enterprise
    Enterprise.objects.filter(pk=enterprise.pk).update(sector="hazardous_chemicals")
    body = _report(api, "enterprise1", enterprise, criterion="HX-12").json()
    page = web("inspector").get(reverse("hazard_detail", args=[body["id"]])).content.decode()
    item = major_hazards.get("HX-12")
    assert 'id="yj-criterion"' in page and item.text in page
    assert 'value="HX-01"' in page and 'value="YH-01"' not in page  # the confirm form: this sector's items only
    criteria = api("inspector").get("/api/v1/hazards/criteria", enterprise_id=enterprise.pk).json()
    assert [c["key"] for c in criteria] == ["chemicals"] and len(criteria[0]["items"]) == 20
    assert criteria[0]["verified"] is False


def test_criteria_of_an_enterprise_outside_the_scope_are_not_found(api, users):
    scope = users["township1"].scope_region_code
    other = Enterprise.objects.exclude(region_code__startswith=scope).order_by("pk").first()
    assert api("township1").get("/api/v1/hazards/criteria", enterprise_id=other.pk).status_code == 404
    assert api("section").get("/api/v1/hazards/criteria", enterprise_id=other.pk).status_code == 200
