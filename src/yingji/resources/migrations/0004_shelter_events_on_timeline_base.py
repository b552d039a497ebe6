"""Shelter events move onto the shared append-only timeline base (core.timeline): each line gets a kind
(status or occupancy changed) and the actor is kept by name too; an account removed no longer blanks the line."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def fill_actor_names(apps, schema_editor):
    """Events written before the base kept only the account: take its display name, as the base now does."""
    Event = apps.get_model("resources", "ShelterEvent")
    for event in Event.objects.filter(actor__isnull=False, actor_name="").select_related("actor"):
        event.actor_name = (event.actor.display_name or event.actor.username)[:150]
        event.save(update_fields=["actor_name"])


def fill_shelter_kinds(apps, schema_editor):
    """A line that left the status as it was recorded only a change in the number of people."""
    ShelterEvent = apps.get_model("resources", "ShelterEvent")
    ShelterEvent.objects.filter(status_before=F("status_after")).update(kind="occupancy")


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_reserve_standard_unique"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.RenameField("shelterevent", "at", "time"),
        migrations.AlterModelOptions(
            name='shelterevent',
            options={'ordering': ['-time', '-id'], 'verbose_name': 'shelter event', 'verbose_name_plural': 'shelter events'},
        ),
        migrations.AddField(
            model_name='shelterevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='shelterevent',
            name='kind',
            field=models.CharField(choices=[('status', 'Status changed'), ('occupancy', 'Occupancy changed')], default='status', max_length=16, verbose_name='kind'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='shelterevent',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='shelterevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='shelterevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.RunPython(fill_actor_names, migrations.RunPython.noop),
        migrations.RunPython(fill_shelter_kinds, migrations.RunPython.noop),
    ]
