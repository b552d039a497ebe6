"""Figures entered by hand for years before the platform kept records (issue 17 §3): once per year, region and
indicator, shown marked as entered and never added to the figures computed from records."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.models import STAFF_ROLES, Role, Scoped, region_code_validator

from .choices import Indicator

EDITORS = {Role.ADMIN, Role.SECTION_STAFF}


class HistoricalFigure(Scoped):
    """One indicator's figure of one year for one region, as the bureau reported it before the platform."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices())
    value = models.PositiveBigIntegerField(_("value"), validators=[MaxValueValidator(10**12)])
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("Where the figure comes from (e.g. the year's work summary)."))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {role: {"view", "add", "change", "delete"}
                                                        for role in EDITORS}

    class Meta:
        ordering = ["-year", "region_code", "indicator"]
        verbose_name = _("entered historical figure")
        verbose_name_plural = _("entered historical figures")
        constraints = [models.UniqueConstraint(fields=["region_code", "year", "indicator"],
                                               name="historical_figure_once")]

    def __str__(self) -> str:
        return f"{self.year} {Indicator.label(self.indicator)} {self.value}"
