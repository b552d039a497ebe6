"""Choice sets of the responsibility system (issue 17 §1)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class BodyKind(ChoiceSet):
    """安委会, 防指, 森防指, 减灾委, their offices and the safety committee's professional committees."""

    NAME = "governance_body_kind"
    FIELDS = (("governance.body", "kind"),)
    SAFETY_COMMITTEE = "safety_committee"
    FLOOD_HQ = "flood_hq"
    FOREST_HQ = "forest_hq"
    DISASTER_COMMITTEE = "disaster_committee"
    OFFICE = "office"
    PROFESSIONAL_COMMITTEE = "professional_committee"
    CHOICES = (
        (SAFETY_COMMITTEE, _("Work safety committee"), "danger"),
        (FLOOD_HQ, _("Flood control and drought relief headquarters"), "primary"),
        (FOREST_HQ, _("Forest fire prevention headquarters"), "success"),
        (DISASTER_COMMITTEE, _("Disaster reduction committee"), "warning"),
        (OFFICE, pgettext_lazy("commission", "Office"), "info"),
        (PROFESSIONAL_COMMITTEE, _("Professional committee"), "secondary"),
    )


class MemberPost(ChoiceSet):
    NAME = "governance_member_post"
    FIELDS = (("governance.member", "post"),)
    DIRECTOR = "director"
    DEPUTY = "deputy"
    OFFICE_DIRECTOR = "office_director"
    MEMBER = "member"
    LIAISON = "liaison"
    CHOICES = (
        (DIRECTOR, _("Director (chief commander)"), "danger"),
        (DEPUTY, _("Deputy director"), "warning"),
        (OFFICE_DIRECTOR, _("Office director"), "info"),
        (MEMBER, pgettext_lazy("commission", "Member"), "primary"),
        (LIAISON, _("Liaison officer"), "secondary"),
    )


class MeetingKind(ChoiceSet):
    NAME = "governance_meeting_kind"
    FIELDS = (("governance.meeting", "kind"),)
    PLENARY = "plenary"
    TOPICAL = "topical"
    CONSULTATION = "consultation"
    CHOICES = (
        (PLENARY, _("Plenary meeting"), "danger"),
        (TOPICAL, _("Topical meeting"), "primary"),
        (CONSULTATION, _("Consultation meeting"), "info"),
    )


class NoticeKind(ChoiceSet):
    NAME = "governance_notice_kind"
    FIELDS = (("governance.notice", "kind"),)
    CRITICISM = "criticism"
    PRAISE = "praise"
    SITUATION = "situation"
    CHOICES = (
        (CRITICISM, _("Critical notice"), "danger"),
        (PRAISE, _("Commendation"), "success"),
        (SITUATION, _("Situation notice"), "info"),
    )


class TalkReason(ChoiceSet):
    NAME = "governance_talk_reason"
    FIELDS = (("governance.talk", "reason"),)
    ACCIDENT = "accident"
    FAILURE = "failure"
    HAZARD = "hazard"
    CHOICES = (
        (ACCIDENT, _("After an accident"), "danger"),
        (FAILURE, _("Duties not fulfilled"), "warning"),
        (HAZARD, _("Major hazard left unremedied"), "primary"),
    )


class FollowUp(ChoiceSet):
    NAME = "governance_follow_up"
    FIELDS = (("governance.talk", "follow_up_state"), ("governance.notice", "follow_up_state"))
    PENDING = "pending"
    RECTIFYING = "rectifying"
    DONE = "done"
    CHOICES = (
        (PENDING, pgettext_lazy("follow-up", "Pending"), "secondary"),
        (RECTIFYING, pgettext_lazy("follow-up", "Rectifying"), "warning"),
        (DONE, pgettext_lazy("follow-up", "Rectified"), "success"),
    )
