"""Incident events move onto the shared append-only timeline base (core.timeline): the text becomes the
event's note and its details its parameters; what they hold is unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_incident_edit_and_attachment_events")]

    operations = [
        migrations.RenameField("incidentevent", "text", "note"),
        migrations.RenameField("incidentevent", "data", "params"),
        migrations.AlterField(
            model_name='incidentevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
    ]
