"""The command map page and its layer data: served from the app (no CDN, no inline script or style), in scope."""

from __future__ import annotations

import re

from django.test import override_settings

from yingji.resources.models import Shelter, Team


def test_map_page_is_self_contained(web):
    response = web("observer").get("/resources/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "leaflet.markercluster.js" in html
    assert 'data-tile-url=""' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and " style=" not in html
    assert "//cdn" not in html and "unpkg" not in html


@override_settings(YINGJI_MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png")
def test_tile_url_comes_from_settings(web):
    html = web("observer").get("/resources/map/").content.decode()
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html


def test_vendored_leaflet_is_served(web):
    for path in ("/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
                 "/static/resources/map.js"):
        response = web("observer").get(path)
        assert response.status_code == 200, path


def test_layers_follow_scope(web, demo_county):
    county = web("observer").get("/resources/map/layers/").json()
    assert len(county["layers"]["teams"]) == Team.objects.count()
    assert len(county["layers"]["shelters"]) == Shelter.objects.count()
    assert county["layers"]["enterprises"]
    from django.conf import settings
    from django.utils import translation

    from yingji.resources.choices import EquipmentItem

    with translation.override(settings.LANGUAGE_CODE):  # the pages' language (no language cookie)
        radio = EquipmentItem.label("radio")
    radios = sum(int(v) for p in county["layers"]["equipment"] for k, v in p["fields"] if k == radio)
    assert radios == 260
    township = web("township1").get("/resources/map/layers/").json()
    own = demo_county["township"]
    codes = {f["properties"]["code"] for f in township["boundaries"]["features"]}
    assert codes == {own}
    assert len(township["layers"]["shelters"]) == Shelter.objects.filter(region_code__startswith=own).count()


def test_enterprise_user_gets_403(web):
    client = web("enterprise1")
    assert client.get("/resources/map/").status_code == 403
    assert client.get("/resources/map/layers/").status_code == 403
    assert "data-nav-key=\"resources\"" not in client.get("/").content.decode()
