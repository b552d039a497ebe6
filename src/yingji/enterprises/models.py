"""Enterprises under supervision (一企一码一档): the registry that scopes enterprise accounts, their licences and
certificates, and their production and storage units with the hazardous chemicals that make major hazard sources
(重大危险源, GB 18218-2018)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import OrganisationKind, Role
from yingji.core.models import (
    ALL_ROLES,
    CRUD,
    PII_ROLES,
    Organisation,
    Region,
    Scoped,
    mobile_validator,
    phone_validator,
    region_code_validator,
)
from yingji.standards import custodians, gb32100, tailings

from . import industries
from .choices import (
    AssessmentReason,
    CustodianRole,
    EnterpriseScale,
    EnterpriseStatus,
    LicenceKind,
    LicenceState,
    MajorHazardLevel,
    MineScale,
    MineStatus,
    MiningMethod,
    Sector,
    TailingsGrade,
    TailingsStatus,
    UnitKind,
)

#: Organisations that can supervise an enterprise's industry (管行业必须管安全): the bureau itself and the
#: safety-committee member units.
SUPERVISOR_KINDS = (OrganisationKind.MEMBER_UNIT, OrganisationKind.BUREAU)
#: A licence expiring within this many days is listed as expiring soon.
EXPIRY_WARNING_DAYS = 60


def validate_credit_code(value: str) -> None:
    try:
        gb32100.validate_credit_code(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class Enterprise(Scoped):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    industry = models.CharField(_("industry"), max_length=100, blank=True,
                                help_text=_("Main business in plain words, e.g. the products."))
    industry_section = models.CharField(_("industry section"), max_length=1, blank=True, db_index=True,
                                        choices=industries.section_choices())
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True, db_index=True,
                                         choices=industries.division_choices())
    sector = models.CharField(_("supervision sector"), max_length=32, blank=True, db_index=True,
                              choices=Sector.choices())
    supervising_unit = models.ForeignKey(Organisation, verbose_name=_("supervising department"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="supervised_enterprises")
    scale = models.CharField(_("scale"), max_length=8, blank=True, choices=EnterpriseScale.choices())
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    legal_representative_phone = models.CharField(_("legal representative phone"), max_length=32, blank=True,
                                                  validators=[phone_validator])
    principal = models.CharField(_("principal responsible person"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal responsible person phone"), max_length=32, blank=True,
                                       validators=[phone_validator])
    safety_manager = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager phone"), max_length=11, blank=True,
                                            validators=[mobile_validator])
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EnterpriseStatus.choices(),
                              default=EnterpriseStatus.OPERATING, db_index=True)
    hazchem_production = models.BooleanField(_("produces hazardous chemicals"), default=False)
    hazchem_business = models.BooleanField(_("trades in hazardous chemicals"), default=False)
    hazchem_use = models.BooleanField(_("uses hazardous chemicals"), default=False)
    fireworks = models.BooleanField(_("fireworks"), default=False)
    non_coal_mine = models.BooleanField(_("non-coal mine"), default=False)
    tailings_pond = models.BooleanField(_("tailings pond"), default=False)
    metallurgy = models.BooleanField(_("metallurgy"), default=False)
    ammonia_refrigeration = models.BooleanField(_("ammonia refrigeration"), default=False)
    combustible_dust = models.BooleanField(_("combustible dust"), default=False)
    confined_space = models.BooleanField(_("confined spaces"), default=False)
    major_hazard = models.BooleanField(_("major hazard source"), default=False, editable=False, db_index=True,
                                       help_text=_("Derived from the units' GB 18218 assessments."))
    major_hazard_level = models.PositiveSmallIntegerField(_("highest major hazard level"), null=True, blank=True,
                                                          editable=False, choices=MajorHazardLevel.choices())

    SCOPE_ENTERPRISE_FIELD = "id"
    #: The personal phone numbers of its responsible persons: in full for roles holding "view_pii" (the bureau's
    #: roles whose work needs them, and the enterprise's own accounts), masked for the others (the surface's Phone
    #: columns).
    PHONE_FIELDS = ("legal_representative_phone", "principal_phone", "safety_manager_phone")
    GRANTS = ({role: {"view"} | ({"view_pii"} if role in PII_ROLES else set()) for role in ALL_ROLES}
              | {Role.ADMIN: CRUD | {"manage", "view_pii"},
                 Role.SECTION_STAFF: {"view", "add", "change", "manage", "view_pii"},
                 Role.INSPECTOR: {"view", "change", "view_pii"}, Role.ENTERPRISE_USER: {"view", "change", "view_pii"}})

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    @property
    def industry_division_label(self) -> str:
        return industries.label(self.industry_division)

    @property
    def industry_section_label(self) -> str:
        return industries.label(self.industry_section)

    def check_values(self) -> dict:
        """Checks that need no database: field errors by name. Sets the industry section from the division."""
        errors = {}
        if (self.lat is None) != (self.lon is None):
            errors["lat" if self.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
        if self.industry_division in industries.SECTION_OF_DIVISION:
            self.industry_section = industries.SECTION_OF_DIVISION[self.industry_division]
        return errors

    def clean(self) -> None:
        errors = self.check_values()
        if self.region_code and not Region.objects.filter(code=self.region_code).exists():
            errors["region_code"] = _("No region has code %(code)s.") % {"code": self.region_code}
        if self.supervising_unit_id:
            cached = self._state.fields_cache.get("supervising_unit")
            kind = cached.kind if cached is not None and cached.pk == self.supervising_unit_id else (
                Organisation.objects.filter(pk=self.supervising_unit_id).values_list("kind", flat=True).first())
            if kind is None:
                errors["supervising_unit"] = _("No organisation has id %(id)s.") % {"id": self.supervising_unit_id}
            elif kind not in SUPERVISOR_KINDS:
                errors["supervising_unit"] = _("The supervising department must be the bureau or a member unit "
                                               "of the safety committee.")
        if errors:
            raise ValidationError(errors)


class EnterpriseChild(Scoped):
    """Base of records that belong to one enterprise: scoped through it (the enterprise's place and id)."""

    SCOPE_REGION_FIELD = "enterprise__region_code"
    SCOPE_ENTERPRISE_FIELD = "enterprise"

    class Meta:
        abstract = True

    @property
    def region_code(self) -> str:
        """Where the record belongs: its enterprise's region (for the audit trail and attachments)."""
        return self.enterprise.region_code if self.enterprise_id else ""


class Licence(EnterpriseChild):
    """A licence or certificate of an enterprise, with its validity."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="licences")
    kind = models.CharField(_("kind"), max_length=32, choices=LicenceKind.choices(), db_index=True)
    number = models.CharField(_("number"), max_length=64)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    holder = models.CharField(_("holder"), max_length=50, blank=True,
                              help_text=_("The person a personal certificate belongs to."))
    licensed_scope = models.CharField(_("licensed scope"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True,
                                  help_text=_("Leave empty for a licence without expiry."))

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: CRUD, Role.INSPECTOR: {"view", "add", "change"},
                 Role.ENTERPRISE_USER: CRUD})

    class Meta:
        ordering = ["enterprise_id", "expires_on", "id"]
        verbose_name = _("licence or certificate")
        verbose_name_plural = _("licences and certificates")
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind", "number"],
                                               name="licence_unique_number_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def state(self, today: datetime.date | None = None) -> str:
        if self.expires_on is None:
            return LicenceState.VALID
        today = today or timezone.localdate()
        if self.expires_on < today:
            return LicenceState.EXPIRED
        if self.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return LicenceState.EXPIRING
        return LicenceState.VALID

    @property
    def current_state(self) -> str:
        return self.state()

    @property
    def days_left(self) -> int | None:
        return None if self.expires_on is None else (self.expires_on - timezone.localdate()).days

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})


class Unit(EnterpriseChild):
    """A production unit (生产单元) or storage unit (储存单元) of an enterprise and the latest GB 18218
    identification and grading of the hazardous chemicals in it (history in ``MajorHazardAssessment``)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="units")
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices())
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    exposed_population = models.PositiveIntegerField(
        _("people exposed within 500 m"), default=0, validators=[MaxValueValidator(10**7)],
        help_text=_("People outside the plant within 500 m of the unit (sets α in GB 18218 Table 5)."))
    sum_ratio = models.FloatField(_("sum of q/Q"), default=0)
    is_major = models.BooleanField(_("major hazard source"), default=False, db_index=True)
    r_value = models.FloatField(_("R value"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("major hazard level"), null=True, blank=True, db_index=True,
                                             choices=MajorHazardLevel.choices())
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: CRUD, Role.ENTERPRISE_USER: CRUD})

    class Meta:
        ordering = ["enterprise_id", "kind", "name"]
        verbose_name = _("production or storage unit")
        verbose_name_plural = _("production and storage units")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="unit_unique_name_per_enterprise")]

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    def chemical_items(self) -> list[dict]:
        """The unit's chemicals as ``gb18218.assess`` items."""
        return [c.as_item() for c in self.chemicals.all()]


class UnitChemical(models.Model):
    """A hazardous chemical present in a unit, with the maximum quantity present (设计最大量) in tonnes.

    It is named by its GB 18218 Table 1 name, by CAS number, or (for chemicals Table 1 does not list) by its
    Table 2 hazard category; ``critical_t`` overrides the critical quantity where the standard allows it.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="chemicals")
    name = models.CharField(_("chemical name"), max_length=100, blank=True)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True)
    category = models.CharField(_("hazard category"), max_length=10, blank=True,
                                help_text=_("GB 18218 Table 2 category, e.g. W5.3, for chemicals not in Table 1."))
    quantity_t = models.DecimalField(_("maximum quantity (t)"), max_digits=14, decimal_places=4,
                                     validators=[MinValueValidator(0)])
    critical_t = models.DecimalField(_("critical quantity override (t)"), max_digits=14, decimal_places=4,
                                     null=True, blank=True, validators=[MinValueValidator(Decimal("0.0001"))])
    beta = models.DecimalField(_("β override"), max_digits=6, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0.01"))],
                               help_text=_("Only where the standard calls for it, e.g. a flammable liquid handled "
                                           "above its boiling point."))

    IDENTIFIERS = ("name", "cas", "category")

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("hazardous chemical")
        verbose_name_plural = _("hazardous chemicals")

    def __str__(self) -> str:
        return f"{self.name or self.cas or self.category} {self.quantity_t} t"

    def as_item(self) -> dict:
        item: dict = {"quantity_t": self.quantity_t}
        for key in self.IDENTIFIERS:
            if getattr(self, key):
                item[key] = getattr(self, key)
        for key in ("critical_t", "beta"):
            if getattr(self, key) is not None:
                item[key] = getattr(self, key)
        return item

    def clean(self) -> None:
        given = [key for key in self.IDENTIFIERS if getattr(self, key)]
        if len(given) != 1:
            raise ValidationError({"name": _("Name the chemical by exactly one of: its GB 18218 Table 1 name, its "
                                             "CAS number, or its Table 2 hazard category.")})


class MajorHazardAssessmentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Major hazard assessments are history and are never changed")


class MajorHazardAssessment(models.Model):
    """One GB 18218 computation for a unit, with its inputs and outputs. Appended on every change of the unit's
    chemicals or exposed population; never overwritten, so the unit's history stays readable."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="major_hazard_assessments")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments")
    unit_name = models.CharField(_("unit"), max_length=100)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now, db_index=True)
    computed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reason = models.CharField(_("reason"), max_length=32, choices=AssessmentReason.choices())
    items = models.JSONField(_("chemicals"), default=list)
    exposed_population = models.PositiveIntegerField(_("people exposed within 500 m"), default=0)
    sum_ratio = models.FloatField(_("sum of q/Q"))
    is_major = models.BooleanField(_("major hazard source"))
    alpha = models.FloatField(_("α"), null=True, blank=True)
    r_value = models.FloatField(_("R value"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("major hazard level"), null=True, blank=True,
                                             choices=MajorHazardLevel.choices())
    results = models.JSONField(_("per-chemical results"), default=list)

    objects = MajorHazardAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("major hazard assessment")
        verbose_name_plural = _("major hazard assessments")

    def __str__(self) -> str:
        return f"{self.unit_name} {self.computed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Major hazard assessments are history and are never changed")
        super().save(*args, **kwargs)


class TailingsPond(EnterpriseChild):
    """A tailings pond (尾矿库) and what the register reports on it: grade, capacity and dam height (design and
    now), where it is in its life, who lives downstream, and whether it is monitored online. The grade follows from
    the design capacity and height (``standards.tailings``)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="tailings_ponds")
    name = models.CharField(_("name"), max_length=100)
    #: Follows from the design capacity and dam height (set on every save; never entered).
    grade = models.PositiveSmallIntegerField(_("grade"), choices=TailingsGrade.choices(), editable=False, null=True,
                                             blank=True, db_index=True)
    design_capacity = models.DecimalField(_("design total capacity (10⁴ m³)"), max_digits=10, decimal_places=2,
                                          validators=[MinValueValidator(Decimal("0.01"))])
    current_capacity = models.DecimalField(_("current stored volume (10⁴ m³)"), max_digits=10, decimal_places=2,
                                           default=0, validators=[MinValueValidator(Decimal(0))])
    design_dam_height = models.DecimalField(_("design dam height (m)"), max_digits=6, decimal_places=1,
                                            validators=[MinValueValidator(Decimal("0.1"))])
    current_dam_height = models.DecimalField(_("current dam height (m)"), max_digits=6, decimal_places=1, default=0,
                                             validators=[MinValueValidator(Decimal(0))])
    severe_downstream = models.BooleanField(
        _("failure would devastate important places downstream"), default=False,
        help_text=_("Important towns, works or trunk railways downstream (raises a grade 2 pond to grade 1)."))
    head_top = models.BooleanField(_("head-top pond (头顶库)"), default=False, db_index=True,
                                   help_text=_("People or important facilities within 1 km downstream."))
    downstream_villages = models.CharField(_("villages downstream"), max_length=300, blank=True)
    downstream_population = models.PositiveIntegerField(_("people downstream"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=TailingsStatus.choices(),
                              default=TailingsStatus.OPERATING, db_index=True)
    online_monitoring = models.BooleanField(_("online monitoring in place"), default=False)
    registered_on = models.DateField(_("in use since"))
    closed_on = models.DateField(_("closed (闭库) on"), null=True, blank=True)
    closed_out_on = models.DateField(_("closed out (销库) on"), null=True, blank=True)

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: CRUD, Role.ENTERPRISE_USER: {"view", "change"}})

    class Meta:
        ordering = ["grade", "enterprise_id", "name"]
        verbose_name = _("tailings pond")
        verbose_name_plural = _("tailings ponds")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="tailings_pond_unique_name")]

    def __str__(self) -> str:
        return self.name

    def apply_grade(self) -> None:
        if self.design_capacity is not None and self.design_dam_height is not None:
            self.grade = tailings.grade(self.design_capacity, self.design_dam_height,
                                        severe_downstream=self.severe_downstream)

    def save(self, *args, **kwargs):
        self.apply_grade()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        self.apply_grade()
        if self.status in (TailingsStatus.CLOSED, TailingsStatus.CLOSED_OUT) and not self.closed_on:
            errors["closed_on"] = _("Give the date the pond was closed.")
        if self.status == TailingsStatus.CLOSED_OUT and not self.closed_out_on:
            errors["closed_out_on"] = _("Give the date the pond was closed out.")
        if self.status != TailingsStatus.CLOSED_OUT and self.closed_out_on:
            errors["closed_out_on"] = _("Only a closed-out pond has a close-out date.")
        for later, earlier in (("closed_on", "registered_on"), ("closed_out_on", "closed_on")):
            if getattr(self, later) and getattr(self, earlier) and getattr(self, later) < getattr(self, earlier):
                errors[later] = _("This date is before the previous step of the pond's life.")
        if errors:
            raise ValidationError(errors)

    @property
    def monitoring_required(self) -> bool:
        return self.grade is not None and tailings.online_monitoring_required(self.grade, head_top=self.head_top)

    @property
    def fill_ratio(self) -> Decimal | None:
        if not self.design_capacity:
            return None
        return (self.current_capacity / self.design_capacity).quantize(Decimal("0.001"))


class Mine(EnterpriseChild):
    """A non-coal mine (非煤矿山): its mining licence, scale, method, service life and online monitoring."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="mines")
    name = models.CharField(_("name"), max_length=100)
    mineral = models.CharField(_("mineral"), max_length=50)
    licence_no = models.CharField(_("mining licence number"), max_length=64)
    licence_expires = models.DateField(_("mining licence expires"), db_index=True)
    method = models.CharField(_("mining method"), max_length=16, choices=MiningMethod.choices())
    scale = models.CharField(_("scale"), max_length=8, choices=MineScale.choices())
    design_output = models.DecimalField(_("design output (10⁴ t/year)"), max_digits=8, decimal_places=2,
                                        validators=[MinValueValidator(Decimal("0.01"))])
    service_life_years = models.PositiveSmallIntegerField(_("design service life (years)"),
                                                          validators=[MaxValueValidator(200)])
    production_started = models.DateField(_("production started"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MineStatus.choices(),
                              default=MineStatus.PRODUCING, db_index=True)
    online_monitoring = models.BooleanField(_("online monitoring in place"), default=False)

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: CRUD, Role.ENTERPRISE_USER: {"view", "change"}})

    class Meta:
        ordering = ["enterprise_id", "name"]
        verbose_name = _("non-coal mine")
        verbose_name_plural = _("non-coal mines")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="mine_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def service_ends(self) -> datetime.date | None:
        """When the design service life runs out (counted from the start of production)."""
        if self.production_started is None:
            return None
        year = self.production_started.year + self.service_life_years
        if year > datetime.MAXYEAR:
            return None  # a stored date at the calendar's end: no end within it
        try:
            return self.production_started.replace(year=year)
        except ValueError:  # 29 February
            return self.production_started.replace(year=year, day=28)

    @property
    def licence_state(self) -> str:
        today = timezone.localdate()
        if self.licence_expires < today:
            return LicenceState.EXPIRED
        if self.licence_expires <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return LicenceState.EXPIRING
        return LicenceState.VALID


class MajorHazardFiling(EnterpriseChild):
    """The filing (备案) of a major hazard source with the bureau and its three custodians (包保责任人): who answers
    for the source and must check it quarterly, monthly and weekly (``standards.custodians``)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="major_hazard_filings")
    unit = models.OneToOneField(Unit, verbose_name=_("major hazard source"), on_delete=models.CASCADE,
                                related_name="filing")
    filing_no = models.CharField(_("filing number"), max_length=64)
    filed_on = models.DateField(_("filed on"))
    principal = models.CharField(_("principal custodian"), max_length=50)
    principal_phone = models.CharField(_("principal custodian's phone"), max_length=32, blank=True,
                                       validators=[phone_validator])
    technical = models.CharField(_("technical custodian"), max_length=50)
    technical_phone = models.CharField(_("technical custodian's phone"), max_length=32, blank=True,
                                       validators=[phone_validator])
    operational = models.CharField(_("operational custodian"), max_length=50)
    operational_phone = models.CharField(_("operational custodian's phone"), max_length=32, blank=True,
                                         validators=[phone_validator])

    GRANTS = ({role: {"view"} | ({"view_pii"} if role in PII_ROLES else set()) for role in ALL_ROLES}
              | {Role.ADMIN: CRUD | {"view_pii"}, Role.SECTION_STAFF: CRUD | {"view_pii"},
                 Role.ENTERPRISE_USER: {"view", "add", "change", "view_pii"}})

    class Meta:
        ordering = ["enterprise_id", "unit_id"]
        verbose_name = _("major hazard filing")
        verbose_name_plural = _("major hazard filings and custodians")

    def __str__(self) -> str:
        return f"{self.unit} {self.filing_no}"

    def clean(self) -> None:
        errors = {}
        if self.unit_id and self.enterprise_id and self.unit.enterprise_id != self.enterprise_id:
            errors["unit"] = _("The unit belongs to another enterprise.")
        elif self.unit_id and not self.unit.is_major:
            errors["unit"] = _("Only a unit identified as a major hazard source is filed.")
        if self.filed_on and self.filed_on > timezone.localdate():
            errors["filed_on"] = _("A filing date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def duty(self, role: str, today: datetime.date | None = None) -> str:
        """The custodian's periodic check now: done, due or missed (``last_<role>`` annotations when present)."""
        today = today or timezone.localdate()
        last = getattr(self, f"last_{role}", None) if hasattr(self, f"last_{role}") else (
            self.checks.filter(role=role).aggregate(d=models.Max("date"))["d"])
        return custodians.status(role, last, self.filed_on, today)

    @property
    def principal_duty(self) -> str:
        return self.duty(CustodianRole.PRINCIPAL)

    @property
    def technical_duty(self) -> str:
        return self.duty(CustodianRole.TECHNICAL)

    @property
    def operational_duty(self) -> str:
        return self.duty(CustodianRole.OPERATIONAL)


class CustodianCheck(EnterpriseChild):
    """One check of a major hazard source by one of its custodians (包保责任人履职记录)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="+")
    filing = models.ForeignKey(MajorHazardFiling, verbose_name=_("major hazard source"), on_delete=models.CASCADE,
                               related_name="checks")
    role = models.CharField(_("custodian"), max_length=16, choices=CustodianRole.choices())
    date = models.DateField(_("date"), db_index=True)
    person = models.CharField(_("checked by"), max_length=50)
    findings = models.TextField(_("findings"), blank=True)
    hazards_found = models.PositiveSmallIntegerField(_("hazards found"), default=0)

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: {"view", "add"}, Role.SECTION_STAFF: {"view", "add"},
                 Role.ENTERPRISE_USER: {"view", "add"}})

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("custodian check")
        verbose_name_plural = _("custodian checks")
        indexes = [models.Index(fields=["filing", "role", "date"], name="custodian_check_idx")]

    def __str__(self) -> str:
        return f"{self.filing.unit} {self.get_role_display()} {self.date}"

    def clean(self) -> None:
        errors = {}
        if self.filing_id and self.enterprise_id and self.filing.enterprise_id != self.enterprise_id:
            errors["filing"] = _("The major hazard source belongs to another enterprise.")
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("A check cannot be recorded for a future day.")
        if errors:
            raise ValidationError(errors)
