"""The form of an entered historical figure; it only shapes input (``services`` validates and writes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import region_choices

from .models import HistoricalFigure


class HistoricalFigureForm(forms.ModelForm):
    region_code = forms.ChoiceField(label=_("County, township or village"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region_code"].choices = region_choices(user)
        if not self.instance.pk:
            self.initial.setdefault("region_code", user.scope_region_code)

    def _post_clean(self):
        pass

    class Meta:
        model = HistoricalFigure
        fields = ["region_code", "year", "indicator", "value", "source"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data
