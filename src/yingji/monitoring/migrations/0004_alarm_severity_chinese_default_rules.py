"""Alarms carry their level's rank (``severity``, computed by the database) for triage ordering; the default rules
of 0002 get their Chinese names (rule names are data in the bureau's language, like the rest of its data; a
renamed rule keeps its name)."""

from django.conf import settings
from django.db import migrations, models

#: English name of 0002 → Chinese name.
CHINESE_NAMES = {
    "Rainstorm signal (CMA Order 16)": "暴雨预警信号（中国气象局令第16号）",
    "Short-duration heavy rain: 1 h ≥ 30 mm": "短时强降水：1小时雨量≥30毫米",
    "Rain 24 h ≥ 100 mm": "24小时雨量≥100毫米",
    "Water level rising ≥ 0.5 m/h": "水位上涨速率≥0.5米/小时",
    "Tailings: phreatic line depth ≤ 3 m": "尾矿库：浸润线埋深≤3米",
    "Tailings: dam displacement ≥ 30 mm": "尾矿库：坝体位移≥30毫米",
    "Geohazard: displacement rate ≥ 5 mm/h": "地质灾害：位移速率≥5毫米/小时",
    "Combustible gas ≥ 25 %LEL": "可燃气体浓度≥25%LEL",
    "Tank pressure ≥ 1.6 MPa": "储罐压力≥1.6兆帕",
    "Station offline: 3 intervals without data": "站点离线：连续3个上报周期无数据",
}


def rename(apps, schema_editor, names=CHINESE_NAMES):
    Rule = apps.get_model("monitoring", "Rule")
    for old, new in names.items():
        Rule.objects.filter(name=old, station__isnull=True).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in CHINESE_NAMES.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0002_registry_licences_units'),
        ('incidents', '0002_sitrep_and_timeline_kinds'),
        ('monitoring', '0003_alarm_links_hourly_aggregate'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='alarm',
            options={'ordering': ['-severity', '-raised_at', '-id'], 'verbose_name': 'alarm', 'verbose_name_plural': 'alarms'},
        ),
        migrations.AddField(
            model_name='alarm',
            name='severity',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(level='blue', then=models.Value(1)), models.When(level='yellow', then=models.Value(2)), models.When(level='orange', then=models.Value(3)), models.When(level='red', then=models.Value(4)), default=models.Value(0)), output_field=models.PositiveSmallIntegerField(), verbose_name='severity'),
        ),
        migrations.AddIndex(
            model_name='alarm',
            index=models.Index(fields=['-severity', '-raised_at'], name='alarm_triage_idx'),
        ),
        migrations.RunPython(rename, rename_back),
    ]
