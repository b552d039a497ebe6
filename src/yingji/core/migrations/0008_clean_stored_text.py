"""Remove the characters the text policy refuses (core.textpolicy) from every string column already stored.

Runs over the migration state's models, so it needs no domain import; a model whose migrations come later in the
plan has no rows yet. Irreversible in substance (the removed characters are gone); reversing is a no-op.
"""

from django.db import migrations


def clean(apps, schema_editor):
    from yingji.core.textpolicy import clean_stored_text

    clean_stored_text(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notification_kind")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop, elidable=True)]
