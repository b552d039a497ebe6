"""Forms of the drill pages. They only shape input; ``services.drills`` validates and writes."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.models import Region

from .choices_drills import OrganiserLevel
from .models.drills import Drill, DrillPlan
from .services import drills as services

_DATE = {"type": "date"}


class _ServiceForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v is not None or k in self.fields}
        for name in ("teams", "equipment"):
            if name in data:
                data[name] = [obj.pk for obj in data[name]]
        for name in ("emergency_plan", "drill_plan", "enterprise"):
            if name in data:
                data[name] = data[name].pk if data[name] is not None else None
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


def _organiser_fields(form: forms.ModelForm, user) -> None:
    """The county bureau names the level (and the township or enterprise); others record their own."""
    if form.instance.pk or not services.is_county(user):
        for name in ("organiser_level", "township", "enterprise"):
            form.fields.pop(name, None)
        if form.instance.pk or user.enterprise_id:
            form.fields.pop("organiser", None)
        else:
            form.fields["organiser"].required = False
            form.fields["organiser"].help_text = _("Empty: the township's name.")
        return
    form.fields["organiser_level"] = forms.ChoiceField(label=_("Organiser level"), choices=OrganiserLevel.choices())
    form.fields["township"] = forms.ChoiceField(
        label=_("Township (township drills)"), required=False, choices=[("", "—")] + [
            (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region), level="township")
            .order_by("code")])
    enterprise_model = Drill._meta.get_field("enterprise").related_model
    form.fields["enterprise"].queryset = enterprise_model.objects.filter(
        policy.scope_q(user, enterprise_model)).order_by("name")
    form.fields["enterprise"].label = _("Enterprise (enterprise drills)")
    form.fields["organiser"].required = False


def _scoped(form, name: str, user) -> None:
    field = form.fields.get(name)
    if field is not None:
        model = field.queryset.model
        field.queryset = model.objects.filter(policy.scope_q(user, model))


class DrillPlanForm(_ServiceForm):
    class Meta:
        model = DrillPlan
        fields = ["organiser_level", "enterprise", "organiser", "year", "planned_month", "kind", "plan_type",
                  "emergency_plan", "scenario", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        _organiser_fields(self, user)
        _scoped(self, "emergency_plan", user)


class DrillForm(_ServiceForm):
    class Meta:
        model = Drill
        fields = ["organiser_level", "enterprise", "organiser", "title", "drill_plan", "emergency_plan", "kind",
                  "plan_type", "date", "place", "scenario", "participants", "participant_units", "teams",
                  "equipment", "evaluation_worked", "evaluation_problems", "reported"]
        widgets = {"date": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "scenario": forms.Textarea(attrs={"rows": 3}),
                   "participant_units": forms.Textarea(attrs={"rows": 2}),
                   "evaluation_worked": forms.Textarea(attrs={"rows": 3}),
                   "evaluation_problems": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _organiser_fields(self, user)
        for name in ("drill_plan", "emergency_plan", "teams", "equipment"):
            _scoped(self, name, user)


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    owner = forms.CharField(label=_("Owner"), max_length=100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                               initial=lambda: timezone.localdate() + datetime.timedelta(days=30))


class ProblemActionForm(forms.Form):
    """One form for every problem action: the text it needs (rectification, note or reason), a new deadline."""

    text = forms.CharField(label=_("Rectification or opinion"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("New deadline"), required=False,
                               widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo or evaluation report (JPEG, PNG, PDF)"))
