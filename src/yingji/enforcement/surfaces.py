"""The declared surfaces of supervision and enforcement: the powers list, the officers and the draws, rendered by
core's generic pages and API (``core.generic``, ``core.crud``). A draw's page is bespoke (its pairs and how to
re-run it)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, When, register

from . import filters, forms, services
from .choices import CertificateStatus, PowerKind
from .models import EnforcementItem, Officer, RandomDraw


def _with_training_days():
    year = timezone.localdate().year
    return (Officer.objects.select_related("organisation", "user")
            .annotate(days_this_year=Sum("training__days", filter=Q(training__date__year=year)))
            .order_by("name", "id"))  # an aggregate's GROUP BY drops Meta.ordering


def _days(officer) -> Decimal:
    return officer.training_days()


ITEMS = Surface(
    model=EnforcementItem, prefix="power", title=_l("Powers list"), singular=_l("Enforcement item"),
    export_name="powers-list",
    subtitle=_l("The bureau's penalty, coercion and inspection powers with their legal basis and discretion "
                "benchmarks; an adjusted item gets a new version and cases keep theirs."),
    filterset=filters.EnforcementItemFilterSet,
    columns=[
        Column("code", _l("Code"), link="self"), Column("version", _l("Version")),
        Badge("kind", _l("Kind"), PowerKind), Column("name", pgettext_lazy("power", "Name")),
        Column("basis", _l("Legal basis")), Column("in_force", _l("In force")),
        Column("effective_from", _l("Effective from"), table=False),
        Computed("acts_text", _l("Acts covered"), lambda item: "；".join(item.acts or []), table=False),
        Column("source", _l("Source"), table=False), Column("verified", _l("Verified against the legal text"),
                                                             table=False),
    ],
    detail_template="enforcement/item_detail.html",
    detail_context=lambda request, item, view: {"tiers": services.tier_rows(item),
                                                "discretion": services.discretion_rows(item),
                                                "note": services.note_text(item)},
)

OFFICERS = Surface(
    model=Officer, prefix="officer", title=_l("Enforcement officers"), singular=_l("Enforcement officer"),
    export_name="enforcement-officers",
    subtitle=_l("Certified law-enforcement officers, their certificates and this year's training days (at least "
                "ten a year)."),
    filterset=filters.OfficerFilterSet, form=forms.OfficerForm, queryset=_with_training_days,
    create=services.create_officer, update=services.update_officer,
    create_title=_l("New enforcement officer"), edit_title=_l("Edit enforcement officer"),
    columns=[
        Column("name", pgettext_lazy("person", "Name"), link="self"), Region(label=_l("Jurisdiction")),
        Column("organisation", pgettext_lazy("organisation", "Unit"), export_path="organisation.name"),
        Column("certificate_no", _l("Certificate number")), Column("certificate_expires", _l("Certificate expires")),
        Badge("certificate_badge", _l("Certificate"), CertificateStatus),
        Computed("training_days_text", _l("Training days this year"), _days),
        Computed("training_owed", _l("Training days owed"), lambda o: o.training_shortfall),
        Column("is_active", _l("Active"), table=False),
    ],
    detail_template="enforcement/officer_detail.html",
    detail_context=lambda request, officer, view: {
        "training": officer.training.all()[:50], "recusals": officer.recusals.select_related("enterprise"),
        "can_change": policy.can(request.user, "change", Officer),
        "training_form": forms.TrainingForm(user=request.user)},
)

DRAWS = Surface(
    model=RandomDraw, prefix="draw", title=_l("Random draws"), singular=_l("Random draw"),
    export_name="random-draws",
    subtitle=_l("双随机: enterprises and officers drawn at random, reproducible from the published seed."),
    filterset=filters.RandomDrawFilterSet, queryset=lambda: RandomDraw.objects.select_related("created_by"),
    list_context=lambda request: {"links": [(reverse("public_draw_list"), _l("Public page"))]},
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Region(label=_l("Drawn for")),
        Column("count", _l("Enterprises drawn")), Column("per_enterprise", _l("Officers per enterprise")),
        Column("seed", _l("Seed"), table=False), Column("input_digest", _l("Input digest"), table=False),
        Column("created_by", _l("Drawn by")), When("created_at", _l("Drawn at")),
    ],
    detail_page=True,
)


def register_all() -> None:
    register(ITEMS, OFFICERS, DRAWS)
