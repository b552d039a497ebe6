"""Danger zones of the flood season (山洪灾害危险区, 地质灾害隐患点, 低洼易涝区, 病险水库/塘坝下游, 尾矿库下游), the
households and people living in them, each zone's transfer plan (route, destination shelter, village responsible
person, the ordered 叫应 contact chain), and the transfers a warning starts: one per warning × zone with one row
per household that village staff confirm (待转移/已转移/拒绝)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import CRUD, PII_ROLES, STAFF_ROLES, Scoped, phone_validator, region_code_validator
from yingji.core.policy import mask_phone
from yingji.core.workflow import Versioned

from ..zone_choices import HouseholdState, TransferState, ZoneKind

#: Every staff role sees zones; the bureau's sections and townships keep them; village grid members keep their
#: own village's households. Roles whose work needs full phone numbers hold "view_pii".
ZONE_GRANTS = ({role: {"view"} | ({"view_pii"} if role in PII_ROLES else set()) for role in STAFF_ROLES}
               | {Role.ADMIN: CRUD | {"view_pii", "operate"},
                  Role.SECTION_STAFF: {"view", "add", "change", "view_pii", "operate"},
                  Role.TOWNSHIP_STAFF: {"view", "add", "change", "view_pii", "operate"},
                  Role.DUTY_OFFICER: {"view", "view_pii", "operate"}})
#: Village staff confirm households of a transfer ("operate") and need the numbers to call them.
TRANSFER_GRANTS = ZONE_GRANTS | {Role.GRID_MEMBER: {"view", "operate", "view_pii"}}


def _village_code():
    return models.CharField(_("village (region code)"), max_length=12, db_index=True,
                            validators=[region_code_validator])


class DangerZone(Scoped):
    """A danger zone inside one village, with its transfer plan."""

    name = models.CharField(pgettext_lazy("zone", "name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ZoneKind.choices(), db_index=True)
    region_code = _village_code()
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    #: GeoJSON geometry of the zone (a Polygon), optional: the centre is what the map and the warnings use.
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    route = models.TextField(_("transfer route"), blank=True)
    shelter = models.ForeignKey("resources.Shelter", verbose_name=_("destination shelter"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="danger_zones")
    responsible_name = models.CharField(_("village responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True,
                                         validators=[phone_validator])
    #: The 叫应 chain in calling order: [{"name", "role", "phone"}, ...].
    contact_chain = models.JSONField(_("call-and-answer chain"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    GRANTS = ZONE_GRANTS

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("danger zone")
        verbose_name_plural = _("danger zones")

    def __str__(self) -> str:
        return self.name

    @property
    def responsible_phone_masked(self) -> str:
        return mask_phone(self.responsible_phone)

    def clean(self) -> None:
        errors = {}
        if self.region_code and len(self.region_code) != 12:
            errors["region_code"] = _("A danger zone lies in one village: give its 12-digit code.")
        if (self.lat is None) != (self.lon is None):
            errors["lat"] = _("Give both latitude and longitude, or neither.")
        if not isinstance(self.contact_chain, list):
            errors["contact_chain"] = _("The chain is a list of contacts in calling order.")
        else:
            for i, link in enumerate(self.contact_chain, 1):
                if not isinstance(link, dict) or not str(link.get("name") or "").strip():
                    errors["contact_chain"] = _("Contact %(n)s has no name.") % {"n": i}
                    break
                phone = str(link.get("phone") or "")
                try:
                    phone_validator(phone)
                except ValidationError:
                    errors["contact_chain"] = _("Contact %(n)s has no valid phone number.") % {"n": i}
                    break
        if errors:
            raise ValidationError(errors)


class Household(Scoped):
    """A household living in a danger zone; people counts and the vulnerable people among them."""

    zone = models.ForeignKey(DangerZone, verbose_name=_("danger zone"), on_delete=models.CASCADE,
                             related_name="households")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False,
                                   validators=[region_code_validator])
    head_name = models.CharField(_("head of household"), max_length=50)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    people = models.PositiveSmallIntegerField(_("people"), validators=[MinValueValidator(1), MaxValueValidator(50)])
    elderly_alone = models.PositiveSmallIntegerField(_("elderly living alone"), default=0)
    disabled = models.PositiveSmallIntegerField(_("disabled"), default=0)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    GRANTS = TRANSFER_GRANTS | {Role.GRID_MEMBER: {"view", "add", "change", "view_pii"}}

    class Meta:
        ordering = ["zone", "head_name", "id"]
        verbose_name = _("household in a danger zone")
        verbose_name_plural = _("households in danger zones")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "head_name"

    def __str__(self) -> str:
        return self.head_name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def vulnerable(self) -> int:
        return self.elderly_alone + self.disabled + self.children

    def clean(self) -> None:
        if self.people and self.vulnerable > self.people:
            raise ValidationError({"people": _("The vulnerable people cannot outnumber the household.")})


class Transfer(Scoped):
    """The transfer of one zone's households in one warning (紧急转移)."""

    warning = models.ForeignKey("warnings.Warning", verbose_name=_("warning"), on_delete=models.PROTECT,
                                related_name="+")
    zone = models.ForeignKey(DangerZone, verbose_name=_("danger zone"), on_delete=models.PROTECT,
                             related_name="transfers")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    shelter = models.ForeignKey("resources.Shelter", verbose_name=_("destination shelter"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=TransferState.choices(), default=TransferState.OPEN)
    households_total = models.PositiveIntegerField(_("households"), default=0)
    people_total = models.PositiveIntegerField(_("people in the zone"), default=0)
    #: Kept by compare-and-swap with the household rows (F() updates), so two confirmers never lose a count.
    people_moved = models.PositiveIntegerField(_("people moved"), default=0)
    households_moved = models.PositiveIntegerField(_("households moved"), default=0)
    households_refused = models.PositiveIntegerField(_("households refused"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    # Village staff see the transfer and confirm its lines; ending it is the township's or county's decision.
    GRANTS = ZONE_GRANTS | {Role.GRID_MEMBER: {"view", "view_pii"}}

    class Meta:
        ordering = ["-created_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-created_at", "-id"], name="dis_transfer_created_idx")]
        verbose_name = pgettext_lazy("people", "transfer")
        verbose_name_plural = pgettext_lazy("people", "transfers")
        constraints = [models.UniqueConstraint(fields=["warning", "zone"], name="transfer_one_per_warning_zone")]

    def __str__(self) -> str:
        return f"{self.zone} · {self.warning.headline if self.warning_id else ''}"


class TransferHousehold(Scoped, Versioned):
    """One household's line of a transfer list, confirmed by village staff."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="transfer_lines")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    people = models.PositiveSmallIntegerField(_("people"))
    state = models.CharField(_("state"), max_length=16, choices=HouseholdState.choices(),
                             default=HouseholdState.PENDING, db_index=True)
    people_moved = models.PositiveSmallIntegerField(_("people moved"), default=0)
    reason = models.CharField(_("reason for refusing"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)

    GRANTS = TRANSFER_GRANTS

    class Meta:
        ordering = ["transfer", "household__head_name", "id"]
        verbose_name = _("transfer household")
        verbose_name_plural = _("transfer households")
        constraints = [models.UniqueConstraint(fields=["transfer", "household"], name="transfer_household_once"),
                       models.CheckConstraint(condition=models.Q(people_moved__lte=models.F("people")),
                                              name="transfer_moved_within_household")]

    def __str__(self) -> str:
        return str(self.household)
