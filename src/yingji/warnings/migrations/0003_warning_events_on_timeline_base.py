"""Warning events move onto the shared append-only timeline base (core.timeline): the stored sentence becomes
the event's note and the actor is kept by name too."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_actor_names(apps, schema_editor):
    """Events written before the base kept only the account: take its display name, as the base now does."""
    Event = apps.get_model("warnings", "WarningEvent")
    for event in Event.objects.filter(actor__isnull=False, actor_name="").select_related("actor"):
        event.actor_name = (event.actor.display_name or event.actor.username)[:150]
        event.save(update_fields=["actor_name"])


class Migration(migrations.Migration):
    dependencies = [("warnings", "0002_warningevent_params"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.RenameField("warningevent", "message", "note"),
        migrations.AddField(
            model_name='warningevent',
            name='actor_name',
            field=models.CharField(blank=True, max_length=150, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='kind',
            field=models.CharField(max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='time',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.RunPython(fill_actor_names, migrations.RunPython.noop),
    ]
