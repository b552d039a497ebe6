"""Uniqueness conflicts answer 409 naming the field, not 422 (issue 21 §8): an existing username, region code,
credit code, roster shift or reserve standard is a conflict with existing data, not invalid input. The same reserve
standard cannot be created twice, by the service or behind its back in the database."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.conftest import assert_error_shape
from tests.enterprises.conftest import new_credit_code
from yingji.core.models import Region, User
from yingji.enterprises.models import Enterprise
from yingji.resources.models import ReserveStandard, SupplyItem, Warehouse


def _fields(body) -> set[str]:
    return {e["field"] for e in body["errors"]}


def test_existing_username_is_409(api):
    body = assert_error_shape(api("admin").post("/api/v1/users", {
        "username": "duty", "password": "Str0ng!pass", "roles": ["observer"], "scope_region_code": "410481"}), 409)
    assert _fields(body) == {"username"}


def test_existing_region_code_is_409(api, demo_county):
    body = assert_error_shape(api("admin").post("/api/v1/regions", {
        "code": demo_county["village"], "name": "重复村", "level": "village",
        "parent_code": demo_county["township"]}), 409)
    assert _fields(body) == {"code"}
    assert Region.objects.filter(code=demo_county["village"]).count() == 1


def test_existing_credit_code_is_409_and_invalid_input_stays_422(api, demo_county):
    taken = Enterprise.objects.filter(region_code__startswith=demo_county["county"]).first().credit_code
    client = api("section")
    body = assert_error_shape(client.post("/api/v1/enterprises", {
        "name": "重复公司", "credit_code": taken, "region_code": demo_county["village"]}), 409)
    assert _fields(body) == {"credit_code"}
    # A duplicate alongside invalid input is reported as invalid input (fix that first).
    body = assert_error_shape(client.post("/api/v1/enterprises", {
        "name": "重复公司", "credit_code": taken, "region_code": demo_county["village"],
        "principal_phone": "call me"}), 422)
    assert "principal_phone" in _fields(body)
    fresh = client.post("/api/v1/enterprises", {"name": "新公司", "credit_code": new_credit_code(),
                                                "region_code": demo_county["village"]})
    assert fresh.status_code == 201, fresh.content


def test_the_same_roster_shift_twice_is_409(api):
    client = api("duty")
    shift = {"date": timezone.localdate().isoformat(), "shift": "night", "leader_name": "刘", "officer_names": "王"}
    first = client.post("/api/v1/duty/rosters", shift)
    if first.status_code == 201:
        first = client.post("/api/v1/duty/rosters", shift)
    body = assert_error_shape(first, 409)
    assert _fields(body) == {"shift"}


@pytest.fixture
def standard_ends(demo_county):
    return Warehouse.objects.filter(region_code__startswith=demo_county["township"]).first(), \
        SupplyItem.objects.exclude(pk__in=ReserveStandard.objects.values("item")).first()


def test_the_same_reserve_standard_cannot_be_created_twice(api, demo_county, standard_ends):
    warehouse, item = standard_ends
    client = api("section")
    body = {"item_id": item.pk, "warehouse_id": warehouse.pk, "required_quantity": 50}
    assert client.post("/api/v1/reserve-standards", body).status_code == 201
    again = assert_error_shape(client.post("/api/v1/reserve-standards", body | {"required_quantity": 80}), 409)
    assert _fields(again) == {"item_id"}
    region = {"item_id": item.pk, "region_code": demo_county["township"], "required_quantity": 500}
    assert client.post("/api/v1/reserve-standards", region).status_code == 201
    assert_error_shape(client.post("/api/v1/reserve-standards", region), 409)
    assert ReserveStandard.objects.filter(item=item).count() == 2
    # Another warehouse (or region) with the same item is a different standard.
    other = Warehouse.objects.exclude(pk=warehouse.pk).filter(region_code__startswith=demo_county["county"]).first()
    assert client.post("/api/v1/reserve-standards", body | {"warehouse_id": other.pk}).status_code == 201


def test_the_database_refuses_a_twin_reserve_standard(demo_county, standard_ends):
    warehouse, item = standard_ends
    ReserveStandard.objects.create(item=item, warehouse=warehouse, region_code=warehouse.region_code,
                                   required_quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReserveStandard.objects.create(item=item, warehouse=warehouse, region_code=warehouse.region_code,
                                       required_quantity=2)
    ReserveStandard.objects.create(item=item, region_code=warehouse.region_code, required_quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReserveStandard.objects.create(item=item, region_code=warehouse.region_code, required_quantity=2)


def test_a_duplicate_in_another_scope_is_not_probed_through_reserve_standards(api, demo_county, standard_ends):
    """A township asking for a region standard outside its jurisdiction is refused for the region, whether or not
    a standard exists there."""
    _warehouse, item = standard_ends
    section = User.objects.get(username="section")
    from yingji.resources import services

    services.create_standard(section, {"item_id": item.pk, "region_code": demo_county["township2"],
                                       "required_quantity": 5})
    client = api("township1")
    existing = client.post("/api/v1/reserve-standards", {"item_id": item.pk, "region_code": demo_county["township2"],
                                                         "required_quantity": 5})
    missing = client.post("/api/v1/reserve-standards", {"item_id": item.pk,
                                                        "region_code": demo_county["township2"][:6] + "399",
                                                        "required_quantity": 5})
    assert existing.status_code == missing.status_code == 403


def test_a_twin_slipping_past_the_checks_is_a_409_without_database_wording(demo_county, standard_ends,
                                                                           monkeypatch):
    """Two requests racing past the checks: the database constraint refuses the second, answered as 409."""
    from yingji.core import services as core_services
    from yingji.core.errors import Conflict

    warehouse, item = standard_ends
    section = User.objects.get(username="section")
    values = {"item": item, "warehouse": warehouse, "region_code": warehouse.region_code, "required_quantity": 3}
    core_services.create_object(section, ReserveStandard, values)
    monkeypatch.setattr(ReserveStandard, "full_clean", lambda self, *a, **k: None)  # the race: checks saw nothing
    with pytest.raises(Conflict) as exc:
        core_services.create_object(section, ReserveStandard, values)
    assert exc.value.status == 409
    assert "UNIQUE" not in exc.value.detail.upper() and "resources_" not in exc.value.detail
    assert ReserveStandard.objects.filter(item=item, warehouse=warehouse).count() == 1
