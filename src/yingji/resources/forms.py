"""Forms of the resources pages. They only shape input; the services (and the models' rules they run) validate
the domain and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.models import Region

from .choices import ActivityKind, Capability, Facility, MovementKind, ShelterStatus
from .models import Equipment, Expert, Shelter, StockBatch, SupplyItem, Team, Warehouse


def _region_choices(user):
    regions = Region.objects.filter(policy.scope_q(user, Region)).order_by("code").only("code", "name")
    return [(r.code, f"{r.code} {r.name}") for r in regions]


class ResourceForm(forms.ModelForm):
    """A registry form: the region is chosen among the user's jurisdiction; the service validates and saves."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "region_code" in self.fields:
            self.fields["region_code"] = forms.ChoiceField(label=_("Region"), choices=_region_choices(user))
            if self.instance.pk:
                self.fields["region_code"].initial = self.instance.region_code

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


LOCATED = ["address", "lat", "lon"]


class TeamForm(ResourceForm):
    capabilities = forms.MultipleChoiceField(label=_("Capabilities (incident types)"), required=False,
                                             choices=Capability.choices(), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Team
        fields = ["name", "kind", "region_code", "capabilities", "leader", "leader_phone", "duty_phone", "headcount",
                  "readiness", *LOCATED, "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ExpertForm(ResourceForm):
    field = forms.ChoiceField(label=pgettext_lazy("expertise", "Field"), choices=Capability.choices())

    class Meta:
        model = Expert
        fields = ["name", "field", "specialty", "title", "unit", "phone", "available", "region_code", *LOCATED]


class WarehouseForm(ResourceForm):
    class Meta:
        model = Warehouse
        fields = ["name", "level", "region_code", "manager", "phone", "area_m2", *LOCATED]


class ShelterForm(ResourceForm):
    facilities = forms.MultipleChoiceField(label=_("Facilities"), required=False, choices=Facility.choices(),
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Shelter
        fields = ["name", "level", "kind", "space", "region_code", "area_m2", "area_per_person", "capacity",
                  "facilities", "manager", "phone", *LOCATED, "standardised_on", "video_url"]
        widgets = {"standardised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class EquipmentForm(ResourceForm):
    """Equipment held by a team or a warehouse takes its region (and point, unless given) from the holder."""

    region_code = forms.ChoiceField(label=_("Region (of a unit holder)"), required=False)

    class Meta:
        model = Equipment
        fields = ["item", "model_name", "count", "holder_kind", "team", "warehouse", "holder_name", "status",
                  "last_checked", "region_code", *LOCATED]
        widgets = {"last_checked": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region_code"] = forms.ChoiceField(label=_("Region (of a unit holder)"), required=False,
                                                       choices=[("", "—")] + _region_choices(user))
        self.fields["team"].queryset = Team.objects.filter(policy.scope_q(user, Team)).only("id", "name")
        self.fields["warehouse"].queryset = Warehouse.objects.filter(policy.scope_q(user, Warehouse)).only(
            "id", "name")
        if self.instance.pk:
            for name in ("holder_kind", "team", "warehouse", "item"):
                self.fields[name].disabled = True

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("team", "warehouse"):
            if name in data:
                holder = data.pop(name)
                if holder is not None:
                    data[f"{name}_id"] = holder.pk
        if not data.get("region_code"):
            data.pop("region_code", None)
        return data


class ActivityForm(forms.Form):
    # Drills are recorded in the drill register (one record per drill), not per team.
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in ActivityKind.choices() if c[0] != ActivityKind.DRILL])
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    incident = forms.IntegerField(label=_("Incident number (optional)"), required=False, min_value=1)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["kind"], "date": d["date"], "incident_id": d["incident"], "notes": d["notes"]}


class ReceiptForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=SupplyItem.objects.all())
    batch_no = forms.CharField(label=_("Batch"), max_length=50)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=2**31 - 1)
    expires_on = forms.DateField(label=_("Expires"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    inspect_on = forms.DateField(label=_("Next inspection"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class MovementForm(forms.Form):
    """Issue (出库), write off (报损) or count (盘点) one batch."""

    batch = forms.ModelChoiceField(label=_("Batch"), queryset=StockBatch.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, label) for k, label in MovementKind.choices()
                                                       if k in (MovementKind.ISSUE, MovementKind.LOSS,
                                                                MovementKind.COUNT)])
    quantity = forms.IntegerField(label=_("Quantity (issue / write-off) or counted quantity"), min_value=0,
                                  max_value=2**31 - 1)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, warehouse: Warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = StockBatch.objects.filter(warehouse=warehouse).select_related("item")


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(label=_("From warehouse"), queryset=Warehouse.objects.none())
    target = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=SupplyItem.objects.all())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The page offers the warehouses of the user's jurisdiction only (it never lists another scope's data);
        # transfers across jurisdictions are requested by the higher level, whose scope holds both ends.
        visible = Warehouse.objects.filter(policy.scope_q(user, Warehouse)).order_by("region_code", "name")
        self.fields["source"].queryset = visible
        self.fields["target"].queryset = visible


class ShelterStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ShelterStatus.choices())
    occupancy = forms.IntegerField(label=_("Current occupancy"), required=False, min_value=0, max_value=2**31 - 1)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False)
