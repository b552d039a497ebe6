"""The declared surfaces of disaster relief: the standards, the applications (with their workflow, objections and
timeline on the detail page) and the disbursements. Identity numbers and phones are masked for roles without the
personal-data grant, in the lists, the exports, the detail pages and the API alike."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import EMPTY, Badge, Column, Phone, Region, Surface, View, When, _Computed, register
from yingji.standards import relief as rules

from . import filters_relief as filters
from . import forms_relief as forms
from .choices_relief import ApplicationState, HouseDamage, ReliefKind
from .models.relief import ReliefApplication, ReliefDisbursement, ReliefStandard
from .services import relief as services


class IdNumber(Phone):
    """A citizen identity number: full for roles granted ``view_pii`` (audited like a phone), masked otherwise."""

    def text(self, obj, view: View):
        value = self.value(obj)
        if not value:
            return EMPTY
        return value if view.reveal else rules.mask_id_number(value)

    def html(self, obj, view: View):
        return self.text(obj, view)

    def export_columns(self, view: View):
        if not self.export:
            return []
        if view.reveal:
            return [(self.name, self.export_label)]
        return [(_Computed(lambda obj: rules.mask_id_number(self.value(obj) or "")), self.export_label)]


STANDARDS = Surface(
    model=ReliefStandard, prefix="relief_standard", title=_l("Relief standards"), singular=_l("Relief standard"),
    export_name="relief-standards",
    subtitle=_l("The county's relief amounts per year and kind; unverified figures are marked so."),
    filterset=filters.ReliefStandardFilterSet, form=forms.ReliefStandardForm,
    create=services.create_standard, update=services.update_standard,
    create_title=_l("New relief standard"), edit_title=_l("Edit relief standard"),
    columns=[
        Column("year", _l("Year"), link="self"), Badge("kind", _l("Relief kind"), ReliefKind),
        Region(), Column("per_person", _l("Amount per person (yuan)")),
        Column("per_household", _l("Amount per household (yuan)")), Column("unit", _l("How the amount applies")),
        Column("source", _l("Source"), table=False), Column("verified", _l("Verified")),
    ],
)


def _application_detail(request, app, view) -> dict:
    return {
        "transitions": services.WORKFLOW.available(app, request.user),
        "act_url": reverse("relief_application_act", args=[app.pk]),
        "objection_url": reverse("relief_objection_add", args=[app.pk]),
        "objections": list(app.objections.all()),
        "can_object": app.state == ApplicationState.NOTICE and policy.can(request.user, "change", app),
        "events": list(app.events.select_related("actor")),
        "disbursement": ReliefDisbursement.objects.filter(application=app).select_related(
            "batch__item", "batch__warehouse").first(),
        "batches": _batches(request.user) if app.state == ApplicationState.APPROVED else [],
        "state_labels": dict(ApplicationState.choices()),
    }


def _batches(user):
    from yingji.resources.models import StockBatch

    return list(StockBatch.objects.for_user(user).filter(quantity__gt=0).select_related("item", "warehouse")
                .order_by("warehouse__name", "item__name")[:200])


APPLICATIONS = Surface(
    model=ReliefApplication, prefix="relief_application", title=_l("Relief applications"),
    singular=_l("Relief application"), export_name="relief-applications",
    subtitle=_l("Households' applications for disaster relief: township review, public notice, county approval and "
                "disbursement."),
    filterset=filters.ReliefApplicationFilterSet, form=forms.ReliefApplicationForm,
    create=services.create_application, update=services.update_application,
    create_title=_l("New relief application"), edit_title=_l("Edit relief application"),
    queryset=lambda: ReliefApplication.objects.select_related("event", "household"),
    columns=[
        Column("head_name", _l("Head of household"), link="self"),
        IdNumber("id_number", _l("Identity number")),
        Badge("kind", _l("Relief kind"), ReliefKind), Region(label=_l("Village")),
        Column("event", _l("Disaster event"), link="event", export_path="event.title"),
        Phone("phone", _l("Phone"), table=False), Column("address", _l("Address"), table=False),
        Column("members", _l("Household members")), Badge("damage", _l("House damage"), HouseDamage),
        Column("need", _l("Need"), table=False), Column("units", _l("Days or months of living relief"), table=False),
        Column("amount", _l("Amount (yuan)")), Badge("state", _l("State"), ApplicationState),
        Column("notice_from", _l("Public notice from"), table=False),
        Column("notice_until", _l("Public notice until"), table=False),
        Column("note", _l("Note"), table=False), When("created_at", _l("Created"), table=False),
    ],
    list_context=lambda request: {"links": [(reverse("relief_standard_list"), _l("Relief standards")),
                                            (reverse("relief_disbursement_list"), _l("Relief disbursements")),
                                            (reverse("relief_public_notice_index"), _l("Public notice"))]},
    detail_template="disasters/relief_application_detail.html", detail_context=_application_detail,
)

DISBURSEMENTS = Surface(
    model=ReliefDisbursement, prefix="relief_disbursement", title=_l("Relief disbursements"),
    singular=_l("Relief disbursement"), export_name="relief-disbursements",
    subtitle=_l("Funds and goods handed to households, each household at most once per kind and event."),
    filterset=filters.ReliefDisbursementFilterSet,
    queryset=lambda: ReliefDisbursement.objects.select_related("application", "event", "batch__item",
                                                               "batch__warehouse"),
    pii_model=ReliefApplication,
    columns=[
        Column("application", _l("Relief application"), link="application", export_path="application.head_name"),
        IdNumber("id_number", _l("Identity number")),
        Badge("kind", _l("Relief kind"), ReliefKind), Region(label=_l("Village")),
        Column("event", _l("Disaster event"), link="event", export_path="event.title"),
        Column("funds", _l("Funds (yuan)")),
        Column("batch", _l("Goods batch"), export_path="batch.item.name"),
        Column("quantity", _l("Goods quantity")),
        When("paid_at", pgettext_lazy("relief", "Disbursed")), Column("note", _l("Note"), table=False),
    ],
)



def register_all() -> None:
    register(STANDARDS, APPLICATIONS, DISBURSEMENTS)
