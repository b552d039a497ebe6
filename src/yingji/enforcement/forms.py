"""Forms of the enforcement pages. They only shape input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.models import Organisation, Region, User, enterprise_model

from .models import Officer, TrainingRecord


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


class OfficerForm(_ServiceForm):
    class Meta:
        model = Officer
        fields = ["user", "name", "region_code", "organisation", "certificate_no", "certificate_expires",
                  "is_active"]
        widgets = {"certificate_expires": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        accounts = User.objects.filter(policy.scope_q(user, User), is_active=True, enterprise__isnull=True)
        self.fields["user"].queryset = accounts.order_by("username")
        self.fields["user"].label_from_instance = lambda account: str(account)
        self.fields["organisation"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation))
        self.fields["name"].required = False
        self.fields["region_code"] = forms.ChoiceField(label=_("Jurisdiction"), choices=[
            (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region)).order_by("code")])
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code


class TrainingForm(_ServiceForm):
    class Meta:
        model = TrainingRecord
        fields = ["date", "days", "topic", "provider"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DrawForm(forms.Form):
    """A draw from the page: the enterprise pool by township and industry, the officers among the certified ones
    of the jurisdiction (all by default), how many, and an optional seed (one is made and published if empty)."""

    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Township / village"), required=False)
    industry = forms.CharField(label=_("Industry contains"), max_length=100, required=False)
    count = forms.IntegerField(label=_("Enterprises to draw"), min_value=1, max_value=500)
    per_enterprise = forms.IntegerField(label=_("Officers per enterprise"), min_value=2, max_value=5, initial=2)
    officers = forms.MultipleChoiceField(label=_("Officer pool"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Leave empty to draw from every certified officer."))
    seed = forms.CharField(label=_("Seed"), max_length=200, required=False,
                           help_text=_("Published with the result, so anyone can re-run the draw. Leave empty "
                                       "and one is generated."))

    def __init__(self, *args, user, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].choices = [("", _("Whole jurisdiction"))] + [
            (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region)).order_by("code")]
        self.fields["officers"].choices = [(str(o.user_id), f"{o.name}（{o.certificate_no}）") for o in officers]
        self.officer_ids = [o.user_id for o in officers]
        self.fields["title"].initial = _("Random inspection draw of %(date)s") % {
            "date": timezone.localdate().isoformat()}

    def service_data(self) -> dict:
        data = self.cleaned_data
        enterprises = enterprise_model().objects.for_user(self.user)
        if data.get("region"):
            enterprises = enterprises.filter(region_code__startswith=data["region"])
        if data.get("industry"):
            enterprises = enterprises.filter(industry__icontains=data["industry"])
        officers = [int(i) for i in data.get("officers") or []] or self.officer_ids
        return {"title": data.get("title") or "", "enterprises": list(enterprises.values_list("pk", flat=True)),
                "officers": officers, "count": data["count"], "per_enterprise": data["per_enterprise"],
                "seed": data.get("seed") or None}


# --- annual plan, campaigns and supervision orders -----------------------------------------------------------

from .choices import CampaignKind, CampaignSector, OrderKind, SupervisionClassChoice  # noqa: E402
from .models import Campaign, SupervisionClass  # noqa: E402

_DATE = {"type": "date"}


def _townships(user) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region), level="township")
            .order_by("code")]


def _departments(user):
    return Organisation.objects.filter(policy.scope_q(user, Organisation),
                                       kind__in=["member_unit", "section"]).order_by("kind", "name")


class ClassOverrideForm(_ServiceForm):
    """Staff set an enterprise's class for the year (or clear it, back to the computed one) with a reason."""

    class Meta:
        model = SupervisionClass
        fields = ["override_class", "override_reason"]
        widgets = {"override_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["override_class"].choices = [("", _("As computed"))] + list(SupervisionClassChoice.choices())

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    region_code = forms.ChoiceField(label=_("Covers"))
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200, required=False,
                            help_text=_("Leave empty for the usual title."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["region_code"].choices = [
            (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region),
                                                            level__in=["county", "township"]).order_by("code")]


class CampaignForm(_ServiceForm):
    industries = forms.MultipleChoiceField(label=_("Sectors"), required=False, choices=CampaignSector.choices(),
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("None ticked: every enterprise."))
    townships = forms.MultipleChoiceField(label=_("Townships"), required=False, widget=forms.CheckboxSelectMultiple,
                                          help_text=_("None ticked: the whole county."))

    class Meta:
        model = Campaign
        fields = ["title", "kind", "basis", "starts_on", "ends_on", "industries", "townships", "lead_org",
                  "description"]
        widgets = {"starts_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["kind"].choices = list(CampaignKind.choices())
        self.fields["townships"].choices = _townships(user)
        self.fields["lead_org"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation))
        if self.instance.pk:
            self.initial["industries"] = self.instance.industries
            self.initial["townships"] = self.instance.townships


class CampaignTaskForm(forms.Form):
    township = forms.ChoiceField(label=pgettext_lazy("plan", "Township"), required=False)
    organisation = forms.ModelChoiceField(label=_("or department"), queryset=Organisation.objects.none(),
                                          required=False)
    content = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    deadlines = forms.CharField(label=_("Report deadlines"), max_length=300,
                                help_text=_("Dates YYYY-MM-DD separated by commas, e.g. 2026-05-10, 2026-06-10."))

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        townships = _townships(user)
        if campaign.townships:
            townships = [t for t in townships if t[0] in campaign.townships]
        self.fields["township"].choices = [("", "—")] + townships
        self.fields["organisation"].queryset = _departments(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"].pk if data.get("organisation") else None
        return data


class CampaignReportForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=50, required=False,
                             help_text=_("The figures are totals so far, up to this deadline."))
    enterprises_checked = forms.IntegerField(label=_("Enterprises checked"), min_value=0)
    hazards_found = forms.IntegerField(label=_("Hazards found"), min_value=0)
    hazards_rectified = forms.IntegerField(label=_("Hazards rectified"), min_value=0)
    major_hazards = forms.IntegerField(label=_("Major hazards"), min_value=0)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("Attachment"), required=False)


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrderKind.choices())
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    matter = forms.CharField(label=_("Matter"), widget=forms.Textarea(attrs={"rows": 4}))
    township = forms.ChoiceField(label=pgettext_lazy("plan", "Township"), required=False)
    organisation = forms.ModelChoiceField(label=_("or department"), queryset=Organisation.objects.none(),
                                          required=False)
    hazard = forms.IntegerField(label=_("Hazard number"), required=False, min_value=1,
                                help_text=_("Optional: the hazard this order is about (its township is taken)."))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "—")] + _townships(user)
        self.fields["organisation"].queryset = _departments(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"].pk if data.get("organisation") else None
        return data


class OrderActionForm(forms.Form):
    """One form for every order action: the text it needs (reply, note or reason), a file, a new deadline."""

    text = forms.CharField(label=_("Reply or opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("New deadline"), required=False,
                               widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    file = forms.FileField(label=_("Attachment"), required=False)
