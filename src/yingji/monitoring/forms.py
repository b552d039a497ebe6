"""Forms of monitoring pages: they only parse input; the services validate (field-level errors come back onto
the form) and audit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import policy

from .choices import SENSOR_KEY_LABELS, AlarmLevel, RuleKind, StationType, sensor_key_label
from .models import WINDOW_HOURS, Rule, Sensor, Station


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices())
    station_type = forms.ChoiceField(label=_("Station type"), required=False,
                                     choices=[("", _("— (one station)"))] + list(StationType.choices()),
                                     help_text=_("The rule applies to every station of this type (county-wide)."))
    station = forms.ModelChoiceField(label=_("Station"), required=False, queryset=Station.objects.none(),
                                     help_text=_("…or to this one station only."))
    sensor_key = forms.ChoiceField(label=_("Sensor"), required=False)
    window_hours = forms.TypedChoiceField(label=_("Window (hours)"), required=False, coerce=int, empty_value=None,
                                          choices=[("", "—")] + [(h, f"{h} h") for h in WINDOW_HOURS])
    threshold = forms.FloatField(label=_("Threshold"), required=False,
                                 help_text=_("above/below: the value; rolling: the sum; rate: change per hour; "
                                             "no data: missed intervals"))
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("— (rainstorm: set by the signal)"))] + list(AlarmLevel.choices()))
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, user, instance: Rule | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": instance.name, "kind": instance.kind, "station_type": instance.station_type,
                                 "station": instance.station_id, "sensor_key": instance.sensor_key,
                                 "window_hours": instance.window_hours, "threshold": instance.threshold,
                                 "level": instance.level, "enabled": instance.enabled}
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(policy.scope_q(user, Station)).order_by("code")
        # The common keys, any other key a station has, and the rule's own key: each by its name.
        keys = dict.fromkeys([*SENSOR_KEY_LABELS, *Sensor.objects.order_by("key").values_list("key", flat=True)
                              .distinct(), *([instance.sensor_key] if instance is not None else [])])
        self.fields["sensor_key"].choices = [("", "—")] + [(k, sensor_key_label(k)) for k in keys if k]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        station = data.pop("station")
        data["station_id"] = station.pk if station else None
        return data
