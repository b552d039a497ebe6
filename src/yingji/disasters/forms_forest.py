"""Forms of the forest fire and geological hazard pages. They only shape input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.choices import RegionLevel
from yingji.core.models import Region
from yingji.monitoring.models import Station
from yingji.resources.models import Team

from .choices_forest import Phenology
from .forms_zones import _ServiceForm
from .models.forest import FirePermit, FireViolation, ForestArea, ForestCheckpoint, ForestFire, ForestPatrol
from .models.geo import EarthquakeReport, GeoHazardPoint, GeoPatrol

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _regions(user, levels) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region), level__in=levels)
            .order_by("code")]


class _RegionForm(_ServiceForm):
    REGION_LEVELS: tuple = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
    REGION_LABEL = _("Township or village")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "region_code" in self.fields:
            self.fields["region_code"] = forms.ChoiceField(label=self.REGION_LABEL,
                                                           choices=_regions(user, self.REGION_LEVELS))
            if self.instance.pk:
                self.fields["region_code"].initial = self.instance.region_code
        if "area" in self.fields:
            self.fields["area"].queryset = ForestArea.objects.filter(policy.scope_q(user, ForestArea))
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.widget = DATETIME


class ForestAreaForm(_RegionForm):
    class Meta:
        model = ForestArea
        fields = ["name", "region_code", "area_ha", "forest_type", "lat", "lon", "responsible_unit",
                  "responsible_name", "responsible_phone"]


class CheckpointForm(_RegionForm):
    class Meta:
        model = ForestCheckpoint
        fields = ["area", "name", "kind", "lat", "lon", "staffed_by"]


class PatrolForm(_RegionForm):
    """The phone-sized check-in: the location comes from the phone (hidden fields filled by the page)."""

    client_id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = ForestPatrol
        fields = ["area", "checkpoint", "finding", "note", "lat", "lon"]
        widgets = {"lat": forms.HiddenInput, "lon": forms.HiddenInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["checkpoint"].queryset = ForestCheckpoint.objects.filter(policy.scope_q(user, ForestCheckpoint))


class PermitForm(_RegionForm):
    REGION_LEVELS = (RegionLevel.VILLAGE,)
    REGION_LABEL = _("Village")

    class Meta:
        model = FirePermit
        fields = ["region_code", "area", "applicant_name", "applicant_phone", "purpose", "place", "starts_at",
                  "ends_at", "safety_measures", "guards"]
        widgets = {"safety_measures": forms.Textarea(attrs={"rows": 3})}


class ViolationForm(_RegionForm):
    class Meta:
        model = FireViolation
        fields = ["region_code", "area", "kind", "occurred_at", "place", "offender_name", "description",
                  "handling", "fine_yuan"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class FireForm(_RegionForm):
    class Meta:
        model = ForestFire
        fields = ["region_code", "area", "place", "lat", "lon", "discovered_at", "reported_by", "cause",
                  "area_burned_ha", "forest_damaged_ha", "teams", "people_sent", "forces_note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(
            policy.scope_q(user, Team) | Q(region_code__regex=r"^\d{6}$") | Q(region_code__regex=r"^\d{9}$"))


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    area_burned_ha = forms.DecimalField(label=_("Area burned (ha)"), required=False, min_value=0,
                                        max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("Write-off reason"), required=False, max_length=16)


class DangerForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    max_temp_c = forms.DecimalField(label=_("Maximum temperature (°C)"), min_value=-60, max_value=60)
    min_humidity_pct = forms.DecimalField(label=_("Minimum relative humidity (%)"), min_value=0, max_value=100)
    dry_days = forms.IntegerField(label=_("Days since the last rain"), min_value=0, max_value=365)
    wind_force = forms.IntegerField(label=_("Wind force (Beaufort)"), min_value=0, max_value=12)
    phenology = forms.ChoiceField(label=_("Vegetation"), choices=Phenology.choices())


class GeoPointForm(_RegionForm):
    REGION_LEVELS = (RegionLevel.VILLAGE,)
    REGION_LABEL = _("Village")

    class Meta:
        model = GeoHazardPoint
        fields = ["code", "name", "kind", "scale", "region_code", "lat", "lon", "volume_m3", "households",
                  "people", "property_wan", "monitor_name", "monitor_phone", "stations", "measures"]
        widgets = {"measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["stations"].queryset = Station.objects.filter(policy.scope_q(user, Station)
                                                                  | Q(region_code__regex=r"^\d{6}(\d{3})?$"))


class GeoPatrolForm(_RegionForm):
    class Meta:
        model = GeoPatrol
        fields = ["point", "patrolled_at", "patroller_name", "finding", "crack_mm", "rain_mm", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["point"].queryset = GeoHazardPoint.objects.filter(policy.scope_q(user, GeoHazardPoint),
                                                                      state="active")
        self.fields["patroller_name"].required = False


class IntensityField(forms.CharField):
    """Intensities typed one township a line: township code (or name) and degree."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{r.get('region_code', '')} {r.get('intensity', '')}" for r in value
                             if isinstance(r, dict))
        return value

    def to_python(self, value):
        names = {r.name: r.code for r in Region.objects.filter(level=RegionLevel.TOWNSHIP)}
        rows = []
        for line in (value or "").splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(_("Each line: township and intensity degree (1–12)."))
            rows.append({"region_code": names.get(parts[0], parts[0]), "intensity": int(parts[1])})
        return rows


class QuakeForm(_ServiceForm):
    intensities = IntensityField(label=_("Intensity by township (one a line: township degree)"), required=False)

    class Meta:
        model = EarthquakeReport
        fields = ["region_code", "occurred_at", "magnitude", "epicentre", "lat", "lon", "depth_km", "source",
                  "intensities"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region_code"] = forms.ChoiceField(label=_("County"),
                                                       choices=_regions(user, (RegionLevel.COUNTY,)))
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code
        self.fields["occurred_at"].widget = DATETIME
