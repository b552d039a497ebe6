"""The one timeline base: every aggregate's events (incident, hazard, alarm, warning, shelter) share its columns and
are append-only however a writer tries (instance save or delete, bulk update or delete), yet go with their
aggregate; the actor's name is kept at the time of writing; the migration of old shelter lines fills what the base
adds."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.scratch import migrate, minimal, scratch_database
from yingji.core.models import User
from yingji.core.timeline import AppendOnly, TimelineEvent

EXPECTED = {"incidents.incidentevent", "prevention.hazardevent", "monitoring.alarmevent", "warnings.warningevent",
            "resources.shelterevent", "enforcement.caseevent", "enforcement.orderevent",
            "enforcement.inspectionevent",
            "preparedness.drillproblemevent",  # --- drills ---
            "disasters.reliefapplicationevent"}
BASE_COLUMNS = {"time", "actor", "actor_name", "kind", "note", "params"}


def _event_models():
    return [m for m in apps.get_models() if issubclass(m, TimelineEvent)]


def test_all_five_timelines_share_the_base():
    models = {m._meta.label_lower: m for m in _event_models()}
    assert set(models) == EXPECTED
    for model in models.values():
        columns = {f.name for f in model._meta.get_fields() if f.concrete}
        assert columns >= BASE_COLUMNS, model
        aggregate = [f for f in model._meta.get_fields() if f.many_to_one and f.name != "actor"]
        assert len(aggregate) == 1 and aggregate[0].remote_field.related_name == "events", model


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_events_cannot_be_changed_or_removed(demo_county, label):
    model = apps.get_model(label)
    if label == "monitoring.alarmevent":
        _raise_an_alarm()
    event = model.objects.order_by("id").first()
    assert event is not None, f"the demo county writes {label} events"
    note = event.note
    event.note = "改写"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        model.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(AppendOnly):
        model.objects.filter(pk=event.pk).delete()
    assert model.objects.get(pk=event.pk).note == note


def _raise_an_alarm():
    """The demo county starts with no alarm (they come from live readings): one downpour raises one."""
    from tests.monitoring.helpers import make_station, ts
    from yingji.monitoring import services

    make_station("T-TIMELINE")
    services.ingest(None, [{"station": "T-TIMELINE", "sensor": "rain", "ts": ts(m), "value": v}
                           for m, v in ((3, 60), (2, 45))])


def test_events_go_with_their_aggregate(demo_county):
    from yingji.incidents.models import Incident, IncidentEvent

    incident = Incident.objects.filter(events__isnull=False).order_by("id").first()
    assert IncidentEvent.objects.filter(incident=incident).exists()
    Incident.objects.filter(pk=incident.pk).delete()
    assert not IncidentEvent.objects.filter(incident_id=incident.pk).exists()


def test_the_actor_is_kept_by_name(demo_county):
    from yingji.resources import services
    from yingji.resources.models import Shelter

    user = User.objects.get(username="admin")
    shelter = Shelter.objects.filter(status="standby").order_by("id").first()
    services.set_shelter_status(user, shelter, "open", occupancy=5, note="开放")
    services.set_shelter_status(user, shelter, "open", occupancy=7)
    opened, counted = shelter.events.order_by("id")[:2]
    assert (opened.kind, counted.kind) == ("status", "occupancy")
    assert opened.actor_name == (user.display_name or user.username)
    User.objects.filter(pk=user.pk).update(display_name="改名后")
    assert shelter.events.get(pk=opened.pk).actor_name != "改名后"


@pytest.mark.django_db
def test_old_shelter_lines_get_a_kind_and_the_actor_name():
    # In an empty database of the test engine: only the migrations up to the targets run (tests/scratch.py).
    before = [("resources", "0003_reserve_standard_unique")]
    with scratch_database():
        old = migrate(before)
        user = minimal(old.get_model("core", "User"), username="shelter-keeper", display_name="王值守")
        shelter = minimal(old.get_model("resources", "Shelter"))
        Old = old.get_model("resources", "ShelterEvent")
        Old.objects.create(shelter_id=shelter.pk, status_before="standby", status_after="open", occupancy=3,
                           note="开放", actor_id=user.pk)
        Old.objects.create(shelter_id=shelter.pk, status_before="open", status_after="open", occupancy=9,
                           note="", actor_id=None)
        new = migrate([("resources", "0004_shelter_events_on_timeline_base")])
        rows = list(new.get_model("resources", "ShelterEvent").objects.filter(shelter_id=shelter.pk)
                    .order_by("occupancy").values_list("occupancy", "kind", "actor_name", "note"))
    assert rows == [(3, "status", "王值守", "开放"), (9, "occupancy", "", "")]
