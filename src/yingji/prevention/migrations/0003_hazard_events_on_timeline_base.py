"""Hazard events move onto the shared append-only timeline base (core.timeline): the action becomes the
event's kind and its details its parameters; what they hold is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("prevention", "0002_notifications_into_core")]

    operations = [
        migrations.RenameField("hazardevent", "action", "kind"),
        migrations.RenameField("hazardevent", "data", "params"),
    ]
