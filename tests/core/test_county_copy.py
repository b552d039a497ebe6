"""A city installation: a county's records copied under a sibling county's code (core.county_copy), then every
scoped model walked to show that the two counties never see each other's rows and the city sees both."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from yingji.core import county_copy, policy, rollup
from yingji.core.choices import RegionLevel
from yingji.core.models import Region, User

SOURCE, TARGET = "410481", "410422"


@pytest.fixture
def copied(demo_county):
    return county_copy.copy_county(SOURCE, TARGET, "叶县", slot=1, kind="county")


def _scoped_models():
    return [m for m in apps.get_models() if m.__module__.startswith("yingji.") and policy.is_scoped(m)]


def test_the_copy_has_the_county_s_shape(copied):
    assert Region.objects.get(code=TARGET).name == "叶县"
    assert Region.objects.get(code=TARGET).parent.code == "410400"
    for level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        assert (Region.objects.filter(level=level, code__startswith=TARGET).count()
                == Region.objects.filter(level=level, code__startswith=SOURCE).count() > 0)
    for model in county_copy._models():
        column = county_copy._region_column(model)
        if column is None:
            continue
        field = next(f.name for f in model._meta.concrete_fields if f.column == column)
        assert (model.objects.filter(**{f"{field}__startswith": TARGET}).count()
                == model.objects.filter(**{f"{field}__startswith": SOURCE}).count()), model
    assert copied["enterprises.Enterprise"] > 50 and copied["prevention.Hazard"] > 50
    duty = User.objects.get(username=f"duty@{TARGET}")
    assert duty.scope_region_code == TARGET and duty.check_password("Yjdemo@2026")


def test_counties_never_see_each_other_and_the_city_sees_both(copied):
    """Every scoped model: a row copied from the first county is invisible to the second county's accounts and
    the other way round; the city's account sees both."""
    pairs = [("duty", f"duty@{TARGET}"), ("observer", f"observer@{TARGET}"), ("township1", f"township1@{TARGET}")]
    city = User.objects.get(username="city")
    checked = city_sees = 0
    for model in _scoped_models():
        table = model._meta.db_table
        pks = set(model.objects.filter(pk__gte=county_copy.OFFSET, pk__lt=2 * county_copy.OFFSET)
                  .values_list("pk", flat=True))
        if not pks:
            continue
        sources = {pk - county_copy.OFFSET for pk in pks}
        for first, second in pairs:
            a, b = User.objects.get(username=first), User.objects.get(username=second)
            seen_a = set(model.objects.filter(policy.scope_q(a, model)).values_list("pk", flat=True))
            seen_b = set(model.objects.filter(policy.scope_q(b, model)).values_list("pk", flat=True))
            assert not seen_a & pks, (table, first, sorted(seen_a & pks)[:5])
            assert not seen_b & sources, (table, second, sorted(seen_b & sources)[:5])
            # What one county sees of its own, the other sees of its copy.
            assert {pk + county_copy.OFFSET for pk in seen_a & sources} == seen_b & pks, (table, first)
        seen_city = set(model.objects.filter(policy.scope_q(city, model)).values_list("pk", flat=True))
        # The city sees a county's row exactly when it sees the copy's (drafts of others stay hidden alike).
        assert {pk + county_copy.OFFSET for pk in seen_city & sources} == seen_city & pks, table
        city_sees += bool(seen_city & pks)
        checked += 1
    assert checked > 60 and city_sees > 50


def test_the_city_overview_puts_the_counties_side_by_side(copied):
    city = User.objects.get(username="city")
    data = rollup.table(city)
    assert [r["code"] for r in data["rows"]] == [TARGET, SOURCE]
    first, second = data["rows"]
    assert [c["value"] for c in first["cells"]] == [c["value"] for c in second["cells"]]
    keys = [c["key"] for c in data["columns"]]
    assert {"enterprises", "open_hazards", "overdue_hazards", "open_incidents"} <= set(keys)
    enterprises = keys.index("enterprises")
    assert first["cells"][enterprises]["value"] == (
        policy.restrict(apps.get_model("enterprises.Enterprise").objects.all(), city)
        .filter(region_code__startswith=TARGET).count()) > 0
    assert [c["value"] for c in data["total"]] == [a["value"] + b["value"] for a, b in zip(
        first["cells"], second["cells"], strict=True)]
    # A county's account gets its townships instead, and never the other county.
    duty = User.objects.get(username="duty")
    county = rollup.table(duty)
    assert county["level"] == RegionLevel.TOWNSHIP and all(r["code"].startswith(SOURCE) for r in county["rows"])


def test_copy_refuses_what_it_cannot_do(demo_county):
    with pytest.raises(ValueError, match="not a county code"):
        county_copy.copy_county(SOURCE, "410400", "x", slot=1)
    with pytest.raises(ValueError, match="same city"):
        county_copy.copy_county(SOURCE, "410522", "x", slot=1)
    with pytest.raises(ValueError, match="exists already"):
        county_copy.copy_county(SOURCE, SOURCE, "x", slot=1)


def test_unique_text_keys_get_the_county_suffix(copied):
    fields = county_copy._unique_fixes(User, set(county_copy._models()), SOURCE)
    assert fields == {"username"}
    assert isinstance(User._meta.get_field("username"), models.CharField)


def _csv_rows(client, url: str) -> int:
    response = client.get(url + ("&" if "?" in url else "?") + "export=csv")
    assert response.status_code == 200, (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = [line for line in body.decode("utf-8-sig").splitlines() if line.strip()]
    return len(lines) - 1  # the header


def test_the_city_pages_and_every_figure_opens_its_list(copied, web):
    city = web("city")
    home = city.get("/").content.decode()
    assert 'data-yj-panel="areas"' in home and "叶县" in home and "舞钢市" in home
    page = city.get("/areas/")
    assert page.status_code == 200
    data = page.context["data"]
    row = next(r for r in data["rows"] if r["code"] == TARGET)
    keys = [c["key"] for c in data["columns"]]
    # A figure is the count of the list it opens (the list's own export, cut to the county).
    for key in ("enterprises", "overdue_hazards"):
        cell = row["cells"][keys.index(key)]
        assert f"={TARGET}" in cell["url"]
        assert _csv_rows(city, cell["url"]) == cell["value"] > 0, key
    export = city.get("/areas/?export=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
    assert city.get("/areas/?export=doc").status_code == 422
    # The annual statistics of the city break down by county, and the rows add up to the city.
    annual = city.get("/statistics/annual/").context["report"]["townships"]
    assert [r["code"] for r in annual["rows"]] == [TARGET, SOURCE] and annual["title"] == "分县(市、区)"
    assert annual["rows"][0]["values"] == annual["rows"][1]["values"]
    # The copied county's own accounts see their county only, and get their townships by area.
    duty = web(f"duty@{TARGET}")
    areas = duty.get("/areas/").context["data"]
    assert areas["rows"] and all(r["code"].startswith(TARGET) for r in areas["rows"])
    # A village's account and an enterprise's have no divisions below: no page, no menu entry.
    for username in ("grid1", "enterprise1"):
        client = web(username)
        assert client.get("/areas/").status_code == 403
        assert 'href="/areas/"' not in client.get("/").content.decode()


@pytest.mark.parametrize(("code", "level", "parent", "field"), [
    ("410000", "county", None, "code"),            # a province is no region here
    ("410400", "county", None, "level"),           # 4104 00 is a city
    ("410422", "county", "410481", "parent"),      # a county under a county
])
def test_region_codes_follow_gb2260(demo_county, code, level, parent, field):
    region = Region(code=code, name="x", level=level, parent=Region.objects.get(code=parent) if parent else None)
    with pytest.raises(ValidationError) as caught:
        region.full_clean()
    assert field in caught.value.message_dict

def test_a_county_under_its_city_is_valid(demo_county):
    Region(code="410422", name="叶县", level="county", parent=Region.objects.get(code="410400")).full_clean()
    assert Region.objects.get(code="410481").parent.code == "410400"
