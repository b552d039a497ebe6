"""Pages of supervision and enforcement beyond the generic ones: making a draw, a draw's page (its pairs, and how
anyone re-runs it), the public page of draws, and recording an officer's training."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core.generic import form_page, get_for_page, require_page, save_form
from yingji.core.models import User, enterprise_model

from . import forms, services
from .models import Officer, RandomDraw


def _pairs(draw: RandomDraw) -> list[dict]:
    """The draw's pairs with names (enterprise and officers), in the order drawn."""
    enterprise_ids = [p["enterprise"] for p in draw.pairs]
    user_ids = {u for p in draw.pairs for u in p["officers"]}
    enterprises = {e.pk: e for e in enterprise_model().objects.filter(pk__in=enterprise_ids)}
    officers = dict(Officer.objects.filter(user_id__in=user_ids).values_list("user_id", "name"))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids - set(officers))}
    rows = []
    for n, pair in enumerate(draw.pairs, start=1):
        enterprise = enterprises.get(pair["enterprise"])
        rows.append({"n": n, "enterprise": enterprise, "enterprise_id": pair["enterprise"],
                     "officers": [officers.get(u) or names.get(u, "—") for u in pair["officers"]]})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def draw_create(request):
    require_page(request, "add", RandomDraw)
    officers = list(services.certified_officers(request.user).order_by("name"))
    form = forms.DrawForm(request.POST or None, user=request.user, officers=officers)
    made = save_form(request, form, lambda data: services.make_draw(request.user, data))
    if made is not None:
        messages.success(request, _("Draw made and published."))
        return redirect("draw_detail", pk=made.pk)
    return form_page(request, form, _("New random draw"), reverse("draw_list"),
                     status=400 if request.method == "POST" else 200)


@login_required
def draw_detail(request, pk: int):
    draw = get_for_page(request, RandomDraw, pk)
    return render(request, "enforcement/draw_detail.html", {
        "draw": draw, "pairs": _pairs(draw), "verified": services.verify(draw)})


def public_draw_list(request):
    """Published draws for everyone (no login): 双随机一公开."""
    return render(request, "enforcement/public_draw_list.html",
                  {"draws": RandomDraw.objects.order_by("-created_at", "-id")[:100]})


def public_draw_detail(request, pk: int):
    draw = RandomDraw.objects.filter(pk=pk).first()
    if draw is None:
        raise Http404
    return render(request, "enforcement/public_draw_detail.html", {
        "draw": draw, "pairs": _pairs(draw), "verified": services.verify(draw)})


def public_draw_inputs(request, pk: int):
    """The draw's canonical inputs as published: hash this file with SHA-256 to get its input digest, and feed it
    to the published algorithm to get its pairs."""
    draw = RandomDraw.objects.filter(pk=pk).first()
    if draw is None:
        raise Http404
    response = HttpResponse(services.canonical_inputs(draw), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-inputs.json"'
    return response


@login_required
@require_POST
def officer_training_add(request, pk: int):
    officer = get_for_page(request, Officer, pk, "change")
    form = forms.TrainingForm(request.POST, user=request.user)
    if save_form(request, form, lambda data: services.add_training(request.user, officer, data)) is not None:
        messages.success(request, _("Training recorded."))
        return redirect("officer_detail", pk=officer.pk)
    return form_page(request, form, _("Record training"), reverse("officer_detail", args=[officer.pk]), officer,
                     status=400)
