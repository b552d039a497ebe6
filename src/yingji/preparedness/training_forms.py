"""Forms of the training and exam pages. They only shape input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import modelchoices, policy
from yingji.core.models import Region, User, enterprise_model

from .models import Course, ExamPaper, Question, Trainee, TrainingSession
from .services import exams
from .training_choices import SECTOR_LABELS, AttendeeKind, QuestionKind

DATE = {"type": "date"}


class _ServiceForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "region_code" in self.fields:
            self.fields["region_code"] = forms.ChoiceField(label=_("Region"), choices=[
                (r.code, r.name) for r in Region.objects.filter(policy.scope_q(user, Region)).order_by("code")])
            if self.instance.pk:
                self.fields["region_code"].initial = self.instance.region_code

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class CourseForm(_ServiceForm):
    audience = forms.MultipleChoiceField(label=_("Audience"), choices=AttendeeKind.choices(), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Course
        fields = ["title", "topic", "hours", "initial", "audience", "certificate_months", "description",
                  "region_code", "is_active"]


class SessionForm(_ServiceForm):
    class Meta:
        model = TrainingSession
        fields = ["course", "title", "start_date", "end_date", "hours", "place", "trainer", "organiser",
                  "region_code"]
        widgets = {"start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(policy.scope_q(user, Course), is_active=True)


class TraineeForm(_ServiceForm):
    class Meta:
        model = Trainee
        fields = ["enterprise", "name", "role", "id_tail", "phone", "hired_on", "special_operation", "is_active"]
        widgets = {"hired_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        model = enterprise_model()
        self.fields["enterprise"].queryset = model.objects.filter(policy.scope_q(user, model)).order_by(
            "name").only("id", "name")
        if self.instance.pk:
            del self.fields["enterprise"]


class AttendanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Attendee"), choices=AttendeeKind.choices())
    user = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.none(), required=False)
    trainee = forms.ModelChoiceField(label=_("Trainee"), queryset=Trainee.objects.none(), required=False)
    hours = forms.DecimalField(label=_("Hours credited"), max_digits=5, decimal_places=1, required=False,
                               min_value=0)
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    passed = forms.NullBooleanField(label=_("Passed"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(policy.scope_q(user, User), enterprise__isnull=True,
                                                           is_active=True).order_by("username")
        self.fields["trainee"].queryset = Trainee.objects.filter(policy.scope_q(user, Trainee),
                                                                 is_active=True).select_related("enterprise").only(
                                                                     "id", "name", "enterprise__name")
        modelchoices.label_choices(self.fields["trainee"], ("enterprise__name", "name"), lambda e, n: f"{e} {n}")


class QuestionForm(_ServiceForm):
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[
        ("", _("Every industry")), *SECTOR_LABELS.items()])
    options_text = forms.CharField(label=_("Options (one a line)"), required=False, widget=forms.Textarea(
        attrs={"rows": 4}))

    class Meta:
        model = Question
        fields = ["code", "kind", "text", "answer", "topic", "industry", "basis", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["code"].required = False
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(self.instance.options or [])

    def service_data(self) -> dict:
        data = super().service_data()
        text = self.cleaned_data.get("options_text") or ""
        options = [line.strip() for line in text.splitlines() if line.strip()]
        data.pop("options_text", None)
        if not self.instance.pk or options != list(self.instance.options or []):
            data["options"] = options
        return data


class PaperForm(_ServiceForm):
    rules_text = forms.CharField(label=_("Drawing rules"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("One rule a line: kind, count, then optionally topic and industry, "
                                             "e.g. 单选题 10 安全生产法 危险化学品"))

    class Meta:
        model = ExamPaper
        fields = ["title", "purpose", "course", "pass_mark", "minutes", "region_code", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(policy.scope_q(user, Course))
        if self.instance.pk:
            self.fields["rules_text"].initial = rules_to_text(self.instance.rules)

    def clean_rules_text(self):
        return rules_from_text(self.cleaned_data["rules_text"])

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("rules_text", None)
        rules = self.cleaned_data.get("rules_text")
        if not self.instance.pk or exams.clean_rules_or_same(rules) != self.instance.rules:
            data["rules"] = rules
        return data


def rules_to_text(rules) -> str:
    lines = []
    for r in rules or []:
        parts = [str(QuestionKind.label(r["kind"])), str(r["count"])]
        if r.get("topic") or r.get("industry"):
            parts.append(r.get("topic") or "-")
        if r.get("industry"):
            parts.append(str(SECTOR_LABELS.get(r["industry"], r["industry"])))
        lines.append(" ".join(parts))
    return "\n".join(lines)


def rules_from_text(text: str) -> list[dict]:
    """Lines of "题型 数量 [专题|-] [行业]" as drawing rules."""
    kinds = {str(label): value for value, label in QuestionKind.choices()}
    kinds |= {k[:2]: v for k, v in kinds.items()}
    sectors = {str(label): value for value, label in SECTOR_LABELS.items()}
    rules = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if parts[0] not in kinds or len(parts) < 2 or not parts[1].isdigit() or len(parts) > 4:
            raise forms.ValidationError(_("Line %(n)s: kind, count, then optionally topic and industry") % {
                "n": number})
        industry = parts[3] if len(parts) > 3 else ""
        if industry and industry not in sectors:
            raise forms.ValidationError(_("Line %(n)s: unknown industry") % {"n": number})
        topic = parts[2] if len(parts) > 2 and parts[2] != "-" else ""
        rules.append({"kind": kinds[parts[0]], "topic": topic, "industry": sectors.get(industry, ""),
                      "count": int(parts[1])})
    return rules


class AttemptForm(forms.Form):
    paper = forms.ModelChoiceField(label=_("Exam paper"), queryset=ExamPaper.objects.none())
    trainee = forms.ModelChoiceField(label=_("Trainee"), queryset=Trainee.objects.none(), required=False)
    examinee = forms.CharField(label=_("Examinee"), max_length=50, required=False)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=enterprise_model().objects.none(),
                                        required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = ExamPaper.objects.filter(policy.scope_q(user, ExamPaper), is_active=True)
        self.fields["trainee"].queryset = Trainee.objects.filter(policy.scope_q(user, Trainee),
                                                                 is_active=True).select_related("enterprise").only(
                                                                     "id", "name", "enterprise__name")
        modelchoices.label_choices(self.fields["trainee"], ("enterprise__name", "name"), lambda e, n: f"{e} {n}")
        model = enterprise_model()
        self.fields["enterprise"].queryset = model.objects.filter(policy.scope_q(user, model)).order_by(
            "name").only("id", "name")
