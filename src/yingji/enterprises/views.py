"""Bespoke pages of the enterprise registry (the enterprises' list, form and archive, the licences' list and the
major hazard sources' list are declared surfaces, in ``surfaces``): the archive's QR code, Excel import, adding and
editing licences, production and storage units with their chemicals, and the GB 18218 calculator.

Views hold no business logic: they read through ``policy`` and write through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yingji.core import policy
from yingji.core.errors import ServiceError
from yingji.core.generic import form_page, get_for_page, require_page, save_form

from . import forms, importing, qrcodes, services, surfaces
from .models import Enterprise, Licence, Unit

# --- enterprises ---------------------------------------------------------------------------------------------


@login_required
def enterprise_qrcode(request, pk: int):
    """The QR code image for the archive page (``?download=1``: a large one to print, as a file)."""
    enterprise = get_for_page(request, Enterprise, pk)
    download = request.GET.get("download") == "1"
    response = HttpResponse(qrcodes.png(qrcodes.archive_url(request, enterprise.pk), scale=16 if download else 6),
                            content_type="image/png")
    if download:
        response["Content-Disposition"] = f"attachment; filename=enterprise-{enterprise.pk}-qrcode.png"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    require_page(request, "add", Enterprise)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    row_errors, file_errors, result = [], [], None
    status = 200
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = importing.import_enterprises(request.user, form.cleaned_data["file"], dry_run=dry_run)
        except importing.ImportFailed as exc:
            row_errors, status = exc.errors, 422
        except ServiceError as exc:
            file_errors, status = [e["message"] for e in exc.errors] or [exc.detail], exc.status
        else:
            if not dry_run:
                messages.success(request, _("Imported %(rows)s rows: %(created)s enterprises created, %(updated)s "
                                            "updated.") % {"rows": result.rows, "created": result.created,
                                                           "updated": result.updated})
                return redirect("enterprise_list")
    return render(request, "enterprises/enterprise_import.html", {
        "form": form, "row_errors": row_errors, "file_errors": file_errors, "result": result,
        "max_rows": importing.MAX_ROWS, "columns": importing.COLUMNS,
    }, status=status)


@login_required
def import_template(request):
    require_page(request, "add", Enterprise)
    response = HttpResponse(importing.template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''enterprise-import-template.xlsx"
    return response


# --- licences ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def licence_create(request, pk: int):
    enterprise = get_for_page(request, Enterprise, pk)
    require_page(request, "add", Licence)
    form = forms.LicenceForm(request.POST or None)
    if save_form(request, form, lambda data: services.create_licence(request.user, enterprise, data),
                 success=_("Licence added.")):
        return redirect("enterprise_detail", pk=enterprise.pk)
    return form_page(request, form, _("New licence or certificate"), reverse("enterprise_detail", args=[pk]),
                     enterprise)


@login_required
@require_http_methods(["GET", "POST"])
def licence_edit(request, pk: int):
    licence = get_for_page(request, Licence, pk, "change", queryset=Licence.objects.select_related("enterprise"))
    form = forms.LicenceForm(request.POST or None, instance=licence)
    if save_form(request, form, lambda data: services.update_licence(request.user, licence, data),
                 success=_("Licence saved.")):
        return redirect("enterprise_detail", pk=licence.enterprise_id)
    return form_page(request, form, _("Edit licence or certificate"),
                     reverse("enterprise_detail", args=[licence.enterprise_id]), licence.enterprise)


@login_required
@require_http_methods(["POST"])
def licence_delete(request, pk: int):
    licence = get_for_page(request, Licence, pk, "delete", queryset=Licence.objects.select_related("enterprise"))
    try:
        services.delete_licence(request.user, licence)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Licence removed."))
    return redirect("enterprise_detail", pk=licence.enterprise_id)


# --- units and major hazard sources --------------------------------------------------------------------------


def _unitform_page(request, enterprise, unit=None):
    form = forms.UnitForm(request.POST or None, instance=unit)
    initial = forms.chemical_initial(unit) if unit is not None else None
    formset = forms.ChemicalFormSet(request.POST or None, initial=initial, prefix="chemicals")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        chemicals = [item for item in (f.item() for f in formset.forms) if item is not None]
        try:
            if unit is None:
                unit = services.create_unit(request.user, enterprise, form.service_data(), chemicals)
            else:
                services.update_unit(request.user, unit, form.service_data(), chemicals)
        except ServiceError as exc:
            _chemical_errors(form, formset, exc)
        else:
            messages.success(request, _("Unit saved and assessed under GB 18218-2018."))
            return redirect("unit_detail", pk=unit.pk)
    return render(request, "enterprises/unit_form.html", {
        "form": form, "formset": formset, "enterprise": enterprise, "unit": unit,
        "names": forms.table1_names(), "datalist_id": forms.DATALIST_ID,
        "title": _("Edit unit") if unit is not None else _("New production or storage unit"),
        "cancel_url": reverse("unit_detail", args=[unit.pk]) if unit is not None
        else reverse("enterprise_detail", args=[enterprise.pk]),
    })


def _chemical_errors(form, formset, exc: ServiceError) -> None:
    """Show ``chemicals.<index>.<field>`` errors on the formset row (indexes count the rows sent, blanks skipped)."""
    filled = [f for f in formset.forms if f.item() is not None]
    for error in exc.errors or [{"field": "", "message": exc.detail}]:
        parts = error["field"].split(".")
        if len(parts) == 3 and parts[0] == "chemicals" and parts[1].isdigit() and int(parts[1]) < len(filled):
            row = filled[int(parts[1])]
            row.add_error(parts[2] if parts[2] in row.fields else None, error["message"])
        else:
            form.add_error(error["field"] if error["field"] in form.fields else None, error["message"])


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, pk: int):
    enterprise = get_for_page(request, Enterprise, pk)
    require_page(request, "add", Unit)
    return _unitform_page(request, enterprise)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    unit = get_for_page(request, Unit, pk, "change", queryset=Unit.objects.select_related("enterprise"))
    return _unitform_page(request, unit.enterprise, unit)


@login_required
def unit_detail(request, pk: int):
    unit = get_for_page(request, Unit, pk,
                        queryset=Unit.objects.select_related("enterprise").prefetch_related("chemicals"))
    return render(request, "enterprises/unit_detail.html", {
        "unit": unit, "enterprise": unit.enterprise, "assessments": services.unit_history(unit)[:50],
        "history": surfaces.history(request.user, unit), "can_change": policy.can(request.user, "change", Unit),
        "can_delete": policy.can(request.user, "delete", Unit),
    })


@login_required
@require_http_methods(["POST"])
def unit_delete(request, pk: int):
    unit = get_for_page(request, Unit, pk, "delete", queryset=Unit.objects.select_related("enterprise"))
    try:
        services.delete_unit(request.user, unit)
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect("unit_detail", pk=unit.pk)
    messages.success(request, _("Unit removed; its assessment history is kept."))
    return redirect("enterprise_detail", pk=unit.enterprise_id)


@login_required
@require_http_methods(["GET", "POST"])
def major_hazard_calculator(request):
    """GB 18218-2018 identification and grading of one unit's inventory; saves nothing."""
    form = forms.MajorHazardCalculatorForm(request.POST or None)
    formset = forms.ChemicalFormSet(request.POST or None, prefix="chemicals")
    result = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [{k: v for k, v in item.items() if v not in (None, "")}
                 for item in (f.item() for f in formset.forms) if item is not None]
        try:
            result = services.assessment_as_dict(services.assess(items, form.cleaned_data["exposed_population"],
                                                                 field="chemicals"))
        except ServiceError as exc:
            _chemical_errors(form, formset, exc)
    return render(request, "enterprises/major_hazard_calculator.html", {
        "form": form, "formset": formset, "result": result, "names": forms.table1_names(),
        "datalist_id": forms.DATALIST_ID,
    })
