"""Issue 16 §0: public-health and social-security incidents are graded and clocked by their own rules, not the
work-safety accident rules; statistics keep the schemes apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yingji.core.errors import ValidationFailed
from yingji.core.models import User
from yingji.incidents import services
from yingji.incidents.models import Incident
from yingji.statistics import annual

pytestmark = pytest.mark.django_db


def _log(demo_county, event_type, **data):
    payload = {"event_type": event_type, "title": "测试事件", "source": "phone",
               "occurred_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
               "region_code": demo_county["township"], **data}
    return services.create_incident(User.objects.get(username="duty"), payload)


def _levels(incident):
    return {d.level: d.due_at for d in incident.deadlines.all()}


def test_food_poisoning_is_graded_by_the_public_health_plan_not_the_accident_rules(demo_county):
    # 60 poisoned, 12 of them seriously: by the accident rules 12 serious injuries (incl. acute poisoning)
    # would be 较大事故; by the public-health plan 30-99 people without a death is 一般 (Ⅳ).
    event = _log(demo_county, "food_safety_occupational_hazard", cases=60, serious_injuries=12,
                 health_kind="food_poisoning")
    assert event.grade == "ordinary"
    levels = _levels(event)
    assert list(levels) == ["county", "city"]
    assert levels["city"] == event.occurred_at + timedelta(hours=6)
    # A follow-up: a death → 较大 (Ⅲ); the report keeps its cases.
    duty = User.objects.get(username="duty")
    report = services.file_report(duty, event, {"deaths": 1, "version": event.version})
    event.refresh_from_db()
    assert (event.grade, report.cases, report.grade) == ("relatively_large", 60, "relatively_large")
    assert event.events.filter(kind="regraded").exists()
    # The health authority determines 重大: the chain reaches the province and the State Council level.
    services.file_report(duty, event, {"declared_grade": "serious", "version": event.version})
    event.refresh_from_db()
    assert (event.grade, event.declared_grade) == ("serious", "serious")
    assert list(_levels(event)) == ["county", "city", "province", "state_council"]


def test_social_security_event_takes_the_determined_grade(demo_county):
    event = _log(demo_county, "terrorist_attack", deaths=3, serious_injuries=20)
    assert event.grade == "ordinary"  # 3 deaths would be 较大事故; social-security events are not graded so
    assert list(_levels(event)) == ["county"]
    services.file_report(User.objects.get(username="duty"), event,
                         {"declared_grade": "serious", "version": event.version})
    event.refresh_from_db()
    assert event.grade == "serious"
    assert _levels(event)["city"] == event.occurred_at + timedelta(hours=4)


def test_classification_only_where_the_rules_read_it(demo_county):
    with pytest.raises(ValidationFailed) as exc:
        _log(demo_county, "industrial_commercial_accident", health_kind="food_poisoning")
    assert "health_kind" in {e["field"] for e in exc.value.errors}
    with pytest.raises(ValidationFailed) as exc:
        _log(demo_county, "traffic_accident", declared_grade="serious")
    assert "declared_grade" in {e["field"] for e in exc.value.errors}
    with pytest.raises(ValidationFailed) as exc:
        _log(demo_county, "food_safety_occupational_hazard", health_kind="snake_bite")
    assert "health_kind" in {e["field"] for e in exc.value.errors}
    assert not Incident.objects.filter(title="测试事件").exists()


def test_changing_the_type_to_another_category_regrades(demo_county):
    event = _log(demo_county, "industrial_commercial_accident", serious_injuries=12)
    assert event.grade == "relatively_large"
    event = services.update_incident(User.objects.get(username="duty"), event,
                                     {"event_type": "terrorist_attack", "version": event.version})
    assert (event.category, event.grade) == ("social_security", "ordinary")
    assert list(_levels(event)) == ["county"]


def test_api_takes_and_returns_the_classification(demo_county, api):
    client = api("duty")
    body = {"event_type": "food_safety_occupational_hazard", "title": "食堂中毒", "source": "phone",
            "occurred_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
            "township_code": demo_county["township"], "cases": 120, "health_kind": "food_poisoning"}
    response = client.post("/api/v1/incidents", body)
    assert response.status_code in (200, 201), response.content
    data = response.json()
    assert (data["grade"], data["grading_scheme"], data["cases"]) == ("relatively_large", "public_health", 120)
    bad = client.post("/api/v1/incidents", {**body, "health_kind": "x"})
    assert bad.status_code == 422


def test_annual_statistics_keep_the_schemes_apart(demo_county):
    admin = User.objects.get(username="admin")
    year = timezone.localtime().year
    before = annual.incidents(admin, year, demo_county["county"])
    _log(demo_county, "food_safety_occupational_hazard", cases=40, health_kind="food_poisoning")
    _log(demo_county, "industrial_commercial_accident", deaths=1)
    after = annual.incidents(admin, year, demo_county["county"])
    schemes = after["by_scheme"]
    assert schemes["public_health"]["count"] == before["by_scheme"]["public_health"]["count"] + 1
    assert schemes["work_safety"]["count"] == before["by_scheme"]["work_safety"]["count"] + 1
    # by_grade counts work-safety accidents only: the food poisoning's 一般 is not an 一般事故.
    assert sum(after["by_grade"].values()) == schemes["work_safety"]["count"]
    assert after["count"] == sum(s["count"] for s in schemes.values())
