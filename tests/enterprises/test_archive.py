"""The one-page archive (一档), its QR code (一码), the hook other apps fill it through, and the registry pages."""

from __future__ import annotations

import struct
import zlib

import pytest
import segno

from tests.conftest import assert_error_shape
from yingji.enterprises import archive
from yingji.enterprises.models import Enterprise, Unit


def png_modules(data: bytes, size: int) -> list[list[int]]:
    """Decode a 1-bit greyscale PNG (as segno writes it) and sample the centre of each QR module (1 = dark)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _c, _f, interlace = header
    assert (depth, colour, interlace) == (1, 0, 0) and width == height
    raw = zlib.decompress(idat)
    stride = (width + 7) // 8
    rows, previous = [], bytes(stride)
    for y in range(height):
        filter_type, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - 1] if i else 0
            up, up_left = previous[i], previous[i - 1] if i else 0
            predictor = {0: 0, 1: left, 2: up, 3: (left + up) // 2}.get(filter_type)
            if predictor is None:  # Paeth
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
            line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = bytes(line)
    scale = width // (size + 8)  # border of 4 modules on each side
    border = 4 * scale

    def dark(x, y):
        return 0 if rows[y][x // 8] >> (7 - x % 8) & 1 else 1

    return [[dark(border + c * scale + scale // 2, border + r * scale + scale // 2) for c in range(size)]
            for r in range(size)]


def test_qrcode_png_encodes_the_archive_url(api, own_enterprise):
    response = api("enterprise1").get(f"/api/v1/enterprises/{own_enterprise.pk}/qrcode.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    url = f"http://testserver/enterprises/{own_enterprise.pk}/"
    expected = segno.make(url, error="m", micro=False)
    modules = png_modules(response.content, expected.symbol_size(border=0)[0])
    assert modules == [list(row) for row in expected.matrix]
    other = segno.make(f"http://testserver/enterprises/{own_enterprise.pk + 1}/", error="m", micro=False)
    assert modules != [list(row) for row in other.matrix]


def test_qrcode_scope_and_auth(api, own_enterprise, township_enterprise, other_enterprise):
    assert_error_shape(api(None).get(f"/api/v1/enterprises/{own_enterprise.pk}/qrcode.png"), 401)
    assert_error_shape(api("enterprise1").get(f"/api/v1/enterprises/{township_enterprise.pk}/qrcode.png"), 404)
    assert_error_shape(api("township1").get(f"/api/v1/enterprises/{other_enterprise.pk}/qrcode.png"), 404)
    assert api("township1").get(f"/api/v1/enterprises/{township_enterprise.pk}/qrcode.png").status_code == 200


def test_archive_page_shows_profile_licences_units_and_the_code(web, own_enterprise):
    client = web("enterprise1")
    response = client.get(f"/enterprises/{own_enterprise.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert own_enterprise.credit_code in html
    assert f'src="/enterprises/{own_enterprise.pk}/qrcode.png"' in html
    assert f"http://testserver/enterprises/{own_enterprise.pk}/" in html
    assert "yj-archive-units" in html and "yj-archive-licences" in html
    for unit in own_enterprise.units.all():
        assert unit.name in html
    for licence in own_enterprise.licences.all():
        assert licence.number in html
    image = client.get(f"/enterprises/{own_enterprise.pk}/qrcode.png")
    assert image.status_code == 200 and image.content[:4] == b"\x89PNG"
    download = client.get(f"/enterprises/{own_enterprise.pk}/qrcode.png", {"download": "1"})
    assert "attachment" in download["Content-Disposition"]


def test_archive_shows_major_hazard_grades(web):
    enterprise = Enterprise.objects.filter(major_hazard_level=1).first()
    html = web("admin").get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "yj-major-hazard-badge" in html
    for unit in enterprise.units.filter(is_major=True):
        assert unit.name in html


@pytest.fixture
def registered_section():
    calls = []

    def context(enterprise, user):
        calls.append((enterprise.pk, user.username))
        if user.has_role("grid_member"):
            return None
        return {"message": f"{enterprise.name} has 3 open hazards"}

    entry = ("Open hazards", "enterprises/tests/section.html", context)
    archive.SECTIONS.append(entry)
    yield calls
    archive.SECTIONS.remove(entry)


def test_other_apps_add_sections_through_the_hook(web, own_enterprise, registered_section, tmp_path, settings):
    template_dir = tmp_path / "templates" / "enterprises" / "tests"
    template_dir.mkdir(parents=True)
    (template_dir / "section.html").write_text('<p id="yj-test-section">{{ message }} ({{ enterprise.pk }})</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}]
    html = web("enterprise1").get(f"/enterprises/{own_enterprise.pk}/").content.decode()
    assert f"{own_enterprise.name} has 3 open hazards ({own_enterprise.pk})" in html
    assert "Open hazards" in html
    assert registered_section == [(own_enterprise.pk, "enterprise1")]
    township_enterprise = Enterprise.objects.filter(region_code__startswith="410481001").first()
    hidden = web("grid1").get(f"/enterprises/{township_enterprise.pk}/").content.decode()
    assert "yj-test-section" not in hidden  # the context function left the section out for this user


def test_pages_follow_scope(web, own_enterprise, township_enterprise, other_enterprise):
    mine = web("enterprise1")
    assert mine.get(f"/enterprises/{township_enterprise.pk}/").status_code == 404
    assert mine.get(f"/enterprises/{township_enterprise.pk}/qrcode.png").status_code == 404
    assert mine.get(f"/enterprises/{township_enterprise.pk}/edit/").status_code == 404
    township = web("township1")
    assert township.get(f"/enterprises/{township_enterprise.pk}/").status_code == 200
    assert township.get(f"/enterprises/{other_enterprise.pk}/").status_code == 404
    assert township.get(f"/enterprises/{township_enterprise.pk}/edit/").status_code == 403
    assert township.get("/enterprises/new/").status_code == 403


def test_enterprise_user_edits_its_profile_but_not_identity(web, own_enterprise):
    client = web("enterprise1")
    page = client.get(f"/enterprises/{own_enterprise.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["credit_code"].disabled and form.fields["status"].disabled
    assert not form.fields["principal"].disabled
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"principal": "钱多多", "status": "closed", "credit_code": "91410481MA44XK2PXE",
                 "supervising_unit": ""})
    for flag in ("hazchem_production", "hazchem_business", "hazchem_use", "fireworks", "non_coal_mine",
                 "tailings_pond", "metallurgy", "ammonia_refrigeration", "combustible_dust", "confined_space"):
        if not data.get(flag):
            data.pop(flag, None)
    response = client.post(f"/enterprises/{own_enterprise.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    before_code, before_status = own_enterprise.credit_code, own_enterprise.status
    own_enterprise.refresh_from_db()
    assert own_enterprise.principal == "钱多多"
    assert (own_enterprise.credit_code, own_enterprise.status) == (before_code, before_status)


def test_section_staff_registers_an_enterprise_through_the_page(web, demo_county):
    from tests.enterprises.conftest import new_credit_code

    client = web("section")
    assert client.get("/enterprises/new/").status_code == 200
    code = new_credit_code()
    response = client.post("/enterprises/new/", {
        "name": "舞钢市页面测试机械有限公司", "credit_code": code, "region_code": demo_county["village"],
        "industry_division": "34", "sector": "machinery", "status": "operating", "combustible_dust": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Enterprise.objects.get(credit_code=code)
    assert created.industry_section == "C" and created.combustible_dust
    bad = client.post("/enterprises/new/", {"name": "x", "credit_code": "123", "region_code": demo_county["village"],
                                            "status": "operating"})
    assert bad.status_code == 200 and "18" in bad.content.decode()


def test_list_page_shows_new_columns_and_filters(web):
    client = web("admin")
    response = client.get("/enterprises/", {"flag": "fireworks"})
    assert response.status_code == 200
    html = response.content.decode()
    fireworks = Enterprise.objects.filter(fireworks=True).order_by("region_code", "name").first()
    assert fireworks.name in html
    not_fireworks = Enterprise.objects.filter(fireworks=False).order_by("region_code", "name").first()
    assert not_fireworks.credit_code not in html


def test_enterprise1_keeps_an_ordinary_enterprise_with_a_unit(own_enterprise, demo_county):
    first = Enterprise.objects.filter(region_code__startswith=demo_county["township"]).order_by("id").first()
    assert first == own_enterprise
    assert own_enterprise.major_hazard is False
    assert Unit.objects.filter(enterprise=own_enterprise).count() >= 1
