"""Forms of the enforcement pages. They only shape input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.models import Organisation, Region, User, enterprise_model

from .models import Officer, TrainingRecord


class _ServiceForm(forms.ModelForm):
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


class OfficerForm(_ServiceForm):
    class Meta:
        model = Officer
        fields = ["user", "name", "region_code", "organisation", "certificate_no", "certificate_expires",
                  "is_active"]
        widgets = {"certificate_expires": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        accounts = User.objects.filter(policy.scope_q(user, User), is_active=True, enterprise__isnull=True)
        self.fields["user"].queryset = accounts.order_by("username")
        self.fields["user"].label_from_instance = lambda account: str(account)
        self.fields["organisation"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation))
        self.fields["name"].required = False
        self.fields["region_code"] = forms.ChoiceField(label=_("Jurisdiction"), choices=[
            (code, name) for code, name in Region.objects.filter(policy.scope_q(user, Region)).order_by("code")
            .values_list("code", "name")])
        if self.instance.pk:
            self.fields["region_code"].initial = self.instance.region_code


class TrainingForm(_ServiceForm):
    class Meta:
        model = TrainingRecord
        fields = ["date", "days", "topic", "provider"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DrawForm(forms.Form):
    """A draw from the page: the enterprise pool by township and industry, the officers among the certified ones
    of the jurisdiction (all by default), how many, and an optional seed (one is made and published if empty)."""

    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Township / village"), required=False)
    industry = forms.CharField(label=_("Industry contains"), max_length=100, required=False)
    count = forms.IntegerField(label=_("Enterprises to draw"), min_value=1, max_value=500)
    per_enterprise = forms.IntegerField(label=_("Officers per enterprise"), min_value=2, max_value=5, initial=2)
    officers = forms.MultipleChoiceField(label=_("Officer pool"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Leave empty to draw from every certified officer."))
    seed = forms.CharField(label=_("Seed"), max_length=200, required=False,
                           help_text=_("Published with the result, so anyone can re-run the draw. Leave empty "
                                       "and one is generated."))

    def __init__(self, *args, user, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].choices = [("", _("Whole jurisdiction"))] + [
            (code, name) for code, name in Region.objects.filter(policy.scope_q(user, Region)).order_by("code")
            .values_list("code", "name")]
        self.fields["officers"].choices = [(str(o.user_id), f"{o.name}（{o.certificate_no}）") for o in officers]
        self.officer_ids = [o.user_id for o in officers]
        self.fields["title"].initial = _("Random inspection draw of %(date)s") % {
            "date": timezone.localdate().isoformat()}

    def service_data(self) -> dict:
        data = self.cleaned_data
        enterprises = enterprise_model().objects.for_user(self.user)
        if data.get("region"):
            enterprises = enterprises.filter(region_code__startswith=data["region"])
        if data.get("industry"):
            enterprises = enterprises.filter(industry__icontains=data["industry"])
        officers = [int(i) for i in data.get("officers") or []] or self.officer_ids
        return {"title": data.get("title") or "", "enterprises": list(enterprises.values_list("pk", flat=True)),
                "officers": officers, "count": data["count"], "per_enterprise": data["per_enterprise"],
                "seed": data.get("seed") or None}


# --- penalty cases -------------------------------------------------------------------------------------------------

from yingji.standards import penalty as penalty_rules  # noqa: E402

from .choices import ServiceMethod  # noqa: E402
from .models import EnforcementItem, PenaltyCase  # noqa: E402


class PenaltyCaseForm(_ServiceForm):
    """Registering a case and editing its facts and proposed penalty (the services check the officers, the
    benchmark and the stage)."""

    measures = forms.MultipleChoiceField(label=_("Other measures"), required=False,
                                         choices=list(penalty_rules.HEARING_MEASURES.items()),
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = PenaltyCase
        fields = ["enterprise", "title", "item", "tier", "party_kind", "party_name", "source", "source_reference",
                  "discovered_on", "officers", "facts", "evidence", "circumstance", "adjustment", "fine",
                  "fine_reason", "measures", "penalty_text", "complex_case", "major_public_interest"]
        widgets = {"discovered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "facts": forms.Textarea(attrs={"rows": 3}), "evidence": forms.Textarea(attrs={"rows": 3}),
                   "fine_reason": forms.Textarea(attrs={"rows": 2}),
                   "penalty_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["enterprise"].queryset = enterprise_model().objects.for_user(user).order_by("name")
        self.fields["item"].queryset = EnforcementItem.objects.filter(in_force=True, kind="penalty")
        self.fields["officers"].queryset = Officer.objects.for_user(user).filter(is_active=True).order_by("name")
        self.fields["party_name"].required = False
        self.fields["tier"].help_text = _("The liability tier's number on the item's page, counting from 0 (on "
                                          "finding, not corrected in time, …).")
        self.fields["officers"].help_text = _("At least two, with valid certificates and no declared conflict.")
        self.fields["measures"].initial = self.instance.measures if self.instance.pk else []
        if self.instance.pk:
            for name in ("enterprise", "item", "discovered_on"):
                del self.fields[name]

    def service_data(self) -> dict:
        data = super().service_data()
        if "officers" in data:
            data["officers"] = [o.pk for o in data["officers"]]
        for name in ("enterprise", "item"):
            if name in data and data[name] is not None:
                data[name] = data[name].pk
        if "fine" in data and data["fine"] is not None:
            data["fine"] = str(data["fine"])
        return data


class CaseActionForm(forms.Form):
    """The inputs a case's workflow step may take (each step uses the ones it needs)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))
    opinion = forms.CharField(label=_("Legal review opinion"), required=False, max_length=8000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    report = forms.CharField(label=_("Hearing report"), required=False, max_length=8000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    record = forms.CharField(label=_("Collective discussion record"), required=False, max_length=8000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    statements = forms.CharField(label=_("Party's statements and defence"), required=False, max_length=8000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    waived = forms.BooleanField(label=_("The party waived its statements"), required=False)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=100)
    method = forms.ChoiceField(label=_("Method of service"), required=False, choices=ServiceMethod.choices())
    amount = forms.DecimalField(label=_("Amount paid (CNY)"), required=False, min_value=0, decimal_places=2,
                                max_digits=14)
    on = forms.DateField(label=pgettext_lazy("day", "Date"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    #: Which inputs each action shows, and the payload key its date goes to.
    ACTION_FIELDS = {
        "file": (("on",), "filed_on"), "decline": (("reason",), None), "investigate": (("note",), None),
        "submit": (("note",), None), "send_legal_review": (("note",), None),
        "pass_legal_review": (("opinion",), None), "return_legal_review": (("opinion",), None),
        "notify": (("on",), "notified_on"), "request_hearing": (("on",), "requested_on"),
        "hold_hearing": (("on", "report"), "held_on"),
        "discuss": (("on", "record", "statements", "waived"), "discussed_on"),
        "decide": (("on", "statements", "waived"), "decided_on"),
        "serve": (("on", "recipient", "method"), "served_on"), "record_payment": (("on", "amount"), "paid_on"),
        "close": (("on",), "closed_on"), "revoke": (("reason",), None), "terminate": (("reason",), None),
    }

    def payload(self, action: str) -> dict:
        names, date_key = self.ACTION_FIELDS.get(action, ((), None))
        out = {}
        for name in names:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if name == "on":
                out[date_key] = value.isoformat()
            elif name == "amount":
                out["amount"] = str(value)
            else:
                out[name] = value
        return out


# --- annual plan, campaigns and supervision orders -----------------------------------------------------------

from .choices import CampaignKind, CampaignSector, OrderKind, SupervisionClassChoice  # noqa: E402
from .models import Campaign, SupervisionClass  # noqa: E402

_DATE = {"type": "date"}


def _townships(user) -> list[tuple[str, str]]:
    return list(Region.objects.filter(policy.scope_q(user, Region), level="township").order_by("code")
                .values_list("code", "name"))


def _departments(user):
    return Organisation.objects.filter(policy.scope_q(user, Organisation),
                                       kind__in=["member_unit", "section"]).order_by("kind", "name")


class ClassOverrideForm(_ServiceForm):
    """Staff set an enterprise's class for the year (or clear it, back to the computed one) with a reason."""

    class Meta:
        model = SupervisionClass
        fields = ["override_class", "override_reason"]
        widgets = {"override_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["override_class"].choices = [("", _("As computed"))] + list(SupervisionClassChoice.choices())

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    region_code = forms.ChoiceField(label=_("Covers"))
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200, required=False,
                            help_text=_("Leave empty for the usual title."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["region_code"].choices = [
            (code, name) for code, name in Region.objects.filter(
                policy.scope_q(user, Region), level__in=["county", "township"]).order_by("code").values_list("code",
                                                                                                             "name")]


class CampaignForm(_ServiceForm):
    industries = forms.MultipleChoiceField(label=_("Sectors"), required=False, choices=CampaignSector.choices(),
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("None ticked: every enterprise."))
    townships = forms.MultipleChoiceField(label=_("Townships"), required=False, widget=forms.CheckboxSelectMultiple,
                                          help_text=_("None ticked: the whole county."))

    class Meta:
        model = Campaign
        fields = ["title", "kind", "basis", "starts_on", "ends_on", "industries", "townships", "lead_org",
                  "description"]
        widgets = {"starts_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["kind"].choices = list(CampaignKind.choices())
        self.fields["townships"].choices = _townships(user)
        self.fields["lead_org"].queryset = Organisation.objects.filter(policy.scope_q(user, Organisation))
        if self.instance.pk:
            self.initial["industries"] = self.instance.industries
            self.initial["townships"] = self.instance.townships


class CampaignTaskForm(forms.Form):
    township = forms.ChoiceField(label=pgettext_lazy("plan", "Township"), required=False)
    organisation = forms.ModelChoiceField(label=_("or department"), queryset=Organisation.objects.none(),
                                          required=False)
    content = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    deadlines = forms.CharField(label=_("Report deadlines"), max_length=300,
                                help_text=_("Dates YYYY-MM-DD separated by commas, e.g. 2026-05-10, 2026-06-10."))

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        townships = _townships(user)
        if campaign.townships:
            townships = [t for t in townships if t[0] in campaign.townships]
        self.fields["township"].choices = [("", "—")] + townships
        self.fields["organisation"].queryset = _departments(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"].pk if data.get("organisation") else None
        return data


class CampaignReportForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=50, required=False,
                             help_text=_("The figures are totals so far, up to this deadline."))
    enterprises_checked = forms.IntegerField(label=_("Enterprises checked"), min_value=0)
    hazards_found = forms.IntegerField(label=_("Hazards found"), min_value=0)
    hazards_rectified = forms.IntegerField(label=_("Hazards rectified"), min_value=0)
    major_hazards = forms.IntegerField(label=_("Major hazards"), min_value=0)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("Attachment"), required=False)


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrderKind.choices())
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    matter = forms.CharField(label=_("Matter"), widget=forms.Textarea(attrs={"rows": 4}))
    township = forms.ChoiceField(label=pgettext_lazy("plan", "Township"), required=False)
    organisation = forms.ModelChoiceField(label=_("or department"), queryset=Organisation.objects.none(),
                                          required=False)
    hazard = forms.IntegerField(label=_("Hazard number"), required=False, min_value=1,
                                help_text=_("Optional: the hazard this order is about (its township is taken)."))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "—")] + _townships(user)
        self.fields["organisation"].queryset = _departments(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"].pk if data.get("organisation") else None
        return data


class OrderActionForm(forms.Form):
    """One form for every order action: the text it needs (reply, note or reason), a file, a new deadline."""

    text = forms.CharField(label=_("Reply or opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("New deadline"), required=False,
                               widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    file = forms.FileField(label=_("Attachment"), required=False)


# --- inspections -----------------------------------------------------------------------------------------------

from yingji.standards.checklists import INDUSTRIES  # noqa: E402  (this area's section)

from .choices import InspectionOrigin  # noqa: E402
from .models import RandomDraw  # noqa: E402


class InspectionForm(forms.Form):
    """Plan an inspection: the enterprise, why, which draw (for a 双随机 pair), the officers (at least two, certified
    on the day, none recused: the service checks), the date and the checklist."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=enterprise_model().objects.none())
    origin = forms.ChoiceField(label=_("Origin"), choices=InspectionOrigin.choices(),
                               initial=InspectionOrigin.AD_HOC)
    random_draw = forms.ModelChoiceField(label=_("Random draw"), queryset=RandomDraw.objects.none(),
                                         required=False,
                                         help_text=_("For an inspection drawn at random: the draw it comes from "
                                                     "(its officers are taken when none are chosen)."))
    officers = forms.MultipleChoiceField(label=pgettext_lazy("enforcement", "Officers"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("At least two, with certificates valid on the day."))
    planned_on = forms.DateField(label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                   format="%Y-%m-%d"))
    checklist = forms.ChoiceField(label=_("Checklist"), required=False,
                                  help_text=_("Leave empty to use the checklist of the enterprise's industry."))
    summary = forms.CharField(label=_("Purpose and notes"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = enterprise_model().objects.for_user(user).order_by("name")
        self.fields["random_draw"].queryset = RandomDraw.objects.for_user(user).order_by("-created_at")
        officers = Officer.objects.for_user(user).filter(is_active=True).order_by("name")
        self.fields["officers"].choices = [(str(o.user_id), f"{o.name}（{o.certificate_no}）") for o in officers]
        self.fields["checklist"].choices = [("", _("By the enterprise's industry"))] + list(INDUSTRIES.items())
        self.fields["planned_on"].initial = timezone.localdate()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["officers"] = [int(i) for i in data.get("officers") or []] or None
        data["checklist"] = data.get("checklist") or None
        return data
