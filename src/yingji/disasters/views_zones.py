"""Pages of danger zones and transfers beyond the declared surfaces: the phone page where village staff confirm
households, the live totals by township, the household import and the shelter coverage (三个全覆盖)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import imports, policy
from yingji.core.errors import Conflict, ServiceError
from yingji.core.generic import get_for_page, require_page

from .forms_zones import ConfirmForm
from .models.zones import Household, Transfer, TransferHousehold
from .services import zones as services
from .zone_choices import HouseholdState


@login_required
@require_http_methods(["GET", "POST"])
def transfer_confirm(request, pk: int):
    """A phone-sized list of the transfer's households; each card confirms one household."""
    transfer = get_for_page(request, Transfer, pk)
    status = 200
    if request.method == "POST":
        require_page(request, "operate", TransferHousehold)
        line = get_for_page(request, TransferHousehold, request.POST.get("line"),
                            queryset=TransferHousehold.objects.filter(transfer=transfer))
        form = ConfirmForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.confirm(request.user, line, data["state"], people_moved=data.get("people_moved"),
                                 reason=data.get("reason") or "", version=data["version"])
            except Conflict as exc:
                messages.error(request, exc.detail)
                status = 409
            except ServiceError as exc:
                messages.error(request, "；".join(e["message"] for e in exc.errors) or exc.detail)
                status = 422
            else:
                messages.success(request, _("%(name)s: saved.") % {"name": line.household.head_name})
                return redirect(f"{reverse('zone_transfer_confirm', args=[pk])}#line-{line.pk}")
        else:
            messages.error(request, _("Check the household's entry."))
            status = 422
    transfer.refresh_from_db()
    lines = list(services.lines_for(request.user, transfer))
    reveal = policy.reveal_pii(request.user, TransferHousehold)
    return render(request, "disasters/transfer_confirm.html", {
        "transfer": transfer, "lines": lines, "reveal": reveal, "states": HouseholdState,
        "can_operate": policy.can(request.user, "operate", TransferHousehold),
        "pending": sum(1 for line in lines if line.state == HouseholdState.PENDING),
        "moved_here": sum(line.people_moved for line in lines)}, status=status)


@login_required
@require_POST
def transfer_close(request, pk: int):
    """End the transfer (解除转移): the people moved leave the shelter."""
    transfer = get_for_page(request, Transfer, pk, "operate")
    try:
        services.close_transfer(request.user, transfer)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The transfer is closed."))
    return redirect("zone_transfer_detail", pk)


@login_required
def transfer_totals(request):
    """紧急转移安置人数 by township, live (the page refreshes itself)."""
    require_page(request, "view", Transfer)
    warning_id = request.GET.get("warning")
    warning_id = int(warning_id) if warning_id and warning_id.isdigit() else None
    data = services.totals_by_township(request.user, warning_id)
    return render(request, "disasters/transfer_totals.html", {**data, "warning_id": warning_id})


class HouseholdImportForm(forms.Form):
    file = forms.FileField(label=_l("Excel workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


@login_required
@require_http_methods(["GET", "POST"])
def household_import(request):
    require_page(request, "add", Household)
    form = HouseholdImportForm(request.POST or None, request.FILES or None)
    row_errors, file_errors, status = [], [], 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_households(request.user, form.cleaned_data["file"])
        except imports.ImportFailed as exc:
            row_errors, status = exc.errors, 422
        except ServiceError as exc:
            file_errors, status = [e["message"] for e in exc.errors] or [exc.detail], exc.status
        else:
            messages.success(request, _("Imported %(rows)s rows.") % {"rows": result["created"]})
            return redirect("household_list")
    return render(request, "disasters/household_import.html", {
        "form": form, "row_errors": row_errors, "file_errors": file_errors,
        "columns": services.HOUSEHOLD_COLUMNS}, status=status)


@login_required
def household_import_template(request):
    require_page(request, "add", Household)
    response = HttpResponse(imports.template_workbook(services.HOUSEHOLD_COLUMNS, "危险区住户"),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''danger-zone-households.xlsx"
    return response


@login_required
def shelter_coverage_three(request):
    require_page(request, "view", Transfer)
    return render(request, "disasters/shelter_coverage.html", services.coverage(request.user))
