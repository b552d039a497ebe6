"""An enterprise account keeps its own profile current but cannot rename its enterprise, change its credit code or
its supervision classification (sector and special-hazard flags): those are the regulator's record (issue 21 §8).
Each refused field is named; resending an unchanged value is harmless; the bureau still changes them."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from tests.enterprises.conftest import new_credit_code
from yingji.core.models import AuditRecord
from yingji.enterprises.models import Enterprise
from yingji.enterprises.services import BUREAU_FIELDS, SUPERVISION_FIELDS

FLAGS = sorted(SUPERVISION_FIELDS - {"sector"})


@pytest.mark.parametrize("change", [
    {"name": "改名后的公司"},
    {"credit_code": "CREDIT"},
    {"sector": "fireworks"},
    *({flag: "FLIP"} for flag in FLAGS),
])
def test_enterprise_user_cannot_change_identity_or_supervision_fields(api, own_enterprise, change):
    field = next(iter(change))
    before = Enterprise.objects.get(pk=own_enterprise.pk)
    value = change[field]
    if value == "FLIP":
        value = not getattr(before, field)
    elif value == "CREDIT":
        value = new_credit_code()
    elif field == "sector" and before.sector == value:
        value = "hazchem"
    client = api("enterprise1")
    audits = AuditRecord.objects.count()
    body = assert_error_shape(client.patch(f"/api/v1/enterprises/{own_enterprise.pk}",
                                                       {field: value}), 403)
    assert [e["field"] for e in body["errors"]] == [field]
    after = Enterprise.objects.get(pk=own_enterprise.pk)
    assert getattr(after, field) == getattr(before, field)
    assert AuditRecord.objects.count() == audits


def test_every_refused_field_is_named_and_nothing_is_written(api, own_enterprise):
    before = Enterprise.objects.get(pk=own_enterprise.pk)
    response = api("enterprise1").patch(f"/api/v1/enterprises/{own_enterprise.pk}", {
        "name": "新名字", "fireworks": not before.fireworks, "address": "新地址"})
    body = assert_error_shape(response, 403)
    assert sorted(e["field"] for e in body["errors"]) == ["fireworks", "name"]
    assert Enterprise.objects.get(pk=own_enterprise.pk).address == before.address


def test_enterprise_user_still_edits_its_own_profile_and_may_resend_unchanged_values(api, own_enterprise):
    before = Enterprise.objects.get(pk=own_enterprise.pk)
    response = api("enterprise1").patch(f"/api/v1/enterprises/{own_enterprise.pk}", {
        "address": "工业园区8号", "employee_count": 120, "name": before.name, "sector": before.sector,
        "fireworks": before.fireworks})
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "工业园区8号" and response.json()["employee_count"] == 120


def test_the_bureau_changes_the_classification(api, own_enterprise):
    before = Enterprise.objects.get(pk=own_enterprise.pk)
    response = api("section").patch(f"/api/v1/enterprises/{own_enterprise.pk}", {
        "name": before.name + "（更名）", "confined_space": not before.confined_space})
    assert response.status_code == 200, response.content
    assert response.json()["confined_space"] is (not before.confined_space)


def test_the_enterprise_edit_page_shows_the_bureau_fields_locked(web, own_enterprise):
    page = web("enterprise1").get(f"/enterprises/{own_enterprise.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    for name in BUREAU_FIELDS & set(form.fields):
        assert form.fields[name].disabled, name
    assert {"name", "sector", "fireworks"} <= {n for n in form.fields if form.fields[n].disabled}


def test_the_enterprise_saves_its_edit_page_and_posted_bureau_values_are_ignored(web, own_enterprise):
    client = web("enterprise1")
    form = client.get(f"/enterprises/{own_enterprise.pk}/edit/").context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(address="工业园区九号", name="伪造的名称", fireworks="on")
    response = client.post(f"/enterprises/{own_enterprise.pk}/edit/", data)
    assert response.status_code == 302, response.content[:2000]
    after = Enterprise.objects.get(pk=own_enterprise.pk)
    assert after.address == "工业园区九号"
    assert after.name == own_enterprise.name and after.fireworks == own_enterprise.fireworks
