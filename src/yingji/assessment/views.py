"""The assessment's pages beyond the declared surfaces: the rubric's actions (copy the default, publish, open the
assessments), the ranking page with its Excel export, and the assessment's actions (workflow, item scoring)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core import exports
from yingji.core.errors import NotAllowed, ServiceError, ValidationFailed
from yingji.core.generic import get_for_page

from . import forms, services
from .choices import Grade
from .models import Assessment, AssessmentItem, Rubric


def _refuse(request, exc: ServiceError) -> None:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied from None
    parts = [str(exc)] + [f"{e['field']}: {e['message']}" for e in getattr(exc, "errors", []) or []]
    messages.error(request, "；".join(p for p in parts if p))






@login_required
@require_POST
def rubric_copy_default(request):
    form = forms.CopyDefaultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the year and the units assessed."))
        return redirect("rubric_list")
    try:
        rubric = services.copy_default_rubric(request.user, form.cleaned_data["year"], form.cleaned_data["target"])
    except ServiceError as exc:
        _refuse(request, exc)
        return redirect("rubric_list")
    messages.success(request, _("The default rubric was copied into a draft."))
    return redirect("rubric_detail", pk=rubric.pk)


@login_required
@require_POST
def rubric_act(request, pk: int, action: str):
    rubric = get_for_page(request, Rubric, pk, "change")
    try:
        if action == "publish":
            services.publish_rubric(request.user, rubric)
        elif action == "open":
            opened = services.open_assessments(request.user, rubric)
            messages.info(request, _("%(n)s assessments opened.") % {"n": len(opened)})
        else:
            raise ValidationFailed.from_dict({"action": [_("Unknown action")]})
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("rubric_detail", pk=rubric.pk)


@login_required
def ranking(request, pk: int):
    """The rubric's published assessments by rank (equal totals share a rank, the next skips); ``export=xlsx``."""
    rubric = get_for_page(request, Rubric, pk)
    rows = services.ranking(request.user, rubric)
    fmt = request.GET.get("export")
    if fmt:
        headers = [_("Rank"), _("Assessed unit"), _("Total score"), _("Grade"), _("Vetoed"), _("State")]
        table = [[a.rank, str(a.organisation), a.total, Grade.label(a.grade) if a.grade else "",
                  "是" if a.vetoed else "", a.get_state_display()] for a in rows]
        try:
            return exports.export_tables(request, [{"title": str(rubric)[:31], "headers": headers, "rows": table}],
                                         fmt, f"assessment-ranking-{rubric.year}", region_code=rubric.region_code)
        except ValidationFailed as exc:
            return render(request, "assessment/ranking.html", {
                "title": _("Ranking"), "rubric": rubric, "rows": rows,
                "errors": {e["field"]: e["message"] for e in exc.errors}}, status=422)
    ranks = [a.rank for a in rows]
    return render(request, "assessment/ranking.html", {
        "title": _("Ranking"), "rubric": rubric, "rows": rows,
        "tied": {r for r in ranks if ranks.count(r) > 1}})




@login_required
@require_POST
def assessment_act(request, pk: int, action: str):
    assessment = get_for_page(request, Assessment, pk)
    post = request.POST
    payload: dict = {"reason": post.get("reason", "")}
    if action == "appeal":
        payload["items"] = [int(v) for v in post.getlist("items") if v.isdigit()]
    elif action == "decide":
        decisions = []
        for key in post:
            if key.startswith("outcome_") and key[8:].isdigit():
                pk_item = int(key[8:])
                decisions.append({"item": pk_item, "outcome": post[key], "score": post.get(f"score_{pk_item}"),
                                  "reason": post.get(f"reason_{pk_item}", "")})
        payload["decisions"] = decisions
    try:
        services.act(request.user, assessment, action, payload)
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("assessment_detail", pk=assessment.pk)


@login_required
@require_POST
def assess_item(request, pk: int):
    row = get_for_page(request, AssessmentItem, pk, "change")
    form = forms.AssessItemForm(request.POST, request.FILES)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
    data.setdefault("reason", request.POST.get("reason", ""))
    try:
        services.assess_item(request.user, row, data, form.cleaned_data.get("file"))
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Item scored."))
    return redirect("assessment_detail", pk=row.assessment_id)

