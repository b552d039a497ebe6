"""The responsible person's phone on hazards and risk points: masked for roles without the personal-data grant
(observers) on pages, in the API and in exports; shown in full to those whose work needs it, with one audit record
per full view."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from yingji.core import policy
from yingji.core.choices import AuditAction
from yingji.core.models import AuditRecord
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard, RiskPoint

NUMBER = "13912345678"


def _reveals(obj) -> int:
    return AuditRecord.objects.filter(action=AuditAction.VIEW_PII, object_type=obj._meta.label_lower,
                                      object_id=str(obj.pk)).count()


def test_hazard_phone_masked_for_observers_full_for_staff(web, api, make_hazard):
    hazard = make_hazard(HazardState.RECTIFYING)
    Hazard.objects.filter(pk=hazard.pk).update(responsible_phone=NUMBER)
    masked = policy.mask_phone(NUMBER)
    url = reverse("hazard_detail", args=[hazard.pk])

    observed = web("observer").get(url).content.decode()
    assert NUMBER not in observed and masked in observed
    body = api("observer").get(f"/api/v1/hazards/{hazard.pk}").json()
    assert body["responsible_phone"] == masked
    listed = api("observer").get("/api/v1/hazards", page_size=200).json()["items"]
    assert {h["responsible_phone"] for h in listed if h["id"] == hazard.pk} == {masked}
    assert _reveals(hazard) == 0

    assert NUMBER in web("section").get(url).content.decode()
    assert _reveals(hazard) == 1
    assert api("section").get(f"/api/v1/hazards/{hazard.pk}").json()["responsible_phone"] == NUMBER
    assert _reveals(hazard) == 2
    assert api("enterprise1").get(f"/api/v1/hazards/{hazard.pk}").json()["responsible_phone"] == NUMBER


def test_risk_point_phone_masked_for_observers_on_page_api_and_export(web, api):
    point = RiskPoint.objects.order_by("pk").first()
    RiskPoint.objects.filter(pk=point.pk).update(responsible_phone=NUMBER)
    masked = policy.mask_phone(NUMBER)
    url = reverse("risk_detail", args=[point.pk])

    observed = web("observer").get(url).content.decode()
    assert NUMBER not in observed and masked in observed
    assert api("observer").get(f"/api/v1/risks/{point.pk}").json()["responsible_phone"] == masked
    response = web("observer").get(reverse("risk_list"), {"export": "csv"})
    exported = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(exported)) for cell in row}
    assert masked in cells and NUMBER not in cells
    assert _reveals(point) == 0

    assert NUMBER in web("section").get(url).content.decode()
    assert api("section").get(f"/api/v1/risks/{point.pk}").json()["responsible_phone"] == NUMBER
    assert _reveals(point) == 2
