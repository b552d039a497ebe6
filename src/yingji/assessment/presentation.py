"""What the assessment's pages show beyond the declared columns: the rule of an item in words, the rubric and
assessment pages' rows and the actions the viewer may take (read by the surfaces' detail contexts)."""

from __future__ import annotations

from yingji.core import attachments, policy

from . import forms, metrics, services
from .choices import AppealState, ItemKind, RubricState, VetoEffect
from .models import Assessment, Rubric, is_assessor


def rule_text(item) -> str:
    """The scoring rule in words (the rubric and assessment pages)."""
    rule = item.rule or {}
    if item.kind == ItemKind.VETO:
        return VetoEffect.label(item.effect) if item.effect else "—"
    if item.kind == ItemKind.ASSESSED:
        return "考核组评分"
    if rule.get("kind") == "rate":
        return f"≥{float(rule['full_at']) * 100:g}%满分，≤{float(rule['zero_at']) * 100:g}%不得分，其间按比例"
    if rule.get("kind") == "count":
        return f"应开展 {rule['target']} 次，按完成比例计分"
    if rule.get("kind") == "deduct":
        return f"每起（条）扣 {rule['per']} 分，扣完为止"
    return "—"

def rubric_list_context(request) -> dict:
    can_copy = policy.can(request.user, "add", Rubric)
    return {"copy_form": forms.CopyDefaultForm() if can_copy else None}

def rubric_detail_context(request, rubric: Rubric) -> dict:
    user = request.user
    items = [{"item": i, "rule": rule_text(i)} for i in rubric.items.all()]
    return {"rubric_items": items, "may_publish": bool(services.RUBRIC_WORKFLOW.available(rubric, user)),
            "may_open": rubric.state == RubricState.PUBLISHED and policy.can(user, "add", Assessment)}

def assessment_detail_context(request, assessment: Assessment) -> dict:
    user = request.user
    assessor = is_assessor(user)
    rows = []
    for row in assessment.items.select_related("rubric_item").order_by("rubric_item__position", "id"):
        item = row.rubric_item
        rows.append({
            "row": row, "item": item, "rule": rule_text(item),
            "definition": metrics.DEFINITIONS.get(item.metric, ""),
            "files": list(attachments.for_object(row)),
            "assessable": assessor and assessment.state == "scored" and (
                item.kind == ItemKind.ASSESSED or (item.kind == ItemKind.VETO and not item.metric)),
            "appealed": row.appeal_state == AppealState.FILED})
    actions = [{"action": t.action, "label": t.label} for t in services.WORKFLOW.available(assessment, user)]
    return {"rows": rows, "actions": actions, "item_form": forms.AssessItemForm(),
            "appeal_labels": dict(AppealState.choices())}
