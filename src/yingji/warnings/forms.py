"""Forms of the warning pages: authoring a draft (from a template, whose locked fields the form shows disabled and
the service refuses to change), and the responsible-person registry. Forms parse; services validate and audit."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.choices import RegionLevel
from yingji.core.forms import PhoneField
from yingji.core.models import Region, User
from yingji.core.regions import region_path

from . import services
from .catalog import TEMPLATES
from .choices import CapCategory, Certainty, Channel, PersonKind, WarningLevel
from .models import ResponsiblePerson

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _area_choices(user) -> list[tuple[str, str]]:
    regions = (Region.objects.filter(policy.scope_q(user, Region))
               .filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
               .order_by("code").values_list("code", "name"))
    return [(code, region_path(code)) for code, _name in regions]


class WarningForm(forms.Form):
    """A draft warning. ``locked`` names fields a template fixed: shown disabled, their posted values ignored
    (Django keeps the initial value of a disabled field), and the service rejects any other value as well."""

    template = forms.CharField(widget=forms.HiddenInput, required=False)
    alarm = forms.IntegerField(widget=forms.HiddenInput, required=False)
    event_type = forms.SlugField(label=_("Event type"), max_length=32)
    event = forms.CharField(label=_("Event"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=CapCategory.choices())
    level = forms.ChoiceField(label=_("Level"), choices=WarningLevel.choices())
    certainty = forms.ChoiceField(label=_("Certainty"), choices=Certainty.choices())
    headline = forms.CharField(label=_("Headline"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    instruction = forms.CharField(label=_("Instruction (defence guide)"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    effective = forms.DateTimeField(label=_("Effective"), widget=DATETIME)
    expires = forms.DateTimeField(label=_("Expires"), widget=DATETIME)
    area_codes = forms.MultipleChoiceField(label=_("Area: townships / villages"), required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 10}))
    area_desc = forms.CharField(label=_("Area description"), max_length=500, required=False)
    polygons = forms.CharField(label=_("Polygons"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("One per line: 'lat,lon lat,lon … lat,lon' (first point = last point)."))
    circles = forms.CharField(label=_("Circles"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One per line: 'lat,lon radius_km'."))
    source_alarm = forms.CharField(label=_("Source alarm"), max_length=64, required=False, disabled=True)

    def __init__(self, *args, user, locked=(), **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        for name in ("polygons", "circles"):
            if isinstance(initial.get(name), list):
                initial[name] = "\n".join(initial[name])
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["area_codes"].choices = _area_choices(user)
        self.locked = tuple(f for f in locked if f in self.fields)
        self.locked_labels = [str(self.fields[f].label) for f in self.locked]
        for name in self.locked:
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Locked by the template.")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("alarm", None)
        data.pop("source_alarm", None)
        data["polygons"] = _lines(data.get("polygons"))
        data["circles"] = _lines(data.get("circles"))
        if not data.get("template"):
            data.pop("template", None)
        return data


def template_choices() -> list[tuple[str, str]]:
    return [(t.key, t.name) for t in TEMPLATES.values()]


class PersonForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonKind.choices())
    title = forms.CharField(label=pgettext_lazy("person", "Title"), max_length=100, required=False)
    region_code = forms.ChoiceField(label=_("Jurisdiction"))
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("Email"), required=False)
    webhook_url = forms.URLField(label=_("Group robot webhook"), max_length=300, required=False,
                                 assume_scheme="https")
    user = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.none(), required=False)
    superior = forms.ModelChoiceField(label=_("Superior"), queryset=ResponsiblePerson.objects.none(),
                                      required=False)
    channels = forms.CharField(label=_("Channels"), max_length=200)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, instance: ResponsiblePerson | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in ("name", "kind", "title", "region_code", "phone",
                                                                   "email", "webhook_url", "is_active")}
            kwargs["initial"] |= {"user": instance.user_id, "superior": instance.superior_id,
                                  "channels": "、".join(instance.channel_labels)}
        super().__init__(*args, **kwargs)
        self.fields["channels"].initial = Channel.label(Channel.SMS)
        self.fields["channels"].help_text = _("In the order they are tried, separated by “、” or commas: "
                                              "%(channels)s.") % {"channels": "、".join(
                                                  str(label) for _value, label in Channel.choices())}
        self.fields["region_code"].choices = _area_choices(user)
        self.fields["user"].queryset = services.person_accounts(user)
        # A superior may sit above the user's own jurisdiction (the county head for a township's staff).
        superiors = ResponsiblePerson.objects.filter(
            policy.scope_q(user, ResponsiblePerson) | services.covers_q([user.scope_region_code or "-"]),
            is_active=True)
        if instance is not None:
            superiors = superiors.exclude(pk=instance.pk)
        self.fields["superior"].queryset = superiors.order_by("region_code", "name")

    def clean_channels(self) -> list[str]:
        """Channels typed by name (短信) or key (sms); an unknown one is left for the service to report."""
        by_label = {str(label): value for value, label in Channel.choices()}
        parts = re.split(r"[,，、;；\s]+", self.cleaned_data["channels"])
        return [by_label.get(p.strip(), p.strip()) for p in parts if p.strip()]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
