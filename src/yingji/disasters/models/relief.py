"""Disaster relief (灾害救助, 《自然灾害救助条例》): the county's relief standards per year and kind, households'
applications for a disaster event (from the affected lists), the objections raised during the public notice, and
the disbursements (funds and goods). A household is paid at most once per kind and event: the disbursement table
holds a unique constraint on (event, kind, identity number) besides the service's check and the workflow's
compare-and-swap."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import PII_ROLES, STAFF_ROLES, Scoped, phone_validator, region_code_validator
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from ..choices_relief import ApplicationState, HouseDamage, ObjectionState, ReliefKind

#: Every staff role reads relief; townships and the bureau's sections keep it. Full identity numbers and phones
#: need "view_pii" (the personal-data roles); grid members (village information officers) read masked data only.
RELIEF_GRANTS = ({role: {"view"} | ({"view_pii"} if role in PII_ROLES - {Role.GRID_MEMBER} else set())
                  for role in STAFF_ROLES}
                 | {Role.ADMIN: {"view", "add", "change", "view_pii"},
                    Role.SECTION_STAFF: {"view", "add", "change", "view_pii"},
                    Role.TOWNSHIP_STAFF: {"view", "add", "change", "view_pii"}})
#: The county's standards are kept by the bureau's sections; everyone reads them.
STANDARD_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                   | {Role.ADMIN: {"view", "add", "change"}, Role.SECTION_STAFF: {"view", "add", "change"}})


class ReliefStandard(Scoped):
    """One year's amount for one relief kind in a county (or a township that sets its own): editable data."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    kind = models.CharField(_("relief kind"), max_length=16, choices=ReliefKind.choices())
    per_person = models.DecimalField(_("amount per person (yuan)"), max_digits=10, decimal_places=2, default=0,
                                     validators=[MinValueValidator(0)])
    per_household = models.DecimalField(_("amount per household (yuan)"), max_digits=10, decimal_places=2,
                                        default=0, validators=[MinValueValidator(0)])
    unit = models.CharField(_("how the amount applies"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300)
    verified = models.BooleanField(_("verified"), default=False)

    GRANTS = STANDARD_GRANTS

    class Meta:
        ordering = ["-year", "region_code", "kind"]
        verbose_name = _("relief standard")
        verbose_name_plural = _("relief standards")
        constraints = [models.UniqueConstraint(fields=["region_code", "year", "kind"], name="relief_standard_once")]

    def __str__(self) -> str:
        return f"{self.year} {ReliefKind.label(self.kind)}"


class ReliefApplication(Scoped, Versioned):
    """A household's application for one relief kind after one disaster event."""

    event = models.ForeignKey("disasters.DisasterEvent", verbose_name=_("disaster event"), on_delete=models.PROTECT,
                              related_name="relief_applications")
    household = models.ForeignKey("disasters.Household", verbose_name=_("household in a danger zone"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="relief_applications")
    kind = models.CharField(_("relief kind"), max_length=16, choices=ReliefKind.choices(), db_index=True)
    region_code = models.CharField(_("village (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    head_name = models.CharField(_("head of household"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    members = models.PositiveSmallIntegerField(_("household members"),
                                               validators=[MinValueValidator(1), MaxValueValidator(50)])
    damage = models.CharField(_("house damage"), max_length=16, choices=HouseDamage.choices(),
                              default=HouseDamage.NONE)
    need = models.TextField(_("need"), blank=True)
    units = models.PositiveSmallIntegerField(_("days or months of living relief"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(366)])
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=0)
    state = models.CharField(_("state"), max_length=16, choices=ApplicationState.choices(),
                             default=ApplicationState.APPLIED, db_index=True)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True, editable=False)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    GRANTS = RELIEF_GRANTS

    class Meta:
        ordering = ["-created_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-created_at", "-id"], name="dis_reliefapp_created_idx")]
        verbose_name = _("relief application")
        verbose_name_plural = _("relief applications")
        constraints = [
            # One live application per household, kind and event (a rejected one may be filed again).
            models.UniqueConstraint(fields=["event", "kind", "id_number"], condition=~Q(state="rejected"),
                                    name="relief_application_once"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name} · {ReliefKind.label(self.kind)}"


class ReliefObjection(Scoped):
    """An objection raised against an application during its public notice (异议), and how it was handled."""

    application = models.ForeignKey(ReliefApplication, verbose_name=_("relief application"),
                                    on_delete=models.CASCADE, related_name="objections")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    raised_by = models.CharField(_("raised by"), max_length=50)
    content = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    state = models.CharField(_("state"), max_length=16, choices=ObjectionState.choices(), default=ObjectionState.OPEN)
    resolution = models.TextField(_("how it was handled"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    GRANTS = RELIEF_GRANTS

    class Meta:
        ordering = ["application", "raised_at", "id"]
        verbose_name = _("relief objection")
        verbose_name_plural = _("relief objections")

    def __str__(self) -> str:
        return f"{self.raised_by}: {self.content[:30]}"


class ReliefDisbursement(Scoped):
    """What was handed to a household for one approved application: funds and/or goods from a warehouse."""

    application = models.OneToOneField(ReliefApplication, verbose_name=_("relief application"),
                                       on_delete=models.PROTECT, related_name="disbursement")
    # Copies of the application's keys, so the database itself refuses a second payment.
    event = models.ForeignKey("disasters.DisasterEvent", verbose_name=_("disaster event"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("relief kind"), max_length=16, choices=ReliefKind.choices())
    id_number = models.CharField(_("identity number"), max_length=18)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    batch = models.ForeignKey("resources.StockBatch", verbose_name=_("goods batch"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("goods quantity"), default=0)
    movement = models.ForeignKey("resources.StockMovement", verbose_name=_("stock movement"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    paid_at = models.DateTimeField(pgettext_lazy("relief", "disbursed"), default=timezone.now)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    GRANTS = {role: grants - {"add", "change"} for role, grants in RELIEF_GRANTS.items()}

    class Meta:
        ordering = ["-paid_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-paid_at", "-id"], name="dis_disburse_paid_idx")]
        verbose_name = _("relief disbursement")
        verbose_name_plural = _("relief disbursements")
        constraints = [models.UniqueConstraint(fields=["event", "kind", "id_number"], name="relief_paid_once")]

    def __str__(self) -> str:
        return f"{self.application} · {self.funds}"


class ReliefApplicationEvent(TimelineEvent):
    """The application's timeline: each workflow step, objection and disbursement."""

    application = models.ForeignKey(ReliefApplication, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from state"), max_length=16, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("relief application event")
        verbose_name_plural = _("relief application events")
