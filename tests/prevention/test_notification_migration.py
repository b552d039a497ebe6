"""Hazard notifications moved from prevention's own table into the one inbox (core.Notification): the migration
copies every existing row (read state, kind, long messages) and the reverse migration gives them back.

Run in an empty database of the test engine (``tests/scratch.py``): only the migrations up to the targets run."""

from __future__ import annotations

import pytest

from tests.scratch import migrate, minimal, scratch_database

BEFORE = [("prevention", "0001_initial")]
AFTER = [("prevention", "0002_notifications_into_core")]


@pytest.mark.django_db
def test_existing_hazard_notifications_are_copied_into_the_inbox_and_back():
    with scratch_database():
        old_apps = migrate(BEFORE)
        hazard = minimal(old_apps.get_model("prevention", "Hazard"))
        recipient_id = hazard.reporter_id or minimal(old_apps.get_model("core", "User")).pk
        Old = old_apps.get_model("prevention", "Notification")
        long_message = "隐患逾期" * 80
        Old.objects.create(recipient_id=recipient_id, kind="overdue", message=long_message, hazard_id=hazard.pk)
        read = Old.objects.create(recipient_id=recipient_id, kind="assigned", message="请整改", hazard_id=hazard.pk)
        Old.objects.filter(pk=read.pk).update(read_at="2026-01-02T03:04:05Z")

        new_apps = migrate(AFTER)
        Notification = new_apps.get_model("core", "Notification")
        copied = {n.kind: n for n in Notification.objects.filter(object_type="prevention.hazard",
                                                                object_id=str(hazard.pk))}
        assert set(copied) == {"overdue", "assigned"}
        assert copied["overdue"].body == long_message and len(copied["overdue"].subject) == 200
        assert copied["overdue"].read_at is None and copied["assigned"].read_at is not None
        assert copied["assigned"].subject == "请整改" and copied["assigned"].link == f"/hazards/{hazard.pk}/"
        assert {n.recipient_id for n in copied.values()} == {recipient_id}

        back_apps = migrate(BEFORE)
        returned = back_apps.get_model("prevention", "Notification").objects.filter(hazard_id=hazard.pk)
        assert sorted(returned.values_list("kind", flat=True)) == ["assigned", "overdue"]
        assert returned.get(kind="overdue").message == long_message
        assert returned.get(kind="assigned").read_at is not None
        assert not Notification.objects.filter(object_type="prevention.hazard").exists()  # moved, not copied
