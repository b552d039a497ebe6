"""The declared surfaces of forest fire prevention (森林防灭火): forest areas, checkpoints, ranger check-ins, field
fire permits, violations and fire reports (core's generic pages and API)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core.surfaces import Badge, Column, Computed, Coordinates, Phone, Region, Surface, When, register

from . import filters_forest as filters
from . import forms_forest as forms
from .choices_forest import (
    CheckpointKind,
    FireDangerLevel,
    FireState,
    PatrolFinding,
    PermitPurpose,
    PermitState,
    ViolationKind,
)
from .models.forest import FirePermit, FireViolation, ForestArea, ForestCheckpoint, ForestFire, ForestPatrol
from .services import forest as services


def _links(request) -> dict:
    return {"links": [(reverse("forest_area_list"), _l("Forest areas")),
                      (reverse("forest_danger"), _l("Fire-danger level")),
                      (reverse("forest_checkin"), _l("Check in on patrol")),
                      (reverse("forest_patrol_list"), _l("Ranger check-ins")),
                      (reverse("fire_permit_list"), _l("Field fire permits")),
                      (reverse("fire_violation_list"), _l("Fire-source violations")),
                      (reverse("forest_fire_list"), _l("Forest fire reports"))]}


def workflow_context(workflow, act_name: str):
    def context(request, obj, view) -> dict:
        actions = [{"action": t.action, "label": t.label,
                    "url": reverse(act_name, args=[obj.pk, t.action])}
                   for t in workflow.available(obj, request.user)]
        return {"actions": actions}
    return context


def _area_detail(request, area, view) -> dict:
    return {"checkpoints": area.checkpoints.all(),
            "patrols": ForestPatrol.objects.for_user(request.user).filter(area=area)[:20],
            "fires": ForestFire.objects.for_user(request.user).filter(area=area)[:10]}


AREAS = Surface(
    model=ForestArea, prefix="forest_area", title=_l("Forest areas"), singular=_l("Forest area"),
    export_name="forest-areas",
    subtitle=_l("Forest areas with their responsible units and today's fire-danger level."),
    filterset=filters.ForestAreaFilterSet, form=forms.ForestAreaForm,
    create=services.create_area, update=services.update_area,
    create_title=_l("New forest area"), edit_title=_l("Edit forest area"),
    columns=[
        Column("name", pgettext_lazy("forest", "Name"), link="self"), Region(label=_l("Township or village")),
        Column("area_ha", _l("Area (ha)")), Column("forest_type", _l("Forest type"), table=False),
        Badge("danger_level", _l("Fire-danger level"), FireDangerLevel),
        Column("danger_reasons", _l("Raised because"), table=False), When("danger_at", _l("Level computed")),
        Column("responsible_unit", _l("Responsible unit")), Column("responsible_name", _l("Responsible person")),
        Phone("responsible_phone", _l("Responsible person's phone")), Coordinates(),
    ],
    list_context=_links, detail_template="disasters/forest_area_detail.html", detail_context=_area_detail,
)

CHECKPOINTS = Surface(
    model=ForestCheckpoint, prefix="forest_checkpoint", title=_l("Checkpoints and watchtowers"),
    singular=_l("Checkpoint"), export_name="forest-checkpoints",
    subtitle=_l("Fire checkpoints, watchtowers and mountain entrances of the forest areas."),
    filterset=filters.CheckpointFilterSet, form=forms.CheckpointForm,
    create=services.create_checkpoint, update=services.update_checkpoint,
    create_title=_l("New checkpoint"), edit_title=_l("Edit checkpoint"),
    queryset=lambda: ForestCheckpoint.objects.select_related("area"),
    columns=[
        Column("name", pgettext_lazy("checkpoint", "Name"), link="self"), Badge("kind", _l("Kind"), CheckpointKind),
        Column("area", _l("Forest area"), link="area", export_path="area.name"), Region(label=_l("Region")),
        Column("staffed_by", _l("Staffed by")), Coordinates(),
    ],
    list_context=_links,
)

PATROLS = Surface(
    model=ForestPatrol, prefix="forest_patrol", title=_l("Ranger check-ins"), singular=_l("Ranger check-in"),
    export_name="forest-patrols",
    subtitle=_l("Where and when rangers checked in on patrol, and what they found."),
    filterset=filters.PatrolFilterSet,
    queryset=lambda: ForestPatrol.objects.select_related("area", "checkpoint"),
    columns=[
        When("checked_at", _l("Checked in"), link="self"), Column("ranger_name", _l("Ranger")),
        Column("area", _l("Forest area"), link="area", export_path="area.name"),
        Column("checkpoint", _l("Checkpoint"), export_path="checkpoint.name"), Region(label=_l("Region")),
        Badge("finding", _l("Finding"), PatrolFinding), Column("note", _l("Note")), Coordinates(),
    ],
    list_context=_links,
)

PERMITS = Surface(
    model=FirePermit, prefix="fire_permit", title=_l("Field fire permits"), singular=_l("Field fire permit"),
    export_name="fire-permits",
    subtitle=_l("Applications to use fire in the field, approved or rejected by the township or the section."),
    filterset=filters.PermitFilterSet, form=forms.PermitForm,
    create=services.create_permit, update=services.update_permit,
    create_title=_l("New field fire application"), edit_title=_l("Edit field fire application"),
    queryset=lambda: FirePermit.objects.select_related("area"),
    columns=[
        Column("applicant_name", _l("Applicant"), link="self"), Phone("applicant_phone", _l("Applicant's phone")),
        Region(label=_l("Village")), Column("place", _l("Place")),
        Badge("purpose", _l("Purpose"), PermitPurpose), When("starts_at", _l("From")), When("ends_at", _l("Until")),
        Column("guards", _l("People on guard"), table=False),
        Column("safety_measures", _l("Safety measures"), table=False),
        Badge("state", _l("State"), PermitState), Column("decision_note", _l("Decision note"), table=False),
        When("decided_at", _l("Decided"), table=False),
    ],
    list_context=_links, detail_template="disasters/workflow_detail.html",
    detail_context=workflow_context(services.PERMIT_WORKFLOW, "fire_permit_act"),
)

VIOLATIONS = Surface(
    model=FireViolation, prefix="fire_violation", title=_l("Fire-source violations"),
    singular=_l("Fire-source violation"), export_name="fire-violations",
    subtitle=_l("Field fire-source violations found on patrol or reported, and how they were handled."),
    filterset=filters.ViolationFilterSet, form=forms.ViolationForm,
    create=services.create_violation, update=services.update_violation,
    create_title=_l("New violation"), edit_title=_l("Edit violation"),
    columns=[
        When("occurred_at", _l("Found at"), link="self"), Badge("kind", _l("Kind"), ViolationKind),
        Region(label=_l("Region")), Column("place", _l("Place")), Column("offender_name", _l("Offender")),
        Column("description", _l("Description"), table=False), Column("handling", _l("Handling")),
        Column("fine_yuan", _l("Fine (yuan)")),
    ],
    list_context=_links,
)


def _fire_detail(request, fire, view) -> dict:
    return {**workflow_context(services.FIRE_WORKFLOW, "forest_fire_act")(request, fire, view),
            "timeline": [{"at": e.at, "actor": e.actor, "note": e.note,
                          "from": FireState.label(e.from_state) if e.from_state else "",
                          "to": FireState.label(e.to_state) if e.to_state else ""}
                         for e in fire.events.select_related("actor")]}


FIRES = Surface(
    model=ForestFire, prefix="forest_fire", title=_l("Forest fire reports"), singular=_l("Forest fire report"),
    export_name="forest-fires",
    subtitle=_l("Fires from discovery to withdrawal: open fire, put out, under guard, forces withdrawn."),
    filterset=filters.FireFilterSet, form=forms.FireForm,
    create=services.create_fire, update=services.update_fire,
    create_title=_l("New fire report"), edit_title=_l("Edit fire report"),
    queryset=lambda: ForestFire.objects.select_related("area").prefetch_related("teams"),
    columns=[
        Column("place", _l("Place"), link="self"), Region(label=_l("Region")),
        Column("area", _l("Forest area"), link="area", export_path="area.name"),
        When("discovered_at", _l("Discovered")), Badge("state", _l("State"), FireState),
        Column("area_burned_ha", _l("Area burned (ha)")),
        Column("forest_damaged_ha", _l("Forest damaged (ha)"), table=False),
        Computed("teams_text", _l("Teams sent"), lambda f: "、".join(t.name for t in f.teams.all())),
        Column("people_sent", _l("People sent")), Column("forces_note", _l("Other forces"), table=False),
        Column("cause", _l("Cause"), table=False), Column("reported_by", _l("Reported by"), table=False),
        When("extinguished_at", _l("Put out"), table=False), When("withdrawn_at", _l("Withdrawn"), table=False),
        Coordinates(),
    ],
    list_context=_links, detail_template="disasters/workflow_detail.html", detail_context=_fire_detail,
)


def register_all() -> None:
    register(AREAS, CHECKPOINTS, PATROLS, PERMITS, VIOLATIONS, FIRES)
