"""The declared surfaces of the pre-flood checks (汛前大排查): rounds and the checks recorded in them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, When, register

from . import filters_flood_checks as filters
from . import forms_flood_checks as forms
from .flood_check_choices import CheckResult, RoundState
from .models.flood_checks import FloodCheckRecord, FloodCheckRound
from .services import flood_checks as services


def _round_detail(request, check_round, view) -> dict:
    user = request.user
    return {"progress": services.progress(user, check_round),
            "outstanding": services.outstanding(user, check_round),
            "can_record": policy.can(user, "add", FloodCheckRecord),
            "can_press": services.may_press(user),
            "record_url": reverse("flood_check_record_new", args=[check_round.pk]),
            "bulletin_url": reverse("flood_check_bulletin", args=[check_round.pk]),
            "records_url": reverse("flood_check_record_list") + f"?round={check_round.pk}"}


ROUNDS = Surface(
    model=FloodCheckRound, prefix="flood_check_round", title=_l("Pre-flood checks"),
    singular=_l("Pre-flood check round"), export_name="pre-flood-check-rounds",
    subtitle=_l("The spring check of dikes, reservoirs and ponds, culverts, flash-flood gullies, geological hazard "
                "points and construction sites by townships and member units; every problem found is a hazard "
                "chased to zero."),
    filterset=filters.FloodCheckRoundFilterSet, form=forms.FloodCheckRoundForm,
    create=services.create_round, update=services.update_round,
    create_title=_l("New pre-flood check round"), edit_title=_l("Edit pre-flood check round"),
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Column("year", _l("Year")),
        Region(label=_l("Organised by")),
        Column("starts_on", _l("Starts")), Column("ends_on", _l("Ends")),
        Computed("state_label", _l("State"), lambda r: RoundState.label(r.state)),
        Column("rectify_days", _l("Days allowed to rectify"), table=False),
        Column("basis", _l("Basis document"), table=False),
        Column("description", _l("Aims and requirements"), table=False),
    ],
    detail_template="disasters/flood_check_round_detail.html", detail_context=_round_detail,
)

RECORDS = Surface(
    model=FloodCheckRecord, prefix="flood_check_record", title=_l("Pre-flood check records"),
    singular=_l("Pre-flood check record"), export_name="pre-flood-check-records",
    subtitle=_l("Each place checked in a round: when, by whom, and the problems found there."),
    filterset=filters.FloodCheckRecordFilterSet,
    queryset=lambda: FloodCheckRecord.objects.select_related("round", "place").prefetch_related("hazards"),
    columns=[
        Column("place", _l("Place"), link="self", export_path="place.name"),
        Computed("place_kind", _l("Kind of place"), lambda r: r.place.get_kind_display()),
        Region(label=_l("Township or village")),
        Column("round", _l("Check round"), link="round", export_path="round.title"),
        Column("checked_on", _l("Checked on")), Column("checked_by_unit", _l("Checking unit")),
        Column("checkers", _l("Checked by"), table=False), Badge("result", _l("Result"), CheckResult),
        Computed("hazard_count", _l("Hazards found"), lambda r: len(r.hazards.all())),
        Column("note", _l("What was checked"), table=False), When("recorded_at", _l("Recorded"), table=False),
    ],
    detail_template="disasters/flood_check_record_detail.html",
    detail_context=lambda request, record, view: {
        "hazards": services.record_hazards(request.user, record)},
)


def register_all() -> None:
    register(ROUNDS, RECORDS)
