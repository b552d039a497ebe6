"""Pages of publicity beyond the generic ones: attaching a photo to an activity, and the preparedness statistics
page (every registered section, or one with ``?section=``; exported with ``?export=csv|xlsx``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core import exports
from yingji.core.errors import NotAllowed, ServiceError, ValidationFailed
from yingji.core.filters import flat_region_choices
from yingji.core.generic import get_for_page
from yingji.enterprises import industries

from . import forms_publicity, statistics
from .models.publicity import PublicityActivity
from .services import publicity as services


@login_required
@require_POST
def publicity_photo_add(request, pk: int):
    activity = get_for_page(request, PublicityActivity, pk)
    form = forms_publicity.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("publicity_detail", pk=activity.pk)
    try:
        services.add_photo(request.user, activity, form.cleaned_data["file"])
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
        return redirect("publicity_detail", pk=activity.pk)
    messages.success(request, _("Photo attached."))
    return redirect("publicity_detail", pk=activity.pk)


def _lines(table: dict) -> list[tuple[bool, object, list[str]]]:
    """A table's rows as shown: (a summary row, its label, its cells formatted). Formatted here: a thousand cells
    through the template's conditions and filters were half the page's time."""
    first_summary = len(table["rows"]) - table["summary_rows"]
    return [(i >= first_summary, row[0], ["—" if c is None else intcomma(c) for c in row[1:]])
            for i, row in enumerate(table["rows"])]


@login_required
def preparedness_statistics(request):
    """The year's figures of every section the user may see; a bad filter shows its message (status 422)."""
    params = request.GET
    section = params.get("section") or None
    errors: dict[str, str] = {}
    try:
        result = statistics.compute(request.user, params.get("year"), params.get("region_code"),
                                    params.get("industry"), only=section)
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationFailed as exc:
        errors = {e["field"]: e["message"] for e in exc.errors}
        result = None
    if result is not None and params.get("export"):
        try:
            return exports.export_tables(request, statistics.export_tables(result), params["export"],
                                         f"preparedness-statistics-{result['year']}")
        except ValidationFailed as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
    if result is not None:
        for section_data in result["sections"]:
            for table in section_data["tables"]:
                table["lines"] = _lines(table)
    low, high = statistics.year_bounds()
    query = params.copy()
    query.pop("export", None)
    title = _("Preparedness statistics")
    if result is not None and section and result["sections"]:
        title = _("%(section)s statistics") % {"section": result["sections"][0]["title"]}
    return render(request, "preparedness/statistics.html", {
        "title": title, "result": result, "errors": errors, "section": section or "",
        "year": params.get("year") or (result["year"] if result else ""),
        "region_code": params.get("region_code") or "", "industry": params.get("industry") or "",
        "regions": flat_region_choices(request.user), "industries": industries.section_choices(),
        "sections": [s for s in statistics.sections() if s.visible_to(request.user)],
        "year_low": low, "year_high": high, "query": query.urlencode(),
    }, status=422 if errors else 200)
