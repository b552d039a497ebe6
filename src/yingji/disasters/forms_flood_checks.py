"""Forms of the pre-flood check pages. They only shape input; ``services.flood_checks`` validates and writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.models import Region
from yingji.prevention.models import HazardPlace

from .flood_check_choices import CheckResult
from .models.flood_checks import FloodCheckRound

_DATE = {"type": "date"}


class FloodCheckRoundForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    class Meta:
        model = FloodCheckRound
        fields = ["title", "basis", "starts_on", "ends_on", "rectify_days", "description"]
        widgets = {"starts_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class FloodCheckRecordForm(forms.Form):
    """One place's check, filled on a phone at the place or at the desk after it."""

    place = forms.ModelChoiceField(label=_("Place checked"), queryset=HazardPlace.objects.none())
    checked_on = forms.DateField(label=_("Checked on"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    checked_by_unit = forms.CharField(label=_("Checking unit"), max_length=200)
    checkers = forms.CharField(label=_("Checked by"), max_length=200)
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices(), widget=forms.RadioSelect)
    findings = forms.CharField(
        label=_("Problems found"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One problem a line; a short title, then a colon and the details. Each becomes a hazard of the "
                    "place."))
    note = forms.CharField(label=_("What was checked"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, check_round: FloodCheckRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = (HazardPlace.objects.for_user(user)
                                         .filter(region_code__startswith=check_round.region_code)
                                         .order_by("region_code", "name"))
        self.fields["place"].label_from_instance = lambda p: f"{p.name}（{p.get_kind_display()}）"
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("checked_on", min(max(today, check_round.starts_on), check_round.ends_on))
            unit = getattr(user.organisation, "name", "") if getattr(user, "organisation_id", None) else ""
            if not unit and user.scope_region_code:
                unit = Region.objects.filter(code=user.scope_region_code).values_list("name", flat=True).first() or ""
            self.initial.setdefault("checked_by_unit", unit)
            self.initial.setdefault("checkers", user.display_name or user.username)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["place"] = data["place"].pk
        return data
