"""Default alarm rules (data; staff may edit or disable them): the national rainstorm signal on rain gauges'
rolling sums, short-duration heavy rain, water-level rise, tailings-pond phreatic line and displacement,
geological-hazard displacement, combustible gas, and no-data (offline)."""

from django.db import migrations

DEFAULT_RULES = [
    # name, kind, station_type, sensor_key, window_hours, threshold, level
    ("Rainstorm signal (CMA Order 16)", "rainstorm", "rain", "rain", None, None, ""),
    ("Short-duration heavy rain: 1 h ≥ 30 mm", "rolling_sum", "rain", "rain", 1, 30, "yellow"),
    ("Rain 24 h ≥ 100 mm", "rolling_sum", "rain", "rain", 24, 100, "orange"),
    ("Water level rising ≥ 0.5 m/h", "rate", "water_level", "water_level", None, 0.5, "yellow"),
    ("Tailings: phreatic line depth ≤ 3 m", "below", "tailings", "phreatic_depth", None, 3, "orange"),
    ("Tailings: dam displacement ≥ 30 mm", "above", "tailings", "displacement", None, 30, "red"),
    ("Geohazard: displacement rate ≥ 5 mm/h", "rate", "geohazard", "displacement", None, 5, "orange"),
    ("Combustible gas ≥ 25 %LEL", "above", "gas", "gas", None, 25, "orange"),
    ("Tank pressure ≥ 1.6 MPa", "above", "tank", "pressure", None, 1.6, "red"),
    ("Station offline: 3 intervals without data", "no_data", "", "", None, 3, "blue"),
]


def create(apps, schema_editor):
    Rule = apps.get_model("monitoring", "Rule")
    for name, kind, station_type, key, hours, threshold, level in DEFAULT_RULES:
        Rule.objects.get_or_create(name=name, defaults={
            "kind": kind, "station_type": station_type, "sensor_key": key, "window_hours": hours,
            "threshold": threshold, "level": level})


def remove(apps, schema_editor):
    apps.get_model("monitoring", "Rule").objects.filter(name__in=[r[0] for r in DEFAULT_RULES],
                                                        alarms__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
