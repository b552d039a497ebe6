"""Each role sees its own job (issue 11 §4): the navigation shows exactly the modules a role may use, by the same
rule that opens their pages; pickers offer only accounts that may act in the object's jurisdiction; the forced
password page says why."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import assert_error_shape
from yingji.core import policy, services
from yingji.core.models import User
from yingji.core.modules import MODULES
from yingji.core.views import PASSWORD_CHANGE_NOTICES as NOTICES
from yingji.enterprises.models import Enterprise
from yingji.incidents.models import Incident
from yingji.monitoring.models import Station
from yingji.prevention.models import Hazard

DEMO_ACCOUNTS = ["admin", "duty", "section", "inspector", "commander", "approver", "observer", "township1",
                 "township2", "grid1", "enterprise1"]


def _nav(client: Client) -> dict[str, str]:
    response = client.get("/")
    assert response.status_code == 200
    return {item["key"]: item["url"] for item in response.context["nav_items"]}


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_navigation_matches_what_each_role_may_open(web, username):
    client = web(username)
    shown = _nav(client)
    html = client.get("/").content.decode()
    for module in MODULES:
        url = module.url()
        if url is None:
            continue
        status = client.get(url).status_code
        if module.key in shown:
            assert status == 200, (username, url, status)
            assert f'data-nav-key="{module.key}"' in html
        else:
            assert status in (403, 404), (username, url, status)
            assert f'data-nav-key="{module.key}"' not in html


def test_grid_member_has_no_bureau_modules(web):
    shown = _nav(web("grid1"))
    for key in ("transfers", "organisations", "duty", "duty_report", "rules", "users", "audit"):
        assert key not in shown, key
    for key in ("prevention", "warnings", "shelters", "incidents"):
        assert key in shown, key


def test_enterprise_sees_monitoring_only_with_its_own_stations(web, api):
    user = User.objects.get(username="enterprise1")
    client = web("enterprise1")
    assert not Station.objects.filter(enterprise_id=user.enterprise_id).exists()
    shown = _nav(client)
    assert {"monitoring", "stations", "rules"}.isdisjoint(shown)
    for path in ("/alarms/", "/stations/", "/rules/"):
        assert client.get(path).status_code == 403, path
    for key in ("duty", "incidents", "warnings", "organisations", "transfers"):
        assert key not in shown
    assert {"enterprises", "prevention"} <= set(shown)
    # Once the bureau registers a station of the enterprise, its monitoring appears and opens.
    station = Station.objects.filter(enterprise__isnull=True).order_by("pk").first()
    station.enterprise_id = user.enterprise_id
    station.save(update_fields=["enterprise"])
    shown = _nav(client)
    assert {"monitoring", "stations", "rules"} <= set(shown)
    listed = client.get("/stations/")
    assert listed.status_code == 200 and station.name in listed.content.decode()


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_module_rule_is_the_grant_the_views_check(demo_county, username):
    """The navigation and the page guard share ``Module.allowed``, which is the views' grant check
    (``policy.can(user, "view", model)``), narrowed only for enterprise accounts without records of the module, and
    for a module with nothing for some jurisdictions (``available``: the figures by area need divisions below)."""
    from django.apps import apps

    user = User.objects.get(username=username)
    for module in MODULES:
        if module.model_label is None:
            assert module.allowed(user) == (module.available is None or module.available(user)), module.key
            continue
        can_view = policy.can(user, "view", apps.get_model(module.model_label))
        if module.enterprise_needs and user.enterprise_id:
            needed = apps.get_model(module.enterprise_needs)
            assert module.allowed(user) == (can_view and needed.objects.filter(
                enterprise_id=user.enterprise_id).exists()), (username, module.key)
        else:
            assert module.allowed(user) == can_view, (username, module.key)


# --- pickers --------------------------------------------------------------------------------------------------


def _roles(qs) -> set[str]:
    return {role for user in qs for role in user.role_keys}


def test_acting_users_exclude_observers_admins_and_other_places(demo_county):
    village = demo_county["village"]
    people = policy.acting_users(village)
    names = {u.username for u in people}
    assert "observer" not in names and "admin" not in names
    assert {"duty", "township1", "grid1"} <= names
    assert "township2" not in names  # another township's jurisdiction does not cover the village
    assert "enterprise1" not in names  # enterprise accounts only for their own enterprise's objects
    other = policy.acting_users(demo_county["township2"])
    assert "township2" in {u.username for u in other} and "township1" not in {u.username for u in other}
    inside = {u.username for u in policy.acting_users(demo_county["township"], inside=True)}
    assert {"township1", "grid1"} <= inside and "duty" not in inside and "observer" not in inside


def test_task_assignee_picker_and_service(web, api, demo_county):
    incident = Incident.objects.filter(region_code__startswith=demo_county["township"]).order_by("pk").first()
    response = web("duty").get(f"/incidents/{incident.pk}/")
    form = response.context["task_form"]
    offered = {u.username for u in form.fields["assignee_id"].queryset}
    assert offered and "observer" not in offered and "admin" not in offered and "township2" not in offered
    assert "township1" in offered
    html = response.content.decode()
    select = html.split('name="assignee_id"', 1)[1].split("</select>", 1)[0]
    assert "(observer)" not in select and "(admin)" not in select
    # The service checks the choice too: an observer cannot be given a task, not even through the API.
    observer = User.objects.get(username="observer")
    body = assert_error_shape(api("duty").post(f"/api/v1/incidents/{incident.pk}/tasks",
                                                {"title": "巡查", "assignee_id": observer.pk}), 422)
    assert body["errors"][0]["field"] == "assignee_id"
    township1 = User.objects.get(username="township1")
    ok = api("duty").post(f"/api/v1/incidents/{incident.pk}/tasks", {"title": "巡查", "assignee_id": township1.pk})
    assert ok.status_code == 201, ok.content


def test_hazard_responsible_picker_and_service(demo_county):
    from yingji.prevention import services as prevention

    hazard = Hazard.objects.filter(enterprise__isnull=False).order_by("pk").first()
    offered = prevention.hazard_responsibles(hazard)
    assert offered.exists()
    assert not {"observer", "admin"} & {u.username for u in offered}
    assert all(u.enterprise_id == hazard.enterprise_id or hazard.region_code.startswith(u.scope_region_code)
               for u in offered)
    other = Enterprise.objects.exclude(pk=hazard.enterprise_id).filter(users__isnull=False).first()
    if other is not None:
        assert not offered.filter(enterprise=other).exists()


def test_responsible_person_account_picker_and_service(web, api, demo_county):
    html = web("duty").get("/responsible-persons/new/")
    offered = {u.username for u in html.context["form"].fields["user"].queryset}
    assert offered and not {"observer", "admin", "enterprise1"} & offered
    observer = User.objects.get(username="observer")
    body = assert_error_shape(api("duty").post("/api/v1/responsible-persons", {
        "name": "张三", "kind": "flood", "region_code": demo_county["village"], "phone": "13800000000",
        "channels": ["sms"], "user_id": observer.pk}), 422)
    assert body["errors"][0]["field"] == "user_id"
    from yingji.core.errors import ValidationFailed
    from yingji.warnings import services as warning_services

    with pytest.raises(ValidationFailed):
        warning_services.create_person(User.objects.get(username="duty"), {
            "name": "李四", "kind": "flood", "region_code": demo_county["village"],
            "phone": "13800000001", "channels": ["sms"], "user": observer})


# --- the forced password change says why -------------------------------------------------------------------------


def _password_page(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    first = client.get("/incidents/")
    assert first.status_code == 302 and first["Location"].startswith("/account/password/")
    page = client.get(first["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_password_page_says_why(demo_county):
    admin = User.objects.get(username="admin")
    created = services.create_user(admin, username="newcomer", roles=["inspector"], password="Init@pass2026",
                                   scope_region_code=demo_county["county"], must_change_password=True)
    html = _password_page(created.username)
    assert str(NOTICES[services.PasswordChangeReason.INITIAL]) in html and 'id="yj-password-reason"' in html
    # An administrator resets it.
    services.change_password(created, None, "Reset@pass2026", actor=admin)
    assert services.password_change_reason(created) == services.PasswordChangeReason.RESET
    assert str(NOTICES[services.PasswordChangeReason.RESET]) in _password_page(created.username)
    # The user changes it, then an administrator asks for a new one.
    services.change_password(created, "Reset@pass2026", "Own@pass20261", actor=created)
    assert services.password_change_reason(User.objects.get(pk=created.pk)) is None
    services.update_user(admin, created, must_change_password=True)
    assert services.password_change_reason(User.objects.get(pk=created.pk)) == services.PasswordChangeReason.RENEWAL
    assert str(NOTICES[services.PasswordChangeReason.RENEWAL]) in _password_page(created.username)


def test_password_page_without_a_required_change_has_no_notice(web):
    html = web("duty").get("/account/password/").content.decode()
    assert 'id="yj-password-reason"' not in html


def test_overview_counts_only_regions_below_the_users_own(web):
    def titles(username):
        return [str(tile.title) for tile in web(username).get("/").context["home"]["tiles"]]

    from yingji.core.home_tiles import _

    townships, villages = _("Townships / streets"), _("Villages / communities")
    assert {townships, villages} <= set(titles("duty"))
    assert townships not in titles("township1") and villages in titles("township1")
    assert not {townships, villages} & set(titles("grid1"))
    assert not {townships, villages} & set(titles("enterprise1"))
