"""incidents 0007: open public-health and social-security incidents graded by the accident rules are regraded by
their own, and their unreported deadlines follow the new chain; reported levels, closed incidents and work-safety
accidents are left as they were. Runs in an empty scratch database of the test engine (``tests/scratch.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.scratch import migrate, minimal, scratch_database

BEFORE = [("incidents", "0006_plan_docs")]
AFTER = [("incidents", "0007_event_grading")]
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_open_public_events_are_regraded_and_their_clock_follows():
    with scratch_database():
        apps = migrate(BEFORE)
        Incident = apps.get_model("incidents", "Incident")
        Deadline = apps.get_model("incidents", "ReportingDeadline")

        def incident(category, state, deaths):
            return minimal(Incident, category=category, event_type="x", state=state, deaths=deaths,
                           grade="relatively_large", occurred_at=T0, received_at=T0, region_code="410481001",
                           source="phone")

        health = incident("public_health", "responding", 3)
        security = incident("social_security", "reported", 4)
        closed = incident("public_health", "closed", 3)
        accident = incident("accident_disaster", "responding", 3)
        for row in (health, security, closed, accident):
            Deadline.objects.create(incident_id=row.pk, level="county", position=0, due_at=T0 + timedelta(hours=1),
                                    reported_at=T0)
            Deadline.objects.create(incident_id=row.pk, level="city", position=1, due_at=T0 + timedelta(hours=3))
            Deadline.objects.create(incident_id=row.pk, level="province", position=2,
                                    due_at=T0 + timedelta(hours=5))

        apps = migrate(AFTER)
        Incident = apps.get_model("incidents", "Incident")
        Deadline = apps.get_model("incidents", "ReportingDeadline")

        def chain(row):
            return {d.level: (d.due_at, d.reported_at) for d in Deadline.objects.filter(incident_id=row.pk)}

        # 3 deaths, no kind known: 一般 by the public-health rules (was 较大事故 by the accident rules).
        assert Incident.objects.get(pk=health.pk).grade == "ordinary"
        assert chain(health) == {"county": (T0 + timedelta(hours=1), T0),  # reported: kept as it was
                                 "city": (T0 + timedelta(hours=6), None)}  # 条例: 2 + 2 + 2 hours
        assert Incident.objects.get(pk=security.pk).grade == "ordinary"
        assert set(chain(security)) == {"county"}  # 一般 social-security events stop at the county
        assert Incident.objects.get(pk=closed.pk).grade == "relatively_large"
        assert Incident.objects.get(pk=accident.pk).grade == "relatively_large"
        assert set(chain(accident)) == {"county", "city", "province"}
