"""Declared surfaces (``core.surfaces``, ``core.generic``, ``core.crud``): every registered surface is scoped on
its pages exactly as the policy says (a model is covered by registering it), related sets and links never leak
another jurisdiction, phones are masked and their reveal audited once, and transitions list what the caller may
do."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from tests.conftest import assert_error_shape
from yingji.core import policy, surfaces
from yingji.core.choices import AuditAction
from yingji.core.models import AuditRecord, User

SCOPED_USERS = ["township1", "grid1", "enterprise1"]


def _scoped_surfaces():
    return [s for s in surfaces.registered() if policy.is_scoped(s.model)]


def test_the_registry_holds_the_resources_surfaces_with_their_pages():
    prefixes = {s.prefix for s in surfaces.registered()}
    assert {"team", "expert", "equipment", "warehouse", "stock", "movement", "transfer", "shelter"} <= prefixes
    pages = surfaces.pages()
    assert pages["resources.team"] == "team_detail"
    assert "resources.stockbatch" not in pages  # no page of its own: its rows lead to the warehouse


@pytest.mark.parametrize("username", SCOPED_USERS)
def test_every_registered_surface_shows_exactly_the_viewers_scope(web, username):
    client = web(username)
    user = User.objects.get(username=username)
    checked = denied = 0
    for surface in _scoped_surfaces():
        model = surface.model
        base = surface.base_queryset()
        listed = client.get(surface.url("list"))
        if not policy.can(user, "view", model):
            assert listed.status_code == 403, (surface.prefix, listed.status_code)
            denied += 1
            continue
        expected = base.filter(policy.scope_q(user, model)).count()
        if listed.status_code == 403:
            # A module with nothing of the viewer's is hidden (core.modules), e.g. stations for an enterprise
            # that has none.
            assert expected == 0, (surface.prefix, expected)
            denied += 1
            continue
        assert listed.status_code == 200, (surface.prefix, listed.status_code)
        assert listed.context["page"].paginator.count == expected, surface.prefix
        exported = client.get(surface.url("list"), {"export": "csv"})
        assert exported.status_code == 200, surface.prefix
        rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
        assert len(rows) - 1 == expected, surface.prefix
        outside = base.exclude(policy.scope_q(user, model)).order_by("pk").first()
        if outside is not None and surface.detail_page:
            detail_url = surface.url("detail", outside.pk)
            assert detail_url, surface.prefix
            assert client.get(detail_url).status_code == 404, surface.prefix
            # A surface with a form but no routed edit page (e.g. expert reviews, recorded once) has no "" URL to
            # ask for: reversing it gives "", which is the home page.
            edit_url = surface.url("edit", outside.pk)
            if surface.form is not None and edit_url:
                assert client.get(edit_url).status_code == 404, surface.prefix
        checked += 1
    assert checked + denied == len(_scoped_surfaces()) >= 8
    assert checked >= (0 if username == "enterprise1" else 5)


def test_a_team_page_never_names_an_incident_outside_the_viewers_scope(web, demo_county):
    from yingji.incidents.models import Incident
    from yingji.resources.models import Team, TeamActivity

    user = User.objects.get(username="township1")
    team = Team.objects.filter(policy.scope_q(user, Team)).order_by("pk").first()
    foreign = Incident.objects.exclude(policy.scope_q(user, Incident)).order_by("pk").first()
    own = Incident.objects.filter(policy.scope_q(user, Incident)).order_by("pk").first()
    if own is None:  # the demo's draw left the township without an incident: place one there
        own = Incident.objects.exclude(pk=foreign.pk).order_by("pk").first()
        Incident.objects.filter(pk=own.pk).update(region_code=user.scope_region_code)
    assert team is not None and foreign is not None and own is not None
    TeamActivity.objects.create(team=team, kind="deployment", date=datetime.date(2026, 7, 1), incident=foreign,
                                notes="跨区支援", region_code=team.region_code)
    TeamActivity.objects.create(team=team, kind="deployment", date=datetime.date(2026, 7, 2), incident=own,
                                notes="本地处置", region_code=team.region_code)
    html = web("township1").get(reverse("team_detail", args=[team.pk])).content.decode()
    assert "跨区支援" in html and "本地处置" in html
    assert foreign.title not in html
    assert reverse("incident_detail", args=[foreign.pk]) not in html
    assert reverse("incident_detail", args=[own.pk]) in html
    # The county sees both incidents named on the same page.
    county_html = web("duty").get(reverse("team_detail", args=[team.pk])).content.decode()
    assert reverse("incident_detail", args=[foreign.pk]) in county_html


def test_list_masks_personal_phones_and_a_detail_reveal_is_audited_once(web, demo_county):
    from yingji.resources.models import Expert

    expert = Expert.objects.exclude(phone="").order_by("pk").first()
    masked = policy.mask_phone(expert.phone)
    assert masked != expert.phone
    observer = web("observer")  # no personal-data grant
    assert expert.phone not in observer.get(reverse("expert_list"), {"q": expert.name}).content.decode()
    before = AuditRecord.objects.filter(action=AuditAction.VIEW_PII).count()
    assert expert.phone not in observer.get(reverse("expert_detail", args=[expert.pk])).content.decode()
    assert AuditRecord.objects.filter(action=AuditAction.VIEW_PII).count() == before
    duty = User.objects.get(username="duty")
    if policy.reveal_pii(duty, Expert):
        page = web("duty").get(reverse("expert_detail", args=[expert.pk])).content.decode()
        assert expert.phone in page
        records = AuditRecord.objects.filter(action=AuditAction.VIEW_PII, object_id=str(expert.pk),
                                             object_type="resources.expert")
        assert records.count() == 1 and records.get().after == {"fields": ["phone"]}


def test_transitions_endpoint_lists_what_the_caller_may_do_now(api, demo_county):
    from yingji.resources.models import SupplyItem, Warehouse

    county_wh = Warehouse.objects.get(level="county")
    own = Warehouse.objects.get(region_code=demo_county["township"])
    item = SupplyItem.objects.get(code="SH-001")
    section = api("section")
    transfer = section.post("/api/v1/transfers", {"source_id": county_wh.pk, "target_id": own.pk,
                                                  "item_id": item.pk, "quantity": 2}).json()
    allowed = section.get(f"/api/v1/transfers/{transfer['id']}/transitions")
    assert allowed.status_code == 200
    actions = {t["action"]: t for t in allowed.json()}
    assert set(actions) == set(transfer["actions"]) and "approve" in actions
    assert actions["approve"]["to"] == "approved" and actions["approve"]["label"]
    # The receiving township may see the transfer but has no action at this step; another township gets 404.
    assert api("township1").get(f"/api/v1/transfers/{transfer['id']}/transitions").json() == []
    assert_error_shape(api("township2").get(f"/api/v1/transfers/{transfer['id']}/transitions"), 404)


def test_an_accounts_phone_shown_in_full_is_audited_on_its_page_and_in_the_api(web, api, demo_county):
    account = User.objects.get(username="township1")
    User.objects.filter(pk=account.pk).update(phone="13903710042")
    account.refresh_from_db()
    records = AuditRecord.objects.filter(action=AuditAction.VIEW_PII, object_type="core.user",
                                         object_id=str(account.pk))
    assert account.phone in web("admin").get(reverse("user_detail", args=[account.pk])).content.decode()
    assert records.count() == 1 and records.get().after == {"fields": ["phone"]}
    assert api("admin").get(f"/api/v1/users/{account.pk}").json()["phone"] == account.phone
    assert records.count() == 2
    listed = {u["id"]: u["phone"] for u in api("admin").get("/api/v1/users", page_size=200).json()["items"]}
    assert listed[account.pk] == account.phone and records.count() == 2  # a list reveals without one record a row


@pytest.mark.parametrize("url_name", ["enterprise_detail", "plan_detail", "hazard_detail", "inspection_detail"])
def test_url_maker_writes_what_reverse_writes(url_name):
    from django.urls import reverse
    from django.utils import translation

    from yingji.core.surfaces import url_maker

    for language in ("zh-hans", "en"):
        with translation.override(language):
            make = url_maker(url_name)
            for pk in (1, 42, 2_147_483_646, 9_007_199_254_740_993):
                assert make(pk) == reverse(url_name, args=[pk])


def test_kept_urls_follow_the_language_and_script_prefix():
    from django.urls import reverse, set_script_prefix
    from django.utils import translation

    from yingji.core import urlkeep
    from yingji.core.modules import MODULES, _reverse_or_none
    from yingji.core.surfaces import id_url

    module = next(m for m in MODULES if m.url_name == "enterprise_list")
    seen = set()
    try:
        for prefix in ("/", "/yingji/"):
            set_script_prefix(prefix)
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    assert module.url() == reverse("enterprise_list")
                    assert id_url("enterprise_detail", 7) == reverse("enterprise_detail", args=[7])
                    seen.add(module.url())
    finally:
        set_script_prefix("/")
    assert seen == {"/enterprises/", "/yingji/enterprises/"}  # each prefix its own URL, none kept from another
    assert _reverse_or_none("no_such_page") is None
    # A name whose maker is refused (none to make) is still reversed each time: the real error, not a wrong URL.
    assert urlkeep.kept("id maker", "no_such_page", lambda name: None) is None
    with pytest.raises(Exception, match="no_such_page"):
        id_url("no_such_page", 1)
