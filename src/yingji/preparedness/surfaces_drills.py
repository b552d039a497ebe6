"""Declared surfaces of drills: planned drills, drills, drill problems (lists, detail pages, forms, exports and
the CRUD API are drawn by core from these)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import attachments, policy
from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, register

from . import filters_drills as filters
from . import forms_drills as forms
from .choices_drills import DrillKind, OrganiserLevel, PlanType, ProblemAction, ProblemState
from .models.drills import Drill, DrillPlan, DrillProblem
from .services import drills as services


def _links(request):
    return {"links": [(reverse("drill_list"), _l("Drills")), (reverse("drill_plan_list"), _l("Drill plans")),
                      (reverse("drill_problem_list"), _l("Drill problems")),
                      (reverse("drill_compliance"), _l("Drill compliance"))]}


DRILL_PLANS = Surface(
    model=DrillPlan, prefix="drill_plan", title=_l("Drill plans"), singular=_l("Planned drill"),
    export_name="drill-plans", subtitle=_l("The drills each unit plans for the year."),
    filterset=filters.DrillPlanFilterSet, form=forms.DrillPlanForm,
    create=services.create_drill_plan, update=services.update_drill_plan,
    create_title=_l("New planned drill"), edit_title=_l("Edit planned drill"),
    # The drills held counted with the row, in a subquery (the export read each plan's drills, a query a row; a
    # grouped count would drop the model's ordering).
    queryset=lambda: DrillPlan.objects.select_related("enterprise", "emergency_plan").annotate(
        drills_held=Coalesce(Subquery(Drill.objects.filter(drill_plan=OuterRef("pk")).order_by().values(
            "drill_plan").annotate(n=Count("pk")).values("n")), 0)),
    list_context=_links,
    related={"drills": lambda: Drill.objects.order_by("-date", "-id")},
    columns=[
        Column("year", _l("Year")), Column("planned_month", _l("Planned month")),
        Column("organiser", _l("Organiser"), link="self"), Badge("organiser_level", _l("Organiser level"),
                                                                 OrganiserLevel),
        Badge("kind", _l("Form"), DrillKind), Badge("plan_type", _l("Plan type"), PlanType),
        Column("scenario", _l("Scenario")),
        Column("emergency_plan", _l("Emergency plan"), link="emergency_plan", export_path="emergency_plan.name",
               table=False),
        Computed("done", _l("Held"), lambda p: p.drills_held, table=False),
        Region(table=False), Column("notes", _l("Notes"), table=False),
    ],
)


def _drill_detail(request, drill, view):
    user = request.user
    problems = list(drill.problems.all())
    return {"problems": problems, "teams": drill.teams.all(), "equipment": drill.equipment.all(),
            "files": attachments.for_object(drill),
            "can_change": policy.can(user, "change", Drill),
            "problem_form": forms.ProblemForm(), "photo_form": forms.PhotoForm()}


DRILLS = Surface(
    model=Drill, prefix="drill", title=_l("Drills"), singular=_l("Drill"), export_name="drills",
    subtitle=_l("One record per drill, whatever the number of teams: organiser, plan exercised, participants, "
                "evaluation and the problems found."),
    filterset=filters.DrillFilterSet, form=forms.DrillForm,
    create=services.create_drill, update=services.update_drill,
    create_title=_l("Record a drill"), edit_title=_l("Edit drill"),
    queryset=lambda: Drill.objects.select_related("enterprise", "emergency_plan", "drill_plan"),
    list_context=_links,
    related={"problems": lambda: DrillProblem.objects.order_by("deadline", "id")},
    columns=[
        Column("date", _l("Date")), Column("title", pgettext_lazy("heading", "Title"), link="self"),
        Badge("organiser_level", _l("Organiser level"), OrganiserLevel), Column("organiser", _l("Organiser")),
        Badge("kind", _l("Form"), DrillKind), Badge("plan_type", _l("Plan type"), PlanType),
        Column("participants", _l("Participants")), Region(table=False),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name", table=False),
        Column("emergency_plan", _l("Emergency plan exercised"), link="emergency_plan",
               export_path="emergency_plan.name", table=False),
        Column("drill_plan", _l("Planned drill"), link="drill_plan", table=False),
        Column("place", _l("Place"), table=False), Column("scenario", _l("Scenario"), table=False),
        Column("participant_units", _l("Participating units"), table=False),
        Column("evaluation_worked", _l("Evaluation: what worked"), table=False),
        Column("evaluation_problems", _l("Evaluation: problems found"), table=False),
        Column("reported", _l("Reported to the bureau"), table=False),
    ],
    detail_template="preparedness/drill_detail.html", detail_context=_drill_detail,
)


def _problem_detail(request, problem, view):
    user = request.user
    actions = [{"action": t.action, "label": t.label}
               for t in services.PROBLEM_WORKFLOW.available(problem, user)]
    return {"events": problem.events.all(), "actions": actions,
            "action_form": forms.ProblemActionForm() if actions else None, "overdue": problem.is_overdue,
            "drill_url": reverse("drill_detail", args=[problem.drill_id]),
            "action_labels": dict(ProblemAction.choices())}


PROBLEMS = Surface(
    model=DrillProblem, prefix="drill_problem", title=_l("Drill problems"), singular=_l("Drill problem"),
    export_name="drill-problems",
    subtitle=_l("Problems the drills found, each rectified by its owner by the deadline and verified."),
    filterset=filters.DrillProblemFilterSet,
    queryset=lambda: DrillProblem.objects.select_related("drill", "enterprise"),
    list_context=_links,
    columns=[
        Column("description", _l("Problem"), link="self"), Column("drill", _l("Drill"), link="drill",
                                                                  export_path="drill.title"),
        Column("owner", _l("Owner")), Column("deadline", _l("Deadline")), Badge("state", _l("State"), ProblemState),
        Computed("overdue", _l("Overdue"), lambda p: p.is_overdue),
        Region(table=False), Column("rectification", _l("Rectification"), table=False),
        Column("verification", _l("Verification opinion"), table=False),
    ],
    detail_template="preparedness/drill_problem_detail.html", detail_context=_problem_detail,
)


def register_drills() -> None:
    register(DRILL_PLANS, DRILLS, PROBLEMS)
