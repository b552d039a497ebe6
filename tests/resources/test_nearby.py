"""The nearby search equals a brute-force great-circle ordering on randomised data, including near the
antimeridian and the poles, and answers only in-scope resources."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import assert_error_shape
from yingji.core.geo import EARTH_RADIUS_KM, haversine_km
from yingji.core.models import User
from yingji.resources import geo, services
from yingji.resources.models import Shelter, Team

EDGE_LATS = [-90.0, -89.99, -89.5, 0.0, 89.5, 89.99, 90.0]
EDGE_LONS = [-180.0, -179.999, -179.5, 0.0, 179.5, 179.999, 180.0]

lats = st.one_of(st.floats(-90, 90), st.sampled_from(EDGE_LATS), st.floats(85, 90), st.floats(-90, -85))
lons = st.one_of(st.floats(-180, 180), st.sampled_from(EDGE_LONS), st.floats(175, 180), st.floats(-180, -175))


def _round(value: float) -> float:
    return float(Decimal(f"{value:.6f}"))


points = st.lists(st.tuples(lats, lons).map(lambda p: (_round(p[0]), _round(p[1]))), min_size=0, max_size=60)


def brute_force(rows, lat, lon, limit, radius_km=None):
    scored = [(haversine_km(lat, lon, r[1], r[2]), r) for r in rows]
    if radius_km is not None:
        scored = [s for s in scored if s[0] <= radius_km]
    return sorted(scored, key=lambda s: (s[0], s[1][0]))[:limit]


@settings(max_examples=400, deadline=None)
@given(points=points, lat=lats, lon=lons, limit=st.integers(1, 12),
       radius_km=st.one_of(st.none(), st.floats(0.01, 25000)), start_km=st.sampled_from([0.5, 5.0, 300.0]))
def test_nearest_equals_brute_force(points, lat, lon, limit, radius_km, start_km):
    rows = [(i, p[0], p[1]) for i, p in enumerate(points)]

    def fetch(box):
        return [r for r in rows if box.contains(r[1], r[2])]

    got = geo.nearest(fetch, lat, lon, limit, radius_km, start_km=start_km)
    assert [r[0] for _d, r in got] == [r[0] for _d, r in brute_force(rows, lat, lon, limit, radius_km)]


@settings(max_examples=400, deadline=None)
@given(points=points, lat=lats, lon=lons, limit=st.integers(1, 12),
       radius_km=st.one_of(st.none(), st.floats(0.01, 25000)), start_km=st.sampled_from([0.5, 5.0, 300.0]))
def test_nearest_with_the_count_of_candidates_equals_brute_force(points, lat, lon, limit, radius_km, start_km):
    """Told how many candidates there are, the search stops once a box holds them all: the same answer."""
    rows = [(i, p[0], p[1]) for i, p in enumerate(points)]
    fetches = []

    def fetch(box):
        fetches.append(box)
        return [r for r in rows if box.contains(r[1], r[2])]

    got = geo.nearest(fetch, lat, lon, limit, radius_km, start_km=start_km, count=lambda: len(rows))
    assert [r[0] for _d, r in got] == [r[0] for _d, r in brute_force(rows, lat, lon, limit, radius_km)]


def test_a_few_candidates_near_by_are_found_without_searching_the_whole_sphere():
    """Two teams of the capability in a county, five asked for: the box that holds both ends the search (it grew
    to the antipode before, a query each time)."""
    rows = [(1, 33.30, 113.50), (2, 33.20, 113.60)]
    fetches = []

    def fetch(box):
        fetches.append(box)
        return [r for r in rows if box.contains(r[1], r[2])]

    got = geo.nearest(fetch, 33.29, 113.52, 5, count=lambda: len(rows))
    assert [r[0] for _d, r in got] == [1, 2]
    assert len(fetches) <= 3 and not fetches[-1].is_whole_sphere
    fetches.clear()
    assert [r[0] for _d, r in geo.nearest(fetch, 33.29, 113.52, 5)] == [1, 2]
    assert len(fetches) > 5  # without the count: box after box up to the whole sphere


def _destination(lat, lon, bearing_deg, distance_km):
    """The point ``distance_km`` from (lat, lon) along an initial bearing (spherical Earth)."""
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    delta = distance_km / EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi),
                            math.cos(delta) - math.sin(phi) * math.sin(phi2))
    lon2 = (math.degrees(lam2) + 540) % 360 - 180
    return math.degrees(phi2), lon2


@settings(max_examples=2000, deadline=None)
@given(lat=lats, lon=lons, bearing=st.floats(0, 360), radius=st.floats(0.001, 20000), frac=st.floats(0, 1))
def test_bounding_box_contains_the_whole_cap(lat, lon, bearing, radius, frac):
    box = geo.bounding_box(lat, lon, radius)
    plat, plon = _destination(lat, lon, bearing, radius * frac)
    if haversine_km(lat, lon, plat, plon) <= radius:
        assert box.contains(plat, plon) or box.contains(plat, -plon if abs(plon) == 180 else plon), \
            (lat, lon, radius, plat, plon, box)


@pytest.mark.parametrize("lat,lon", [(0.0, 179.9), (0.0, -179.9), (89.9999, 10.0), (-89.9999, -170.0)])
def test_nearest_across_antimeridian_and_poles(lat, lon):
    rows = [(1, 0.0, -179.95), (2, 0.0, 179.95), (3, 89.99, -170.0), (4, -89.99, 10.0), (5, 45.0, 0.0)]

    def fetch(box):
        return [r for r in rows if box.contains(r[1], r[2])]

    got = geo.nearest(fetch, lat, lon, 3)
    assert [r[0] for _d, r in got] == [r[0] for _d, r in brute_force(rows, lat, lon, 3)]


# --- against the database ---------------------------------------------------------------------------------------

db_points = st.lists(st.tuples(lats, lons, st.booleans(), st.integers(0, 3)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=db_points, lat=lats, lon=lons, limit=st.integers(1, 8))
def test_service_equals_brute_force_and_respects_scope(demo_county, data, lat, lon, limit):
    user = User.objects.get(username="township1")
    own, other = demo_county["township"], demo_county["township2"]
    Shelter.objects.all().delete()
    Shelter.objects.bulk_create([
        Shelter(name=f"S{i}", level="village", kind="school", space="indoor", region_code=own if mine else other,
                area_m2=Decimal(100), capacity=10, occupancy=occupied * 5 if occupied < 3 else 0,
                status="closed" if occupied == 3 else "open", lat=Decimal(f"{p_lat:.6f}"),
                lon=Decimal(f"{p_lon:.6f}"))
        for i, (p_lat, p_lon, mine, occupied) in enumerate(data)])
    got = services.nearby(user, lat, lon, "shelter", limit)
    eligible = [(s.pk, float(s.lat), float(s.lon)) for s in Shelter.objects.filter(
        region_code__startswith=own, status__in=["open", "standby"]) if s.capacity > s.occupancy]
    expected = brute_force(eligible, lat, lon, limit)
    assert [g["id"] for g in got] == [r[0] for _d, r in expected]
    assert [g["distance_m"] for g in got] == [round(d * 1000, 1) for d, _r in expected]
    assert all(g["region_code"].startswith(own) and g["match"]["free_capacity"] > 0 for g in got)


def test_nearby_api_matches_capability_item_and_quantity(api, demo_county):
    client = api("observer")
    county = (33.2930, 113.5240)
    teams = client.get("/api/v1/resources/nearby", lat=county[0], lon=county[1], kind="team", limit=50,
                       capability="forest_fire").json()
    assert teams and all("forest_fire" in t["match"]["capabilities"] for t in teams)
    assert [t["distance_m"] for t in teams] == sorted(t["distance_m"] for t in teams)
    assert len(teams) == Team.objects.filter(capabilities__icontains='"forest_fire"').count()
    stores = client.get("/api/v1/resources/nearby", lat=county[0], lon=county[1], kind="warehouse",
                        item="SH-001", min_quantity=100).json()
    assert stores and all(s["match"]["quantity_available"] >= 100 for s in stores)
    radios = client.get("/api/v1/resources/nearby", lat=county[0], lon=county[1], kind="equipment",
                        item="satellite_phone", radius_km=5).json()
    assert radios and all(r["match"]["item"] == "satellite_phone" and r["distance_m"] <= 5000 for r in radios)
    experts = client.get("/api/v1/resources/nearby", lat=county[0], lon=county[1], kind="expert",
                         capability="hazchem").json()
    assert experts and all(e["match"]["field"] == "hazchem" for e in experts)
    shelters = client.get("/api/v1/resources/nearby", lat=county[0], lon=county[1], kind="shelter",
                          min_quantity=500, limit=5).json()
    assert len(shelters) == 5 and all(s["match"]["free_capacity"] >= 500 for s in shelters)


def test_nearby_scope_and_validation(api, demo_county):
    township = api("township1")
    found = township.get("/api/v1/resources/nearby", lat=33.29, lon=113.52, kind="shelter", limit=100).json()
    assert found and all(s["region_code"].startswith(demo_county["township"]) for s in found)
    for params, field in [({"lat": 91}, "lat"), ({"lon": -181}, "lon"), ({"kind": "tank"}, "kind"),
                          ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"radius_km": 0}, "radius_km")]:
        query = {"lat": 33.29, "lon": 113.52, "kind": "team"} | params
        body = assert_error_shape(township.get("/api/v1/resources/nearby", **query), 422)
        assert body["errors"][0]["field"] == field
    body = assert_error_shape(township.get("/api/v1/resources/nearby", lat=33.29, lon=113.52,
                                           kind="warehouse", item="unobtainium"), 422)
    assert body["errors"][0]["field"] == "item"
    assert_error_shape(api(None).get("/api/v1/resources/nearby", lat=1, lon=1, kind="team"), 401)
    assert_error_shape(api("enterprise1").get("/api/v1/resources/nearby", lat=1, lon=1, kind="team"), 403)
