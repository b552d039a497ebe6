"""The enforcement statistics page (issue 14 §7) and its export; the figures are ``services.statistics.summary``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import exports
from yingji.core.choices import RegionLevel
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Region
from yingji.enterprises import industries
from yingji.enterprises.models import Enterprise

from .models import Officer
from .services import statistics

FILTERS = ("township", "industry", "officer")


def _params(request) -> dict:
    return {name: request.GET.get(name) or None for name in FILTERS}


def _summary(request):
    year = request.GET.get("year") or timezone.localdate().year
    try:
        return statistics.summary(request.user, year, **_params(request)), None
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ValidationFailed as exc:
        return statistics.summary(request.user, timezone.localdate().year), exc.errors


@login_required
def enforcement_statistics(request):
    data, errors = _summary(request)
    fmt = request.GET.get("export")
    if fmt and not errors:
        dimension = request.GET.get("dimension") or "month"
        if dimension not in statistics.DIMENSIONS:
            dimension = "month"
        header, rows = statistics.table(data, dimension)
        return exports.table_response(request, header, rows, fmt if fmt in exports.FORMATS else "csv",
                                      f"enforcement-statistics-{data['year']}-{dimension}",
                                      "enforcement.inspection", title=_("Enforcement statistics %(year)s") % {
                                          "year": data["year"]})
    user = request.user
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP)
    if user.scope_region_code:  # a township account picks its own township only
        townships = townships.filter(code__startswith=user.scope_prefix[:statistics.TOWNSHIP_CODE_LENGTH])
    this_year = timezone.localdate().year
    labels = statistics.FIGURE_LABELS
    names = (*statistics.COUNTS, *statistics.AMOUNTS)

    def cells(row, dimension):
        # Formatted here: five hundred cells through the template's filters were a third of the page's time.
        return [(name, statistics.NOT_COUNTED if not statistics.counted(data, dimension, name) else
                 floatformat(row[name], "0g") if name in statistics.AMOUNTS else intcomma(row[name]))
                for name in names]

    tables = [(dim, statistics.DIMENSION_LABELS[dim],
               [{"key": row["key"], "label": row["label"], "cells": cells(row, dim)} for row in data[f"by_{dim}"]])
              for dim in statistics.DIMENSIONS]
    divisions_in_scope = set(  # one query (inside the comprehension's condition it ran once per division)
        Enterprise.objects.for_user(user).order_by().values_list("industry_division", flat=True).distinct())
    return render(request, "enforcement/statistics.html", {
        "data": data, "errors": errors, "tables": tables,
        "columns": [(name, labels[name]) for name in names],
        "total_cards": [(name, labels[name], shown) for name, shown in cells(data["totals"], None)],
        "years": list(range(this_year, this_year - 6, -1)),
        "townships": townships.order_by("code").values_list("code", "name"),
        # The industries of the enterprises in the user's scope, the officers who worked in it.
        "industry_choices": [(code, label) for code, label in industries.division_choices()
                             if code in divisions_in_scope],
        "officers": sorted(((int(r["key"]), r["label"]) for r in data["by_officer"] if r["key"]),
                           key=lambda o: o[1]) or Officer.objects.for_user(user).order_by("name")
        .values_list("pk", "name"),
        "selected": {"year": data["year"], **{k: str(v or "") for k, v in data["filters"].items()}},
        "query": request.GET.urlencode(),
    })
