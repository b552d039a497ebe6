"""Forms of the assessment; they only shape input (``services`` validates and writes). The rubric's grade bands and
an item's scoring rule are stored as JSON but edited as plain fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.standards import assessment as scoring

from .choices import RuleKind, Target
from .models import Rubric, RubricItem

BAND_FIELDS = (("excellent", _("Lowest total for excellent")), ("good", _("Lowest total for good")),
               ("pass", _("Lowest total for passed")))
RULE_FIELDS = {"full_at": ("rate", _("Full points at the rate (0–1)")),
               "zero_at": ("rate", _("No points at the rate (0–1)")),
               "target": ("count", _("Required number")), "per": ("deduct", _("Points off per occurrence"))}


class _Form(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                field.queryset = policy.restrict(queryset, user)

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


def _number(value) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


class RubricForm(_Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        bands = {b["grade"]: b["min"] for b in (self.instance.bands or scoring.default_rubric()["bands"])}
        for grade, label in BAND_FIELDS:
            self.fields[f"band_{grade}"] = forms.DecimalField(label=label, min_value=0, max_value=100,
                                                              decimal_places=2, initial=bands.get(grade))

    class Meta:
        model = Rubric
        fields = ["year", "target", "title", "source"]

    def service_data(self) -> dict:
        names = {f"band_{g}" for g, _label in BAND_FIELDS}
        data = {k: v for k, v in super().service_data().items() if k not in names}
        if not self.instance.pk or names & set(self.changed_data):
            labels = {b["grade"]: b["label"] for b in scoring.default_rubric()["bands"]}
            data["bands"] = [{"grade": g, "min": _number(self.cleaned_data[f"band_{g}"]), "label": labels[g]}
                             for g, _label in BAND_FIELDS] + [{"grade": "fail", "min": 0, "label": labels["fail"]}]
        return data


class RubricItemForm(_Form):
    rule_kind = forms.ChoiceField(label=_("Scoring rule"), required=False,
                                  choices=[("", "—"), *RuleKind.choices()])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        rule = self.instance.rule or {}
        self.fields["rule_kind"].initial = rule.get("kind", "")
        for key, (_kind, label) in RULE_FIELDS.items():
            self.fields[f"rule_{key}"] = forms.DecimalField(label=label, required=False, min_value=0,
                                                            decimal_places=4, initial=rule.get(key))

    class Meta:
        model = RubricItem
        fields = ["rubric", "position", "section", "name", "points", "kind", "metric", "effect", "evidence", "note"]

    def service_data(self) -> dict:
        names = {"rule_kind", *(f"rule_{k}" for k in RULE_FIELDS)}
        data = {k: v for k, v in super().service_data().items() if k not in names}
        if not self.instance.pk or names & set(self.changed_data):
            kind = self.cleaned_data.get("rule_kind") or ""
            rule = {"kind": kind} if kind else {}
            for key, (rule_kind, _label) in RULE_FIELDS.items():
                value = self.cleaned_data.get(f"rule_{key}")
                if rule_kind == kind and value is not None:
                    rule[key] = _number(value)
            data["rule"] = rule
        return data


class CopyDefaultForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target = forms.ChoiceField(label=_("Assessed units"), choices=Target.choices())


class AssessItemForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), required=False, min_value=0, max_digits=6, decimal_places=2)
    triggered = forms.BooleanField(label=_("Veto triggered"), required=False)
    reason = forms.CharField(label=_("Scoring reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(label=_("Evidence"), required=False)
