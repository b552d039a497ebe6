"""Hazard notifications move into the platform's one inbox (core.Notification); existing rows are copied over."""

from django.db import migrations


def copy_into_core(apps, schema_editor):
    Old = apps.get_model("prevention", "Notification")
    New = apps.get_model("core", "Notification")
    rows = []
    for old in Old.objects.all().iterator(chunk_size=2000):
        long = len(old.message) > 200
        rows.append(New(
            recipient_id=old.recipient_id, kind=old.kind,
            subject=old.message[:199] + "…" if long else old.message, body=old.message if long else "",
            link=f"/hazards/{old.hazard_id}/" if old.hazard_id else "",
            object_type="prevention.hazard" if old.hazard_id else "", object_id=str(old.hazard_id or ""),
            created_at=old.created_at, read_at=old.read_at))
        if len(rows) >= 2000:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)


def copy_back(apps, schema_editor):
    Old = apps.get_model("prevention", "Notification")
    New = apps.get_model("core", "Notification")
    Old.objects.bulk_create(
        Old(recipient_id=n.recipient_id, kind=n.kind[:16], message=(n.body or n.subject)[:500],
            hazard_id=int(n.object_id), created_at=n.created_at, read_at=n.read_at)
        for n in New.objects.filter(object_type="prevention.hazard").iterator(chunk_size=2000))
    New.objects.filter(object_type="prevention.hazard").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("prevention", "0001_initial"),
        ("core", "0007_notification_kind"),
    ]

    operations = [
        migrations.RunPython(copy_into_core, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
