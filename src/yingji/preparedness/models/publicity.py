"""Publicity and education (宣传教育): campaign activities (安全生产月, 5·12 防灾减灾日, 11·9 消防日, 宣传"五进") with
their date, place, organiser, audience, participants, materials handed out, media reports and photos (core
attachments of the activity).

An activity belongs to the place it was held for (``region_code``: the county for the bureau's own activities, a
township or one of its villages), so a township's staff record and see their own. The choices of this area live
here, beside its models, so the areas of the app stay in files of their own. Services are the only writers
(``services.publicity``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet, Role
from yingji.core.models import STAFF_ROLES, Scoped, region_code_validator


class PublicityKind(ChoiceSet):
    """What an activity was part of: the three national days and months, and the five "五进" settings."""

    NAME = "publicity_kind"
    FIELDS = (("preparedness.publicityactivity", "kind"),)
    SAFETY_MONTH = "safety_month"
    DISASTER_DAY = "disaster_day"
    FIRE_DAY = "fire_day"
    INTO_ENTERPRISES = "into_enterprises"
    INTO_VILLAGES = "into_villages"
    INTO_COMMUNITIES = "into_communities"
    INTO_SCHOOLS = "into_schools"
    INTO_FAMILIES = "into_families"
    OTHER = "other"
    CHOICES = (
        (SAFETY_MONTH, _("Safety production month"), "danger"),
        (DISASTER_DAY, _("Disaster prevention and reduction day (12 May)"), "warning"),
        (FIRE_DAY, _("Fire safety day (9 November)"), "danger"),
        (INTO_ENTERPRISES, _("Five-into: enterprises"), "primary"),
        (INTO_VILLAGES, _("Five-into: villages"), "success"),
        (INTO_COMMUNITIES, _("Five-into: communities"), "info"),
        (INTO_SCHOOLS, _("Five-into: schools"), "primary"),
        (INTO_FAMILIES, _("Five-into: families"), "info"),
        (OTHER, pgettext_lazy("publicity kind", "Other"), "secondary"),
    )
    #: The "五进" kinds (宣传进企业、进农村、进社区、进学校、进家庭).
    FIVE_INTO = (INTO_ENTERPRISES, INTO_VILLAGES, INTO_COMMUNITIES, INTO_SCHOOLS, INTO_FAMILIES)


#: Who records activities: the bureau's sections and the townships' staff (within their own township).
RECORDERS = {Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF}


class PublicityActivity(Scoped):
    """One publicity activity: what, when, where, who organised it for whom, how many took part, what was handed
    out, the media reports about it (``media``: ``[{"outlet", "title", "link", "date"}]``) and its photos."""

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=PublicityKind.choices(), db_index=True)
    held_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    organiser = models.ForeignKey("core.Organisation", verbose_name=_("organiser"), on_delete=models.PROTECT,
                                  related_name="+")
    co_organisers = models.CharField(_("co-organisers"), max_length=300, blank=True)
    audience = models.CharField(_("audience"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"))
    materials_count = models.PositiveIntegerField(_("materials handed out"), default=0)
    materials_kinds = models.CharField(_("kinds of materials"), max_length=300, blank=True)
    #: GB/T 4754 division of the enterprises an activity addressed (进企业 by sector); empty: not one industry.
    industry_division = models.CharField(_("industry"), max_length=2, blank=True, db_index=True)
    description = models.TextField(_("content"), blank=True)
    media = models.JSONField(_("media reports"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {role: {"view", "add", "change", "attach"}
                                                         for role in RECORDERS}

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("publicity activity")
        verbose_name_plural = _("publicity activities")

    def __str__(self) -> str:
        return self.title
