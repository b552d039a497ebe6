"""API v1 of the responsibility system (issue 17 §1): ``/governance/bodies``, ``/members``, ``/key-areas``,
``/duty-lists``, ``/meetings``, ``/decisions`` (a decision with a unit or township and a deadline becomes a 交办单:
``order_id``; ``POST /governance/decisions/{id}/assign`` assigns one recorded without), ``/responsibility-letters``,
``/notices`` and ``/talks``. Every list is scoped to the caller's jurisdiction."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router

from yingji.core.api import RegionCode
from yingji.core.api_support import ERRORS, Date, DateTime, Id, InSchema, Schema, ShortText, Text
from yingji.core.crud import Crud, Output, patch_of

from . import services, surfaces
from .choices import BodyKind, FollowUp, MeetingKind, MemberPost, NoticeKind, TalkReason

router = Router(tags=["governance"])
TAGS = ["governance"]
P = "/governance"


def _choice(choices):
    return Literal[tuple(choices.values())]  # type: ignore[valid-type]


def _ids(path):
    return lambda obj: [o.pk for o in getattr(obj, path).all()]


def _write(create):
    return lambda user, payload: create(user, {k: v for k, v in payload.model_dump().items() if v is not None})


class GovernanceBodyOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    parent_id: int | None
    organisation_id: int | None
    host_unit_id: int | None
    duties: str
    established_on: datetime.date | None


class GovernanceBodyIn(InSchema):
    name: ShortText(100, 1)
    kind: _choice(BodyKind)
    region_code: RegionCode | None = None
    parent: Id | None = None
    organisation: Id | None = None
    host_unit: Id | None = None
    duties: Text = ""
    established_on: Date | None = None


class GovernanceMemberOut(Schema):
    id: int
    body_id: int
    name: str
    post: str
    title: str
    unit_id: int | None


class GovernanceMemberIn(InSchema):
    body: Id
    name: ShortText(50, 1)
    post: _choice(MemberPost)
    title: ShortText(100) = ""
    unit: Id | None = None


class GovernanceKeyAreaOut(Schema):
    id: int
    body_id: int
    name: str
    lead_unit_id: int
    partner_unit_ids: list[int]
    scope: str


class GovernanceKeyAreaIn(InSchema):
    body: Id
    name: ShortText(100, 1)
    lead_unit: Id
    partner_units: list[Id] = Field(default_factory=list, max_length=100)
    scope: Text = ""


class GovernanceDutyListOut(Schema):
    id: int
    unit_id: int
    region_code: str
    year: int
    industry_duties: str
    business_duties: str
    production_duties: str
    leaders_duties: str


class GovernanceDutyListIn(InSchema):
    unit: Id
    year: int = Field(ge=2000, le=2100)
    industry_duties: Text = ""
    business_duties: Text = ""
    production_duties: Text = ""
    leaders_duties: Text = ""


class GovernanceMeetingOut(Schema):
    id: int
    body_id: int
    region_code: str
    kind: str
    title: str
    held_on: datetime.date
    place: str
    chair: str
    attendees: str
    attendee_unit_ids: list[int]
    minutes: str


class GovernanceMeetingIn(InSchema):
    body: Id
    kind: _choice(MeetingKind)
    title: ShortText(200, 1)
    held_on: Date
    place: ShortText(100) = ""
    chair: ShortText(50) = ""
    attendees: Text = ""
    attendee_units: list[Id] = Field(default_factory=list, max_length=200)
    minutes: Text = ""


class GovernanceDecisionOut(Schema):
    id: int
    meeting_id: int
    region_code: str
    text: str
    unit_id: int | None
    township: str
    deadline: datetime.datetime | None
    order_id: int | None = Field(description="the 交办单 that tracks the decision (enforcement orders API)")
    order_state: str | None


class GovernanceDecisionIn(InSchema):
    meeting: Id
    text: Text = Field(min_length=1)
    unit: Id | None = None
    township: RegionCode | None = None
    deadline: DateTime | None = None


class GovernanceLetterOut(Schema):
    id: int
    unit_id: int
    region_code: str
    year: int
    signed_on: datetime.date | None
    signed_by: str
    indicators: str = Field(description="one indicator a line: “indicator|weight”")
    remarks: str


class GovernanceLetterIn(InSchema):
    unit: Id
    year: int = Field(ge=2000, le=2100)
    signed_on: Date | None = None
    signed_by: ShortText(50) = ""
    indicators: Text = Field(min_length=1)
    remarks: Text = ""


class GovernanceNoticeOut(Schema):
    id: int
    region_code: str
    kind: str
    number: str
    title: str
    issued_on: datetime.date
    unit_ids: list[int]
    enterprise_id: int | None
    content: str
    requirement: str
    follow_up_state: str
    follow_up: str


class GovernanceNoticeIn(InSchema):
    region_code: RegionCode | None = None
    kind: _choice(NoticeKind)
    number: ShortText(50) = ""
    title: ShortText(200, 1)
    issued_on: Date
    units: list[Id] = Field(default_factory=list, max_length=200)
    enterprise: Id | None = None
    content: Text = Field(min_length=1)
    requirement: Text = ""
    follow_up_state: _choice(FollowUp) = FollowUp.PENDING
    follow_up: Text = ""


class GovernanceTalkOut(Schema):
    id: int
    region_code: str
    held_on: datetime.date
    reason: str
    unit_id: int | None
    enterprise_id: int | None
    interviewees: str
    interviewers: str
    cause: str
    requirements: str
    follow_up_due: datetime.date | None
    follow_up_state: str
    follow_up: str


class GovernanceTalkIn(InSchema):
    held_on: Date
    reason: _choice(TalkReason)
    unit: Id | None = None
    enterprise: Id | None = None
    interviewees: ShortText(200, 1)
    interviewers: ShortText(200, 1)
    cause: Text = Field(min_length=1)
    requirements: Text = ""
    follow_up_due: Date | None = None
    follow_up_state: _choice(FollowUp) = FollowUp.PENDING
    follow_up: Text = ""


(Crud(router, surfaces.BODIES, f"{P}/bodies", out=GovernanceBodyOut, module=__name__, tags=TAGS,
      in_schema=GovernanceBodyIn,
      patch_schema=patch_of(GovernanceBodyIn, "GovernanceBodyPatch", exclude=("region_code",)))
 .list("list_governance_bodies", summary="Commissions and headquarters (安委会, 防指, 森防指, 减灾委)")
 .get("get_governance_body").create("create_governance_body", write=_write(services.create_body))
 .update("update_governance_body"))

(Crud(router, surfaces.MEMBERS, f"{P}/members", out=GovernanceMemberOut, module=__name__, tags=TAGS,
      in_schema=GovernanceMemberIn,
      patch_schema=patch_of(GovernanceMemberIn, "GovernanceMemberPatch"))
 .list("list_commission_members", summary="Members of commissions and headquarters")
 .get("get_commission_member").create("create_commission_member", write=_write(services.create_member))
 .update("update_commission_member"))

(Crud(router, surfaces.KEY_AREAS, f"{P}/key-areas", out=GovernanceKeyAreaOut, module=__name__, tags=TAGS,
      output=Output(GovernanceKeyAreaOut, resolvers={"partner_unit_ids": _ids("partner_units")}),
      in_schema=GovernanceKeyAreaIn,
      patch_schema=patch_of(GovernanceKeyAreaIn, "GovernanceKeyAreaPatch"))
 .list("list_key_areas", summary="Key areas with their lead and partner units")
 .get("get_key_area").create("create_key_area", write=_write(services.create_key_area))
 .update("update_key_area"))

(Crud(router, surfaces.DUTY_LISTS, f"{P}/duty-lists", out=GovernanceDutyListOut, module=__name__, tags=TAGS,
      in_schema=GovernanceDutyListIn, patch_schema=patch_of(GovernanceDutyListIn, "GovernanceDutyListPatch"))
 .list("list_duty_lists", summary="Units' duty lists (职责清单)")
 .get("get_duty_list").create("create_duty_list", write=_write(services.create_duty_list))
 .update("update_duty_list"))

(Crud(router, surfaces.MEETINGS, f"{P}/meetings", out=GovernanceMeetingOut, module=__name__, tags=TAGS,
      output=Output(GovernanceMeetingOut, resolvers={"attendee_unit_ids": _ids("attendee_units")}),
      in_schema=GovernanceMeetingIn,
      patch_schema=patch_of(GovernanceMeetingIn, "GovernanceMeetingPatch"))
 .list("list_governance_meetings", summary="Meetings of commissions and headquarters")
 .get("get_governance_meeting").create("create_governance_meeting", write=_write(services.create_meeting))
 .update("update_governance_meeting"))

_decisions = Crud(router, surfaces.DECISIONS, f"{P}/decisions", out=GovernanceDecisionOut, module=__name__,
                  tags=TAGS,
                  output=Output(GovernanceDecisionOut, resolvers={
                      "order_state": lambda d: d.order.state if d.order_id else None,
                      "township": lambda d: d.township}),
                  in_schema=GovernanceDecisionIn,
                  patch_schema=patch_of(GovernanceDecisionIn, "GovernanceDecisionPatch", exclude=("meeting",)))
(_decisions.list("list_meeting_decisions", summary="Meeting decisions and the orders that track them")
 .get("get_meeting_decision").create("create_meeting_decision", write=_write(services.create_decision))
 .update("update_meeting_decision"))


@router.post(f"{P}/decisions/{{id}}/assign", response={200: GovernanceDecisionOut, **ERRORS}, tags=TAGS,
             summary="Assign a recorded decision: it becomes a 交办单 to its unit or township")
def assign_meeting_decision(request, id: Id):
    decision = surfaces.DECISIONS.get(request.auth, id, "change")
    services.assign_decision(request.auth, decision)
    return _decisions.answer(request.auth, surfaces.DECISIONS.get(request.auth, id), audited=False)


(Crud(router, surfaces.LETTERS, f"{P}/responsibility-letters", out=GovernanceLetterOut, module=__name__, tags=TAGS,
      in_schema=GovernanceLetterIn, patch_schema=patch_of(GovernanceLetterIn, "GovernanceLetterPatch"))
 .list("list_responsibility_letters", summary="Responsibility letters (目标责任书)")
 .get("get_responsibility_letter").create("create_responsibility_letter", write=_write(services.create_letter))
 .update("update_responsibility_letter"))

(Crud(router, surfaces.NOTICES, f"{P}/notices", out=GovernanceNoticeOut, module=__name__, tags=TAGS,
      output=Output(GovernanceNoticeOut, resolvers={"unit_ids": _ids("units")}), in_schema=GovernanceNoticeIn,
      patch_schema=patch_of(GovernanceNoticeIn, "GovernanceNoticePatch", exclude=("region_code",)))
 .list("list_governance_notices", summary="Notices (通报)")
 .get("get_governance_notice").create("create_governance_notice", write=_write(services.create_notice))
 .update("update_governance_notice"))

(Crud(router, surfaces.TALKS, f"{P}/talks", out=GovernanceTalkOut, module=__name__, tags=TAGS,
      in_schema=GovernanceTalkIn,
      patch_schema=patch_of(GovernanceTalkIn, "GovernanceTalkPatch"))
 .list("list_governance_talks", summary="Talks with leaders (约谈) and their follow-up")
 .get("get_governance_talk").create("create_governance_talk", write=_write(services.create_talk))
 .update("update_governance_talk"))
