"""Forms of the duty console: log an item, turn it into an incident. The services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.forms import PhoneField
from yingji.incidents.forms import IncidentForm
from yingji.incidents.services import InformationSource

from .choices import EntryKind, Shift


class LogEntryForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=InformationSource.choices())
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices())
    caller_name = forms.CharField(label=_("Caller"), max_length=50, required=False)
    caller_phone = PhoneField(label=_("Caller's phone"), required=False)
    content = forms.CharField(label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(IncidentForm):
    """Turn a duty call into an incident: the incident form with its place picker; source, caller and content
    come from the log entry."""

    FROM_ENTRY = ("source", "description", "reporter_name", "reporter_phone")
    SECTIONS = IncidentForm.SECTIONS[:3]

    def __init__(self, *args, user, entry=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in self.FROM_ENTRY:
            del self.fields[name]
        if entry is not None:
            self.fields["occurred_at"].initial = timezone.localtime(entry.received_at).replace(second=0,
                                                                                              microsecond=0)
            if len(entry.region_code or "") >= 9 and not self.is_bound:
                self.fields["township_code"].initial = entry.region_code[:9]
                if len(entry.region_code) == 12:
                    self.fields["village_code"].initial = entry.region_code


class DailyReportForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(label=_("Shift"), required=False,
                              choices=[("", _("Whole duty day (08:00 to 08:00)")), *Shift.choices()])


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False)


class HandoverForm(forms.Form):
    items = forms.CharField(label=_("Further items to hand over (one per line)"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Open log entries are carried over automatically."))
    notes = forms.CharField(label=_("Notes for the incoming officer"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict:
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines()]
        return {"items": [line for line in lines if line], "notes": self.cleaned_data["notes"]}


class HandoverAcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
