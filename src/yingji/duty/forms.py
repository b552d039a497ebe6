"""Forms of the duty console: log an item, turn it into an incident. The services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.forms import PhoneField
from yingji.incidents.services import InformationSource
from yingji.standards import events

from .choices import EntryKind, Shift


class LogEntryForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=InformationSource.choices())
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices())
    caller_name = forms.CharField(label=_("Caller"), max_length=50, required=False)
    caller_phone = PhoneField(label=_("Caller's phone"), required=False)
    content = forms.CharField(label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    event_type = forms.ChoiceField(label=_("Type"))
    occurred_at = forms.DateTimeField(label=_("Occurred"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries"), min_value=0, initial=0)
    minor_injuries = forms.IntegerField(label=_("Minor injuries"), min_value=0, initial=0)
    trapped = forms.IntegerField(label=_("Trapped"), min_value=0, initial=0)
    direct_loss_yuan = forms.DecimalField(label=_("Direct loss (CNY)"), min_value=0, initial=0, max_digits=16,
                                          decimal_places=2)

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [(t.key, t.name_zh) for t in events.types()]
        if entry is not None:
            self.fields["occurred_at"].initial = timezone.localtime(entry.received_at).strftime("%Y-%m-%dT%H:%M")


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
