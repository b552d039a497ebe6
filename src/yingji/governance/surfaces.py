"""The declared surfaces of the responsibility system (list, detail, new, edit, export, API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, When, register
from yingji.enforcement.choices import OrderState

from . import filters, forms, services
from .choices import BodyKind, FollowUp, MeetingKind, MemberPost, NoticeKind, TalkReason
from .models import Body, Decision, DutyList, KeyArea, Meeting, Member, Notice, ResponsibilityLetter, Talk


def _names(path):
    return lambda obj: "、".join(str(o) for o in getattr(obj, path).all()) or "—"


BODIES = Surface(
    model=Body, prefix="governance_body", title=_l("Commissions and headquarters"),
    singular=_l("Commission or headquarters"), export_name="commissions",
    subtitle=_l("安委会, 防指, 森防指 and 减灾委 with their offices and professional committees; the headquarters "
                "on record as organisations are linked, not duplicated."),
    filterset=filters.BodyFilterSet, form=forms.BodyForm, create=services.create_body, update=services.update_body,
    queryset=lambda: Body.objects.select_related("parent", "organisation", "host_unit"),
    create_title=_l("New commission or headquarters"), edit_title=_l("Edit the commission or headquarters"),
    columns=[
        Column("name", _l("Name"), link="self"), Badge("kind", _l("Kind"), BodyKind),
        Column("parent", _l("Belongs to"), link="parent"), Column("host_unit", _l("Host unit")),
        Column("organisation", _l("Organisation"), link="organisation", table=False), Region(label=_l("Region")),
        Column("duties", _l("Duties"), table=False), Column("established_on", _l("Established"), table=False),
    ],
    related={"members": lambda: Member.objects.select_related("unit"),
             "key_areas": lambda: KeyArea.objects.select_related("lead_unit")},
)

MEMBERS = Surface(
    model=Member, prefix="member", title=_l("Commission members"), singular=_l("Commission member"),
    export_name="commission-members", filterset=filters.MemberFilterSet, form=forms.MemberForm,
    create=services.create_member, update=services.update_member,
    queryset=lambda: Member.objects.select_related("body", "unit"),
    create_title=_l("New commission member"), edit_title=_l("Edit the commission member"),
    columns=[
        Column("name", _l("Name"), link="self"), Column("body", _l("Commission or headquarters"), link="body"),
        Badge("post", _l("Post"), MemberPost), Column("title", _l("Position in own unit")),
        Column("unit", _l("Unit")),
    ],
)

KEY_AREAS = Surface(
    model=KeyArea, prefix="key_area", title=_l("Key areas"), singular=_l("Key area"), export_name="key-areas",
    subtitle=_l("The key areas of work safety with their lead and partner units."),
    filterset=filters.KeyAreaFilterSet, form=forms.KeyAreaForm, create=services.create_key_area,
    update=services.update_key_area,
    queryset=lambda: KeyArea.objects.select_related("body", "lead_unit").prefetch_related("partner_units"),
    create_title=_l("New key area"), edit_title=_l("Edit the key area"),
    columns=[
        Column("name", _l("Name"), link="self"), Column("lead_unit", _l("Lead unit")),
        Computed("partners", _l("Partner units"), _names("partner_units")),
        Column("body", _l("Commission or headquarters"), table=False), Column("scope", _l("Scope of work"),
                                                                              table=False),
    ],
)

DUTY_LISTS = Surface(
    model=DutyList, prefix="duty_list", title=_l("Duty lists"), singular=_l("Duty list"), export_name="duty-lists",
    subtitle=_l("Each unit's safety duties under the three musts (三个必须) and 党政同责、一岗双责."),
    filterset=filters.DutyListFilterSet, form=forms.DutyListForm, create=services.create_duty_list,
    update=services.update_duty_list, queryset=lambda: DutyList.objects.select_related("unit"),
    create_title=_l("New duty list"), edit_title=_l("Edit the duty list"),
    columns=[
        Column("unit", _l("Unit"), link="self"), Column("year", _l("Year")),
        Column("industry_duties", _l("Industry it manages"), table=False),
        Column("business_duties", _l("Business it manages"), table=False),
        Column("production_duties", _l("Production it runs"), table=False),
        Column("leaders_duties", _l("Duties of its leaders"), table=False),
    ],
)

MEETINGS = Surface(
    model=Meeting, prefix="meeting", title=_l("Meetings"), singular=_l("Meeting"), export_name="meetings",
    subtitle=_l("Plenary meetings, topical meetings and consultations; each decision assigned to a unit becomes an "
                "assignment order tracked to its reply and verification."),
    filterset=filters.MeetingFilterSet, form=forms.MeetingForm, create=services.create_meeting,
    update=services.update_meeting,
    queryset=lambda: Meeting.objects.select_related("body").prefetch_related("attendee_units"),
    create_title=_l("New meeting"), edit_title=_l("Edit the meeting"),
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Badge("kind", _l("Kind"), MeetingKind),
        Column("held_on", _l("Date")), Column("body", _l("Commission or headquarters")),
        Column("chair", _l("Chaired by")), Column("place", _l("Place"), table=False),
        Column("attendees", _l("Attendees"), table=False),
        Computed("units", _l("Attending units"), _names("attendee_units"), table=False),
        Column("minutes", _l("Minutes"), table=False),
    ],
    related={"decisions": lambda: Decision.objects.select_related("unit", "order")},
)

DECISIONS = Surface(
    model=Decision, prefix="decision", title=_l("Meeting decisions"), singular=_l("Meeting decision"),
    export_name="meeting-decisions", filterset=filters.DecisionFilterSet, form=forms.DecisionForm,
    create=services.create_decision, update=services.update_decision,
    queryset=lambda: Decision.objects.select_related("meeting", "unit", "order"),
    create_title=_l("New meeting decision"), edit_title=_l("Edit the meeting decision"),
    columns=[
        Column("text", _l("Decision"), link="self"), Column("meeting", _l("Meeting"), link="meeting"),
        Computed("assignee", _l("Responsible"), lambda d: str(d.unit) if d.unit_id else
                 (d.region_name if d.township else "—")),
        When("deadline", _l("Deadline")),
        Column("order", _l("Assignment order"), link="order"),
        Computed("order_state", _l("Progress"), lambda d: OrderState.label(d.order.state) if d.order_id else "—"),
    ],
)

LETTERS = Surface(
    model=ResponsibilityLetter, prefix="responsibility_letter", title=_l("Responsibility letters"),
    singular=_l("Responsibility letter"), export_name="responsibility-letters",
    subtitle=_l("目标责任书: the county's annual targets signed with each township and member unit, with the "
                "indicators and their weights."),
    filterset=filters.ResponsibilityLetterFilterSet, form=forms.ResponsibilityLetterForm,
    create=services.create_letter, update=services.update_letter,
    queryset=lambda: ResponsibilityLetter.objects.select_related("unit"),
    create_title=_l("New responsibility letter"), edit_title=_l("Edit the responsibility letter"),
    columns=[
        Column("unit", _l("Signing unit"), link="self"), Column("year", _l("Year")), Region(label=_l("Region")),
        Column("signed_on", _l("Signed")), Column("signed_by", _l("Signed for the unit by")),
        Computed("weight", _l("Total weight"), lambda r: sum(w for _n, w in services.indicator_rows(r.indicators))),
        Column("indicators", _l("Indicators"), table=False), Column("remarks", _l("Remarks"), table=False),
    ],
)

NOTICES = Surface(
    model=Notice, prefix="notice", title=_l("Notices"), singular=_l("Notice"), export_name="notices",
    filterset=filters.NoticeFilterSet, form=forms.NoticeForm, create=services.create_notice,
    update=services.update_notice,
    queryset=lambda: Notice.objects.select_related("enterprise").prefetch_related("units"),
    create_title=_l("New notice"), edit_title=_l("Edit the notice"),
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Badge("kind", _l("Kind"), NoticeKind),
        Column("number", _l("Document number")), Column("issued_on", _l("Issued")),
        Computed("unit_names", _l("Units concerned"), _names("units"), table=False),
        Column("enterprise", _l("Enterprise"), link="enterprise", table=False),
        Badge("follow_up_state", _l("Follow-up"), FollowUp),
        Column("content", _l("Content"), table=False), Column("requirement", _l("Rectification required"),
                                                              table=False),
        Column("follow_up", _l("Follow-up record"), table=False),
    ],
)

TALKS = Surface(
    model=Talk, prefix="talk", title=_l("Talks with leaders"), singular=_l("Talk with leaders"),
    export_name="talks", subtitle=_l("约谈: talks with a unit's or an enterprise's leaders after an accident or a "
                                     "failure, and the follow-up of what they were required to do."),
    filterset=filters.TalkFilterSet, form=forms.TalkForm, create=services.create_talk, update=services.update_talk,
    queryset=lambda: Talk.objects.select_related("unit", "enterprise"),
    create_title=_l("New talk with leaders"), edit_title=_l("Edit the talk"),
    columns=[
        Column("held_on", _l("Date"), link="self"), Badge("reason", _l("Reason"), TalkReason),
        Computed("subject", _l("Talked to"), lambda t: str(t.enterprise or t.unit or "—")),
        Column("interviewees", _l("Leaders talked to")), Region(label=_l("Region")),
        Column("interviewers", _l("Talked to by"), table=False), Column("cause", _l("Cause"), table=False),
        Column("requirements", _l("Requirements"), table=False),
        Column("follow_up_due", _l("Follow-up due")), Badge("follow_up_state", _l("Follow-up"), FollowUp),
        Column("follow_up", _l("Follow-up record"), table=False),
    ],
)

ALL = (BODIES, MEMBERS, KEY_AREAS, DUTY_LISTS, MEETINGS, DECISIONS, LETTERS, NOTICES, TALKS)


def register_all() -> None:
    register(*ALL)
