"""The declared surfaces of the assessment: rubrics (with their items), rubric items and assessments."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, When, register

from . import filters, forms, presentation, services
from .choices import AppealState, AssessmentState, Grade, ItemKind, Metric, RubricState, Target, VetoEffect
from .models import Assessment, Rubric, RubricItem


def _rubric_detail(request, rubric, view):
    return presentation.rubric_detail_context(request, rubric)


def _assessment_detail(request, assessment, view):
    return presentation.assessment_detail_context(request, assessment)


def _rubric_list(request):
    return presentation.rubric_list_context(request)


RUBRICS = Surface(
    model=Rubric, prefix="rubric", title=_l("Assessment rubrics"), singular=_l("Assessment rubric"),
    export_name="assessment-rubrics",
    subtitle=_l("Each year's scoring rubric for townships or member units: items measured from records, assessed "
                "from evidence, and one-vote veto items; edited while a draft."),
    filterset=filters.RubricFilterSet, form=forms.RubricForm, create=services.create_rubric,
    update=services.update_rubric, queryset=lambda: Rubric.objects.all(),
    create_title=_l("New assessment rubric"), edit_title=_l("Edit the assessment rubric"),
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Column("year", _l("Year")),
        Badge("target", _l("Assessed units"), Target), Badge("state", _l("State"), RubricState),
        Computed("points", _l("Total points"), lambda r: r.total_points, table=False),
        Column("source", _l("Source"), table=False),
    ],
    related={"items": lambda: RubricItem.objects.all()},
    detail_template="assessment/rubric_detail.html", detail_context=_rubric_detail,
    list_template="assessment/rubric_list.html", list_context=_rubric_list,
)

RUBRIC_ITEMS = Surface(
    model=RubricItem, prefix="rubric_item", title=_l("Rubric items"), singular=_l("Rubric item"),
    export_name="rubric-items", filterset=filters.RubricItemFilterSet, form=forms.RubricItemForm,
    create=services.create_rubric_item, update=services.update_rubric_item,
    queryset=lambda: RubricItem.objects.select_related("rubric"),
    create_title=_l("New rubric item"), edit_title=_l("Edit the rubric item"),
    columns=[
        Column("name", _l("Item"), link="self"), Column("rubric", _l("Assessment rubric"), link="rubric"),
        Column("section", _l("Section")), Column("points", _l("Points")), Badge("kind", _l("Kind"), ItemKind),
        Badge("metric", _l("Metric"), Metric), Computed("rule_text", _l("Scoring rule"), presentation.rule_text),
        Badge("effect", _l("Veto effect"), VetoEffect, table=False),
        Column("evidence", _l("Evidence required"), table=False), Column("note", _l("Note"), table=False),
    ],
)

ASSESSMENTS = Surface(
    model=Assessment, prefix="assessment", title=_l("Assessments"), singular=pgettext_lazy("appraisal", "Assessment"),
    export_name="assessments",
    subtitle=_l("Each unit's annual assessment: scored from records and evidence, published with its rank, "
                "appealed and decided."),
    filterset=filters.AssessmentFilterSet,
    queryset=lambda: Assessment.objects.select_related("rubric", "organisation"),
    columns=[
        Column("organisation", _l("Assessed unit"), link="self"), Column("rubric", _l("Assessment rubric"),
                                                                         link="rubric"),
        Region(label=_l("Region")), Badge("state", _l("State"), AssessmentState),
        Column("total", _l("Total score")), Badge("grade", _l("Grade"), Grade),
        Computed("veto", _l("Vetoed"), lambda a: "是" if a.vetoed else "—"), Column("rank", _l("Rank")),
        When("published_at", pgettext_lazy("assessment", "Published"), table=False),
        Column("appeal_reason", _l("Appeal reason"), table=False),
    ],
    detail_template="assessment/assessment_detail.html", detail_context=_assessment_detail,
)




ALL = (RUBRICS, RUBRIC_ITEMS, ASSESSMENTS)
APPEAL_LABELS = dict(AppealState.choices())


def register_all() -> None:
    register(*ALL)
