"""Supervision and enforcement (安全生产监管执法): the bureau's powers list, its certified officers and their
training, declared conflicts of interest, and the published 双随机 draws.

Rules of law (two officers, certificate validity, the draw algorithm, time limits) live in ``yingji.standards``;
services are the only writers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import CRUD, STAFF_ROLES, Scoped, region_code_validator
from yingji.standards import officers as officer_rules

from ..choices import CertificateStatus, PowerKind

#: The sections that run supervision: they keep the lists and make the draws.
SUPERVISORS = {Role.ADMIN, Role.SECTION_STAFF}


class EnforcementItem(models.Model):
    """One item of the bureau's powers list (权责清单): a penalty, coercive measure or inspection power with its
    legal basis, the acts it covers and its fine ranges and discretion tiers. Versioned: an adjustment adds a new
    version and retires the old one, and a case keeps the version it was decided under. County-wide, not scoped."""

    code = models.CharField(_("code"), max_length=32)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=16, choices=PowerKind.choices(), db_index=True)
    name = models.CharField(_("name"), max_length=300)
    basis = models.TextField(_("legal basis"))
    #: The illegal acts (or the object of the power) the item covers, one sentence each.
    acts = models.JSONField(_("acts covered"), default=list, blank=True)
    #: The article's liability as it states it: [{"stage", "label", "measures": [keys], "fines": [{"party",
    #: "basis", "min", "max"}]}, ...] (see ``standards.enforcement_powers``).
    tiers = models.JSONField(_("liability tiers"), default=list, blank=True)
    #: Discretion benchmark bands: [{"circumstance", "facts", "band": [from, to]}, ...] (shares of the range).
    discretion = models.JSONField(_("discretion benchmark"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified against the legal text"), default=False)
    #: What was not verified, and why (kept with the item, shown on its page).
    note = models.TextField(_("note"), blank=True)
    in_force = models.BooleanField(_("in force"), default=True)
    #: When the cited law came into force (as its source states it); empty when the source does not say.
    effective_from = models.DateField(_("effective from"), null=True, blank=True)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {r: CRUD for r in SUPERVISORS}

    class Meta:
        ordering = ["kind", "code", "-version"]
        verbose_name = _("enforcement item")
        verbose_name_plural = _("powers list")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="enforcement_item_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Officer(Scoped):
    """A law-enforcement officer (执法人员): an account of the bureau or a township holding an enforcement
    certificate, acting within the account's jurisdiction."""

    #: Accounts are disabled, not deleted; removing one (a demo reset) takes its officer record with it.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="officer")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    region_code = models.CharField(_("jurisdiction (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("unit"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    certificate_no = models.CharField(_("certificate number"), max_length=32, unique=True)
    certificate_expires = models.DateField(_("certificate expires"))
    is_active = models.BooleanField(_("active"), default=True)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {r: CRUD for r in SUPERVISORS}

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enforcement officer")
        verbose_name_plural = _("enforcement officers")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    def certificate_status(self, on: datetime.date | None = None) -> str:
        return officer_rules.certificate_status(self.certificate_expires, on or timezone.localdate())

    @property
    def certificate_badge(self) -> str:
        return self.certificate_status()

    @property
    def certificate_label(self) -> str:
        return str(CertificateStatus.label(self.certificate_status()))

    def training_days(self, year: int | None = None) -> Decimal:
        year = year or timezone.localdate().year
        if hasattr(self, "days_this_year") and year == timezone.localdate().year:
            return self.days_this_year or Decimal(0)
        return self.training.filter(date__year=year).aggregate(d=Sum("days"))["d"] or Decimal(0)

    @property
    def training_shortfall(self) -> Decimal:
        return officer_rules.training_shortfall(self.training_days())


class TrainingRecord(models.Model):
    """A training an officer attended (days count towards the ten a year the bureau requires). Read through the
    officer."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="training")
    date = models.DateField(_("date"))
    days = models.DecimalField(_("days"), max_digits=4, decimal_places=1,
                               validators=[MinValueValidator(Decimal("0.5"))])
    topic = models.CharField(_("topic"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {r: CRUD for r in SUPERVISORS}

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"


class Recusal(Scoped):
    """A declared conflict of interest (回避): the officer is never drawn for, nor sent to, this enterprise."""

    SCOPE_REGION_FIELD = "enterprise__region_code"
    SCOPE_ENTERPRISE_FIELD = None

    officer = models.ForeignKey(Officer, verbose_name=_("officer"), on_delete=models.CASCADE,
                                related_name="recusals")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {r: CRUD for r in SUPERVISORS}

    class Meta:
        ordering = ["officer", "enterprise"]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["officer", "enterprise"], name="recusal_unique")]

    def __str__(self) -> str:
        return f"{self.officer} / {self.enterprise}"


class RandomDraw(Scoped):
    """A 双随机 draw: the pools, the seed and the pairs drawn, stored as the algorithm's canonical inputs so anyone
    can re-run it (``standards.draw``). Immutable once made; published on the public page."""

    region_code = models.CharField(_("drawn for (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    seed = models.CharField(_("seed"), max_length=200)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    input_digest = models.CharField(_("input digest"), max_length=64)
    count = models.PositiveIntegerField(_("enterprises drawn"))
    per_enterprise = models.PositiveSmallIntegerField(_("officers per enterprise"))
    cap = models.PositiveIntegerField(_("enterprises per officer at most"))
    enterprise_pool = models.JSONField(_("enterprise pool"), default=list)
    officer_pool = models.JSONField(_("officer pool"), default=list)
    #: [[officer user id, enterprise id], ...]: the request's and the standing declarations, as drawn.
    recusals = models.JSONField(_("recusals"), default=list, blank=True)
    #: [{"enterprise": id, "officers": [user ids]}, ...] in the order drawn.
    pairs = models.JSONField(_("pairs"), default=list)
    skipped = models.JSONField(_("passed over"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("drawn at"), default=timezone.now, db_index=True)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES}
              | {r: {"view", "add"} for r in SUPERVISORS})

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")

    def __str__(self) -> str:
        return self.title
