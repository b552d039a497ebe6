"""The responsibility system (安全生产责任体系, issue 17 §1): the commissions and headquarters (安委会, 防指, 森防指,
减灾委) with their members, offices and professional committees; the key areas with lead and partner units; each
unit's duty list (职责清单, 三个必须); meetings whose decisions become supervision orders (交办单, the enforcement
app's one mechanism of tracked tasks); the annual responsibility letters (目标责任书); notices (通报) and talks (约谈)
with their follow-up.

The headquarters that exist as organisations (``core.Organisation`` of kind ``command_hq``) are reused through
``Body.organisation``; a body never duplicates an organisation."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.models import CRUD, STAFF_ROLES, Role, Scoped, region_code_validator

from .choices import BodyKind, FollowUp, MeetingKind, MemberPost, NoticeKind, TalkReason

EDITORS = {Role.ADMIN, Role.SECTION_STAFF}
GRANTS = ({role: {"view"} for role in STAFF_ROLES - {Role.GRID_MEMBER}}
          | {role: CRUD | {"attach"} for role in EDITORS})


class Body(Scoped):
    """A commission, headquarters, its office or one of its professional committees (``parent``)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices(), db_index=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    parent = models.ForeignKey("self", verbose_name=_("belongs to"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("The organisation on record that this body is, if any."))
    host_unit = models.ForeignKey("core.Organisation", verbose_name=_("host unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  help_text=_("The unit where the office sits or that leads the committee."))
    duties = models.TextField(_("duties"), blank=True)
    established_on = models.DateField(_("established"), null=True, blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["region_code", "kind", "name"]
        verbose_name = _("commission or headquarters")
        verbose_name_plural = _("commissions and headquarters")
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="governance_body_name")]

    def __str__(self) -> str:
        return self.name


class Member(Scoped):
    """A person on a body: the post they hold there and the unit they come from."""

    body = models.ForeignKey(Body, verbose_name=_("commission or headquarters"), on_delete=models.CASCADE,
                             related_name="members")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(pgettext_lazy("commission", "post"), max_length=16, choices=MemberPost.choices())
    title = models.CharField(_("position in own unit"), max_length=100, blank=True)
    unit = models.ForeignKey("core.Organisation", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")

    GRANTS = GRANTS

    class Meta:
        ordering = ["body", "post", "id"]
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")

    def __str__(self) -> str:
        return f"{self.name}（{MemberPost.label(self.post)}）"


class KeyArea(Scoped):
    """One of the key areas of work safety (重点领域) with its lead unit and partner units."""

    body = models.ForeignKey(Body, verbose_name=_("commission or headquarters"), on_delete=models.PROTECT,
                             related_name="key_areas")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    lead_unit = models.ForeignKey("core.Organisation", verbose_name=_("lead unit"), on_delete=models.PROTECT,
                                  related_name="+")
    partner_units = models.ManyToManyField("core.Organisation", verbose_name=_("partner units"), blank=True,
                                           related_name="+")
    scope = models.TextField(_("scope of work"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["body", "id"]
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="governance_key_area_name")]

    def __str__(self) -> str:
        return self.name


class DutyList(Scoped):
    """A unit's duty list (职责清单) of one year under the three musts (三个必须)."""

    unit = models.ForeignKey("core.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    industry_duties = models.TextField(_("safety duties of the industry it manages"), blank=True,
                                       help_text=_("Whoever manages an industry manages its safety."))
    business_duties = models.TextField(_("safety duties of the business it manages"), blank=True,
                                       help_text=_("Whoever manages a business manages its safety."))
    production_duties = models.TextField(_("safety duties of the production it runs"), blank=True,
                                         help_text=_("Whoever runs production manages its safety."))
    leaders_duties = models.TextField(_("duties of its leaders"), blank=True,
                                      help_text=_(
        "Party and government share the responsibility; every post carries safety duties."))

    GRANTS = GRANTS

    class Meta:
        ordering = ["-year", "unit"]
        verbose_name = _("duty list")
        verbose_name_plural = _("duty lists")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="governance_duty_list_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class Meeting(Scoped):
    """A plenary meeting, topical meeting or consultation of a body, with its attendees and decisions."""

    body = models.ForeignKey(Body, verbose_name=_("commission or headquarters"), on_delete=models.PROTECT,
                             related_name="meetings")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices(), db_index=True)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    held_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.CharField(_("chaired by"), max_length=50, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    attendee_units = models.ManyToManyField("core.Organisation", verbose_name=_("attending units"), blank=True,
                                            related_name="+")
    minutes = models.TextField(_("minutes"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Decision(Scoped):
    """A decision of a meeting; assigned to a unit or a township it becomes a 交办单 (``order``) whose deadline,
    reply, verification, reminders and escalation the enforcement app tracks."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT,
                                related_name="decisions")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    text = models.TextField(_("decision"))
    unit = models.ForeignKey("core.Organisation", verbose_name=_("responsible unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    township = models.CharField(_("responsible township"), max_length=12, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    order = models.OneToOneField("enforcement.SupervisionOrder", verbose_name=_("assignment order"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+", editable=False)

    GRANTS = GRANTS

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")

    def __str__(self) -> str:
        return self.text[:40]


class ResponsibilityLetter(Scoped):
    """目标责任书: the county's annual targets signed with a township or a member unit."""

    unit = models.ForeignKey("core.Organisation", verbose_name=_("signing unit"), on_delete=models.PROTECT,
                             related_name="+")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    signed_by = models.CharField(_("signed for the unit by"), max_length=50, blank=True)
    indicators = models.TextField(_("indicators"), help_text=_(
        "One indicator a line: the indicator, a vertical bar, its weight in points (e.g. 隐患整改率≥95%|20)."))
    remarks = models.TextField(_("remarks"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["-year", "unit"]
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="governance_letter_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"


class Notice(Scoped):
    """通报: a critical notice, commendation or situation notice about units or an enterprise."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices(), db_index=True)
    number = models.CharField(_("document number"), max_length=50, blank=True)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    issued_on = models.DateField(_("issued"), db_index=True)
    units = models.ManyToManyField("core.Organisation", verbose_name=_("units concerned"), blank=True,
                                   related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("content"))
    requirement = models.TextField(_("rectification required"), blank=True)
    follow_up_state = models.CharField(_("follow-up"), max_length=16, choices=FollowUp.choices(),
                                       default=FollowUp.PENDING)
    follow_up = models.TextField(_("follow-up record"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = pgettext_lazy("document", "notice")
        verbose_name_plural = pgettext_lazy("document", "notices")

    def __str__(self) -> str:
        return self.title


class Talk(Scoped):
    """约谈: a talk with the leaders of a unit or an enterprise after an accident or a failure, and its follow-up."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    held_on = models.DateField(_("date"), db_index=True)
    reason = models.CharField(_("reason"), max_length=16, choices=TalkReason.choices())
    unit = models.ForeignKey("core.Organisation", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    interviewees = models.CharField(_("leaders talked to"), max_length=200)
    interviewers = models.CharField(_("talked to by"), max_length=200)
    cause = models.TextField(_("cause"))
    requirements = models.TextField(_("requirements"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_state = models.CharField(_("follow-up"), max_length=16, choices=FollowUp.choices(),
                                       default=FollowUp.PENDING)
    follow_up = models.TextField(_("follow-up record"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)

    GRANTS = GRANTS

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("talk with leaders")
        verbose_name_plural = _("talks with leaders")

    def __str__(self) -> str:
        return f"{self.held_on} {self.enterprise or self.unit}"
