"""Forms of the assessment; they only shape input (``services`` validates and writes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import policy

from .choices import Target
from .models import Rubric, RubricItem


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


class RubricForm(_Form):
    class Meta:
        model = Rubric
        fields = ["year", "target", "title", "bands", "source"]


class RubricItemForm(_Form):
    class Meta:
        model = RubricItem
        fields = ["rubric", "position", "section", "name", "points", "kind", "metric", "rule", "effect", "evidence",
                  "note"]


class CopyDefaultForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target = forms.ChoiceField(label=_("Assessed units"), choices=Target.choices())


class AssessItemForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), required=False, min_value=0, max_digits=6, decimal_places=2)
    triggered = forms.BooleanField(label=_("Veto triggered"), required=False)
    reason = forms.CharField(label=_("Scoring reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(label=_("Evidence"), required=False)
