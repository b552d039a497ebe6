"""Forms of the plan document pages. They only shape input; ``services.plans`` validates and writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.models import Organisation, Region
from yingji.incidents.choices import PlanDocKind, PlanLevel, PlanState
from yingji.incidents.models import Plan
from yingji.resources.models import Expert
from yingji.standards import emergency_plans as rules

from .choices_plans import EvaluationConclusion, ReviewConclusion
from .services import plans as services

_DATE = {"type": "date"}


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"), **kwargs)


class _PlanForm(forms.Form):
    """A form about one plan the user keeps, in the states the record needs."""

    STATES: tuple[str, ...] = ()

    plan = forms.ModelChoiceField(label=_("Emergency plan"), queryset=Plan.objects.none())

    def __init__(self, *args, user, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.user = user
        plans = Plan.objects.filter(policy.scope_q(user, Plan), state__in=self.STATES)
        plans = plans.filter(enterprise=user.enterprise) if user.enterprise_id else plans.filter(enterprise=None)
        self.fields["plan"].queryset = plans.order_by("name")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["plan"] = data["plan"].pk
        return data


class PlanDocumentForm(forms.Form):
    """A new plan document (编制): staff choose the level, place and owner; an enterprise drafts its own."""

    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Plan level"), choices=[c for c in PlanLevel.choices()
                                                              if c[0] != PlanLevel.ENTERPRISE])
    doc_kind = forms.ChoiceField(label=_("Document kind"), choices=PlanDocKind.choices())
    region_code = forms.ChoiceField(label=_("Region"))
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organisation.objects.none(),
                                   required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.enterprise_id:
            for name in ("level", "region_code", "owner"):
                self.fields.pop(name)
            self.fields["doc_kind"].choices = [(k, PlanDocKind.label(k)) for k in services.ENTERPRISE_KINDS]
            return
        self.fields["doc_kind"].choices = [c for c in PlanDocKind.choices() if c[0] not in services.ENTERPRISE_KINDS]
        self.fields["region_code"].choices = [
            (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region), level__in=(
                "county", "township")).order_by("code")]
        self.fields["owner"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation)).order_by(
            "kind", "name")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("owner") is not None:
            data["owner"] = data["owner"].pk
        return data


class PlanVersionForm(_PlanForm):
    STATES = (PlanState.DRAFTING, PlanState.REVISION)

    change_note = forms.CharField(label=_("Change note"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Document file (PDF)"), required=False)

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("file", None)
        return data


class VersionFileForm(forms.Form):
    file = forms.FileField(label=_("Document file (PDF)"))


class PlanReviewForm(_PlanForm):
    """An expert review: the experts from the pool and their opinions, one line each as ``姓名：意见``."""

    STATES = (PlanState.REVIEW,)

    date = _date_field(_("Review date"), initial=timezone.localdate)
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=ReviewConclusion.choices())
    summary = forms.CharField(label=_("Review summary"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    experts = forms.ModelMultipleChoiceField(label=_("Experts"), queryset=Expert.objects.none())
    opinions = forms.CharField(label=_("Opinions"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("One line per expert: name, a colon, the opinion."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["experts"].queryset = services.experts_for(user).order_by("field", "name")

    def clean(self):
        data = super().clean()
        experts = list(data.get("experts") or ())
        if not experts or not data.get("opinions"):
            return data
        by_name = {e.name: e for e in experts}
        found: dict[int, str] = {}
        for line in data["opinions"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, sep, text = line.replace(":", "：").partition("：")
            if sep and name.strip() in by_name:
                found[by_name[name.strip()].pk] = text.strip()
            elif len(experts) == 1:
                found[experts[0].pk] = line
            else:
                self.add_error("opinions", _("Begin each line with one of the chosen experts' names."))
                return data
        if set(found) != {e.pk for e in experts} or not all(found.values()):
            self.add_error("opinions", _("Give one opinion for each chosen expert."))
        data["opinion_rows"] = [{"expert": pk, "opinion": text} for pk, text in found.items()]
        return data

    def service_data(self) -> dict:
        data = super().service_data()
        data["opinions"] = data.pop("opinion_rows", [])
        data.pop("experts", None)
        return data


class PlanFilingForm(_PlanForm):
    """A filing: the plan and the checklist items the materials hold (the checklist of the plan's kind)."""

    STATES = (PlanState.PUBLISHED,)

    checklist = forms.MultipleChoiceField(label=_("Materials and contents provided"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["plan"].queryset = self.fields["plan"].queryset.exclude(enterprise=None)
        plan_id = (self.data.get("plan") if self.is_bound else None) or self.initial.get("plan")
        plan = self.fields["plan"].queryset.filter(pk=plan_id).first() if str(plan_id or "").isdigit() else None
        items = (services.checklist_for(plan) if plan is not None
                 else rules.filing_checklist("comprehensive", review_required=True))
        self.fields["checklist"].choices = [(i["key"], f"{i['label']}（{i['basis']}）") for i in items]


class PlanEvaluationForm(_PlanForm):
    STATES = (PlanState.EVALUATION,)

    date = _date_field(_("Evaluation date"), initial=timezone.localdate)
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=EvaluationConclusion.choices())
    findings = forms.CharField(label=_("Findings"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    triggers = forms.MultipleChoiceField(label=_("Revision triggers"), required=False,
                                         choices=list(rules.REVISION_TRIGGERS.items()),
                                         widget=forms.CheckboxSelectMultiple)
    revision_due = _date_field(_("Revision due"), required=False)


class PlanActionForm(forms.Form):
    """One form for the direct plan actions: the reason (back to drafting) or note, the publication date."""

    text = forms.CharField(label=_("Reason or note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    published_on = _date_field(_("Published on"), required=False)


class FilingActionForm(forms.Form):
    text = forms.CharField(label=_("Reason or note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))
