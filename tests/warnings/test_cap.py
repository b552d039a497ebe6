"""CAP 1.2: every published warning validates against the OASIS XSD, including Updates and Cancels, and the
checks the XSD cannot express catch what they should."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from yingji.core.models import User
from yingji.warnings import cap, services
from yingji.warnings.choices import EVER_PUBLISHED, MessageType, WarningState
from yingji.warnings.models import Warning

from .conftest import drive, publish

NS = {"c": cap.NS}


def test_every_published_demo_warning_validates_including_update_and_cancel(api):
    published = list(Warning.objects.filter(state__in=EVER_PUBLISHED))
    assert {w.msg_type for w in published} == {"Alert", "Update", "Cancel"}
    client = api(None)
    for warning in published:
        response = client.get(f"/api/v1/warnings/{warning.pk}/cap.xml")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/cap+xml")
        assert cap.validate(response.content) == [], warning.identifier
        assert cap.schema().validate(etree.fromstring(response.content))


def test_update_and_cancel_reference_the_original_and_replace_it(demo_county):
    duty = User.objects.get(username="duty")
    original = publish()
    update = drive(services.derive(duty, original, MessageType.UPDATE, {"level": "red"}))
    original.refresh_from_db()
    assert original.state == WarningState.UPDATED
    root = etree.fromstring(cap.build(update))
    assert root.findtext("c:msgType", namespaces=NS) == "Update"
    assert root.findtext("c:references", namespaces=NS) == (
        f"{original.sender},{original.identifier},{cap.cap_time(original.sent)}")
    assert root.findtext("c:info/c:severity", namespaces=NS) == "Extreme"
    assert root.findtext("c:info/c:urgency", namespaces=NS) == "Immediate"
    cancel = drive(services.derive(duty, update, MessageType.CANCEL, {}))
    update.refresh_from_db()
    assert update.state == WarningState.CANCELLED
    for w in (original, update, cancel):
        assert cap.validate(cap.build(w)) == []
    assert etree.fromstring(cap.build(cancel)).findtext("c:msgType", namespaces=NS) == "Cancel"


@pytest.mark.parametrize(("level", "severity", "urgency"), [
    ("red", "Extreme", "Immediate"), ("orange", "Severe", "Expected"), ("yellow", "Moderate", "Expected"),
    ("blue", "Minor", "Future")])
def test_level_mapping(demo_county, level, severity, urgency):
    from .conftest import payload

    warning = publish(payload(level=level))
    info = etree.fromstring(cap.build(warning)).find("c:info", NS)
    assert (info.findtext("c:severity", namespaces=NS), info.findtext("c:urgency", namespaces=NS),
            info.findtext("c:certainty", namespaces=NS), info.findtext("c:language", namespaces=NS)) == (
        severity, urgency, "Likely", "zh-CN")
    assert info.findtext("c:area/c:geocode/c:value", namespaces=NS) == "410481001"


def test_identifier_format_and_uniqueness(demo_county):
    a, b = publish(), publish()
    for w in (a, b):
        assert len(w.identifier) == 31 and w.identifier.startswith("41048100000000_")
    assert a.identifier != b.identifier


def _doc(**changes) -> bytes:
    now = timezone.now()
    w = Warning(identifier="41048100000000_20260701080000_0", sender="yingji@410481.yjj.gov.cn",
                msg_type="Alert", event_type="rainstorm", event="暴雨", category="Met", level="red",
                headline="h", description="d", effective=now, expires=now + timedelta(hours=1),
                area_codes=["410481"], region_code="410481", sent=now, created_at=now)
    for key, value in changes.items():
        setattr(w, key, value)
    return cap.build(w)


def test_rules_beyond_the_xsd():
    now = timezone.now()
    assert cap.validate(_doc()) == []
    assert any("expires" in p for p in cap.validate(_doc(expires=now - timedelta(hours=1))))
    assert any("polygon" in p for p in cap.validate(_doc(polygons=["34.1,113.1 34.2,113.2 34.1,113.1"])))
    assert any("polygon" in p for p in cap.validate(_doc(polygons=["34.1,113.1 34.2,113.2 34.3,113.1 34.0,113.0"])))
    assert cap.validate(_doc(polygons=["34.1,113.1 34.2,113.2 34.3,113.1 34.1,113.1"],
                             circles=["34.1,113.1 5"])) == []
    assert any("circle" in p for p in cap.validate(_doc(circles=["34.1;113.1 5"])))
    assert any("reference" in p for p in cap.validate(_doc(msg_type="Update")))
    assert any("geocode" in p for p in cap.validate(_doc(area_codes=["41048"])))
    assert any("sender" in p for p in cap.validate(_doc(sender="has space")))
    broken = _doc().replace(b"<status>Actual</status>", b"<status>Real</status>")
    assert cap.validate(broken)[0].startswith("XSD")
    doc = etree.fromstring(_doc())
    refs = etree.SubElement(doc, f"{{{cap.NS}}}references")
    refs.text = "a,b"
    doc.remove(refs)
    doc.find("c:scope", NS).addnext(refs)
    assert any("references entry" in p for p in cap.validate(etree.tostring(doc)))
