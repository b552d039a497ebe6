"""Filters of the responsibility system's lists (page, export and API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices import BodyKind, FollowUp, MeetingKind, MemberPost, NoticeKind, TalkReason
from .models import Body, Decision, DutyList, KeyArea, Meeting, Member, Notice, ResponsibilityLetter, Talk


class BodyFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "duties")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BodyKind.choices())

    class Meta:
        model = Body
        fields = ["kind"]


class MemberFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "title", "unit__name")
    body = django_filters.NumberFilter(label=_("Commission or headquarters"))
    post = django_filters.ChoiceFilter(label=_("Post"), choices=MemberPost.choices())

    class Meta:
        model = Member
        fields = ["body", "post"]


class KeyAreaFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "lead_unit__name", "scope")

    class Meta:
        model = KeyArea
        fields = []


class DutyListFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("unit__name",)
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = DutyList
        fields = ["year"]


class MeetingFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "minutes", "attendees")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices())
    body = django_filters.NumberFilter(label=_("Commission or headquarters"))

    class Meta:
        model = Meeting
        fields = ["kind", "body"]


class DecisionFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("text", "meeting__title")
    meeting = django_filters.NumberFilter(label=_("Meeting"))
    assigned = django_filters.BooleanFilter(label=_("Assigned"), field_name="order", lookup_expr="isnull",
                                            exclude=True)

    class Meta:
        model = Decision
        fields = ["meeting", "assigned"]


class ResponsibilityLetterFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("unit__name", "indicators")
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    region_code = RegionFilter()

    class Meta:
        model = ResponsibilityLetter
        fields = ["year", "region_code"]


class NoticeFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "number", "content")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NoticeKind.choices())
    follow_up_state = django_filters.ChoiceFilter(label=_("Follow-up"), choices=FollowUp.choices())

    class Meta:
        model = Notice
        fields = ["kind", "follow_up_state"]


class TalkFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("interviewees", "cause", "enterprise__name", "unit__name")
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=TalkReason.choices())
    follow_up_state = django_filters.ChoiceFilter(label=_("Follow-up"), choices=FollowUp.choices())
    region_code = RegionFilter()

    class Meta:
        model = Talk
        fields = ["reason", "follow_up_state", "region_code"]
