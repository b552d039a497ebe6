"""The enterprise registry's declared surfaces: which pages their rows lead to, exports that speak labels instead of
stored keys, and the archive as the enterprise surface's detail page."""

from __future__ import annotations

import csv
import io

from django.utils import translation

from yingji.core import surfaces
from yingji.enterprises.choices import EnterpriseStatus, LicenceKind, MajorHazardLevel
from yingji.enterprises.models import Enterprise, Licence, Unit


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _zh(function, *args):
    with translation.override("zh-hans"):
        return str(function(*args))


def test_the_registry_holds_the_enterprise_surfaces_and_their_pages():
    assert surfaces.of(Enterprise).prefix == "enterprise"
    assert surfaces.of(Licence).prefix == "licence" and not surfaces.of(Licence).detail_page
    assert surfaces.of(Unit).prefix == "major_hazard" and not surfaces.of(Unit).detail_page
    pages = surfaces.pages()
    assert pages["enterprises.enterprise"] == "enterprise_detail"
    assert pages["enterprises.unit"] == "unit_detail"
    assert "enterprises.licence" not in pages


def test_enterprise_export_speaks_labels(web, own_enterprise):
    rows = _csv(web("admin").get("/enterprises/", {"q": own_enterprise.credit_code, "export": "csv"}))
    assert len(rows) == 2
    header, row = rows
    status = row[header.index(_zh(translation.gettext, "Status"))]
    assert status == _zh(EnterpriseStatus.label, own_enterprise.status) != own_enterprise.status


def test_licence_rows_lead_to_the_archive_and_export_kind_labels(web, own_enterprise):
    licence = Licence.objects.filter(enterprise=own_enterprise).first()
    client = web("enterprise1")
    html = client.get("/licences/").content.decode()
    assert f'data-href="/enterprises/{own_enterprise.pk}/"' in html and licence.number in html
    rows = _csv(client.get("/licences/", {"export": "csv"}))
    kinds = {row[rows[0].index(_zh(translation.gettext, "Kind"))] for row in rows[1:]}
    assert _zh(LicenceKind.label, licence.kind) in kinds and licence.kind not in kinds


def test_major_hazard_rows_lead_to_the_unit_and_export_level_labels(web):
    unit = Unit.objects.filter(is_major=True, level=1).select_related("enterprise").first()
    client = web("admin")
    html = client.get("/major-hazards/", {"level": "1"}).content.decode()
    assert f'data-href="/units/{unit.pk}/"' in html
    assert f'href="/enterprises/{unit.enterprise_id}/"' in html
    rows = _csv(client.get("/major-hazards/", {"level": "1", "export": "csv"}))
    levels = {row[rows[0].index(_zh(translation.gettext, "Level"))] for row in rows[1:]}
    assert levels == {_zh(MajorHazardLevel.label, 1)}


def test_enterprise_form_pages_are_the_surface_forms(web, own_enterprise):
    client = web("admin")
    assert client.get("/enterprises/new/").status_code == 200
    response = client.post(f"/enterprises/{own_enterprise.pk}/edit/", {
        "name": own_enterprise.name, "credit_code": own_enterprise.credit_code,
        "region_code": own_enterprise.region_code, "status": "suspended"})
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{own_enterprise.pk}/"
    own_enterprise.refresh_from_db()
    assert own_enterprise.status == "suspended"
    assert web("observer").get(f"/enterprises/{own_enterprise.pk}/edit/").status_code == 403
