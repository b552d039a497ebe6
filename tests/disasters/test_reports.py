"""Disaster reporting: villages → townships → county, every validation rule through the service, scope, deadlines
with time travel, reminders, the console, and the 快报表 export cell by cell."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Region, User
from yingji.disasters.choices_reports import ReportState
from yingji.disasters.models import DisasterReport
from yingji.disasters.services import reports as svc

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
START = datetime.datetime(2026, 7, 10, 3, 0, tzinfo=TZ)


@pytest.fixture
def area(demo_county):
    township = demo_county["township"]
    villages = list(Region.objects.filter(parent__code=township).order_by("code").values_list("code", flat=True))
    return {"county": demo_county["county"], "township": township, "v1": villages[0], "v2": villages[1],
            "township2": demo_county["township2"]}


@pytest.fixture
def users():
    return {name: User.objects.get(username=name) for name in ("admin", "township1", "township2", "grid1")}


@pytest.fixture
def event(area, users):
    svc.seed_thresholds(area["county"])
    with time_machine.travel(START, tick=False):
        return svc.open_event(users["admin"], {"region_code": area["county"], "title": "7·10 洪涝", "hazard": "flood",
                                               "started_at": START, "major": True})


def submit(actor, event, code, stage, casualties=(), **figures):
    report = svc.save_report(actor, event, {"region_code": code, "stage": stage, "figures": figures,
                                            "casualties": list(casualties)})
    return svc.submit_report(actor, report)


V1 = dict(affected_people=300, deaths=1, evacuated=120, needs_relief=80, collapsed_households=2, collapsed_rooms=5,
          crop_affected_ha="20", crop_damaged_ha="12", crop_lost_ha="3", loss_total="150", loss_agriculture="90")
V2 = dict(affected_people=200, evacuated=60, needs_relief=40, minor_households=4, minor_rooms=6,
          crop_affected_ha="10.5", crop_damaged_ha="4", loss_total="60.5", loss_housing="20")
DEAD = [{"name": "张某", "kind": "dead", "age": 67, "gender": "男", "cause": "房屋倒塌"}]


def _sum(*parts):
    from decimal import Decimal

    from yingji.standards import disasters as rules

    total = rules.sum_figures([rules.clean_figures(p) for p in parts])
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in total.items()}


def test_villages_township_county_chain(event, area, users):
    admin = users["admin"]
    submit(users["grid1"], event, area["v1"], "initial", DEAD, **V1)
    submit(admin, event, area["v2"], "initial", **V2)
    township = _sum(V1, V2)
    assert svc.rollup(event, area["township"], "initial") == township
    submit(users["township1"], event, area["township"], "initial", DEAD, **township)
    county = submit(admin, event, area["county"], "initial", DEAD, **township)
    assert county.state == ReportState.SUBMITTED
    event.refresh_from_db()
    assert event.relief_level == "IV"  # one death reaches Ⅳ in the seeded county plan


def test_township_must_equal_sum_of_villages(event, area, users):
    submit(users["admin"], event, area["v1"], "initial", DEAD, **V1)
    submit(users["admin"], event, area["v2"], "initial", **V2)
    wrong = dict(_sum(V1, V2), affected_people=499)
    with pytest.raises(ValidationFailed) as exc:
        submit(users["township1"], event, area["township"], "initial", DEAD, **wrong)
    assert {e["field"] for e in exc.value.errors} == {"affected_people"}


@pytest.mark.parametrize("figures,field", [
    ({"crop_affected_ha": "5", "crop_damaged_ha": "6"}, "crop_damaged_ha"),
    ({"crop_affected_ha": "5", "crop_damaged_ha": "4", "crop_lost_ha": "4.5"}, "crop_lost_ha"),
    ({"affected_people": 3, "evacuated": 4}, "evacuated"),
    ({"affected_people": 3, "needs_relief": 4}, "needs_relief"),
    ({"severe_households": 2, "severe_rooms": 1}, "severe_rooms"),
    ({"collapsed_rooms": 1}, "collapsed_households"),
    ({"loss_total": "1", "loss_industry": "2"}, "loss_total"),
    ({"affected_people": 3, "deaths": 1}, "deaths"),  # nobody named in the casualty list
])
def test_every_rule_refuses_submission(event, area, users, figures, field):
    report = svc.save_report(users["grid1"], event, {"region_code": area["v1"], "stage": "initial",
                                                     "figures": figures})
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_report(users["grid1"], report)
    assert field in {e["field"] for e in exc.value.errors}
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_missing_must_be_named_too(event, area, users):
    with pytest.raises(ValidationFailed) as exc:
        submit(users["grid1"], event, area["v1"], "initial", [{"name": "李某", "kind": "dead"}],
               affected_people=5, missing=1)
    assert {e["field"] for e in exc.value.errors} == {"deaths", "missing"}
    submit(users["grid1"], event, area["v1"], "initial", [{"name": "李某", "kind": "missing"}],
           affected_people=5, missing=1)


def test_bad_input_is_field_errors(event, area, users):
    for data, field in (({"figures": {"deaths": -1}}, "deaths"), ({"figures": {"rain": 3}}, "figures"),
                        ({"casualties": [{"name": ""}]}, "casualties"), ({"stage": "weekly"}, "stage")):
        payload = {"region_code": area["v1"], "stage": "initial", **data}
        with pytest.raises(ValidationFailed) as exc:
            svc.save_report(users["grid1"], event, payload)
        assert field in {e["field"] for e in exc.value.errors}


def test_stage_order(event, area, users):
    with pytest.raises(ValidationFailed):
        svc.save_report(users["grid1"], event, {"region_code": area["v1"], "stage": "follow_up", "figures": {}})
    submit(users["grid1"], event, area["v1"], "initial", affected_people=1)
    svc.save_report(users["grid1"], event, {"region_code": area["v1"], "stage": "follow_up", "figures": {}})
    with pytest.raises(ValidationFailed):  # 核报 only once the disaster is stable
        svc.save_report(users["grid1"], event, {"region_code": area["v1"], "stage": "final", "figures": {}})
    svc.end_event(users["admin"], event, START + datetime.timedelta(days=3))
    svc.save_report(users["grid1"], event, {"region_code": area["v1"], "stage": "final", "figures": {}})


def test_reporters_report_for_their_own_area_only(event, area, users):
    village2 = area["v2"]
    with pytest.raises(NotAllowed):  # a village member, for another village
        svc.save_report(users["grid1"], event, {"region_code": village2, "stage": "initial", "figures": {}})
    with pytest.raises(NotAllowed):  # a village member, for the township
        svc.save_report(users["grid1"], event, {"region_code": area["township"], "stage": "initial"})
    other = Region.objects.filter(parent__code=area["township2"]).order_by("code").first().code
    with pytest.raises(NotAllowed):  # a township, for another township's village
        svc.save_report(users["township1"], event, {"region_code": other, "stage": "initial", "figures": {}})
    with pytest.raises(NotAllowed):
        svc.save_report(users["township2"], event, {"region_code": area["township"], "stage": "initial"})
    svc.save_report(users["township1"], event, {"region_code": village2, "stage": "initial", "figures": {}})
    report = svc.save_report(users["admin"], event, {"region_code": area["v1"], "stage": "initial",
                                                     "figures": {"affected_people": 1}})
    with pytest.raises(NotAllowed):
        svc.submit_report(users["township2"], report)


def test_reports_visible_in_scope_only(event, area, users):
    submit(users["admin"], event, area["v1"], "initial", affected_people=1)
    other = Region.objects.filter(parent__code=area["township2"]).order_by("code").first().code
    submit(users["admin"], event, other, "initial", affected_people=2)
    mine = DisasterReport.objects.filter(event=event)
    assert set(mine.for_user(users["grid1"]).values_list("region_code", flat=True)) == {area["v1"]}
    assert set(mine.for_user(users["township2"]).values_list("region_code", flat=True)) == {other}
    assert mine.for_user(users["admin"]).count() == 2


def test_deadlines_with_time_travel(event, area, users):
    admin = users["admin"]
    with time_machine.travel(START + datetime.timedelta(minutes=90), tick=False):
        rows = {r["region_code"]: r for r in svc.due_reports(admin)}
        assert rows[area["county"]]["stage"] == "initial"
        assert rows[area["county"]]["due_at"] == START + datetime.timedelta(hours=2)
        assert rows[area["county"]]["status"] == "near"
    with time_machine.travel(START + datetime.timedelta(hours=2, minutes=1), tick=False):
        assert {r["region_code"]: r for r in svc.due_reports(admin)}[area["county"]]["status"] == "overdue"
        submit(admin, event, area["county"], "initial", affected_people=10)
        row = {r["region_code"]: r for r in svc.due_reports(admin)}[area["county"]]
        assert row["stage"] == "follow_up"
        assert row["due_at"] == datetime.datetime(2026, 7, 11, 9, 0, tzinfo=TZ)
    with time_machine.travel(datetime.datetime(2026, 7, 11, 9, 30, tzinfo=TZ), tick=False):
        assert {r["region_code"]: r for r in svc.due_reports(admin)}[area["county"]]["status"] == "overdue"
        submit(admin, event, area["county"], "follow_up", affected_people=20)
        row = {r["region_code"]: r for r in svc.due_reports(admin)}[area["county"]]
        assert row["due_at"] == datetime.datetime(2026, 7, 12, 9, 0, tzinfo=TZ)
        svc.end_event(admin, event, datetime.datetime(2026, 7, 11, 9, 0, tzinfo=TZ))
        row = {r["region_code"]: r for r in svc.due_reports(admin)}[area["county"]]
        assert (row["stage"], row["due_at"]) == ("final", datetime.datetime(2026, 7, 16, 9, 0, tzinfo=TZ))
    with time_machine.travel(datetime.datetime(2026, 7, 16, 9, 1, tzinfo=TZ), tick=False):
        assert {r["region_code"]: r for r in svc.due_reports(admin)}[area["county"]]["status"] == "overdue"
        submit(admin, event, area["county"], "final", affected_people=20)
        assert area["county"] not in {r["region_code"] for r in svc.due_reports(admin)}


def test_reminders_are_sent_once(event, area, users):
    from yingji.core.models import Notification

    with time_machine.travel(START + datetime.timedelta(minutes=70), tick=False):
        assert svc.remind_due() >= 1
        assert svc.remind_due() == 0
        assert Notification.objects.filter(kind="disaster_report", recipient__username="duty").exists()
    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        assert svc.remind_due() == 0  # nothing due within the hour yet


def test_console_lists_due_reports(event, area, users, web):
    from yingji.core import deadlines

    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        rows = deadlines.collect(users["admin"], timezone.now())
        assert any("7·10 洪涝" in r["title"] and r["url"].endswith(f"/{event.pk}/") for r in rows)
        # A village reporter sees its own village's 初报, due 30 minutes after the disaster: now.
        mine = svc.due_reports(users["grid1"])
        assert [(r["region_code"], r["stage"], r["status"]) for r in mine] == [(area["v1"], "initial", "near")]
        assert all(r["region_code"].startswith(area["township2"]) for r in svc.due_reports(users["township2"]))
        page = web("duty").get("/duty/panel/")
        assert page.status_code == 200
        assert "7·10 洪涝" in page.content.decode() and 'id="yj-other-deadlines"' in page.content.decode()


def test_export_cell_by_cell(event, area, users):
    admin = users["admin"]
    submit(admin, event, area["v1"], "initial", DEAD, **V1)
    submit(admin, event, area["v2"], "initial", **V2)
    total = _sum(V1, V2)
    submit(admin, event, area["township"], "initial", DEAD, **total)
    submit(admin, event, area["county"], "initial", DEAD, **total)
    ws = load_workbook(BytesIO(svc.export_workbook(event, "initial")))["快报表"]
    names = {c: Region.objects.get(code=c).name for c in (area["township"], area["v1"], area["v2"])}
    expected = [
        ["自然灾害损失情况统计快报表"] + [None] * 21,
        ["灾害过程：7·10 洪涝", None, "报送阶段：初报"] + [None] * 19,
        ["地区", "人口受灾情况", None, None, None, None, "房屋受损情况", None, None, None, None, None,
         "农作物受灾情况", None, None, "直接经济损失", None, None, None, None, None, None],
        [None, "受灾人口（人）", "因灾死亡人口（人）", "因灾失踪人口（人）", "紧急转移安置人口（人）",
         "需紧急生活救助人口（人）", "倒塌房屋户数（户）", "倒塌房屋间数（间）", "严重损坏房屋户数（户）",
         "严重损坏房屋间数（间）", "一般损坏房屋户数（户）", "一般损坏房屋间数（间）", "农作物受灾面积（公顷）",
         "农作物成灾面积（公顷）", "农作物绝收面积（公顷）", "直接经济损失（万元）", "农业损失（万元）",
         "工矿商贸业损失（万元）", "基础设施损失（万元）", "公共服务设施损失（万元）", "居民住房损失（万元）",
         "家庭财产损失（万元）"],
        [Region.objects.get(code=area["county"]).name, 500, 1, 0, 180, 120, 2, 5, 0, 0, 4, 6, 30.5, 16, 3,
         210.5, 90, 0, 0, 0, 20, 0],
        ["  " + names[area["township"]], 500, 1, 0, 180, 120, 2, 5, 0, 0, 4, 6, 30.5, 16, 3, 210.5, 90, 0, 0, 0,
         20, 0],
        ["    " + names[area["v1"]], 300, 1, 0, 120, 80, 2, 5, 0, 0, 0, 0, 20, 12, 3, 150, 90, 0, 0, 0, 0, 0],
        ["    " + names[area["v2"]], 200, 0, 0, 60, 40, 0, 0, 0, 0, 4, 6, 10.5, 4, 0, 60.5, 0, 0, 0, 0, 20, 0],
    ]
    actual = [[cell.value for cell in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row)]
    assert actual == expected
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:V1", "A3:A4", "B3:F3", "G3:L3", "M3:O3", "P3:V3"} <= merged


def test_reporters_see_the_event_covering_their_area_and_report_through_the_api(event, area, users, api):
    from yingji.disasters.models import DisasterEvent

    assert DisasterEvent.objects.for_user(users["grid1"]).filter(pk=event.pk).exists()
    client = api("grid1")
    response = client.post(f"/api/v1/disaster-events/{event.pk}/reports",
                           {"region_code": area["v1"], "stage": "initial", "figures": {"affected_people": 5}})
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    assert client.post(f"/api/v1/disaster-reports/{report_id}/submit").status_code == 200
    bad = client.post(f"/api/v1/disaster-events/{event.pk}/reports",
                      {"region_code": area["v1"], "stage": "follow_up", "figures": {"deaths": -1}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "deaths"
    other = client.post(f"/api/v1/disaster-events/{event.pk}/reports",
                        {"region_code": area["v2"], "stage": "initial", "figures": {}})
    assert other.status_code == 403
    assert api("township2").get(f"/api/v1/disaster-reports/{report_id}").status_code == 404
