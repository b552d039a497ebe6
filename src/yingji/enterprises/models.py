"""Enterprises under supervision (一企一码一档). This is the registry core that scopes enterprise accounts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import ALL_ROLES, CRUD, Region, Scoped, mobile_validator, region_code_validator
from yingji.standards import gb32100

from .choices import EnterpriseStatus


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
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    safety_manager = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager phone"), max_length=11, blank=True,
                                            validators=[mobile_validator])
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EnterpriseStatus.choices(),
                              default=EnterpriseStatus.OPERATING, db_index=True)

    SCOPE_ENTERPRISE_FIELD = "id"
    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD | {"manage"}, Role.SECTION_STAFF: {"view", "add", "change", "manage"},
                 Role.INSPECTOR: {"view", "change"}, Role.ENTERPRISE_USER: {"view", "change"}})

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.region_code and not Region.objects.filter(code=self.region_code).exists():
            errors["region_code"] = _("No region has code %(code)s.") % {"code": self.region_code}
        if (self.lat is None) != (self.lon is None):
            errors["lat" if self.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)
