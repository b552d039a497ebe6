"""Forms of disaster reporting pages: they only shape input; the services validate and write."""

from __future__ import annotations

from django import forms

from .models import ReliefThreshold


class ReliefThresholdForm(forms.ModelForm):
    class Meta:
        model = ReliefThreshold
        fields = ["level", "indicator", "minimum", "source", "verified"]

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
