"""Pages of the pre-flood checks beyond the declared surfaces: a place's check entered on a phone, the bulletin
(通报) of a round, and the supervision order (督办单) about a problem left open."""

from __future__ import annotations

import datetime
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import pdf
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import form_page, get_for_page, require_page, service_errors_to_form
from yingji.prevention.models import Hazard

from .forms_flood_checks import FloodCheckRecordForm
from .models.flood_checks import FloodCheckRecord, FloodCheckRound
from .services import flood_checks as services

BULLETIN_CSS = Path(__file__).parent / "static" / "disasters" / "bulletin.css"


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request, pk: int):
    """Record one place's check in the round (phone-sized; the problems found become hazards of the place)."""
    check_round = get_for_page(request, FloodCheckRound, pk)
    require_page(request, "add", FloodCheckRecord)
    form = FloodCheckRecordForm(request.POST or None, user=request.user, check_round=check_round)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = services.record_check(request.user, check_round, form.service_data())
            except NotAllowed:
                raise
            except ServiceError as exc:
                service_errors_to_form(form, exc)
                status = exc.status if exc.status in (409, 422) else 422
            else:
                found = record.hazards.count()
                messages.success(request, _("The check of %(place)s is recorded; %(n)d hazards registered.")
                                 % {"place": record.place.name, "n": found})
                return redirect("flood_check_record_detail", record.pk)
        else:
            status = 422
    return form_page(request, form, _("Record a check: %(round)s") % {"round": check_round.title},
                     reverse("flood_check_round_detail", args=[pk]), status=status)


@login_required
def bulletin(request, pk: int):
    """The round's 通报: progress by township, townships cleared, those named for overdue problems, open problems."""
    check_round = get_for_page(request, FloodCheckRound, pk)
    context = services.bulletin(request.user, check_round)
    return render(request, "disasters/flood_check_bulletin.html",
                  {**context, "pdf": pdf.available(), "standalone": False})


@login_required
def bulletin_pdf(request, pk: int):
    check_round = get_for_page(request, FloodCheckRound, pk)
    if not pdf.available():
        messages.error(request, _("PDF output is not available on this server; print the page instead."))
        return redirect("flood_check_bulletin", pk)
    html = render_to_string("disasters/flood_check_bulletin_print.html",
                            {**services.bulletin(request.user, check_round), "for_pdf": True}, request)
    response = HttpResponse(pdf.render(html, BULLETIN_CSS, Path(__file__).parent), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pre-flood-check-bulletin-{check_round.pk}.pdf"'
    return response


class PressForm(forms.Form):
    deadline = forms.DateField(label=_l("Deadline"), widget=forms.DateInput(attrs={"type": "date"},
                                                                           format="%Y-%m-%d"))


@login_required
@require_POST
def press(request, pk: int, hazard_pk: int):
    """Issue a 督办单 about an open problem of the round."""
    check_round = get_for_page(request, FloodCheckRound, pk)
    if not services.may_press(request.user):
        raise NotAllowed()
    hazard = get_for_page(request, Hazard, hazard_pk)
    form = PressForm(request.POST)
    back = reverse("flood_check_round_detail", args=[pk]) + "#yj-flood-outstanding"
    if not form.is_valid():
        messages.error(request, _("Give the order's deadline."))
        return redirect(back)
    deadline = timezone.make_aware(datetime.datetime.combine(form.cleaned_data["deadline"], datetime.time(18, 0)))
    try:
        order = services.press(request.user, check_round, hazard, {"deadline": deadline})
    except NotAllowed:
        raise
    except ServiceError as exc:
        messages.error(request, "；".join(e["message"] for e in exc.errors) or exc.detail)
        return redirect(back)
    messages.success(request, _("Supervision order %(number)s issued.") % {"number": order.number})
    return redirect(back)
