"""The demo county's risk points and hazards: every state, overdue and major ones, spread over two years, graded
by the standards module."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yingji.enterprises.models import Enterprise
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard, HazardEvent, HazardSample, RiskPoint, SamplingRun, grade_of


def test_demo_hazards_cover_the_closed_loop(demo_county):
    states = set(Hazard.objects.values_list("state", flat=True))
    assert states == set(HazardState.values())
    overdue = [h for h in Hazard.objects.filter(state__in=HazardState.DEADLINE_RUNNING) if h.is_overdue]
    assert overdue and any(h.level == "major" for h in overdue)
    assert Hazard.objects.filter(level="major", supervised=True, state__in=HazardState.OPEN).exists()
    assert Hazard.objects.filter(level="major", state=HazardState.CLOSED).exists()
    assert set(Hazard.objects.values_list("source", flat=True)) == {
        "self_check", "inspector", "township", "grid", "inspection"}
    found = Hazard.objects.order_by("found_at").values_list("found_at", flat=True)
    now = timezone.now()
    assert now - found.first() > datetime.timedelta(days=600) and found.last() <= now
    assert all(e.time <= now for e in HazardEvent.objects.all()[:2000])


def test_demo_timelines_match_the_states(demo_county):
    for hazard in Hazard.objects.all()[:300]:
        events = list(hazard.events.order_by("time", "id"))
        assert events[0].kind == "report"
        assert events[-1].to_state == hazard.state
        # Sample checks drawn and passed leave the hazard itself unchanged; a failed one reopens it (a transition).
        assert hazard.version == sum(1 for e in events if e.kind not in ("report", "attach", "sampled",
                                                                        "sample_passed"))


def test_demo_sample_checks_agree_with_their_hazards(demo_county):
    samples = list(HazardSample.objects.select_related("hazard"))
    assert {s.state for s in samples} == {"pending", "passed", "failed"}
    for sample in samples:
        assert sample.hazard.source == "self_check" and sample.hazard.level == "general"
        kinds = set(sample.hazard.events.values_list("kind", flat=True))
        assert "sampled" in kinds
        if sample.state == "failed":
            assert sample.hazard.state == "rectifying" and "reopen" in kinds
        else:
            assert sample.hazard.state == "closed"
    runs = SamplingRun.objects.all()
    assert runs and all(run.drawn == HazardSample.objects.filter(period=run.period).count() for run in runs)


def test_demo_risk_points_are_graded_by_the_standard(demo_county):
    assert set(RiskPoint.objects.values_list("enterprise_id", flat=True)) == set(
        Enterprise.objects.values_list("pk", flat=True))
    assert set(RiskPoint.objects.values_list("colour", flat=True)) == {"red", "orange", "yellow", "blue"}
    for point in RiskPoint.objects.all()[:500]:
        grade = grade_of(point.method, point.likelihood, point.exposure, point.consequence, point.severity)
        assert (float(point.score), point.level, point.colour) == (float(grade.score), grade.level, grade.color)
