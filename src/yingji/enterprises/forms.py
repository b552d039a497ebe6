"""Forms of the enterprise pages. They only shape input; the services validate the domain and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import modelchoices, policy
from yingji.core.models import Organisation, Region
from yingji.standards import gb18218

from . import industries
from .models import (
    SUPERVISOR_KINDS,
    CustodianCheck,
    Enterprise,
    Licence,
    MajorHazardFiling,
    Mine,
    TailingsPond,
    Unit,
)
from .services import BUREAU_FIELDS

DATALIST_ID = "yj-gb18218-names"


class _ServiceForm(forms.ModelForm):
    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        """New objects: every field; existing ones: only what changed (so disabled fields never travel)."""
        names = self.changed_data if self.instance.pk else list(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class EnterpriseForm(_ServiceForm):
    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "region_code", "address", "lat", "lon", "industry_division", "industry",
                  "sector", "supervising_unit", "scale", "legal_representative", "legal_representative_phone",
                  "principal", "principal_phone", "safety_manager", "safety_manager_phone", "employee_count",
                  "status", "hazchem_production", "hazchem_business", "hazchem_use", "fireworks", "non_coal_mine",
                  "tailings_pond", "metallurgy", "ammonia_refrigeration", "combustible_dust", "confined_space"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(policy.scope_q(user, Region)).order_by("code")
        self.fields["region_code"] = forms.ChoiceField(
            label=_("Region"), choices=[(r.code, f"{r.code} {r.name}") for r in regions])
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code
        self.fields["industry_division"].choices = [("", "—"), *industries.grouped_division_choices()]
        self.fields["supervising_unit"].queryset = Organisation.objects.filter(
            kind__in=SUPERVISOR_KINDS).order_by("kind", "name")
        if user.enterprise_id:
            # An enterprise keeps its own profile current; identity, place, status and supervisor are the bureau's.
            for name in BUREAU_FIELDS & set(self.fields):
                self.fields[name].disabled = True


class LicenceForm(_ServiceForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issuer", "holder", "licensed_scope", "issued_on", "expires_on"]
        widgets = {"issued_on": forms.DateInput(), "expires_on": forms.DateInput()}


class UnitForm(_ServiceForm):
    class Meta:
        model = Unit
        fields = ["kind", "name", "description", "exposed_population"]


def _category_choices():
    return [("", "—")] + [(c.symbol, f"{c.symbol} {c.hazard_class_zh}") for c in gb18218.hazard_categories()]


class ChemicalForm(forms.Form):
    """One row of a unit's chemicals: a GB 18218 Table 1 name, a CAS number or a Table 2 category."""

    name = forms.CharField(label=_("Chemical name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"list": DATALIST_ID, "autocomplete": "off"}))
    cas = forms.CharField(label=_("CAS number"), max_length=20, required=False)
    category = forms.ChoiceField(label=_("Hazard category"), choices=_category_choices, required=False)
    quantity_t = forms.DecimalField(label=_("Maximum quantity (t)"), min_value=0, max_digits=14, decimal_places=4,
                                    required=False)
    critical_t = forms.DecimalField(label=_("Critical quantity override (t)"), min_value=0, max_digits=14,
                                    decimal_places=4, required=False)
    beta = forms.DecimalField(label=_("β override"), min_value=0, max_digits=6, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = ("form-check-input" if isinstance(widget, forms.CheckboxInput) else
                   "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm")
            widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        named = any(data.get(k) for k in ("name", "cas", "category"))
        if named and data.get("quantity_t") is None:
            self.add_error("quantity_t", _("Give the maximum quantity in tonnes."))
        return data

    def item(self) -> dict | None:
        """The row as a chemical mapping for the service, or None for a blank row."""
        data = self.cleaned_data
        if not data or data.get("DELETE") or not any(data.get(k) for k in ("name", "cas", "category")):
            return None
        return {k: data.get(k) if k in ("quantity_t", "critical_t", "beta") else (data.get(k) or "")
                for k in ("name", "cas", "category", "quantity_t", "critical_t", "beta")}


ChemicalFormSet = forms.formset_factory(ChemicalForm, extra=3, can_delete=True, max_num=200, validate_max=True)


def chemical_initial(unit: Unit) -> list[dict]:
    return [{"name": c.name, "cas": c.cas, "category": c.category, "quantity_t": c.quantity_t,
             "critical_t": c.critical_t, "beta": c.beta} for c in unit.chemicals.all()]


def table1_names() -> list[str]:
    return [c.name_zh for c in gb18218.table1()]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx) or CSV file (UTF-8 or GBK)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False)


class MajorHazardCalculatorForm(forms.Form):
    exposed_population = forms.IntegerField(label=_("People exposed within 500 m"), min_value=0, max_value=10**7,
                                            initial=0)


def _scoped_enterprises(user, **filters):
    return Enterprise.objects.filter(policy.scope_q(user, Enterprise), **filters).order_by("name")


class TailingsPondForm(_ServiceForm):
    class Meta:
        model = TailingsPond
        fields = ["enterprise", "name", "design_capacity", "current_capacity", "design_dam_height",
                  "current_dam_height", "severe_downstream", "head_top", "downstream_villages",
                  "downstream_population", "status", "online_monitoring", "registered_on", "closed_on",
                  "closed_out_on"]
        widgets = {"registered_on": forms.DateInput(),
                   "closed_on": forms.DateInput(),
                   "closed_out_on": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _scoped_enterprises(user)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True


class MineForm(_ServiceForm):
    class Meta:
        model = Mine
        fields = ["enterprise", "name", "mineral", "licence_no", "licence_expires", "method", "scale",
                  "design_output", "service_life_years", "production_started", "status", "online_monitoring"]
        widgets = {"licence_expires": forms.DateInput(),
                   "production_started": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _scoped_enterprises(user)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True


class MajorHazardFilingForm(_ServiceForm):
    class Meta:
        model = MajorHazardFiling
        fields = ["unit", "filing_no", "filed_on", "principal", "principal_phone", "technical", "technical_phone",
                  "operational", "operational_phone"]
        widgets = {"filed_on": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (Unit.objects.filter(policy.scope_q(user, Unit), is_major=True,
                                                            filing__isnull=True).select_related("enterprise")
                                        .order_by("enterprise__name", "name"))
        modelchoices.label_choices(self.fields["unit"], ("enterprise__name", "name"), lambda e, n: f"{e} · {n}")
        if self.instance.pk:
            self.fields["unit"].queryset = Unit.objects.filter(pk=self.instance.unit_id)
            self.fields["unit"].disabled = True


class CustodianCheckForm(_ServiceForm):
    class Meta:
        model = CustodianCheck
        fields = ["filing", "role", "date", "person", "findings", "hazards_found"]
        widgets = {"date": forms.DateInput(), "findings": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filing"].queryset = (MajorHazardFiling.objects.filter(policy.scope_q(user, MajorHazardFiling))
                                          .select_related("unit", "enterprise").order_by("enterprise__name"))
        modelchoices.label_choices(self.fields["filing"], ("enterprise__name", "unit__name"), lambda e, u: f"{e} · {u}")
