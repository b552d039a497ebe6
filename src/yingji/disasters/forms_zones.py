"""Forms of the danger-zone pages. They only shape input; the services validate and write."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.choices import RegionLevel
from yingji.core.models import Region
from yingji.resources.models import Shelter

from .models.zones import DangerZone, Household
from .zone_choices import HouseholdState


class _ServiceForm(forms.ModelForm):
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


class ContactChainField(forms.CharField):
    """The 叫应 chain typed one contact a line: name, role, phone (separated by spaces or commas)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(" ".join(str(c.get(k) or "") for k in ("name", "role", "phone")).strip()
                             for c in value if isinstance(c, dict))
        return value

    def to_python(self, value):
        chain = []
        for line in (value or "").splitlines():
            parts = [p for p in re.split(r"[\s,，、]+", line.strip()) if p]
            if not parts:
                continue
            if len(parts) < 2:
                raise forms.ValidationError(_("Each line: name, role and phone."))
            phone = parts[-1]
            chain.append({"name": parts[0], "role": " ".join(parts[1:-1]), "phone": phone})
        return chain


class DangerZoneForm(_ServiceForm):
    contact_chain = ContactChainField(label=_("Call-and-answer chain (one a line: name role phone)"),
                                      required=False)

    class Meta:
        model = DangerZone
        fields = ["name", "kind", "region_code", "lat", "lon", "description", "route", "shelter",
                  "responsible_name", "responsible_phone", "contact_chain", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "route": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region_code"] = forms.ChoiceField(label=_("Village"), choices=[
            (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region),
                                                            level=RegionLevel.VILLAGE).order_by("code")])
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code
        scope = user.scope_region_code or ""
        self.fields["shelter"].queryset = Shelter.objects.filter(
            policy.scope_q(user, Shelter) | Q(region_code__in=policy.region_ancestors(scope))
            if scope else policy.scope_q(user, Shelter))


class HouseholdForm(_ServiceForm):
    class Meta:
        model = Household
        fields = ["zone", "head_name", "phone", "address", "people", "elderly_alone", "disabled", "children",
                  "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["zone"].queryset = DangerZone.objects.filter(policy.scope_q(user, DangerZone))


class ConfirmForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=HouseholdState.choices())
    people_moved = forms.IntegerField(label=_("People moved"), required=False, min_value=0)
    reason = forms.CharField(label=_("Reason for refusing"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)
