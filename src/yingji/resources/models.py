"""Emergency resources: rescue teams and their members, experts, equipment, warehouses, the supply catalogue,
stock by batch with every movement recorded, transfers between warehouses, reserve standards, shelters.

Every located object carries ``lat``/``lon`` (WGS-84/CGCS2000 decimal degrees) with a composite index, which the
nearby search (``services.nearby``) uses as its bounding-box prefilter.
"""

from __future__ import annotations

import math
from decimal import Decimal

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
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from .choices import (
    ActivityKind,
    EquipmentItem,
    EquipmentStatus,
    HolderKind,
    MovementKind,
    Readiness,
    ShelterEventKind,
    ShelterKind,
    ShelterLevel,
    ShelterSpace,
    ShelterStatus,
    SupplyCategory,
    TeamKind,
    TransferState,
    WarehouseLevel,
)

#: Who may see and keep the resource registries: every staff role views; the bureau's sections and the
#: townships (inside their own jurisdiction) keep them; administrators may also delete.
RESOURCE_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                   | {Role.ADMIN: CRUD, Role.SECTION_STAFF: {"view", "add", "change"},
                      Role.TOWNSHIP_STAFF: {"view", "add", "change"}})
#: Registries whose records carry personal phone numbers (leaders, experts, managers): roles whose work needs the
#: full numbers also hold "view_pii"; the others see them masked (``policy.mask_phone``).
PII_GRANTS = {role: RESOURCE_GRANTS[role] | ({"view_pii"} if role in PII_ROLES else set()) for role in RESOURCE_GRANTS}

#: Effective area per person (m²) assumed when a shelter gives none: GB 21734-2008's minimum (1.5 m²).
DEFAULT_AREA_PER_PERSON = Decimal("1.5")


def _region_code_field():
    return models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])


class MaskedPhone:
    """``phone_masked``: the ``phone`` as roles without the personal-data grant see it (exports)."""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Located(models.Model):
    """An address and a point; the (lat, lon) index serves the nearby search's bounding box."""

    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["lat", "lon"], name="%(app_label)s_%(class)s_latlon")]

    def located_errors(self) -> dict:
        errors = {}
        if (self.lat is None) != (self.lon is None):
            errors["lat" if self.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
        from yingji.core.models import Region

        code = getattr(self, "region_code", "")
        if code and not Region.objects.filter(code=code).exists():
            errors["region_code"] = _("No region has code %(code)s.") % {"code": code}
        return errors


def _check_keys(values, allowed, field: str, errors: dict) -> None:
    if not isinstance(values, list) or any(v not in allowed for v in values):
        errors[field] = _("Use a list of: %(keys)s.") % {"keys": ", ".join(allowed)}
    elif len(set(values)) != len(values):
        errors[field] = _("A value is repeated.")


def _check_texts(values, field: str, errors: dict) -> None:
    if not isinstance(values, list) or any(not isinstance(v, str) or not v.strip() or len(v) > 100
                                           for v in values):
        errors[field] = _("Use a list of short texts.")


class Team(Located, Scoped):
    """A rescue team (应急救援队伍)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=32, choices=TeamKind.choices(), db_index=True)
    region_code = _region_code_field()
    capabilities = models.JSONField(_("capabilities (incident types)"), default=list, blank=True)
    leader = models.CharField(_("leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=32, blank=True, validators=[phone_validator])
    duty_phone = models.CharField(_("24-hour duty phone"), max_length=32, blank=True, validators=[phone_validator])
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    readiness = models.CharField(_("readiness"), max_length=16, choices=Readiness.choices(),
                                 default=Readiness.STANDBY, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    GRANTS = PII_GRANTS

    class Meta(Located.Meta):
        ordering = ["region_code", "name"]
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    @property
    def leader_phone_masked(self) -> str:
        return mask_phone(self.leader_phone)

    def clean(self) -> None:
        errors = self.located_errors()
        from .choices import Capability

        _check_keys(self.capabilities, Capability.values(), "capabilities", errors)
        if errors:
            raise ValidationError(errors)


class TeamMember(models.Model):
    """A member of a team, with skills and certificates (read and written through the team)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    skills = models.JSONField(_("skills"), default=list, blank=True)
    certificates = models.JSONField(_("certificates"), default=list, blank=True)

    class Meta:
        ordering = ["team_id", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        _check_texts(self.skills, "skills", errors)
        _check_texts(self.certificates, "certificates", errors)
        if errors:
            raise ValidationError(errors)


class TeamActivity(Scoped):
    """A drill (演练) or deployment (出动) a team took part in, optionally for an incident."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices(), db_index=True)
    date = models.DateField(_("date"), db_index=True)
    incident = models.ForeignKey("incidents.Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)

    GRANTS = RESOURCE_GRANTS

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("drill or deployment")
        verbose_name_plural = _("drills and deployments")

    def __str__(self) -> str:
        return f"{self.date} {ActivityKind.label(self.kind)} · {self.team}"

    def save(self, *args, **kwargs):
        self.region_code = self.team.region_code
        super().save(*args, **kwargs)


class Expert(MaskedPhone, Located, Scoped):
    """A member of the expert pool (专家库)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    field = models.CharField(_("field"), max_length=32, db_index=True)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    available = models.BooleanField(_("available"), default=True, db_index=True)
    region_code = _region_code_field()

    GRANTS = PII_GRANTS

    class Meta(Located.Meta):
        ordering = ["field", "name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.located_errors()
        from .choices import Capability

        if self.field and self.field not in Capability.values():
            errors["field"] = _("Use one of: %(keys)s.") % {"keys": ", ".join(Capability.values())}
        if errors:
            raise ValidationError(errors)


class Warehouse(MaskedPhone, Located, Scoped):
    """A reserve warehouse (物资储备库)."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=WarehouseLevel.choices(), db_index=True)
    region_code = _region_code_field()
    manager = models.CharField(_("manager"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True,
                                  validators=[MinValueValidator(0)])

    GRANTS = PII_GRANTS

    class Meta(Located.Meta):
        ordering = ["region_code", "name"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.located_errors()
        if errors:
            raise ValidationError(errors)


class Equipment(Located, Scoped):
    """A line of equipment (装备): ``count`` pieces of one item and model, held by a team, a unit or a
    warehouse."""

    item = models.CharField(_("item"), max_length=32, choices=EquipmentItem.choices(), db_index=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    holder_kind = models.CharField(_("holder type"), max_length=16, choices=HolderKind.choices())
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="equipment")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="equipment")
    holder_name = models.CharField(_("holder"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EquipmentStatus.choices(),
                              default=EquipmentStatus.IN_USE, db_index=True)
    last_checked = models.DateField(_("last check"), null=True, blank=True)
    region_code = _region_code_field()

    GRANTS = RESOURCE_GRANTS

    class Meta(Located.Meta):
        ordering = ["item", "id"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return f"{EquipmentItem.label(self.item)} {self.model_name} ×{self.count}"

    def clean(self) -> None:
        errors = self.located_errors()
        if self.holder_kind == HolderKind.TEAM and not self.team_id:
            errors["team"] = _("Equipment held by a team names the team.")
        if self.holder_kind == HolderKind.WAREHOUSE and not self.warehouse_id:
            errors["warehouse"] = _("Equipment held by a warehouse names the warehouse.")
        if self.holder_kind == HolderKind.UNIT and not self.holder_name:
            errors["holder_name"] = _("Name the unit holding the equipment.")
        if self.holder_kind != HolderKind.TEAM and self.team_id:
            errors["team"] = _("Only equipment held by a team names a team.")
        if self.holder_kind != HolderKind.WAREHOUSE and self.warehouse_id:
            errors["warehouse"] = _("Only equipment held by a warehouse names a warehouse.")
        if errors:
            raise ValidationError(errors)


class SupplyItem(models.Model):
    """An entry of the supply catalogue, classified by the common national classification of emergency
    supplies (生活类、防汛类、森林防火类、救援工具类、医疗类…). The catalogue is county-wide, not scoped."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    category = models.CharField(_("category"), max_length=32, choices=SupplyCategory.choices(), db_index=True)
    name = models.CharField(_("name"), max_length=100)
    spec = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=16)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: {"view", "add", "change"}})

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")

    def __str__(self) -> str:
        return f"{self.name} {self.spec}".strip()


class StockBatch(Scoped):
    """Stock of one item in one warehouse, by batch, with its expiry and inspection dates.

    ``quantity`` only changes through ``services`` by a conditional UPDATE, and a check constraint keeps it
    at zero or above whatever code runs.
    """

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="batches")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="batches")
    batch_no = models.CharField(_("batch"), max_length=50)
    quantity = models.IntegerField(_("quantity"), default=0)
    received_on = models.DateField(_("received"), default=timezone.localdate)
    expires_on = models.DateField(_("expires"), null=True, blank=True, db_index=True)
    inspect_on = models.DateField(_("next inspection"), null=True, blank=True, db_index=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)

    GRANTS = RESOURCE_GRANTS | {Role.SECTION_STAFF: {"view", "add", "change", "move"},
                                Role.TOWNSHIP_STAFF: {"view", "add", "change", "move"},
                                Role.ADMIN: CRUD | {"move"}}

    class Meta:
        ordering = ["warehouse_id", "item_id", "expires_on", "id"]
        verbose_name = _("stock batch")
        verbose_name_plural = _("stock batches")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_quantity_not_negative"),
            models.UniqueConstraint(fields=["warehouse", "item", "batch_no"], name="stock_batch_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.batch_no} @ {self.warehouse}"

    def save(self, *args, **kwargs):
        self.region_code = self.warehouse.region_code
        super().save(*args, **kwargs)


class Transfer(Versioned, Scoped):
    """A transfer (调拨) of an item between warehouses: requested → approved → dispatched → received."""

    source = models.ForeignKey(Warehouse, verbose_name=_("from warehouse"), on_delete=models.PROTECT,
                               related_name="transfers_out")
    target = models.ForeignKey(Warehouse, verbose_name=_("to warehouse"), on_delete=models.PROTECT,
                               related_name="transfers_in")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    state = models.CharField(_("state"), max_length=16, choices=TransferState.choices(),
                             default=TransferState.REQUESTED, db_index=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # People come and go; who did what stays in the audit trail.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    target_region_code = models.CharField(max_length=12, db_index=True, editable=False)

    # A village grid member keeps no warehouse: transfers are not its work.
    GRANTS = {role: actions for role, actions in RESOURCE_GRANTS.items() if role != Role.GRID_MEMBER}

    class Meta:
        ordering = ["-requested_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-requested_at", "-id"], name="res_transfer_requested_idx")]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity}: {self.source} → {self.target}"

    @classmethod
    def scope_q_for(cls, user) -> models.Q:
        """Both ends see a transfer: the sending and the receiving warehouse's jurisdictions."""
        if user.enterprise_id or not user.scope_region_code:
            return models.Q(pk__in=[])
        code = user.scope_prefix
        return models.Q(region_code__startswith=code) | models.Q(target_region_code__startswith=code)

    def save(self, *args, **kwargs):
        self.region_code = self.source.region_code
        self.target_region_code = self.target.region_code
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("A transfer goes to another warehouse.")})


class StockMovement(Scoped):
    """One movement of stock (入库、出库、调拨、报损、盘点): the signed change and the balance it left."""

    batch = models.ForeignKey(StockBatch, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices(), db_index=True)
    change = models.IntegerField(_("change"))
    balance_after = models.IntegerField(_("balance after"))
    transfer = models.ForeignKey(Transfer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="movements")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)

    GRANTS = {role: {"view"} for role in STAFF_ROLES}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.kind} {self.change:+d} ({self.batch})"


class ReserveStandard(Scoped):
    """A reserve standard (储备标准): the quantity of an item a warehouse, or a township's warehouses together,
    must hold."""

    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="standards")
    region_code = _region_code_field()
    required_quantity = models.PositiveIntegerField(_("required quantity"))

    GRANTS = RESOURCE_GRANTS

    class Meta:
        ordering = ["region_code", "item_id"]
        verbose_name = _("reserve standard")
        verbose_name_plural = _("reserve standards")
        # One standard per item and warehouse, and one per item for a region's warehouses together.
        constraints = [
            models.UniqueConstraint(
                fields=["item", "warehouse"], condition=models.Q(warehouse__isnull=False),
                name="reserve_standard_item_warehouse_unique", violation_error_code="unique",
                violation_error_message=_("This warehouse already has a reserve standard for this item.")),
            models.UniqueConstraint(
                fields=["item", "region_code"], condition=models.Q(warehouse__isnull=True),
                name="reserve_standard_item_region_unique", violation_error_code="unique",
                violation_error_message=_("This region already has a reserve standard for this item.")),
        ]

    def __str__(self) -> str:
        return f"{self.item} ≥ {self.required_quantity} ({self.warehouse or self.region_code})"

    def clean(self) -> None:
        if self.warehouse_id and self.region_code != self.warehouse.region_code:
            raise ValidationError({"region_code": _("A warehouse's standard lies in the warehouse's region.")})


class Shelter(MaskedPhone, Located, Scoped):
    """An emergency shelter (避灾安置场所). ``capacity`` may not exceed the usable area divided by the
    per-person area (GB 21734-2008: at least 1.5 m² a person; GB 51143-2015 by shelter period)."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=ShelterLevel.choices(), db_index=True)
    kind = models.CharField(_("type"), max_length=32, choices=ShelterKind.choices())
    space = models.CharField(_("space"), max_length=16, choices=ShelterSpace.choices())
    region_code = _region_code_field()
    area_m2 = models.DecimalField(_("usable area (m²)"), max_digits=10, decimal_places=1,
                                  validators=[MinValueValidator(1)])
    area_per_person = models.DecimalField(_("area per person (m²)"), max_digits=4, decimal_places=1,
                                          default=DEFAULT_AREA_PER_PERSON,
                                          validators=[MinValueValidator(Decimal("0.5"))])
    capacity = models.PositiveIntegerField(_("capacity (persons)"))
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    manager = models.CharField(_("manager"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    status = models.CharField(_("status"), max_length=16, choices=ShelterStatus.choices(),
                              default=ShelterStatus.STANDBY, db_index=True)
    occupancy = models.PositiveIntegerField(_("current occupancy"), default=0)
    #: 规范化: the date the shelter was accepted as standardised (empty: not yet).
    standardised_on = models.DateField(_("standardisation accepted on"), null=True, blank=True)
    video_url = models.URLField(_("video link"), max_length=300, blank=True)

    GRANTS = PII_GRANTS | {Role.DUTY_OFFICER: {"view", "operate", "view_pii"},
                           Role.COMMANDER: {"view", "operate", "view_pii"},
                           Role.TOWNSHIP_STAFF: {"view", "add", "change", "operate", "view_pii"},
                           Role.SECTION_STAFF: {"view", "add", "change", "operate", "view_pii"},
                           Role.ADMIN: CRUD | {"operate", "view_pii"}}

    class Meta(Located.Meta):
        ordering = ["region_code", "name"]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        constraints = [models.CheckConstraint(condition=models.Q(occupancy__lte=models.F("capacity")),
                                              name="shelter_occupancy_within_capacity")]

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    @property
    def standard_capacity(self) -> int:
        if not self.area_m2 or not self.area_per_person:
            return 0
        return math.floor(Decimal(self.area_m2) / Decimal(self.area_per_person))

    @property
    def free_capacity(self) -> int:
        return max(0, (self.capacity or 0) - (self.occupancy or 0))

    def clean(self) -> None:
        from .choices import Facility

        errors = self.located_errors()
        _check_keys(self.facilities, Facility.values(), "facilities", errors)
        if self.capacity is not None and self.area_m2 and self.area_per_person \
                and self.capacity > self.standard_capacity:
            errors["capacity"] = _("At %(per)s m² a person, %(area)s m² holds at most %(max)s persons.") % {
                "per": self.area_per_person, "area": self.area_m2, "max": self.standard_capacity}
        if self.capacity is not None and self.occupancy is not None and self.occupancy > self.capacity:
            errors["occupancy"] = _("Occupancy cannot exceed the capacity.")
        if errors:
            raise ValidationError(errors)


class ShelterEvent(TimelineEvent):
    """Opening, closing and occupancy changes of a shelter (read through the shelter, newest first)."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=ShelterEventKind.choices())
    status_before = models.CharField(_("status before"), max_length=16, choices=ShelterStatus.choices())
    status_after = models.CharField(_("status after"), max_length=16, choices=ShelterStatus.choices())
    occupancy = models.PositiveIntegerField(_("occupancy"))

    class Meta(TimelineEvent.Meta):
        ordering = ["-time", "-id"]
        verbose_name = _("shelter event")
        verbose_name_plural = _("shelter events")

    def __str__(self) -> str:
        return f"{self.shelter}: {self.status_before} → {self.status_after}"
