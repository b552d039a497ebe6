"""Figures by area (分区概览): each division one level below the user's jurisdiction side by side — a city
account's counties, a county account's townships — with the jurisdiction's own records and the total.

The areas register what they count here (``register_indicator`` from their ``home.py``); core imports none of them.
An indicator is the list's own scoped queryset, so a cell and the list it links to cannot disagree: each cell links
to that list filtered to the area. One grouped query per indicator, whatever the number of areas.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from yingji.standards import gb2260

from . import policy
from .choices import RegionLevel
from .home import filtered, list_url
from .models import Region

#: The level of the divisions shown below each level of jurisdiction.
CHILD_LEVEL = {gb2260.PROVINCE: RegionLevel.CITY, gb2260.CITY: RegionLevel.COUNTY,
               gb2260.COUNTY: RegionLevel.TOWNSHIP, gb2260.TOWNSHIP: RegionLevel.VILLAGE}


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    #: ``rows(user, now)``: the scoped queryset of what is counted (None: the user may not see it).
    rows: Callable[..., QuerySet | None]
    #: The list page a cell opens (filtered to the area by ``region_param``), with its other filter parameters
    #: (a dict, or ``params(now)`` returning one: "this year" moves with the clock).
    url_name: str = ""
    params: dict | Callable = field(default_factory=dict)
    region_field: str = "region_code"
    region_param: str = "region_code"
    #: "danger" when any count above zero is a problem to act on (overdue work, an open alarm).
    colour: str = ""
    order: int = 100


_indicators: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    _indicators[indicator.key] = indicator


def params_at(indicator: Indicator, now) -> dict:
    return indicator.params(now) if callable(indicator.params) else indicator.params


def list_indicator(key: str, label, model, url_name: str, *, queryset: Callable | None = None, filterset=None,
                   params: dict | Callable | None = None, **options) -> Indicator:
    """An indicator counting what a list page shows: ``queryset(user)`` (default: the model's scoped rows) through
    the list's FilterSet with ``params``; nothing for a user whose roles may not view the model."""
    params = params or {}

    def rows(user, now):
        if not policy.can(user, "view", model):
            return None
        qs = queryset(user) if queryset is not None else model.objects.for_user(user)
        return filtered(qs, filterset, user, **(params(now) if callable(params) else params))

    return Indicator(key, label, rows, url_name=url_name, params=params, **options)


def surface_indicator(key: str, label, surface, *, params: dict | None = None, **options) -> Indicator:
    """``list_indicator`` for a declared surface's list (its visible rows and its FilterSet)."""
    return list_indicator(key, label, surface.model, f"{surface.prefix}_list", queryset=surface.visible,
                          filterset=surface.filterset, params=params, **options)


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.key))


def may_view(user) -> bool:
    """Staff of a jurisdiction with divisions below it (a village has none; an enterprise sees one enterprise)."""
    return policy.has_divisions_below(user)


def _cell(value: int, indicator: Indicator, area: str, now) -> dict:
    url = ""
    if indicator.url_name:
        url = list_url(indicator.url_name, **params_at(indicator, now), **{indicator.region_param: area})
    return {"value": value, "url": url, "colour": indicator.colour if value else ""}


def table(user, now: datetime.datetime | None = None) -> dict | None:
    """``{scope, scope_name, level, level_label, columns: [{key, label}], rows: [{code, name, cells}], own,
    total}`` for ``user``; None when the user has no divisions below. ``own``: records held at the jurisdiction's
    own level (a county bureau's own drills, a city's own warnings), so the rows add up to ``total``."""
    from django.utils import timezone

    if not may_view(user):
        return None
    now = now or timezone.now()
    scope = user.scope_region_code
    level = CHILD_LEVEL[gb2260.level(scope)]
    length = gb2260.child_prefix_length(scope)
    areas = list(Region.objects.filter(policy.scope_q(user, Region), level=level)
                 .order_by("code").values_list("code", "name"))
    columns, counts = [], []
    for indicator in indicators():
        qs = indicator.rows(user, now)
        if qs is None:
            continue
        field_name = indicator.region_field
        grouped = dict(qs.order_by().annotate(yj_area=Substr(field_name, 1, length)).values("yj_area")
                       .annotate(n=Count("pk", distinct=True)).values_list("yj_area", "n"))
        columns.append(indicator)
        counts.append(grouped)
    codes = {code for code, _name in areas}

    def area_key(code: str) -> str:
        return code + "00" if length == 4 else code  # a province's cities are written XXXX00

    rows = [{"code": code, "name": name,
             "cells": [_cell(grouped.get(code[:length], 0), ind, code, now) for ind, grouped in zip(
                 columns, counts, strict=True)]} for code, name in areas]
    total = [sum(grouped.values()) for grouped in counts]
    own = [sum(n for key, n in grouped.items() if area_key(key or "") not in codes) for grouped in counts]
    scope_name = Region.objects.filter(code=scope).values_list("name", flat=True).first() or scope
    return {"scope": scope, "scope_name": scope_name, "level": level, "level_label": RegionLevel.label(level),
            "columns": [{"key": i.key, "label": str(i.label)} for i in columns], "rows": rows,
            "own": [_cell(n, ind, scope, now) for n, ind in zip(own, columns, strict=True)] if any(own) else None,
            "total": [_cell(n, ind, scope, now) for n, ind in zip(total, columns, strict=True)],
            "own_label": _("%(region)s (own level)") % {"region": scope_name}}


def sheets(data: dict) -> list[dict]:
    """The table as an export sheet (its rows, the jurisdiction's own row, the total)."""
    headers = [data["level_label"], *[c["label"] for c in data["columns"]]]
    rows = [[r["name"], *[c["value"] for c in r["cells"]]] for r in data["rows"]]
    if data["own"]:
        rows.append([data["own_label"], *[c["value"] for c in data["own"]]])
    rows.append([_("Total"), *[c["value"] for c in data["total"]]])
    return [{"title": _("By area: %(region)s") % {"region": data["scope_name"]}, "headers": headers, "rows": rows}]
