"""Forms of the responsibility system; they only shape input (``services`` validates and writes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.filters import region_choices

from .models import Body, Decision, DutyList, KeyArea, Meeting, Member, Notice, ResponsibilityLetter, Talk

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _Form(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                field.queryset = policy.restrict(queryset, user)
        if "region_code" in self.fields:
            self.fields["region_code"] = forms.ChoiceField(label=_("County, township or village"),
                                                           choices=region_choices(user))
            if not self.instance.pk:
                self.initial.setdefault("region_code", user.scope_region_code)

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class BodyForm(_Form):
    class Meta:
        model = Body
        fields = ["name", "kind", "region_code", "parent", "organisation", "host_unit", "duties", "established_on"]
        widgets = {"established_on": DATE}


class MemberForm(_Form):
    class Meta:
        model = Member
        fields = ["body", "name", "post", "title", "unit"]


class KeyAreaForm(_Form):
    class Meta:
        model = KeyArea
        fields = ["body", "name", "lead_unit", "partner_units", "scope"]


class DutyListForm(_Form):
    class Meta:
        model = DutyList
        fields = ["unit", "year", "industry_duties", "business_duties", "production_duties", "leaders_duties"]


class MeetingForm(_Form):
    class Meta:
        model = Meeting
        fields = ["body", "kind", "title", "held_on", "place", "chair", "attendees", "attendee_units", "minutes"]
        widgets = {"held_on": DATE}


class DecisionForm(_Form):
    township = forms.ChoiceField(label=_("Responsible township"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["township"].choices = [("", "—")] + [
            (code, name) for code, name in _townships(user)]

    class Meta:
        model = Decision
        fields = ["meeting", "text", "unit", "township", "deadline"]
        widgets = {"deadline": DATETIME}


def _townships(user):
    from yingji.core.models import Region

    return Region.objects.filter(policy.scope_q(user, Region), level="township").order_by("code") \
        .values_list("code", "name")


class ResponsibilityLetterForm(_Form):
    class Meta:
        model = ResponsibilityLetter
        fields = ["unit", "year", "signed_on", "signed_by", "indicators", "remarks"]
        widgets = {"signed_on": DATE}


class NoticeForm(_Form):
    class Meta:
        model = Notice
        fields = ["kind", "number", "title", "issued_on", "region_code", "units", "enterprise", "content",
                  "requirement", "follow_up_state", "follow_up"]
        widgets = {"issued_on": DATE}


class TalkForm(_Form):
    class Meta:
        model = Talk
        fields = ["held_on", "reason", "unit", "enterprise", "interviewees", "interviewers", "cause",
                  "requirements", "follow_up_due", "follow_up_state", "follow_up"]
        widgets = {"held_on": DATE, "follow_up_due": DATE}
