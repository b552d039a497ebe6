"""Pages: the staff list/detail through the policy (login, scope 404, grant 403), the registry page, and the public
page and Atom feed (no login; only published, unexpired warnings)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from lxml import etree

from yingji.warnings.choices import WarningState
from yingji.warnings.models import Warning

from .conftest import payload, publish

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_staff_pages_need_login_and_respect_scope(web, demo_county):
    anonymous = Client()
    assert anonymous.get("/warnings/").status_code == 302
    assert anonymous.get("/responsible-persons/").status_code == 302
    duty = web("duty")
    assert duty.get("/warnings/").status_code == 200
    assert duty.get("/responsible-persons/").status_code == 200
    county = Warning.objects.filter(region_code="410481", state=WarningState.PUBLISHED).first()
    page = duty.get(f"/warnings/{county.pk}/")
    assert page.status_code == 200 and county.headline in page.content.decode()
    assert web("township1").get(f"/warnings/{county.pk}/").status_code == 404
    assert web("enterprise1").get("/warnings/").status_code == 403
    assert web("enterprise1").get(f"/warnings/{county.pk}/").status_code == 404


def test_transition_buttons_on_the_page(web, demo_county):
    from yingji.core.models import User
    from yingji.warnings import services

    draft = services.create_warning(User.objects.get(username="duty"), {
        **{k: v for k, v in payload().items() if k not in ("effective", "expires")},
        "effective": timezone.now(), "expires": timezone.now() + timedelta(hours=3)})
    duty = web("duty")
    assert "/actions/submit/" in duty.get(f"/warnings/{draft.pk}/").content.decode()
    assert duty.post(f"/warnings/{draft.pk}/actions/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.state == WarningState.SUBMITTED
    assert duty.post(f"/warnings/{draft.pk}/actions/approve/").status_code == 403
    assert web("approver").post(f"/warnings/{draft.pk}/actions/approve/").status_code == 302
    draft.refresh_from_db()
    assert draft.state == WarningState.APPROVED


def test_public_page_and_feed_show_only_published_unexpired(demo_county):
    current = publish()
    expired = publish(payload(headline="已过期的预警"))
    Warning.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(minutes=1))
    draft = Warning.objects.filter(state=WarningState.DRAFT).first()
    client = Client()
    html = client.get("/public/warnings/").content.decode()
    assert current.headline in html and "已过期的预警" not in html and f"/public/warnings/{draft.pk}/" not in html
    assert client.get(f"/public/warnings/{current.pk}/").status_code == 200
    assert client.get(f"/public/warnings/{draft.pk}/").status_code == 404
    response = client.get("/api/v1/warnings/feed.atom")
    feed = etree.fromstring(response.content)
    entries = feed.findall("a:entry", ATOM)
    titles = [e.findtext("a:title", namespaces=ATOM) for e in entries]
    assert current.headline in titles and "已过期的预警" not in titles
    identifiers = [e.findtext("a:id", namespaces=ATOM).rsplit(":", 1)[1] for e in entries]
    states = set(Warning.objects.filter(identifier__in=identifiers).values_list("state", flat=True))
    assert len(identifiers) == Warning.objects.filter(state=WarningState.PUBLISHED,
                                                      expires__gt=timezone.now()).count()
    assert states == {WarningState.PUBLISHED}
    for entry in entries:
        links = entry.findall("a:link[@type='application/cap+xml']", ATOM)
        assert len(links) == 1 and links[0].get("href").endswith("/cap.xml")
    href = entries[0].find("a:link[@type='application/cap+xml']", ATOM).get("href")
    assert client.get(href.removeprefix("http://testserver")).status_code == 200
