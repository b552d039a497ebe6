"""Forms of the incident pages: follow-up report, reported level, response level, state changes, plan activation,
tasks; plans; situation reports. They only shape input; the services validate and write."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.choices import OrganisationKind
from yingji.core.models import Organisation, Region, User

from . import grading
from .choices import (
    AccidentGrade,
    HealthKind,
    InformationSource,
    PlanKind,
    ReportingLevel,
    ResponseLevel,
    event_type_choices,
)
from .models import Plan
from .plans import CONDITION_FIELDS, RANKED_FIELDS, field_label, parse_field, parse_rank, value_label

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _coordinate_text(value) -> str:
    return "" if value is None else f"{Decimal(value):f}"


class PointSelect(forms.Select):
    """A select whose options carry the place's point (and parent) as data attributes, so the page script can
    fill the coordinates and narrow the village list when one is picked (no inline script: CSP)."""

    def __init__(self, *args, option_data: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_data = option_data or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


def _point_attrs(obj, **extra) -> dict:
    attrs = {f"data-{k}": v for k, v in extra.items() if v}
    if obj.lat is not None and obj.lon is not None:
        attrs.update({"data-lat": _coordinate_text(obj.lat), "data-lon": _coordinate_text(obj.lon)})
    return attrs


class PlaceForm(forms.Form):
    """Where an incident happened: township, village (within the township), enterprise, address and the point,
    which is filled from the place picked or clicked on the small map. The service checks the same rules."""

    township_code = forms.ChoiceField(label=_("Township / street"), required=False)
    village_code = forms.ChoiceField(label=_("Village / community"), required=False)
    enterprise_id = forms.ChoiceField(label=_("Enterprise"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.DecimalField(label=_("Latitude"), required=False, min_value=-90, max_value=90, max_digits=9,
                             decimal_places=6, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                             "data-place": "lat"}))
    lon = forms.DecimalField(label=_("Longitude"), required=False, min_value=-180, max_value=180, max_digits=9,
                             decimal_places=6, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                             "data-place": "lon"}),
                             help_text=_("Left empty, the point of the enterprise, village or township is used."))

    PLACE_FIELDS = ("township_code", "village_code", "enterprise_id", "address", "lat", "lon")

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "incidents/place.css")}
        js = ("vendor/leaflet/leaflet.js", "incidents/place.js")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.apps import apps

        regions = list(Region.objects.for_user(user).filter(level__in=("township", "village"))
                       .select_related("parent").defer("boundary", "parent__boundary").order_by("code"))
        towns = [r for r in regions if r.level == "township"]
        villages = [r for r in regions if r.level == "village"]
        self.townships = towns
        enterprises = []
        if apps.is_installed("yingji.enterprises") and policy.can(user, "view", apps.get_model(
                "enterprises", "Enterprise")):
            model = apps.get_model("enterprises", "Enterprise")
            enterprises = list(model.objects.for_user(user).only("id", "name", "region_code", "lat", "lon")
                               .order_by("name"))
        self._choices("township_code", "township", [(r.code, r.name) for r in towns],
                      {r.code: _point_attrs(r) for r in towns})
        self._choices("village_code", "village",
                      [(r.code, f"{r.parent.name} {r.name}" if r.parent_id else r.name) for r in villages],
                      {r.code: _point_attrs(r, parent=r.parent.code if r.parent_id else "") for r in villages})
        self._choices("enterprise_id", "enterprise", [(str(e.pk), e.name) for e in enterprises],
                      {str(e.pk): _point_attrs(e, township=e.region_code[:9], village=(
                          e.region_code if len(e.region_code) == 12 else "")) for e in enterprises})
        self.fields["address"].widget.attrs["data-place"] = "address"
        if len(user.scope_region_code or "") >= 9 and not self.is_bound:
            self.fields["township_code"].initial = user.scope_region_code[:9]

    def _choices(self, name: str, role: str, choices: list, option_data: dict) -> None:
        field = self.fields[name]
        field.widget = PointSelect(option_data=option_data, attrs={"data-place": role})
        field.choices = [("", "—"), *choices]  # after the widget: the field hands its choices to the widget

    def place_data(self) -> dict:
        """The place as the service takes it (empty choices as None)."""
        data = {k: self.cleaned_data.get(k) for k in self.PLACE_FIELDS if k in self.cleaned_data}
        for key in ("township_code", "village_code", "enterprise_id"):
            if key in data and data[key] in ("", None):
                data[key] = None
        if data.get("enterprise_id"):
            data["enterprise_id"] = int(data["enterprise_id"])
        return data


class IncidentForm(PlaceForm):
    """Log an incident (首报) from a page: what, when, where, the figures as first known and who reported it."""

    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    event_type = forms.ChoiceField(label=_("Type"))
    occurred_at = forms.DateTimeField(label=_("Occurred"), widget=DATETIME_LOCAL)
    source = forms.ChoiceField(label=_("Source"), choices=InformationSource.choices())
    description = forms.CharField(label=_("Description"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=_("Reporter"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=32, required=False)
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, max_value=1_000_000, initial=0)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, max_value=1_000_000, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries"), min_value=0, max_value=1_000_000, initial=0)
    minor_injuries = forms.IntegerField(label=_("Minor injuries"), min_value=0, max_value=1_000_000, initial=0)
    trapped = forms.IntegerField(label=_("Trapped"), min_value=0, max_value=1_000_000, initial=0)
    direct_loss_yuan = forms.DecimalField(label=_("Direct loss (CNY)"), min_value=0, initial=0, max_digits=16,
                                          decimal_places=2)
    cases = forms.IntegerField(label=_("Cases (ill or poisoned)"), min_value=0, max_value=10_000_000, initial=0,
                               required=False, help_text=_("Public-health events: people taken ill or poisoned"))
    health_kind = forms.ChoiceField(label=_("Public-health kind"), required=False,
                                    choices=[("", "—"), *HealthKind.choices()],
                                    help_text=_("Public-health events only: food or occupational poisoning are "
                                                "graded from their cases and deaths"))
    declared_grade = forms.ChoiceField(label=_("Determined grade"), required=False,
                                       choices=[("", "—"), *AccidentGrade.choices()],
                                       help_text=_("Public-health and social-security events: the grade the "
                                                   "competent department determined"))

    field_order = ["title", "event_type", "occurred_at", "source", *PlaceForm.PLACE_FIELDS, "description",
                   "reporter_name", "reporter_phone"]
    #: Sections of the form page: (heading, field names); the place section carries the map.
    SECTIONS = ((_("What and when"), ("title", "event_type", "occurred_at", "source")),
                (_("Where"), PlaceForm.PLACE_FIELDS),
                (_("Figures as first known"), ("deaths", "missing", "serious_injuries", "minor_injuries",
                                               "trapped", "direct_loss_yuan", "cases", "health_kind",
                                               "declared_grade")),
                (_("Description and reporter"), ("description", "reporter_name", "reporter_phone")))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["event_type"].choices = event_type_choices()
        if not self.is_bound and not self.initial.get("occurred_at"):
            self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.PLACE_FIELDS}
        if "cases" in data and data["cases"] is None:
            data["cases"] = 0
        if data.get("description"):
            data["description"] = data["description"].replace("\r\n", "\n")
        return {**data, **self.place_data()}


class IncidentEditForm(IncidentForm):
    """Correct an incident's basic facts and place; the figures change with a follow-up report and the state with
    the workflow's actions, so neither is on this form."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    SECTIONS = (IncidentForm.SECTIONS[0], IncidentForm.SECTIONS[1], IncidentForm.SECTIONS[3])
    FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "trapped", "direct_loss_yuan", "cases",
               "health_kind", "declared_grade")

    def __init__(self, *args, user, incident, **kwargs):
        initial = {k: getattr(incident, k) for k in ("title", "event_type", "occurred_at", "source", "address",
                                                     "description", "reporter_name", "reporter_phone")}
        initial.update(township_code=incident.township_code, village_code=incident.village_code,
                       enterprise_id=str(incident.enterprise_id or ""), lat=incident.lat, lon=incident.lon,
                       version=incident.version)
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, user=user, **kwargs)
        self.incident = incident
        for name in self.FIGURES:
            del self.fields[name]
        if not policy.reveal_pii(user, incident):
            del self.fields["reporter_phone"]
        self._keep_current_choice("township_code", incident.township_code)
        self._keep_current_choice("village_code", incident.village_code)
        if incident.enterprise_id:
            self._keep_current_choice("enterprise_id", str(incident.enterprise_id), str(incident.enterprise))

    def _keep_current_choice(self, name: str, value: str, label: str | None = None) -> None:
        """A stored place the list does not offer (e.g. an enterprise since moved) stays selectable, so saving
        the form unchanged never changes it."""
        field = self.fields[name]
        if value and value not in {str(v) for v, _label in field.choices}:
            region = Region.objects.filter(code=value).first() if label is None else None
            field.choices = [*field.choices, (value, label or (region.name if region else value))]

    def changes(self) -> dict:
        """Only what differs from the incident (plus its version), so an unchanged save writes nothing."""
        incident = self.incident
        data = self.service_data()
        current = {"township_code": incident.township_code or None, "village_code": incident.village_code or None,
                   "enterprise_id": incident.enterprise_id}
        out = {"version": self.cleaned_data["version"]}
        for key, value in data.items():
            if key in ("version", *self.FIGURES):
                continue
            old = current[key] if key in current else getattr(incident, key)
            if key in ("township_code", "village_code"):
                if data.get("township_code") != current["township_code"] or \
                        data.get("village_code") != current["village_code"]:
                    out["township_code"], out["village_code"] = data.get("township_code"), data.get("village_code")
                continue
            if value in (None, "") and old in (None, ""):
                continue
            if key == "occurred_at" and old is not None and value == timezone.localtime(old).replace(
                    second=0, microsecond=0):
                continue  # the input shows minutes: an untouched time keeps its seconds
            if key == "lat" or key == "lon":
                if value is None and old is not None:
                    out[key] = None
                elif value is not None and (old is None or Decimal(value) != Decimal(old)):
                    out[key] = value
                continue
            if value != old:
                out[key] = value
        if ("lat" in out) != ("lon" in out):
            out.setdefault("lat", data.get("lat"))
            out.setdefault("lon", data.get("lon"))
        return out


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or file"), help_text=_("JPEG, PNG or WebP photos and PDF files, at most "
                                                               "10 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                                            "application/pdf"}))


class ActivationForm(forms.Form):
    plan_id = forms.ChoiceField(label=_("Plan"))
    level = forms.ChoiceField(label=_("Response level"), required=False,
                              choices=[("", _("As proposed"))] + ResponseLevel.choices())
    deputy_name = forms.CharField(label=_("Deputy commander"), max_length=50, required=False)

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_id"].choices = [
            (m["plan"].pk, f"{m['plan'].name}（{ResponseLevel.label(m['level']) if m['level'] else '—'}）")
            for m in matches]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee_id = forms.ModelChoiceField(label=_("Assigned person"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Deadline"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, user, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import task_assignees

        self.fields["assignee_id"].queryset = task_assignees(user, incident)
        self.fields["assignee_id"].label_from_instance = lambda u: f"{u} ({u.username})"

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["assignee_id"] = data["assignee_id"].pk
        if not data.get("due_at"):
            data.pop("due_at", None)
        return data


class _IncidentForm(forms.Form):
    """A form acting on one incident; its ids are prefixed so several forms share the incident page."""

    PREFIX = ""
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, incident, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.PREFIX}_%s")
        kwargs.setdefault("initial", {}).setdefault("version", incident.version)
        super().__init__(*args, **kwargs)
        self.incident = incident

    def payload(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _count(label):
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000)


class FollowUpForm(_IncidentForm):
    """A follow-up report (续报): the figures as now known; the grade is recomputed from them."""

    PREFIX = "report"
    deaths = _count(_("Deaths"))
    missing = _count(_("Missing"))
    serious_injuries = _count(_("Serious injuries"))
    minor_injuries = _count(_("Minor injuries"))
    trapped = _count(_("Trapped"))
    direct_loss_yuan = forms.DecimalField(label=_("Direct loss (CNY)"), min_value=0, max_digits=16, decimal_places=2)
    cases = forms.IntegerField(label=_("Cases (ill or poisoned)"), min_value=0, max_value=10_000_000)
    health_kind = forms.ChoiceField(label=_("Public-health kind"), required=False,
                                    choices=[("", "—"), *HealthKind.choices()])
    declared_grade = forms.ChoiceField(label=_("Determined grade"), required=False,
                                       choices=[("", "—"), *AccidentGrade.choices()],
                                       help_text=_("The grade the competent department determined"))
    note = forms.CharField(label=_("What is new"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)

    def __init__(self, *args, incident, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for name in ("deaths", "missing", "serious_injuries", "minor_injuries", "trapped", "direct_loss_yuan",
                     "cases", "health_kind", "declared_grade"):
            initial.setdefault(name, getattr(incident, name))
        super().__init__(*args, incident=incident, **kwargs)
        # Only the fields the incident's grading rules read (grading.scheme: cases and the kind for public-health
        # events, the determined grade for them and social-security events).
        scheme = grading.scheme(incident.category)
        if scheme != "public_health":
            for name in ("cases", "health_kind"):
                self.fields.pop(name, None)
        if scheme not in ("public_health", "social_security"):
            self.fields.pop("declared_grade", None)

    def payload(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("note"):
            data.pop("note", None)
        return data


class ReportedForm(forms.Form):
    """Mark a level of the reporting chain as reported: who (the user), when, how and to whom."""

    level = forms.ChoiceField(label=_("Level reported to"))
    method = forms.CharField(label=_("How"), max_length=100,
                             help_text=_("Phone, fax, the reporting system, a written report …"))
    reported_to = forms.CharField(label=_("To whom"), max_length=100)
    reported_at = forms.DateTimeField(label=_("When"), required=False, widget=forms.DateTimeInput,
                                      help_text=_("Leave empty for now."))

    def __init__(self, *args, incident, **kwargs):
        kwargs.setdefault("auto_id", "id_reported_%s")
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["level"].choices = [(d.level, ReportingLevel.label(d.level)) for d in incident.deadlines.all()
                                        if d.reported_at is None]

    def payload(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "level" and v not in (None, "")}


class ResponseLevelForm(_IncidentForm):
    PREFIX = "response"
    level = forms.ChoiceField(label=_("New response level"), choices=ResponseLevel.choices())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(_IncidentForm):
    """One state change of the incident; close needs a summary, reopen a reason."""

    summary = forms.CharField(label=_("Closing summary"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_("Reason for reopening"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    FIELDS_OF = {"respond": ("note",), "close": ("summary",), "reopen": ("reason",)}

    def __init__(self, *args, incident, action: str, **kwargs):
        self.PREFIX = action
        super().__init__(*args, incident=incident, **kwargs)
        self.action = action
        keep = {"version", *self.FIELDS_OF.get(action, ())}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class PlanForm(forms.Form):
    """An emergency plan. Activation conditions are one text box per response level, one condition a line
    (``deaths >= 3``, ``grade >= relatively_large``); standard tasks one a line (``title | unit | minutes``)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices())
    region_code = forms.ChoiceField(label=_("Region"))
    event_types = forms.MultipleChoiceField(label=_("Incident types covered"),
                                            widget=forms.SelectMultiple(attrs={"size": 8}))
    hq_id = forms.ChoiceField(label=_("Command headquarters stood up"), required=False)
    conditions_I = forms.CharField(label=_("Level I activation conditions"), required=False,  # noqa: N815
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("One condition a line, e.g. “deaths >= 30” or “accident grade >= "
                                               "serious”: the fields are deaths, missing, serious injuries, "
                                               "trapped, direct loss (CNY), accident grade and alarm level."))
    conditions_II = forms.CharField(label=_("Level II activation conditions"), required=False,  # noqa: N815
                                    widget=forms.Textarea(attrs={"rows": 2}))
    conditions_III = forms.CharField(label=_("Level III activation conditions"), required=False,  # noqa: N815
                                     widget=forms.Textarea(attrs={"rows": 2}))
    conditions_IV = forms.CharField(label=_("Level IV activation conditions"), required=False,  # noqa: N815
                                    widget=forms.Textarea(attrs={"rows": 2}))
    standard_tasks = forms.CharField(label=_("Standard tasks"), required=False, max_length=20000,
                                     widget=forms.Textarea(attrs={"rows": 5}),
                                     help_text=_("One task a line: title | unit (short name) | deadline in minutes."))
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    def __init__(self, *args, user, plan: Plan | None = None, **kwargs):
        if plan is not None:
            initial = {"name": plan.name, "kind": plan.kind, "region_code": plan.region_code,
                       "event_types": plan.event_types, "hq_id": plan.hq_id or "", "is_active": plan.is_active,
                       "standard_tasks": "\n".join(
                           " | ".join([t.get("title", ""), t.get("unit") or "", str(t.get("due_minutes") or "")])
                           .rstrip(" |") for t in plan.standard_tasks or [])}
            for level in ResponseLevel.ORDER:
                initial[f"conditions_{level}"] = "\n".join(
                    f"{field_label(c.get('field', ''))} >= {value_label(c.get('field', ''), c.get('min'))}"
                    for c in (plan.conditions or {}).get(level, []))
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(policy.scope_q(user, Region)).order_by("code").values_list("code", "name")
        self.fields["region_code"].choices = [(code, f"{code} {name}") for code, name in regions]
        self.fields["event_types"].choices = event_type_choices()
        hqs = Organisation.objects.filter(policy.scope_q(user, Organisation),
                                          kind=OrganisationKind.COMMAND_HQ).order_by("name")
        self.fields["hq_id"].choices = [("", "—")] + [(o.pk, o.name) for o in hqs]

    def _clean_conditions(self, level: str) -> list[dict]:
        items = []
        for n, line in enumerate(self.cleaned_data.get(f"conditions_{level}", "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = CONDITION_LINE.match(line)
            field = parse_field(match.group(1)) if match else None
            if field is None:
                raise forms.ValidationError(
                    _("Line %(n)d: write “field >= value”, field one of %(fields)s") % {
                        "n": n, "fields": "、".join(field_label(f) for f in CONDITION_FIELDS)})
            value = match.group(2).strip()
            items.append({"field": field, "min": parse_rank(field, value) if field in RANKED_FIELDS
                          else _number(value)})
        return items

    def _clean_tasks(self) -> list[dict]:
        tasks = []
        for n, line in enumerate(self.cleaned_data.get("standard_tasks", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > 3:
                raise forms.ValidationError(_("Line %(n)d: at most three parts: title | unit | minutes") % {"n": n})
            title, unit, minutes = (parts + ["", ""])[:3]
            if minutes and not minutes.isdigit():
                raise forms.ValidationError(_("Line %(n)d: the deadline is a whole number of minutes") % {"n": n})
            tasks.append({"title": title, "unit": unit, "due_minutes": int(minutes) if minutes else None})
        return tasks

    def clean(self):
        data = super().clean()
        conditions = {}
        for level in ResponseLevel.ORDER:
            try:
                conditions[level] = self._clean_conditions(level)
            except forms.ValidationError as exc:
                self.add_error(f"conditions_{level}", exc)
        try:
            data["tasks"] = self._clean_tasks()
        except forms.ValidationError as exc:
            self.add_error("standard_tasks", exc)
        data["conditions"] = conditions
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "kind": d["kind"], "region_code": d["region_code"],
                "event_types": list(d["event_types"]), "hq_id": int(d["hq_id"]) if d.get("hq_id") else None,
                "conditions": d["conditions"], "standard_tasks": d["tasks"], "is_active": d["is_active"]}

    def add_service_errors(self, errors) -> None:
        """Put a service's field errors (``conditions.III``, ``standard_tasks.2``) next to the right input."""
        for error in errors:
            field = error["field"]
            if field.startswith("conditions."):
                field = "conditions_" + field.split(".", 1)[1]
            elif field.startswith("standard_tasks."):
                field = "standard_tasks"
            self.add_error(field if field in self.fields else None, error["message"])


CONDITION_LINE = re.compile(r"^(.+?)\s*(?:>=|≥)\s*(\S.*)$")


def _number(value: str):
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value  # the service reports it next to the level's field
    return int(number) if number == number.to_integral_value() else float(number)


class SitrepForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    situation = forms.CharField(label=_("Basic situation"), max_length=20000, required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    casualties = forms.CharField(label=_("Casualties and losses"), max_length=20000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    response = forms.CharField(label=_("Response and actions taken"), max_length=20000, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    tasks_status = forms.CharField(label=_("Tasks and their status"), max_length=20000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    resources = forms.CharField(label=_("Forces and resources deployed"), max_length=20000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("Next steps"), max_length=20000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
