"""The enforcement officers' training days of a year (执法人员每年不少于10天的培训), drawn from the officers' training
records (those written from training-session attendance and those recorded on the officer's page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from yingji.core.errors import ValidationFailed
from yingji.core.generic import require_page
from yingji.enforcement.models import Officer

from . import statistics, statistics_sections


@login_required
def officer_training(request):
    require_page(request, "view", Officer)
    errors: dict[str, str] = {}
    try:
        year = statistics.check_year(request.GET.get("year"))
    except ValidationFailed as exc:
        errors = {e["field"]: e["message"] for e in exc.errors}
        year = None
    rows = statistics_sections.officer_training_days(request.user, year) if year else []
    low, high = statistics.year_bounds()
    return render(request, "preparedness/officer_training.html", {
        "title": _("Enforcement officers' training days"), "rows": rows, "year": year, "errors": errors,
        "low": low, "high": high, "year_text": year if year else request.GET.get("year", ""),
        "short": sum(1 for r in rows if not r["compliant"])},
        status=422 if errors else 200)
