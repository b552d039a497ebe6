"""The declared surfaces of dual prevention: risk points' list (table with the four-colour cards, filters, export)
and API, rendered by core's generic pages and API (``core.generic``, ``core.crud``). A risk point's detail and
form pages stay bespoke (the form maps the method's L/E/C/S inputs); hazards are a workflow."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _l

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Coordinates, Phone, Region, Surface, When, register

from . import filters, forms, services, stats
from .choices import AccidentType, ControlTier, HazardState, PlaceKind, ProgrammeStage, RiskColour, SampleState
from .models import Hazard, HazardPlace, HazardSample, ProgrammeStep, RiskPoint


def _colour_cards(request) -> dict:
    total = stats.colour_totals(RiskPoint.objects.for_user(request.user))
    return {"table_id": "yj-risk-table",
            "colour_counts": [{"colour": c, "label": RiskColour.label(c), "count": total.get(c, 0)}
                              for c in RiskColour.values()]}


RISK_POINTS = Surface(
    model=RiskPoint, prefix="risk", title=_l("Risk points"), singular=_l("Risk point"), export_name="risk-points",
    subtitle=_l("Risk points of the enterprises, graded by LEC or the LS matrix and controlled by tier."),
    filterset=filters.RiskPointFilterSet, create=services.create_risk_point, update=services.update_risk_point,
    queryset=lambda: RiskPoint.objects.select_related("enterprise"),
    columns=[
        Column("name", _l("Risk point")), Column("enterprise", _l("Enterprise"), export_path="enterprise.name"),
        Column("location", _l("Location / unit"), table=False), Badge("accident_type", _l("Hazard type"), AccidentType),
        Column("method", _l("Method")), Column("likelihood", "L", table=False), Column("exposure", "E", table=False),
        Column("consequence", "C", table=False), Column("severity", "S", table=False), Column("score", _l("Score")),
        Column("level", _l("Risk level"), table=False), Badge("colour", _l("Colour"), RiskColour),
        Badge("responsible_tier", _l("Responsible tier"), ControlTier),
        Column("responsible_person", _l("Responsible person")),
        Phone("responsible_phone", _l("Responsible person's phone"), table=False),
        Column("review_date", _l("Next review")),
    ],
    list_template="prevention/risk_list.html", list_context=_colour_cards,
)


SAMPLES = Surface(
    model=HazardSample, prefix="hazard_sample", title=_l("Sample checks"), singular=_l("Sample check"),
    export_name="hazard-sample-checks",
    subtitle=_l("Regulators' checks of the general hazards enterprises found, rectified and closed themselves: "
                "drawn by hand or each month; a failed check reopens the hazard."),
    filterset=filters.HazardSampleFilterSet,
    queryset=lambda: HazardSample.objects.select_related("hazard__enterprise", "drawn_by", "checked_by"),
    columns=[
        Column("hazard", _l("Hazard"), link="hazard", export_path="hazard.title"),
        Column("hazard.enterprise", _l("Enterprise"), link="hazard.enterprise", export_path="hazard.enterprise.name"),
        Region("hazard.region_code", label=_l("Township / village")),
        Badge("state", _l("State"), SampleState), Column("period", _l("Month sampled")),
        When("drawn_at", _l("Drawn")),
        Computed("drawer", _l("Drawn by"),
                 lambda s: str(s.drawn_by) if s.drawn_by_id else gettext("Monthly draw")),
        When("checked_at", _l("Checked")), Column("checker_name", _l("Checked by")),
        Column("note", _l("Findings of the check"), table=False),
    ],
    detail_page=False, row_url=lambda sample: reverse("hazard_detail", args=[sample.hazard_id]),
)


def _place_hazards(request, place, view) -> dict:
    """The place's hazards the viewer may see, open ones first, and whether the viewer may report one here."""
    hazards = (Hazard.objects.for_user(request.user).filter(place=place)
               .order_by("closed_at", "-found_at").only("id", "title", "state", "level", "due_at", "found_at",
                                                       "closed_at"))
    rows = list(hazards[:50])
    return {"place_hazards": rows, "open_count": sum(1 for h in rows if h.state in HazardState.OPEN),
            "can_report": policy.can(request.user, "add", Hazard),
            "report_url": reverse("hazard_report") + f"?place={place.pk}"}


PLACES = Surface(
    model=HazardPlace, prefix="hazard_place", title=_l("Hazard places"), singular=_l("Hazard place"),
    export_name="hazard-places",
    subtitle=_l("Dike sections, reservoirs, culverts, flash-flood gullies, geological hazard points, village roads, "
                "construction sites and public places no registered enterprise answers for: their hazards run the "
                "same closed loop, rectified by the responsible unit."),
    filterset=filters.HazardPlaceFilterSet, form=forms.HazardPlaceForm,
    # Counting groups the rows, which drops the model's ordering: say it again for the pages.
    queryset=lambda: HazardPlace.objects.annotate(
        open_hazards=Count("hazards", filter=Q(hazards__state__in=HazardState.OPEN)),
    ).order_by("region_code", "kind", "name"),
    create_title=_l("New hazard place"), edit_title=_l("Edit hazard place"),
    columns=[
        Column("name", _l("Name"), detail=False), Badge("kind", _l("Kind of place"), PlaceKind),
        Region(label=_l("Township / village")), Column("address", _l("Address"), table=False),
        Coordinates(), Column("responsible_unit", _l("Responsible unit")),
        Column("responsible_person", _l("Responsible person")),
        Phone("responsible_phone", _l("Responsible person's phone"), table=False),
        Column("open_hazards", _l("Open hazards"), detail=False),
        Column("note", _l("Notes"), table=False),
    ],
    detail_template="prevention/place_detail.html", detail_context=_place_hazards,
)


STEPS = Surface(
    model=ProgrammeStep, prefix="programme_step", title=_l("Pilot and demonstration enterprises"),
    singular=_l("Programme step"), export_name="dual-prevention-programme",
    subtitle=_l("Enterprises named to build the dual-prevention mechanism, as pilots or as demonstration "
                "enterprises, and when each was accepted."),
    filterset=filters.ProgrammeStepFilterSet, form=forms.ProgrammeStepForm,
    create_title=_l("Name an enterprise"), edit_title=_l("Edit programme step"),
    queryset=lambda: ProgrammeStep.objects.select_related("enterprise"),
    columns=[
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region("enterprise.region_code", label=_l("Township / village")),
        Badge("stage", _l("Programme stage"), ProgrammeStage), Column("named_on", _l("Named on")),
        Column("accepted_on", _l("Accepted on")), Column("note", _l("Notes"), table=False),
    ],
)


def register_all() -> None:
    register(RISK_POINTS, SAMPLES, PLACES, STEPS)
