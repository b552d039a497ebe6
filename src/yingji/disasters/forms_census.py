"""Forms of the risk census pages. They only shape input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.choices import RegionLevel

from .choices_census import CensusHazard, CensusImportKind
from .forms_forest import _RegionForm
from .models.census import CensusBody, HazardSource, RiskZone
from .models.geo import GeoHazardPoint
from .models.zones import DangerZone


class CensusBodyForm(_RegionForm):
    hazards = forms.MultipleChoiceField(label=_("Hazards exposed to"), choices=CensusHazard.choices(),
                                        required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CensusBody
        fields = ["census_id", "kind", "name", "region_code", "address", "lat", "lon", "structure", "floors",
                  "built_year", "floor_area_m2", "occupants", "seismic_fortified", "hazards", "risk_level",
                  "danger_zone", "geohazard_point", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["danger_zone"].queryset = DangerZone.objects.filter(policy.scope_q(user, DangerZone))
        self.fields["geohazard_point"].queryset = GeoHazardPoint.objects.filter(
            policy.scope_q(user, GeoHazardPoint))


class HazardSourceForm(_RegionForm):
    class Meta:
        model = HazardSource
        fields = ["census_id", "hazard", "name", "region_code", "lat", "lon", "risk_level", "geohazard_point",
                  "description", "note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["geohazard_point"].queryset = GeoHazardPoint.objects.filter(
            policy.scope_q(user, GeoHazardPoint))


class RiskZoneForm(_RegionForm):
    REGION_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)

    class Meta:
        model = RiskZone
        fields = ["census_id", "hazard", "name", "region_code", "risk_level", "area_km2", "population", "note"]


class CensusImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Census table"), choices=CensusImportKind.choices())
    file = forms.FileField(label=_("Excel workbook (.xlsx) or CSV"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    dry_run = forms.BooleanField(label=_("Only check, import nothing"), required=False)
