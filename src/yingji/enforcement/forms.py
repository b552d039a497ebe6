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


# --- inspections -----------------------------------------------------------------------------------------------

from yingji.standards.checklists import INDUSTRIES  # noqa: E402  (this area's section)

from .choices import InspectionOrigin  # noqa: E402
from .models import RandomDraw  # noqa: E402


class InspectionForm(forms.Form):
    """Plan an inspection: the enterprise, why, which draw (for a 双随机 pair), the officers (at least two, certified
    on the day, none recused: the service checks), the date and the checklist."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=enterprise_model().objects.none())
    origin = forms.ChoiceField(label=_("Origin"), choices=InspectionOrigin.choices(),
                               initial=InspectionOrigin.AD_HOC)
    random_draw = forms.ModelChoiceField(label=_("Random draw"), queryset=RandomDraw.objects.none(),
                                         required=False,
                                         help_text=_("For an inspection drawn at random: the draw it comes from "
                                                     "(its officers are taken when none are chosen)."))
    officers = forms.MultipleChoiceField(label=pgettext_lazy("enforcement", "Officers"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("At least two, with certificates valid on the day."))
    planned_on = forms.DateField(label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                   format="%Y-%m-%d"))
    checklist = forms.ChoiceField(label=_("Checklist"), required=False,
                                  help_text=_("Leave empty to use the checklist of the enterprise's industry."))
    summary = forms.CharField(label=_("Purpose and notes"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = enterprise_model().objects.for_user(user).order_by("name")
        self.fields["random_draw"].queryset = RandomDraw.objects.for_user(user).order_by("-created_at")
        officers = Officer.objects.for_user(user).filter(is_active=True).order_by("name")
        self.fields["officers"].choices = [(str(o.user_id), f"{o.name}（{o.certificate_no}）") for o in officers]
        self.fields["checklist"].choices = [("", _("By the enterprise's industry"))] + list(INDUSTRIES.items())
        self.fields["planned_on"].initial = timezone.localdate()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["officers"] = [int(i) for i in data.get("officers") or []] or None
        data["checklist"] = data.get("checklist") or None
        return data
