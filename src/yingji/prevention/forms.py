"""Forms of the dual-prevention pages. They only shape input; the services validate the domain and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.forms import PhoneField
from yingji.core.models import Region, User
from yingji.enterprises.models import Enterprise
from yingji.standards import major_hazards, risk

from . import services
from .choices import AccidentType, AssessmentMethod, AttachmentPurpose, ControlTier, HazardLevel, HazardSource
from .models import Hazard, HazardPlace, ProgrammeStep, RiskPoint

FILE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _file_field(label, required=False, help_text=""):
    return forms.FileField(label=label, required=required, help_text=help_text,
                           widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}))


def _scoped_enterprises(user):
    return Enterprise.objects.filter(policy.scope_q(user, Enterprise)).order_by("name")


def _text_area(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def _criterion_choices(sector: str | None) -> list:
    """The items of the major hazard criteria, grouped by standard and article (of one sector, or all)."""
    lists = major_hazards.lists_for(sector) if sector else major_hazards.all_lists()
    groups: dict[str, list] = {}
    for lst in lists:
        for item in lst.items:
            article = item.clause.split("第（")[0] if "第（" in item.clause else ""
            groups.setdefault(f"{lst.title} {article}".strip(), []).append(
                (item.code, f"{item.clause} {item.text}"))
    return [("", _("None: judged without a criterion"))] + list(groups.items())


def _criterion_field(**kwargs):
    return forms.ChoiceField(label=_("Major hazard criterion"), required=False, help_text=_(
        "The item of the sector's major hazard criteria the hazard matches; a hazard that matches one is major."),
        **kwargs)


class HazardReportForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False)
    place = forms.ModelChoiceField(label=_("Place"), queryset=HazardPlace.objects.none(), required=False,
                                   help_text=_("For a hazard of a place with no registered enterprise (a dike, a "
                                               "gully, a village road…): choose the place instead of an enterprise."))
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=_text_area(4), max_length=services.MAX_TEXT)
    location = forms.CharField(label=pgettext_lazy("place", "Location"), max_length=200, required=False)
    found_at = forms.DateTimeField(label=_("Found"), required=False, widget=forms.DateTimeInput,
                                   help_text=_("Leave empty for now."))
    source = forms.ChoiceField(label=_("Source"))
    criterion = _criterion_field()
    photo = _file_field(_("Photo"), help_text=_("A JPEG, PNG or WebP image or a PDF, at most 10 MB."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _scoped_enterprises(user)
        if user.enterprise_id:
            self.fields["enterprise"].initial = user.enterprise_id
            self.fields["enterprise"].widget = forms.HiddenInput()
            del self.fields["place"]
        else:
            self.fields["place"].queryset = HazardPlace.objects.for_user(user)
        own = Enterprise.objects.filter(pk=user.enterprise_id).values_list("sector", flat=True).first() \
            if user.enterprise_id else None
        self.fields["criterion"].choices = _criterion_choices(own)
        sources = services.sources_for(user)
        self.fields["source"].choices = [(s, HazardSource.label(s)) for s in sources]
        if len(sources) == 1:
            self.fields["source"].initial = sources[0]
            self.fields["source"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("enterprise") and not cleaned.get("place") and "enterprise" not in self.errors:
            self.add_error("enterprise", _("Choose an enterprise or a place"))
        return cleaned

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "photo"}
        if not data.get("found_at"):
            data.pop("found_at", None)
        if not data.get("place"):
            data.pop("place", None)
        else:
            data.pop("enterprise", None)
        return data


class _ActionForm(forms.Form):
    def __init__(self, *args, hazard: Hazard, action: str, **kwargs):
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.action = action

    def payload(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "evidence" and v not in (None, "")}

    def files_list(self) -> list:
        evidence = self.cleaned_data.get("evidence")
        return [evidence] if evidence else []


class ConfirmForm(_ActionForm):
    level = forms.ChoiceField(label=_("Hazard level"), choices=HazardLevel.choices())
    criterion = _criterion_field()
    due_at = forms.DateField(label=_("Rectification deadline"), widget=forms.DateInput)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50)
    responsible_phone = PhoneField(label=_("Responsible person's phone"), required=False)
    responsible_user = forms.ModelChoiceField(label=_("Responsible account"), queryset=User.objects.none(),
                                              required=False,
                                              help_text=_("Gets the overdue reminders and may rectify."))
    measures = forms.CharField(label=_("Rectification measures"), widget=_text_area(), required=False,
                               max_length=services.MAX_TEXT, help_text=_("Required for a major hazard."))
    funds = forms.DecimalField(label=_("Funds (CNY)"), required=False, min_value=0, max_digits=14,
                               decimal_places=2, help_text=_("Required for a major hazard."))
    interim_measures = forms.CharField(label=_("Interim safety measures"), widget=_text_area(2), required=False,
                                       max_length=services.MAX_TEXT)
    note = forms.CharField(label=_("Note"), required=False, max_length=services.MAX_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hazard = self.hazard
        self.fields["responsible_user"].queryset = services.hazard_responsibles(hazard)
        self.fields["responsible_user"].label_from_instance = lambda u: f"{u} ({u.username})"
        if hazard.enterprise_id is None:
            del self.fields["criterion"]  # the sectors' criteria judge enterprises, not places
            return
        self.fields["criterion"].choices = _criterion_choices(hazard.enterprise.sector)
        self.fields["criterion"].initial = hazard.criterion
        if hazard.criterion:
            self.fields["level"].initial = HazardLevel.MAJOR

    def payload(self) -> dict:
        data = super().payload()
        data["criterion"] = self.cleaned_data.get("criterion") or ""  # the confirmer's judgement replaces the report's
        if "responsible_user" in data:
            data["responsible_user_id"] = data.pop("responsible_user").pk
        return data


class NoteForm(_ActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=services.MAX_TEXT)


class RectifyForm(_ActionForm):
    description = forms.CharField(label=_("What was done"), widget=_text_area(), max_length=services.MAX_TEXT)
    evidence = _file_field(_("Evidence"), help_text=_("A photo or PDF showing the result. Needed unless evidence "
                                                      "is attached already."))


class RejectForm(_ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=_text_area(2), max_length=services.MAX_TEXT)


class ExtendForm(_ActionForm):
    due_at = forms.DateField(label=_("New deadline"), widget=forms.DateInput)
    reason = forms.CharField(label=_("Reason"), widget=_text_area(2), max_length=services.MAX_TEXT)


ACTION_FORMS = {"confirm": ConfirmForm, "start": NoteForm, "rectify": RectifyForm, "verify": NoteForm,
                "reject": RejectForm, "close": NoteForm, services.EXTEND: ExtendForm}


class AttachmentForm(forms.Form):
    file = _file_field(_("File"), required=True, help_text=_("A JPEG, PNG or WebP image or a PDF, at most 10 MB."))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=AttachmentPurpose.choices())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_attach_%s")
        super().__init__(*args, **kwargs)


def _choices(values) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(v), str(v)) for v in values]


class RiskPointForm(forms.ModelForm):
    """LEC and LS take different scales, so each has its own fields; the service stores them as L/E/C/S."""

    lec_l = forms.TypedChoiceField(label=_("LEC: L (likelihood)"), choices=_choices(risk.LEC_L), coerce=Decimal,
                                   required=False, empty_value=None)
    lec_e = forms.TypedChoiceField(label=_("LEC: E (exposure)"), choices=_choices(risk.LEC_E), coerce=Decimal,
                                   required=False, empty_value=None)
    lec_c = forms.TypedChoiceField(label=_("LEC: C (consequence)"), choices=_choices(risk.LEC_C), coerce=Decimal,
                                   required=False, empty_value=None)
    ls_l = forms.TypedChoiceField(label=_("LS: L (likelihood)"), choices=_choices(risk.LS_SCALE), coerce=int,
                                  required=False, empty_value=None)
    ls_s = forms.TypedChoiceField(label=_("LS: S (severity)"), choices=_choices(risk.LS_SCALE), coerce=int,
                                  required=False, empty_value=None)

    responsible_phone = PhoneField(label=_("Responsible person's phone"), required=False)

    class Meta:
        model = RiskPoint
        fields = ["enterprise", "name", "location", "accident_type", "method", "lec_l", "lec_e", "lec_c", "ls_l",
                  "ls_s", "engineering_measures", "management_measures", "ppe_measures", "emergency_measures",
                  "responsible_tier", "responsible_person", "responsible_phone", "review_date"]
        widgets = {name: _text_area(2) for name in ("engineering_measures", "management_measures", "ppe_measures",
                                                    "emergency_measures")} | {"review_date": forms.DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accident_type"].choices = AccidentType.choices()
        self.fields["method"].choices = AssessmentMethod.choices()
        self.fields["responsible_tier"].choices = ControlTier.choices()
        if self.instance.pk:
            del self.fields["enterprise"]
            point = self.instance
            if point.method == AssessmentMethod.LEC:
                self.initial.update(lec_l=_plain(point.likelihood), lec_e=_plain(point.exposure),
                                    lec_c=_plain(point.consequence))
            else:
                self.initial.update(ls_l=_plain(point.likelihood), ls_s=point.severity)
        else:
            self.fields["enterprise"].queryset = _scoped_enterprises(user)
            if user.enterprise_id:
                self.fields["enterprise"].initial = user.enterprise_id
                self.fields["enterprise"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        method = data.get("method")
        wanted = {AssessmentMethod.LEC: ("lec_l", "lec_e", "lec_c"), AssessmentMethod.LS: ("ls_l", "ls_s")}
        for name in wanted.get(method, ()):
            if data.get(name) is None:
                self.add_error(name, _("Required for this method."))
        return data

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(("lec_", "ls_"))}
        if data.get("method") == AssessmentMethod.LEC:
            data.update(likelihood=self.cleaned_data["lec_l"], exposure=self.cleaned_data["lec_e"],
                        consequence=self.cleaned_data["lec_c"], severity=None)
        else:
            data.update(likelihood=Decimal(self.cleaned_data["ls_l"]), severity=self.cleaned_data["ls_s"],
                        exposure=None, consequence=None)
        return data


def _plain(value) -> str:
    """A stored scale value as the form offers it (Decimal('0.5') → '0.5', Decimal('10.0') → '10')."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


class SampleDrawForm(forms.Form):
    note = forms.CharField(label=_("Why it is drawn"), required=False, max_length=services.MAX_TEXT)


class SampleResultForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", pgettext_lazy("sample check", "Passed")), ("0", pgettext_lazy("sample check", "Failed"))])
    note = forms.CharField(label=_("Findings of the check"), widget=_text_area(3), max_length=services.MAX_TEXT)
    due_at = forms.DateField(label=_("New rectification deadline"), widget=forms.DateInput, required=False,
                             help_text=_("Required when the check fails: the hazard is reopened until then."))


def _place_region_choices(user) -> list[tuple[str, str]]:
    """The townships and villages of the user's jurisdiction, by name (a village under its township's name)."""
    regions = list(Region.objects.filter(policy.scope_q(user, Region)).order_by("code").only("code", "name"))
    names = {r.code: r.name for r in regions}
    choices = []
    for r in regions:
        if len(r.code) == 9:
            choices.append((r.code, r.name))
        elif len(r.code) == 12:
            choices.append((r.code, f"{names.get(r.code[:9], '')} · {r.name}".strip(" ·")))
    return choices


class HazardPlaceForm(forms.ModelForm):
    """A place of the register; the region is a township or village of the user's jurisdiction."""

    class Meta:
        model = HazardPlace
        fields = ["kind", "name", "region_code", "address", "lat", "lon", "responsible_unit", "responsible_person",
                  "responsible_phone", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region_code"] = forms.ChoiceField(label=_("Township / village"),
                                                       choices=_place_region_choices(user))
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class ProgrammeStepForm(forms.ModelForm):
    """An enterprise named creating, pilot or demonstration enterprise of the programme."""

    class Meta:
        model = ProgrammeStep
        fields = ["enterprise", "stage", "named_on", "accepted_on", "note"]
        widgets = {"named_on": forms.DateInput(), "accepted_on": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = _scoped_enterprises(user)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True

    def _post_clean(self):
        # Model validation belongs to the service (it also audits); the form only parses input.
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data
