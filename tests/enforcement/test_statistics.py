"""Enforcement statistics (issue 14 §7): figures computed from records created here, in a year the demo leaves
empty (2030), so every expected number is known; scope (a township sees its own, an enterprise nothing); the API's
schema matches what it returns; the export; a query-count guard."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yingji.core.demo import demo_scopes
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import User
from yingji.enforcement.choices import CaseState, DocumentKind, InspectionState, PlanState
from yingji.enforcement.models import (
    AnnualInspectionPlan,
    EnforcementDocument,
    EnforcementItem,
    Inspection,
    InspectionFinding,
    Officer,
    PenaltyCase,
    PlanItem,
)
from yingji.enforcement.services import statistics
from yingji.enterprises.models import Enterprise
from yingji.prevention.models import Hazard

YEAR = 2030


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _at(month: int, day: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, month, day, 10, 0))


_serial = iter(range(1, 10_000))


def _inspection(enterprise, officers, *, month, state=InspectionState.RECORDED, hazards=()):
    inspection = Inspection.objects.create(enterprise=enterprise, region_code=enterprise.region_code, origin="plan",
                            planned_on=datetime.date(YEAR, month, 5), state=state, checklist_industry="general",
                            checklist_name="x", checklist_version="1", exam_seed="s",
                            finished_at=_at(month) if state in statistics.DONE_STATES else None)
    inspection.officers.set(officers)
    for n, hazard in enumerate(hazards):
        InspectionFinding.objects.create(inspection=inspection, position=n, item_code=f"I{n}", category="c",
                   item_text="t", basis="b", result="non_compliant", hazard=hazard)
    return inspection


def _document(enterprise, kind, month, issuer):
    serial = next(_serial)
    document = EnforcementDocument(kind=kind, prefix="测", year=YEAR, serial=serial, number=f"测{YEAR}-{kind}-{serial}",
                                   issuer="测试", enterprise=enterprise, region_code=enterprise.region_code,
                                   issued_at=_at(month), issued_by=issuer)
    document._issuing = True
    document.save()
    return document


def _case(enterprise, officers, **dates):
    item = EnforcementItem.objects.filter(kind="penalty").order_by("pk").first()
    case = PenaltyCase.objects.create(enterprise=enterprise, region_code=enterprise.region_code, title="t",
                      party_name=enterprise.name, source="inspection", item=item, item_code=item.code,
                      item_version=item.version, discovered_on=datetime.date(YEAR, 1, 2), **dates)
    case.officers.set(officers)
    return case


@pytest.fixture
def county(demo_county):
    """Records of 2030 in two townships and two industries by two officers; returns what the tests need."""
    scopes = demo_scopes()
    t1, t2 = scopes["township"], scopes["township2"]
    e1 = Enterprise.objects.filter(region_code__startswith=t1).exclude(industry_division="").order_by("id").first()
    e1b = Enterprise.objects.filter(region_code__startswith=t1).exclude(pk=e1.pk).order_by("id").first()
    e2 = (Enterprise.objects.filter(region_code__startswith=t2).exclude(industry_division="")
          .exclude(industry_division=e1.industry_division).order_by("id").first())
    o1, o2 = Officer.objects.order_by("pk")[:2]
    closed = Hazard.objects.filter(state="closed").order_by("pk")[:2]
    open_ = Hazard.objects.filter(state="rectifying").order_by("pk").first()
    # Inspections: e1 done in March (officers 1+2, two hazards: one closed, one rectifying) and in May (officer 1,
    # the same closed hazard again: counted once); e1b done in March; e2 done in July (officer 2, a closed hazard);
    # e2 planned for August and still planned; one cancelled (not counted); one done in 2029 (not counted).
    _inspection(e1, [o1, o2], month=3, hazards=[closed[0], open_])
    _inspection(e1, [o1], month=5, hazards=[closed[0]])
    _inspection(e1b, [o1], month=3, state=InspectionState.CLOSED)
    _inspection(e2, [o2], month=7, hazards=[closed[1]])
    _inspection(e2, [o2], month=8, state=InspectionState.PLANNED)
    _inspection(e2, [o2], month=8, state=InspectionState.CANCELLED)
    old = _inspection(e2, [o2], month=12)
    Inspection.objects.filter(pk=old.pk).update(planned_on=datetime.date(YEAR - 1, 12, 1),
                                                finished_at=_at(12) - datetime.timedelta(days=366))
    # Documents: two rectification orders in March (t1, by officer 1's account), a site record in July (t2).
    _document(e1, DocumentKind.RECTIFICATION_ORDER, 3, o1.user)
    _document(e1b, DocumentKind.RECTIFICATION_ORDER, 3, o1.user)
    _document(e2, DocumentKind.SITE_INSPECTION_RECORD, 7, o2.user)
    # Cases: e1 filed in Feb, decided in April (5000), paid in June (5000), closed in June; e2 filed in Sept,
    # decided in Oct (3000, unpaid); a revoked decision in e2 (not a fine decided).
    _case(e1, [o1], filed_on=datetime.date(YEAR, 2, 1), decided_on=datetime.date(YEAR, 4, 1), fine=Decimal(5000),
          paid_on=datetime.date(YEAR, 6, 1), amount_paid=Decimal(5000), closed_on=datetime.date(YEAR, 6, 20),
          state=CaseState.CLOSED)
    _case(e2, [o2], filed_on=datetime.date(YEAR, 9, 1), decided_on=datetime.date(YEAR, 10, 1), fine=Decimal(3000),
          state=CaseState.DECIDED)
    _case(e2, [o2], filed_on=datetime.date(YEAR - 1, 9, 1), decided_on=datetime.date(YEAR, 10, 1),
          fine=Decimal(900), state=CaseState.REVOKED)
    # The plan: a county plan (e1: key visits in March and May; e2: one random visit in July) and a township plan
    # that plans e1 again (two visits in March and June: the more local plan counts); a draft plan is not counted.
    county_plan = AnnualInspectionPlan.objects.create(year=YEAR, region_code=scopes["county"], title="县",
                             state=PlanState.PUBLISHED)
    township_plan = AnnualInspectionPlan.objects.create(year=YEAR, region_code=t1, title="镇", state=PlanState.APPROVED)
    draft = AnnualInspectionPlan.objects.create(year=YEAR, region_code=t2, title="草稿", state=PlanState.DRAFT)

    def item(plan, enterprise, key, random):
        PlanItem.objects.create(plan=plan, enterprise=enterprise, region_code=enterprise.region_code,
                   township_code=enterprise.region_code[:9], supervision_class="B", key_visits=len(key),
                   random_visits=len(random), key_months=key, random_months=random)

    item(county_plan, e1, [3, 5], [])
    item(county_plan, e2, [], [7])
    item(township_plan, e1, [3], [6])
    item(draft, e2, [1, 2, 3], [])
    return {"t1": t1, "t2": t2, "e1": e1, "e1b": e1b, "e2": e2, "o1": o1, "o2": o2,
            "industry1": e1.industry_division, "industry2": e2.industry_division,
            "rectified_open": open_.state in statistics.RECTIFIED_OR_LATER}


def _row(rows, key) -> dict:
    return next(r for r in rows if r["key"] == str(key))


def test_county_figures_are_the_records_created(county):
    data = statistics.summary(_user("section"), YEAR)
    t = data["totals"]
    assert t["plan_visits"] == 3  # e1 twice (the township plan counts), e2 once (county plan)
    assert t["inspections_planned"] == 5  # 4 done/recorded/closed + 1 planned; cancelled and 2029 excluded
    assert t["inspections_done"] == 4
    assert t["enterprises_covered"] == 3
    assert t["hazards_found"] == 3  # closed[0] counted once, the rectifying one, closed[1]
    assert t["hazards_rectified"] == 2
    assert t["documents"] == 3
    assert t["cases_opened"] == 2 and t["cases_closed"] == 1
    assert t["fines_decided"] == Decimal(8000) and t["fines_collected"] == Decimal(5000)
    assert t["done_rate"] == round(4 / 3, 4) and t["rectified_rate"] == round(2 / 3, 4)

    months = data["by_month"]
    assert [r["key"] for r in months] == [str(m) for m in range(1, 13)]
    assert [r["inspections_done"] for r in months] == [0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert [r["plan_visits"] for r in months] == [0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    assert _row(months, 3)["documents"] == 2 and _row(months, 7)["documents"] == 1
    assert _row(months, 2)["cases_opened"] == 1 and _row(months, 9)["cases_opened"] == 1
    assert _row(months, 4)["fines_decided"] == Decimal(5000) and _row(months, 10)["fines_decided"] == Decimal(3000)
    assert _row(months, 6)["fines_collected"] == Decimal(5000) and _row(months, 6)["cases_closed"] == 1

    townships = data["by_township"]
    assert [r["key"] for r in townships] == [county["t1"], county["t2"]]
    one, two = townships
    assert (one["inspections_done"], one["enterprises_covered"], one["hazards_found"], one["documents"],
            one["plan_visits"], one["fines_decided"]) == (3, 2, 2, 2, 2, Decimal(5000))
    assert (two["inspections_done"], two["enterprises_covered"], two["hazards_found"], two["documents"],
            two["plan_visits"], two["fines_decided"]) == (1, 1, 1, 1, 1, Decimal(3000))
    assert not one["label"].isdigit() and not two["label"].isdigit()  # names, not codes

    industries = {r["key"]: r for r in data["by_industry"]}
    assert industries[county["industry2"]]["inspections_done"] == 1 + (county["e1b"].industry_division
                                                                       == county["industry2"])
    assert sum(r["inspections_done"] for r in data["by_industry"]) == 4

    officers = {r["key"]: r for r in data["by_officer"]}
    o1, o2 = officers[str(county["o1"].pk)], officers[str(county["o2"].pk)]
    assert o1["label"] == county["o1"].name
    assert (o1["inspections_done"], o1["hazards_found"], o1["documents"], o1["cases_opened"], o1["fines_decided"]) \
        == (3, 2, 2, 1, Decimal(5000))
    assert (o2["inspections_done"], o2["hazards_found"], o2["documents"], o2["cases_opened"], o2["fines_decided"]) \
        == (2, 3, 1, 1, Decimal(3000))
    assert o1["plan_visits"] == 0

    kinds = {d["kind"]: d["count"] for d in data["documents_by_kind"]}
    assert kinds[DocumentKind.RECTIFICATION_ORDER] == 2 and kinds[DocumentKind.SITE_INSPECTION_RECORD] == 1
    assert sum(kinds.values()) == 3 and set(kinds) == set(DocumentKind.values())


def test_filters_township_industry_officer(county):
    section = _user("section")
    by_township = statistics.summary(section, YEAR, township=county["t2"])["totals"]
    assert (by_township["inspections_done"], by_township["plan_visits"], by_township["documents"],
            by_township["cases_opened"]) == (1, 1, 1, 1)
    by_industry = statistics.summary(section, YEAR, industry=county["industry2"])["totals"]
    assert by_industry["fines_decided"] == Decimal(3000)
    by_officer = statistics.summary(section, YEAR, officer=county["o1"].pk)["totals"]
    assert (by_officer["inspections_done"], by_officer["documents"], by_officer["cases_opened"],
            by_officer["plan_visits"]) == (3, 2, 1, 0)


def test_a_township_sees_its_own_township_only(county):
    data = statistics.summary(_user("township1"), YEAR)
    assert [r["key"] for r in data["by_township"]] == [county["t1"]]
    assert data["totals"]["inspections_done"] == 3 and data["totals"]["fines_decided"] == Decimal(5000)
    assert data["totals"]["plan_visits"] == 2
    # Asking for another township gives nothing of it.
    other = statistics.summary(_user("township1"), YEAR, township=county["t2"])["totals"]
    assert other["inspections_done"] == 0 and other["documents"] == 0 and other["fines_decided"] == 0


def test_enterprise_accounts_have_no_access(county, api, web):
    with pytest.raises(NotAllowed):
        statistics.summary(_user("enterprise1"), YEAR)
    assert api("enterprise1").get(f"/api/v1/enforcement/statistics?year={YEAR}").status_code == 403
    assert web("enterprise1").get("/enforcement/statistics/").status_code == 403
    assert api(None).get(f"/api/v1/enforcement/statistics?year={YEAR}").status_code == 401
    # A village grid member reads no enforcement documents: no statistics either.
    assert not statistics.may_view(_user("grid1")) and statistics.may_view(_user("township1"))
    # The menu's rule is the same.
    from yingji.core.modules import MODULES

    module = next(m for m in MODULES if m.key == "enforcement_statistics")
    for name in ("section", "township1", "grid1", "enterprise1", "observer"):
        assert module.allowed(_user(name)) == statistics.may_view(_user(name)), name


def test_bad_parameters_answer_422(county, api):
    with pytest.raises(ValidationFailed):
        statistics.summary(_user("section"), "x")
    for query in ("year=1800", "year=2030&township=999", "year=2030&industry=ZZ", "year=2030&officer=999999"):
        response = api("section").get(f"/api/v1/enforcement/statistics?{query}")
        assert response.status_code == 422, (query, response.content)
        assert response.json()["errors"]
    assert api("section").get("/api/v1/enforcement/statistics").status_code == 422


def _keys(schema, spec) -> set[str]:
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return set(schema.get("properties", {}))


def test_the_api_answers_its_documented_schema(county, api):
    response = api("section").get(f"/api/v1/enforcement/statistics?year={YEAR}")
    assert response.status_code == 200, response.content
    body = response.json()
    spec = api("section").get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/enforcement/statistics"]["get"]
    root = operation["responses"]["200"]["content"]["application/json"]["schema"]
    schemas = spec["components"]["schemas"]
    top = schemas[root["$ref"].rsplit("/", 1)[1]]
    assert set(body) == set(top["properties"])
    assert set(body["totals"]) == _keys(top["properties"]["totals"], spec)
    row_schema = top["properties"]["by_month"]["items"]
    for dimension in statistics.DIMENSIONS:
        for row in body[f"by_{dimension}"]:
            assert set(row) == _keys(row_schema, spec)
    assert set(body["documents_by_kind"][0]) == _keys(top["properties"]["documents_by_kind"]["items"], spec)
    assert body["totals"]["inspections_done"] == 4 and float(body["totals"]["fines_decided"]) == 8000
    assert set(body["figures"]) == set(statistics.FIGURES)


def test_the_export_has_the_figures(county, web):
    response = web("section").get(f"/enforcement/statistics/?year={YEAR}&export=csv&dimension=township")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, rows = lines[1], lines[2:]
    assert header[0] and not header[0].isascii()  # Chinese headers
    done = header.index(str(statistics.FIGURE_LABELS["inspections_done"]))
    assert [r[done] for r in rows] == ["3", "1", "4"]  # two townships and the total
    xlsx = web("section").get(f"/enforcement/statistics/?year={YEAR}&export=xlsx&dimension=officer")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_page_shows_names_in_chinese(county, web):
    page = web("township1").get(f"/enforcement/statistics/?year={YEAR}").content.decode()
    assert "执法统计" in page and 'id="yj-statistics-township"' in page
    # The township select offers its own township only.
    assert f'value="{county["t2"]}"' not in page and f'value="{county["t1"]}"' in page


def test_the_page_shows_no_planned_visits_for_an_officer(county, web):
    """Plans name enterprises and months, not officers: an officer's row (and the totals of one officer) show a dash
    for planned visits, not a 0 that reads as "nothing planned"."""
    import re

    client = web("section")
    page = client.get(f"/enforcement/statistics/?year={YEAR}").content.decode()
    officer_table = page[page.index('id="yj-statistics-officer"'):]
    officer_table = officer_table[:officer_table.index("</table>")]
    cells = re.findall(r'data-field="plan_visits">([^<]*)<', officer_table)
    assert cells and set(cells) == {"—"}
    township_table = page[page.index('id="yj-statistics-township"'):]
    township_cells = re.findall(r'data-field="plan_visits">([^<]*)<', township_table[:township_table.index("</table>")])
    assert "—" not in township_cells and "1" in township_cells  # the township plan's visit
    one = client.get(f"/enforcement/statistics/?year={YEAR}&officer={county['o1'].pk}").content.decode()
    month_table = one[one.index('id="yj-statistics-month"'):]
    assert set(re.findall(r'data-field="plan_visits">([^<]*)<', month_table[:month_table.index("</table>")])) == {"—"}
    # The export of the officers' table says the same.
    export = client.get(f"/enforcement/statistics/?year={YEAR}&export=csv&dimension=officer")
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    planned = lines[1].index(str(statistics.FIGURE_LABELS["plan_visits"]))
    officers, total = lines[2:-1], lines[-1]
    assert officers and {r[planned] for r in officers} == {"—"}
    assert total[planned] == "3"  # the county's planned visits, as on the page's totals


def test_a_fixed_number_of_queries_whatever_the_records(county):
    section = _user("section")
    statistics.summary(section, YEAR)  # caches warm (region names, industries)
    with CaptureQueriesContext(connection) as first:
        statistics.summary(section, YEAR)
    for month in range(1, 13):
        _inspection(county["e2"], [county["o1"], county["o2"]], month=month,
                    hazards=Hazard.objects.filter(state="closed").order_by("-pk")[:2])
        _document(county["e2"], DocumentKind.RECTIFICATION_REVIEW, month, county["o2"].user)
        _case(county["e2"], [county["o1"]], filed_on=datetime.date(YEAR, month, 3))
    with CaptureQueriesContext(connection) as second:
        data = statistics.summary(section, YEAR)
    assert data["totals"]["inspections_done"] == 16
    assert len(second) == len(first)
    assert len(first) <= 30  # a query per figure family and grouping (the months: per figure date)


def test_pure_helpers():
    merged = statistics.merge_groups([{1: {"inspections_done": 2}}, {1: {"fines_decided": None},
                                                                     2: {"fines_decided": Decimal(5)}}], keys=[3])
    assert merged[1]["inspections_done"] == 2 and merged[1]["fines_decided"] == 0
    assert merged[2]["fines_decided"] == Decimal(5) and merged[3]["documents"] == 0
    total = statistics.totals_of(merged.values())
    assert total["inspections_done"] == 2 and total["fines_decided"] == Decimal(5)
    assert statistics.rate(1, 3) == 0.3333 and statistics.rate(1, 0) is None


def test_months_by_bounds_equal_grouping_by_the_local_month(county):
    """``_by_month`` counts each record in the month the county's clock shows, as ``ExtractMonth`` groups it,
    also for a record finished in the first minute of a month (the day before in UTC)."""
    from django.db.models.functions import ExtractMonth

    inspection = _inspection(county["e2"], [county["o1"]], month=5)
    Inspection.objects.filter(pk=inspection.pk).update(
        finished_at=timezone.make_aware(datetime.datetime(YEAR, 5, 1, 0, 0, 30)))
    f = statistics.clean_filters(YEAR)
    for source in statistics._sources(_user("section"), f):
        qs, date_field, aggregates = source.records, source.date_field, source.aggregates(None)
        ours = statistics._by_month(qs, date_field, aggregates, YEAR)
        theirs = statistics._grouped(qs, ExtractMonth(date_field), aggregates)
        assert set(ours) <= set(statistics.MONTHS) and set(theirs) <= set(statistics.MONTHS)
        for month in statistics.MONTHS:
            expected = theirs.get(month, dict.fromkeys(aggregates))
            found = ours.get(month, dict.fromkeys(aggregates))  # a month without records: merge_groups' zeros
            assert {k: v or 0 for k, v in found.items()} == {k: v or 0 for k, v in expected.items()}, \
                (date_field, month)
    months = statistics.summary(_user("section"), YEAR)["by_month"]
    assert _row(months, 5)["inspections_done"] >= 1 and _row(months, 4)["inspections_done"] == 0


@pytest.mark.parametrize("dimension", [None, "township", "industry", "officer"])
def test_a_familys_figures_in_one_query_equal_each_figure_read_alone(county, dimension):
    """The penalty cases' four figures (and the inspections' scheduled and done) are read in one query per
    grouping, each counted under its own date: the same as one query per figure. Cases are made so that each
    date falls in the year for some and outside it for others, and a revoked decision's fine is left out."""
    for n, (filed, closed, decided, paid) in enumerate([((YEAR, 3, 1), (YEAR, 9, 1), (YEAR, 4, 1), (YEAR, 5, 1)),
                                                       ((YEAR - 1, 12, 30), (YEAR, 1, 5), None, None),
                                                       ((YEAR, 11, 1), None, (YEAR, 12, 1), (YEAR + 1, 1, 3)),
                                                       ((YEAR - 1, 6, 1), None, (YEAR - 1, 7, 1), (YEAR, 2, 1))]):
        day = {name: datetime.date(*d) for name, d in
               (("filed_on", filed), ("closed_on", closed), ("decided_on", decided), ("paid_on", paid)) if d}
        _case(county["e1" if n % 2 else "e2"], [county["o1"]], fine=Decimal(10000 + n),
              amount_paid=Decimal(500 + n), state=CaseState.REVOKED if n == 2 else CaseState.CLOSED, **day)
    f = statistics.clean_filters(YEAR)
    sources = statistics._sources(_user("section"), f)
    alone = []
    for s in sources:
        key = statistics._key(dimension, s.officer_path) if dimension else None
        alone.append(statistics._grouped(s.records, key, s.aggregates(None)) if key is not None
                     else {None: s.records.aggregate(**s.aggregates(None))})
    officer_path = {s.family: s.officer_path for s in sources}
    together = [statistics._grouped(qs, statistics._key(dimension, officer_path[family]), aggregates) if dimension
                else {None: qs.aggregate(**aggregates)} for family, qs, aggregates in statistics._by_family(sources)]
    assert len(together) < len(alone)
    assert statistics.merge_groups(together) == statistics.merge_groups(alone)
    totals = statistics.merge_groups(alone)
    assert any(row["cases_opened"] and row["fines_decided"] for row in totals.values())
