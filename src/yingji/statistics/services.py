"""Writing the entered historical figures (the page and the API share these; core.services validates and audits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from yingji.core.errors import ValidationFailed
from yingji.core.services import create_object, update_object

from .models import HistoricalFigure


def _check_year(data: Mapping[str, Any]) -> None:
    year = data.get("year")
    if year not in (None, "") and int(year) > timezone.localdate().year:
        raise ValidationFailed.from_dict({"year": [gettext("A figure is entered for a year that has ended or is "
                                                           "under way, not for a later one")]})


def create_figure(actor, data: Mapping[str, Any]) -> HistoricalFigure:
    data = dict(data)
    _check_year(data)
    if not data.get("region_code"):
        data["region_code"] = actor.scope_region_code or ""
    data["entered_by"] = actor
    data["entered_at"] = timezone.now()
    return create_object(actor, HistoricalFigure, data)


def update_figure(actor, figure: HistoricalFigure, data: Mapping[str, Any]) -> HistoricalFigure:
    _check_year(data)
    return update_object(actor, figure, data)

