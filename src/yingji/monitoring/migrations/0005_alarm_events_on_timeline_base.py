"""Alarm events move onto the shared append-only timeline base (core.timeline): the actor kept by name too,
parameters as data; an account that acted on an alarm no longer blocks its removal."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_actor_names(apps, schema_editor):
    """Events written before the base kept only the account: take its display name, as the base now does."""
    Event = apps.get_model("monitoring", "AlarmEvent")
    for event in Event.objects.filter(actor__isnull=False, actor_name="").select_related("actor"):
        event.actor_name = (event.actor.display_name or event.actor.username)[:150]
        event.save(update_fields=["actor_name"])


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0004_alarm_severity_chinese_default_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='alarmevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='alarmevent',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='alarmevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='alarmevent',
            name='kind',
            field=models.CharField(choices=[('raised', 'Raised'), ('escalated', 'Escalated'), ('acknowledge', 'Acknowledged'), ('close', 'Closed'), ('incident', 'Incident opened'), ('warning', 'Warning drafted')], max_length=16, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='alarmevent',
            name='level',
            field=models.CharField(blank=True, choices=[('blue', 'Blue'), ('yellow', 'Yellow'), ('orange', 'Orange'), ('red', 'Red')], max_length=8, verbose_name='level'),
        ),
        migrations.AlterField(
            model_name='alarmevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='alarmevent',
            name='time',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.AlterField(
            model_name='alarmevent',
            name='value',
            field=models.FloatField(blank=True, null=True, verbose_name='value'),
        ),
        migrations.RunPython(fill_actor_names, migrations.RunPython.noop),
    ]
