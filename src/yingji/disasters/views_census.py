"""The census import page and its templates (the lists and object pages are the declared surfaces')."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yingji.core import imports
from yingji.core.errors import ServiceError
from yingji.core.generic import require_page

from .choices_census import CensusImportKind
from .forms_census import CensusImportForm
from .models.census import CensusBody
from .services import census as services

LISTS = {CensusImportKind.BODIES: "census_body_list", CensusImportKind.SOURCES: "census_source_list",
         CensusImportKind.ZONES: "census_zone_list"}


@login_required
@require_http_methods(["GET", "POST"])
def census_import(request):
    require_page(request, "add", CensusBody)
    form = CensusImportForm(request.POST or None, request.FILES or None,
                            initial={"kind": request.GET.get("kind") or CensusImportKind.BODIES})
    row_errors, file_errors, status, checked = [], [], 200, None
    if request.method == "POST" and form.is_valid():
        kind, dry_run = form.cleaned_data["kind"], form.cleaned_data["dry_run"]
        try:
            result = services.import_census(request.user, kind, form.cleaned_data["file"], dry_run=dry_run)
        except imports.ImportFailed as exc:
            row_errors, status = exc.errors, 422
        except ServiceError as exc:
            file_errors, status = [e["message"] for e in exc.errors] or [exc.detail], exc.status
        else:
            summary = _("%(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
                "rows": result.rows, "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged}
            if dry_run:
                checked = summary
            else:
                messages.success(request, summary)
                return redirect(LISTS[kind])
    return render(request, "disasters/census_import.html", {
        "form": form, "row_errors": row_errors, "file_errors": file_errors, "checked": checked,
        "tables": [(kind, CensusImportKind.label(kind), services.COLUMNS[kind]) for kind in services.COLUMNS]},
        status=status)


@login_required
def census_import_template(request, kind: str):
    require_page(request, "add", CensusBody)
    if kind not in services.COLUMNS:
        raise Http404
    response = HttpResponse(services.template_workbook(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''census-{kind}.xlsx"
    return response
