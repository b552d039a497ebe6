"""Issue 16 §0: a natural disaster is graded by the county relief plan and the disaster statistics deadlines, not
by the work-safety accident rules; work-safety accidents keep theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yingji.core.models import User
from yingji.disasters.services import reports as svc
from yingji.incidents import services as incident_services
from yingji.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _incident(demo_county, event_type, **figures):
    data = {"event_type": event_type, "title": "测试", "source": "phone",
            "occurred_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
            "region_code": demo_county["township"], **figures}
    return incident_services.create_incident(User.objects.get(username="duty"), data)


@pytest.fixture
def thresholds(demo_county):
    svc.seed_thresholds(demo_county["county"])


def test_same_figures_graded_by_each_category_rules(demo_county, thresholds):
    accident = _incident(demo_county, "industrial_commercial_accident", deaths=0, serious_injuries=0,
                         direct_loss_yuan="10000000")
    flood = _incident(demo_county, "flood_drought", deaths=0, serious_injuries=0, direct_loss_yuan="10000000")
    assert accident.grade == "relatively_large"  # 1000万 yuan: 较大事故 by 第三条
    assert flood.grade == "ordinary"  # 1000万元 reaches only Ⅳ of the county relief plan
    assert [d.level for d in accident.deadlines.all()] == ["county", "city", "province"]
    levels = {d.level: d.due_at for d in flood.deadlines.all()}
    assert list(levels) == ["county", "city"]
    assert levels["city"] == flood.occurred_at + timedelta(hours=2)  # county → 地(市) within 2 hours


def test_dead_and_missing_count_for_disasters(demo_county, thresholds):
    accident = _incident(demo_county, "industrial_commercial_accident", deaths=5, missing=5, serious_injuries=0)
    flood = _incident(demo_county, "flood_drought", deaths=5, missing=5, serious_injuries=0)
    assert accident.grade == "relatively_large"  # missing people do not count by 第三条
    assert flood.grade == "especially_serious"  # 10 dead and missing: Ⅰ of the county plan


def test_bureau_edits_thresholds_and_reports_regrade_the_incident(demo_county, thresholds):
    from yingji.disasters.models import ReliefThreshold

    admin = User.objects.get(username="admin")
    flood = _incident(demo_county, "flood_drought", deaths=0, serious_injuries=0)
    assert flood.grade == "ordinary"
    event = svc.open_event(admin, {"region_code": demo_county["county"], "title": "洪涝", "incident": flood,
                                   "started_at": flood.occurred_at, "major": True})
    report = svc.save_report(admin, event, {"region_code": demo_county["county"], "stage": "initial",
                                            "figures": {"affected_people": 9000, "evacuated": 6000}})
    svc.submit_report(admin, report)
    flood.refresh_from_db()
    event.refresh_from_db()
    assert (event.relief_level, flood.grade) == ("III", "relatively_large")
    assert flood.events.filter(kind="regraded").exists()
    # The bureau lowers the Ⅱ threshold: the next report reaches Ⅱ.
    svc.update_threshold(admin, ReliefThreshold.objects.get(region_code=demo_county["county"], level="II",
                                                            indicator="evacuated_or_needs_relief"),
                         {"minimum": 6000})
    follow = svc.save_report(admin, event, {"region_code": demo_county["county"], "stage": "follow_up",
                                            "figures": {"affected_people": 9000, "evacuated": 6000}})
    svc.submit_report(admin, follow)
    flood.refresh_from_db()
    assert flood.grade == "serious"


def test_accident_statistics_never_count_disasters(demo_county, thresholds):
    _incident(demo_county, "flood_drought", deaths=1, serious_injuries=0)
    accidents = Incident.objects.filter(category="accident_disaster")
    assert not accidents.filter(event_type="flood_drought").exists()
