"""The command map's offline base (the real county and its neighbours) and the demo regions placed inside it."""

from __future__ import annotations

import pytest

from yingji.core import geo
from yingji.core.demo import COUNTY_CODE


def _area(ring) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))) / 2


def test_base_map_cites_its_source_and_holds_the_county_and_neighbours():
    base = geo.base_map()
    assert "echarts-china-counties-pypkg" in base["source"] and "unverified" in base["licence"]
    roles = {f["properties"]["name"]: f["properties"]["role"] for f in base["features"]}
    assert roles.pop("舞钢市") == "county"
    assert set(roles.values()) == {"neighbour"} and len(roles) == 6
    for feature in base["features"]:
        geo.validate_geojson_polygon(feature["geometry"])
    ring = geo.county_ring(COUNTY_CODE)
    # 舞钢市 lies about 113.37-113.69 E, 33.13-33.43 N.
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert 113.3 < min(xs) < max(xs) < 113.75 and 33.1 < min(ys) < max(ys) < 33.45
    assert geo.county_ring("000000") is None


def test_point_in_ring_and_half_plane_clip():
    square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    assert geo.point_in_ring(1, 1, square) and not geo.point_in_ring(3, 1, square)
    left = geo.clip_to_half_plane(square, (0.5, 1), (1.5, 1))  # nearer to x=0.5: x <= 1
    assert _area(left) == pytest.approx(2.0)
    assert max(p[0] for p in left) == pytest.approx(1.0)
    assert geo.clip_to_half_plane(square, (10, 10), (1, 1)) == []


def test_voronoi_cells_tile_the_ring_without_overlap():
    ring = geo.county_ring(COUNTY_CODE)
    sites = [(113.45, 33.2), (113.55, 33.3), (113.6, 33.25), (113.5, 33.38)]
    cells = geo.voronoi_cells(ring, sites)
    assert sum(_area(c) for c in cells) == pytest.approx(_area(ring), rel=1e-6)
    for site, cell in zip(sites, cells, strict=True):
        assert geo.point_in_ring(*site, cell)


def test_pull_inside_moves_outside_points_in_and_leaves_inside_points():
    ring = geo.county_ring(COUNTY_CODE)
    centre = (113.524, 33.293)
    assert geo.pull_inside(*centre, ring, centre) == centre
    lon, lat = geo.pull_inside(113.9, 33.6, ring, centre)
    assert geo.point_in_ring(lon, lat, ring)


@pytest.mark.django_db
def test_demo_regions_lie_inside_the_real_county(demo_county):
    from yingji.core.models import Region

    ring = geo.county_ring(COUNTY_CODE)
    county = Region.objects.get(code=COUNTY_CODE)
    assert county.boundary["coordinates"][0] == ring
    townships = list(Region.objects.filter(level="township"))
    assert townships
    for t in townships:
        assert geo.point_in_ring(float(t.lon), float(t.lat), ring), t.name
        assert geo.point_in_ring(float(t.lon), float(t.lat), t.boundary["coordinates"][0]), t.name
    total = sum(_area(t.boundary["coordinates"][0]) for t in townships)
    assert total == pytest.approx(_area(ring), rel=1e-6)  # the townships cover the county, no gaps or overlaps
    for v in Region.objects.filter(level="village").select_related("parent")[:60]:
        assert geo.point_in_ring(float(v.lon), float(v.lat), v.parent.boundary["coordinates"][0]), v.name


@pytest.mark.parametrize(("metres", "zh"), [(0, "0 米"), (849.6, "850 米"), (999.4, "999 米"), (1000, "1.0 公里"),
                                            (1260, "1.3 公里"), (12_400, "12 公里"), (None, "")])
def test_distances_read_in_metres_and_kilometres(metres, zh):
    from django.utils import translation

    from yingji.core.templatetags.yingji_tags import distance

    with translation.override("zh-hans"):
        assert distance(metres) == zh
