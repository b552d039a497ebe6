"""Forms of disaster reporting pages: they only shape input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisasterEvent, ReliefThreshold


class ReliefThresholdForm(forms.ModelForm):
    class Meta:
        model = ReliefThreshold
        fields = ["level", "indicator", "minimum", "source", "verified"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DisasterEventForm(forms.ModelForm):
    """Opening a disaster event: the county or a township of the opener's scope, the natural-disaster incident it
    counts (optional)."""

    class Meta:
        model = DisasterEvent
        fields = ["title", "region_code", "hazard", "started_at", "major", "incident"]
        widgets = {"started_at": DATETIME}

    def __init__(self, *args, user, **kwargs):
        from yingji.core import policy
        from yingji.core.choices import RegionLevel
        from yingji.core.models import Region
        from yingji.incidents.models import Incident

        super().__init__(*args, **kwargs)
        self.user = user
        areas = Region.objects.filter(policy.scope_q(user, Region),
                                      level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)).order_by("code")
        self.fields["region_code"] = forms.ChoiceField(label=_("Area"), choices=list(areas.values_list("code",
                                                                                                       "name")))
        self.fields["started_at"].widget = DATETIME
        self.fields["incident"].queryset = Incident.objects.filter(policy.scope_q(user, Incident),
                                                                   category="natural_disaster")

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class EndEventForm(forms.Form):
    ended_at = forms.DateTimeField(label=_("Disaster stable"), widget=DATETIME)


#: The indicators a village gives in its first report from the phone (the 快报表's people, houses, crops, loss).
QUICK_INDICATORS = ("affected_people", "deaths", "missing", "evacuated", "needs_relief", "collapsed_households",
                    "collapsed_rooms", "severe_households", "severe_rooms", "minor_households", "minor_rooms",
                    "crop_affected_ha", "crop_damaged_ha", "crop_lost_ha", "loss_total")


class QuickReportForm(forms.Form):
    """The village's phone report: the indicators (empty = 0), the dead and missing one a line, remarks. Rendered
    for the phone page; the page's script sends it through the offline queue to the API, which checks it."""

    casualties = forms.CharField(label=_("Dead and missing, one a line: name 死亡/失踪 gender age cause"),
                                 required=False, widget=forms.Textarea(attrs={"rows": 3}))
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=5000)

    def __init__(self, *args, **kwargs):
        from yingji.standards import disasters as rules

        super().__init__(*args, **kwargs)
        known = {i.key: i for i in rules.indicators()}
        fields = {}
        for key in QUICK_INDICATORS:
            indicator = known[key]
            label = f"{indicator.name_zh}（{indicator.unit}）" if indicator.unit else indicator.name_zh
            attrs = {"inputmode": "numeric" if indicator.kind == "count" else "decimal", "placeholder": "0"}
            if indicator.kind == "count":
                fields[key] = forms.IntegerField(label=label, required=False, min_value=0, max_value=10**9,
                                                 widget=forms.NumberInput(attrs=attrs))
            else:
                fields[key] = forms.DecimalField(label=label, required=False, min_value=0, max_digits=14,
                                                 decimal_places=2, widget=forms.NumberInput(attrs=attrs))
        self.fields = {**fields, **self.fields}
