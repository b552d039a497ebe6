"""Two users acting on the same hazard at once: each holds the hazard as it was when they loaded it; the first
compare-and-swap wins, the other gets 409, and the audit trail shows exactly one transition."""

from __future__ import annotations

import pytest

from tests.conftest import ApiClient, assert_error_shape
from tests.prevention.conftest import future
from yingji.core.errors import Conflict
from yingji.core.models import AuditRecord
from yingji.prevention import services
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard, HazardEvent


def _transitions(hazard) -> int:
    return AuditRecord.objects.filter(object_type="prevention.hazard", object_id=str(hazard.pk),
                                      action="transition").count()


def test_two_inspectors_confirm_the_same_hazard_one_wins(make_hazard, users):
    hazard = make_hazard(HazardState.REPORTED)
    first, second = Hazard.objects.get(pk=hazard.pk), Hazard.objects.get(pk=hazard.pk)
    won = services.perform(users["inspector"], first, "confirm",
                           {"level": "general", "due_at": future(10), "responsible_person": "甲"})
    with pytest.raises(Conflict):
        services.perform(users["township1"], second, "confirm",
                         {"level": "major", "due_at": future(90), "responsible_person": "乙", "measures": "m",
                          "funds": 1000})
    stored = Hazard.objects.get(pk=hazard.pk)
    assert (stored.state, stored.level, stored.responsible_person, stored.confirmed_by) == (
        HazardState.CONFIRMED, "general", "甲", users["inspector"])
    assert stored.version == won.version == 1
    assert _transitions(hazard) == 1
    assert HazardEvent.objects.filter(hazard=hazard, kind="confirm").count() == 1


def test_verify_and_reject_race_through_the_api(make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFIED)
    before = _transitions(hazard)
    stale = Hazard.objects.get(pk=hazard.pk)
    ok = ApiClient(users["inspector"]).post(f"/api/v1/hazards/{hazard.pk}/transitions", {"action": "verify"})
    assert ok.status_code == 200
    # The second user's request was built on the old state: the service sees a state that no longer matches.
    with pytest.raises(Conflict, match="Someone else changed"):
        services.perform(users["township1"], stale, "reject", {"reason": "不合格"})
    late = ApiClient(users["township1"]).post(f"/api/v1/hazards/{hazard.pk}/transitions",
                                              {"action": "reject", "reason": "不合格"})
    assert_error_shape(late, 409)
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.VERIFIED
    assert _transitions(hazard) == before + 1


def test_an_extension_and_a_transition_race(make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFYING)
    first, second = Hazard.objects.get(pk=hazard.pk), Hazard.objects.get(pk=hazard.pk)
    services.extend_deadline(users["inspector"], first, future(30), "等待配件")
    with pytest.raises(Conflict):
        services.perform(users["enterprise1"], second, "rectify", {"description": "done"})
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.RECTIFYING
