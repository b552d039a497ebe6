"""Forms of the relief pages. They only shape input; the services validate and write."""

from __future__ import annotations

from django import forms

from .forms_zones import _ServiceForm
from .models.relief import ReliefApplication, ReliefStandard


class ReliefStandardForm(_ServiceForm):
    class Meta:
        model = ReliefStandard
        fields = ["region_code", "year", "kind", "per_person", "per_household", "unit", "source", "verified"]


class ReliefApplicationForm(_ServiceForm):
    class Meta:
        model = ReliefApplication
        fields = ["event", "household", "kind", "region_code", "head_name", "id_number", "phone", "address",
                  "members", "damage", "need", "units", "note"]
        widgets = {"need": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from .models.reports import DisasterEvent
        from .models.zones import Household

        self.fields["event"].queryset = DisasterEvent.objects.for_user(user)
        self.fields["household"].queryset = Household.objects.for_user(user).select_related("zone")
        # Taken from the household when one is chosen; the service checks them otherwise.
        for name in ("region_code", "head_name", "members"):
            self.fields[name].required = False
