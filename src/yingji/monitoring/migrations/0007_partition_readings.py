"""PostgreSQL: the readings table becomes partitioned by month (monitoring.partitions); SQLite is unchanged.

On PostgreSQL the client message id's unique index becomes (client_id, ts), as every unique index of a partitioned
table must include the partition key; the model's state keeps the single-column constraint, which SQLite enforces."""

from django.db import migrations


def forwards(apps, schema_editor):
    from yingji.monitoring import partitions

    partitions.convert(schema_editor)


def backwards(apps, schema_editor):
    from yingji.monitoring import partitions

    partitions.unconvert(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0006_station_flood_levels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
