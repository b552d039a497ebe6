"""The annual statistics (issue 17 §3): the API contract, scope, bad input, consistency with the lists over
generated records (several seeds, years and scopes), a township's figures adding up to the county's, the entered
historical figures kept apart, and the exports (the Word document read back)."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import Organisation, Region, User
from yingji.incidents.models import Incident
from yingji.preparedness.models.publicity import PublicityActivity
from yingji.resources.models import Team
from yingji.standards import gb2260
from yingji.statistics import annual
from yingji.statistics.choices import Indicator

CONTRACT = {"year", "region_code", "teams", "drills", "training", "publicity", "inspections", "hazards",
            "enforcement", "incidents", "warnings", "alarms", "shelters"}
SHAPES = {"teams": {"count", "headcount"}, "drills": {"count", "by_kind"}, "training": {"sessions", "trainees_by_kind"},
          "publicity": {"events", "participants", "materials"}, "inspections": {"planned", "done"},
          "hazards": {"found", "closed", "major", "overdue"}, "enforcement": {"cases", "fines_yuan"},
          "incidents": {"count", "deaths", "by_grade", "by_scheme"},
          "warnings": {"published", "recipients", "confirmed"},
          "alarms": {"count", "by_level"}, "shelters": {"count", "capacity"}}


def _all(client, path, **params):
    items, offset = [], 0
    while True:
        page = client.get(path, limit=500, offset=offset, **params).json()
        items += page["items"]
        offset += 500
        if offset >= page["count"]:
            return items


def test_the_contract_and_the_default_jurisdiction(api, demo_county):
    year = timezone.localdate().year
    body = api("admin").get("/api/v1/statistics/annual", year=year)
    assert body.status_code == 200, body.content[:300]
    data = body.json()
    assert set(data) >= CONTRACT and data["year"] == year and data["region_code"] == demo_county["county"]
    for section, keys in SHAPES.items():
        assert set(data[section]) >= keys, section
    township = User.objects.get(username="township1").scope_region_code
    mine = api("township1").get("/api/v1/statistics/annual", year=year).json()
    assert mine["region_code"] == township
    assert mine["hazards"]["found"] <= data["hazards"]["found"]


def test_bad_input_and_other_scopes_are_refused(api, demo_county):
    township1 = User.objects.get(username="township1").scope_region_code
    other = Region.objects.filter(level="township").exclude(code=township1).order_by("code").first().code
    body = assert_error_shape(api("township1").get("/api/v1/statistics/annual", region=other), 422)
    assert [e["field"] for e in body["errors"]] == ["region"]
    body = assert_error_shape(api("admin").get("/api/v1/statistics/annual", year="99999"), 422)
    assert [e["field"] for e in body["errors"]] == ["year"]
    body = assert_error_shape(api("admin").get("/api/v1/statistics/annual", year="x", region="1"), 422)
    assert {e["field"] for e in body["errors"]} == {"year", "region"}
    assert api("enterprise1").get("/api/v1/statistics/annual").status_code == 403
    assert api(None).get("/api/v1/statistics/annual").status_code == 401


def test_figures_equal_their_lists(api, demo_county):
    """Teams and shelters against the team and shelter lists, incidents against the incident list of the year."""
    client = api("admin")
    year = timezone.localdate().year
    data = client.get("/api/v1/statistics/annual", year=year).json()
    teams = _all(client, "/api/v1/teams")
    assert data["teams"] == {"count": len(teams), "headcount": sum(t["headcount"] for t in teams)}
    shelters = _all(client, "/api/v1/shelters")
    assert data["shelters"] == {"count": len(shelters), "capacity": sum(s["capacity"] for s in shelters)}
    incidents = [i for i in _all(client, "/api/v1/incidents")
                 if timezone.localtime(datetime.datetime.fromisoformat(i["occurred_at"])).year == year]
    assert data["incidents"]["count"] == len(incidents)
    assert data["incidents"]["deaths"] == sum(i["deaths"] for i in incidents)


def _region_codes():
    townships = list(Region.objects.filter(level="township").order_by("code").values_list("code", flat=True))
    villages = {t: list(Region.objects.filter(level="village", code__startswith=t).values_list("code", flat=True))
                for t in townships}
    return townships, villages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_records_are_counted_once_where_they_belong(demo_county, seed):
    """Generated incidents, teams and publicity activities in random places and years: each year's and each
    scope's figures grow by exactly what was generated there, and the townships plus the county level add up to
    the county."""
    rng = random.Random(seed)
    admin = User.objects.get(username="admin")
    county = demo_county["county"]
    townships, villages = _region_codes()
    this_year = timezone.localdate().year
    years = [this_year - 2, this_year - 1, this_year]
    scopes = [county, *rng.sample(townships, 2)]
    before = {(y, s): annual.figures(admin, y, s) for y in years for s in scopes}
    organiser = Organisation.objects.order_by("id").first()
    expected: dict = {}

    def add(year, code, key, amount):
        for scope in scopes:
            if code.startswith(scope):
                expected[(year, scope, key)] = expected.get((year, scope, key), 0) + amount

    for n in range(rng.randint(5, 15)):
        year = rng.choice(years)
        town = rng.choice(townships)
        code = rng.choice([county, town, *villages[town][:2]])
        deaths = rng.randint(0, 3)
        when = timezone.make_aware(datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28), 10))
        Incident.objects.create(region_code=code, category="accident", event_type="fire", title=f"生成事件{n}",
                                occurred_at=when, received_at=when, deaths=deaths, grade="ordinary", source="phone")
        add(year, code, ("incidents", "count"), 1)
        add(year, code, ("incidents", "deaths"), deaths)
    for n in range(rng.randint(3, 8)):
        year = rng.choice(years)
        town = rng.choice(townships)
        code = rng.choice([town, *villages[town][:1]])
        people, materials = rng.randint(10, 500), rng.randint(0, 2000)
        PublicityActivity.objects.create(title=f"生成活动{n}", kind="lecture", held_on=datetime.date(year, 5, 12),
                                         place="广场", region_code=code, organiser=organiser, audience="群众",
                                         participants=people, materials_count=materials)
        add(year, code, ("publicity", "events"), 1)
        add(year, code, ("publicity", "participants"), people)
        add(year, code, ("publicity", "materials"), materials)
    for n in range(rng.randint(1, 4)):
        town = rng.choice(townships)
        headcount = rng.randint(5, 60)
        Team.objects.create(name=f"生成队伍{n}", kind=Team._meta.get_field("kind").choices[0][0], region_code=town,
                            headcount=headcount)
        for year in years:  # teams are a present figure: every year sees them
            add(year, town, ("teams", "count"), 1)
            add(year, town, ("teams", "headcount"), headcount)

    for year in years:
        for scope in scopes:
            after = annual.figures(admin, year, scope)
            for section, figure in [("incidents", "count"), ("incidents", "deaths"), ("publicity", "events"),
                                    ("publicity", "participants"), ("publicity", "materials"),
                                    ("teams", "count"), ("teams", "headcount")]:
                grown = after[section][figure] - before[(year, scope)][section][figure]
                assert grown == expected.get((year, scope, (section, figure)), 0), (year, scope, section, figure)

    from yingji.statistics import report

    table = report.township_table(admin, this_year, county)
    for column, total in enumerate(table["total"]):
        assert sum(r["values"][column] for r in table["rows"]) + table["county_level"][column] == total


def test_entered_figures_stay_apart(api, demo_county):
    section = api("section")
    year = timezone.localdate().year - 6
    computed = section.get("/api/v1/statistics/annual", year=year).json()
    created = section.post("/api/v1/statistics/historical-figures",
                           {"year": year, "indicator": "drills.count", "value": 14, "source": "工作总结"})
    assert created.status_code == 201, created.content[:300]
    again = assert_error_shape(section.post("/api/v1/statistics/historical-figures",
                                            {"year": year, "indicator": "drills.count", "value": 15}), 409)
    assert again["errors"][0]["field"] == "indicator"  # once per year, region and indicator
    data = section.get("/api/v1/statistics/annual", year=year).json()
    assert data["entered"] == {"drills.count": 14}
    assert data["drills"]["count"] == computed["drills"]["count"]  # not added to the computed figure
    future = assert_error_shape(section.post("/api/v1/statistics/historical-figures",
                                             {"year": timezone.localdate().year + 1, "indicator": "drills.count",
                                              "value": 1}), 422)
    assert [e["field"] for e in future["errors"]] == ["year"]
    unknown = assert_error_shape(section.post("/api/v1/statistics/historical-figures",
                                              {"year": year, "indicator": "nope", "value": 1}), 422)
    assert unknown["errors"][0]["field"] == "indicator"
    # A township's staff reads figures but may not enter them.
    assert api("township1").post("/api/v1/statistics/historical-figures",
                                 {"year": year, "indicator": "drills.count", "value": 1}).status_code == 403


def test_the_page_and_its_exports(web, demo_county):
    from docx import Document
    from openpyxl import load_workbook

    client = web("admin")
    year = timezone.localdate().year
    page = client.get("/statistics/annual/", {"year": year})
    assert page.status_code == 200
    html = page.content.decode()
    assert "年度统计" in html and 'id="yj-annual-townships"' in html and "录入" in html
    assert client.get("/statistics/annual/", {"year": "abc"}).status_code == 422
    xlsx = client.get("/statistics/annual/", {"year": year, "export": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == len(annual.SECTIONS) + 1
    docx = client.get("/statistics/annual/", {"year": year, "export": "docx"})
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(docx.content))
    assert annual.compute(User.objects.get(username="admin"), year)["region_name"] in document.paragraphs[0].text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("一、") and headings[1].startswith("二、")
    assert len(document.tables) == len(annual.SECTIONS) + 1
    first = document.tables[0]
    assert [c.text for c in first.rows[0].cells][1:] == [str(y) for y in range(year - 4, year + 1)]
    labels = {Indicator.label(k) for k in Indicator.values()}
    assert {row.cells[0].text for row in first.rows[1:]} <= labels
    assert web("enterprise1").get("/statistics/annual/").status_code == 403


def test_the_pdf_renders_chinese(web, demo_county):
    """The PDF export is a PDF whose every Chinese character has a glyph in the bundled CJK font, embedded."""
    from django.template.loader import render_to_string
    from fontTools.ttLib import TTFont

    from yingji.core import pdf
    from yingji.statistics import report, views

    font = pdf.bundled_cjk_font()
    if font is None or not pdf.available():
        pytest.skip("WeasyPrint or the bundled CJK font is not available here")
    admin = User.objects.get(username="admin")
    year = timezone.localdate().year
    html = render_to_string("statistics/annual_print.html", views._context(report.build(admin, year)))
    wide = {c for c in html if ord(c) > 0x2E7F}
    assert len(wide) > 50  # the report is written in Chinese
    ttf = TTFont(str(font), fontNumber=0, lazy=True)
    cmap = ttf.getBestCmap()
    assert not sorted(c for c in wide if ord(c) not in cmap)
    response = web("admin").get("/statistics/annual/", {"year": year, "export": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    family = (ttf["name"].getDebugName(6) or "").encode()
    assert family and any(family in part for part in _pdf_parts(response.content))  # the CJK font is embedded


def _pdf_parts(content: bytes):
    """The PDF's bytes and each of its streams inflated (font names sit in compressed object streams)."""
    import re
    import zlib

    yield content
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            yield zlib.decompressobj().decompress(content[match.end():match.end() + 2_000_000])
        except zlib.error:
            continue


@pytest.mark.parametrize("username", ["admin", "township1", "city"])
def test_the_table_by_area_gives_each_place_its_own_figures(demo_county, username):
    """The by-area table's grouped figures equal the report's own figures computed for each place alone, for a
    county (its townships), a township and the city (its counties)."""
    from yingji.statistics import report
    from yingji.statistics.choices import flat

    user = User.objects.get(username=username)
    region = user.scope_region_code
    year = timezone.localdate().year
    sections = sorted({indicator.split(".")[0] for indicator in report.TOWNSHIP_INDICATORS})
    for y in (year, year - 1):
        table = report.township_table(user, y, region)
        expected_rows = [[flat(annual.figures(user, y, code, sections))[i] for i in report.TOWNSHIP_INDICATORS]
                         for code, _name in annual.subdivisions(user, region)] if len(region) <= annual.TOWNSHIP \
            else []
        assert [r["values"] for r in table["rows"]] == expected_rows
        if expected_rows:
            total = flat(annual.figures(user, y, region, sections))
            assert table["total"] == [total[i] for i in report.TOWNSHIP_INDICATORS]
    assert any(any(v for v in r["values"]) for r in report.township_table(user, year, region)["rows"]) \
        or username == "township1"


@pytest.mark.parametrize("username", ["admin", "township1", "city"])
def test_five_years_read_together_equal_each_year_read_alone(demo_county, username):
    """The annual report reads its five years in one query per figure, grouped by year (a CASE over the years'
    ends in the county's time zone): each year's figures equal those of that year asked alone, records on either
    side of a New Year's midnight (local time, eight hours ahead of UTC) fall in their own year, and the report's
    cells are those figures."""
    from yingji.statistics import report

    user = User.objects.get(username=username)
    region = user.scope_region_code
    this_year = timezone.localdate().year
    years = range(this_year - 4, this_year + 1)
    place = demo_county["township"]
    organiser = Organisation.objects.order_by("id").first()
    before = {y: annual.figures(user, y, region) for y in years}
    for n, moment in enumerate([datetime.datetime(this_year - 2, 12, 31, 23, 30),
                                datetime.datetime(this_year - 1, 1, 1, 0, 30)]):
        when = timezone.make_aware(moment)
        Incident.objects.create(region_code=place, category="accident", event_type="fire", title=f"跨年事件{n}",
                                occurred_at=when, received_at=when, deaths=n + 1, grade="ordinary", source="phone")
        PublicityActivity.objects.create(title=f"跨年活动{n}", kind="lecture", held_on=when.date(), place="广场",
                                         region_code=place, organiser=organiser, audience="群众", participants=10,
                                         materials_count=0)

    together = annual.figures_by_year(user, years, region)
    alone = {y: annual.figures(user, y, region) for y in years}
    assert together == alone
    from yingji.prevention import stats as hazard_stats
    from yingji.prevention.models import Hazard

    for year in years:  # the hazards as the hazard statistics count their cohort of the year
        since, until = (timezone.make_aware(datetime.datetime(y, 1, 1)) for y in (year, year + 1))
        total = hazard_stats.hazard_statistics(Hazard.objects.for_user(user).filter(
            region_code__startswith=gb2260.prefix(region)), "township", since, until).total
        assert together[year]["hazards"] == {key: total[key] for key in ("found", "closed", "major", "overdue")}
    assert any(together[y]["hazards"]["found"] for y in years)
    for year, grown in ((this_year - 2, 1), (this_year - 1, 1), (this_year - 3, 0), (this_year, 0)):
        assert together[year]["incidents"]["count"] - before[year]["incidents"]["count"] == grown, year
        assert together[year]["publicity"]["events"] - before[year]["publicity"]["events"] == grown, year
    assert together[this_year - 1]["incidents"]["deaths"] - before[this_year - 1]["incidents"]["deaths"] == 2
    assert any(together[y]["incidents"]["count"] for y in years[:-1])  # the demo has past years to read

    built = report.build(user, this_year, region)
    assert built["answer"] == {**annual.compute(user, this_year, region)}
    for section in built["sections"]:
        for row in section["rows"]:
            block, figure = row["indicator"].split(".")
            for cell in row["cells"]:
                if block in report.PRESENT and cell["year"] != this_year:
                    assert cell["computed"] is None
                    continue
                value = alone[cell["year"]][block]
                assert cell["computed"] == (None if value is None else value.get(figure)), (row["indicator"], cell)


def test_five_years_cost_the_queries_of_one(demo_county):
    """Each figure group is read once for all the report's years: five years make as many queries as one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = User.objects.get(username="admin")
    region = user.scope_region_code
    this_year = timezone.localdate().year
    annual.figures(user, this_year, region)  # caches warm (region names)
    with CaptureQueriesContext(connection) as one:
        annual.figures(user, this_year, region)
    with CaptureQueriesContext(connection) as five:
        annual.figures_by_year(user, range(this_year - 4, this_year + 1), region)
    assert len(five) == len(one) <= 30
