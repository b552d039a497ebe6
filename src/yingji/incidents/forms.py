"""Forms of the incident page: activate a plan, assign a task, act on a task. The services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core.models import User

from .choices import ResponseLevel


class ActivationForm(forms.Form):
    plan_id = forms.ChoiceField(label=_("Plan"))
    level = forms.ChoiceField(label=_("Response level"), required=False,
                              choices=[("", _("As proposed"))] + ResponseLevel.choices())
    deputy_name = forms.CharField(label=_("Deputy commander"), max_length=50, required=False)

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_id"].choices = [
            (m["plan"].pk, f"{m['plan'].name} ({m['level'] or '—'})") for m in matches]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee_id = forms.ModelChoiceField(label=_("Assigned person"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Deadline"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee_id"].queryset = User.objects.filter(
            is_active=True, scope_region_code__startswith=user.scope_region_code or "-").order_by("username")
        self.fields["assignee_id"].label_from_instance = lambda u: f"{u} ({u.username})"

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["assignee_id"] = data["assignee_id"].pk
        if not data.get("due_at"):
            data.pop("due_at", None)
        return data
