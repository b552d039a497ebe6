"""Declared surfaces of monitoring's registries: stations (list and export; the station page with its readings
stays bespoke) and alarm rules (list, export, create and edit through the rule services; the rule page with its
history stays bespoke). Alarms are a workflow with their own pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _l

from yingji.core.surfaces import EMPTY, Badge, Column, Computed, Coordinates, Region, Surface, When, register

from . import rules
from .choices import AlarmLevel, RuleKind, StationStatus, StationType
from .filters import RuleFilterSet, StationFilterSet
from .forms import RuleForm
from .models import Rule, Sensor, Station


def _values(station) -> list[tuple[str, object, str]]:
    """(label, latest value, unit) of each sensor that has reported (a missing reverse one-to-one is None)."""
    found = []
    for sensor in station.sensors.all():
        latest = getattr(sensor, "latest", None)
        if latest is not None:
            found.append((sensor.label, latest.value, sensor.unit))
    return found


def _latest(station) -> str:
    parts = _values(station)
    return "；".join(f"{label} {value} {unit}".strip() for label, value, unit in parts)


class _Latest(Column):
    """The latest value of each sensor of the station."""

    plain_export = False

    def text(self, obj, view):
        return _latest(obj) or EMPTY

    def html(self, obj, view):
        parts = _values(obj)
        if not parts:
            return EMPTY
        return format_html_join("", '<span class="me-2">{} <span class="yj-mono">{}</span> {}</span>', parts)


STATIONS = Surface(
    model=Station, prefix="station", title=_l("Monitoring stations"), singular=_l("Monitoring station"),
    subtitle=_l("Rain, water level, tailings pond, gas, tank and geological hazard monitoring with the latest "
                "values."),
    export_name="stations", filterset=StationFilterSet,
    queryset=lambda: Station.objects.select_related("enterprise").prefetch_related(
        Prefetch("sensors", queryset=Sensor.objects.select_related("latest").order_by("key"))),
    columns=[
        Column("name", _l("Name")), Column("code", _l("Code")), Badge("type", _l("Type"), StationType),
        Column("enterprise", _l("Enterprise"), link="enterprise"), _Latest("latest", _l("Latest values")),
        When("last_reading_at", _l("Last reading")), Badge("status", _l("Status"), StationStatus),
        Region(table=False), Coordinates(),
    ],
    list_context=lambda request: {"links": [(reverse("alarm_list"), gettext("Alarms"))]},
)


def _applies_to(rule) -> str:
    if rule.station_id:
        return f"{rule.station.name} {rule.station.code}"
    if rule.station_type:
        return StationType.label(rule.station_type)
    return gettext("All stations")


class _Level(Badge):
    def text(self, obj, view):
        return super().text(obj, view) if obj.level else gettext("by signal")

    def html(self, obj, view):
        return super().html(obj, view) if obj.level else gettext("by signal")


RULES = Surface(
    model=Rule, prefix="rule", title=_l("Alarm rules"), singular=_l("Alarm rule"),
    subtitle=_l("Rules are data: thresholds, rolling accumulations, rates of change and no-data checks evaluated "
                "as readings arrive."),
    export_name="alarm-rules", filterset=RuleFilterSet, form=RuleForm,
    create=rules.create_rule, update=rules.update_rule,
    create_title=_l("New alarm rule"), edit_title=_l("Edit alarm rule"),
    queryset=lambda: Rule.objects.select_related("station"),
    columns=[
        Column("name", _l("Name")), Badge("kind", _l("Kind"), RuleKind),
        Computed("applies_to", _l("Applies to"), _applies_to),
        Computed("sensor_label", _l("Sensor key"), lambda r: r.sensor_label if r.sensor_key else ""),
        Computed("window", _l("Window"), lambda r: f"{r.window_hours} h" if r.window_hours else ""),
        Column("threshold", _l("Threshold")), _Level("level", _l("Level"), AlarmLevel),
        Column("enabled", _l("Enabled")),
    ],
    list_context=lambda request: {"links": [(reverse("alarm_list"), gettext("Alarms"))]},
)


def register_all() -> None:
    register(STATIONS, RULES)
