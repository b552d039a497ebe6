"""Services of supervision and enforcement: the only writers of its tables (permission, validation, one
transaction, audit). One module per area, re-exported here so callers write ``services.make_draw(...)``:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``documents``: enforcement documents (执法文书): issuing with their numbers, corrections, the PDF.
- ``cases``: penalty cases (行政处罚案件): the workflow, deadlines, reminders and public disclosure.
- ``plans``: supervision classes (分类分级) and the annual inspection plan (with the ``done_counts`` seam).
- ``campaigns``: 专项整治 / 安全生产大检查 campaigns, tasks, progress reports and findings.
- ``orders``: supervision orders (交办单 / 督办单), their workflow and escalation.
- ``inspections``: inspections in the field (planning, workflow, the exactly-once field record, findings to
  hazards).
"""

from .cases import (  # noqa: E402
    CASE_WORKFLOW,
    DEADLINES,
    available_actions,
    benchmark,
    check_deadlines,
    decision_document,
    disclosure_text,
    extend_case,
    open_case,
    publish_decision,
    transition_case,
    update_case,
)
from .documents import (  # noqa: E402
    LAYOUTS,
    correct_document,
    document_prefix,
    issue_document,
    issue_from_api,
    issuer_name,
    next_serial,
    render_pdf,
    validate_content,
)
from .inspections import (  # noqa: E402
    EXAM_QUESTIONS,
    INSPECTION_WORKFLOW,
    act_on_inspection,
    checklist_for,
    checklist_snapshot,
    exam_paper,
    field_data,
    hazard_origins,
    issue_inspection_documents,
    issued_documents,
    may_act,
    may_issue_documents,
    note_document_issued,
    officer_problems,
    paper_for_examinee,
    plan_inspection,
    record_problems,
    submit_field_record,
)
from .officers import (
    DRAW_FIELD_MESSAGES,
    MAX_SEED,
    add_training,
    canonical_inputs,
    certified_officers,
    create_officer,
    declare_recusal,
    discretion_rows,
    load_powers,
    make_draw,
    note_text,
    power_item_fields,
    tier_rows,
    update_officer,
    verify,
)

__all__ = [
    "DRAW_FIELD_MESSAGES",
    "MAX_SEED",
    "add_training",
    "canonical_inputs",
    "certified_officers",
    "create_officer",
    "declare_recusal",
    "discretion_rows",
    "load_powers",
    "make_draw",
    "note_text",
    "power_item_fields",
    "tier_rows",
    "update_officer",
    "verify",
    "LAYOUTS",
    "correct_document",
    "document_prefix",
    "issue_document",
    "issue_from_api",
    "issuer_name",
    "next_serial",
    "render_pdf",
    "validate_content",
    "CASE_WORKFLOW",
    "DEADLINES",
    "available_actions",
    "benchmark",
    "check_deadlines",
    "decision_document",
    "disclosure_text",
    "extend_case",
    "open_case",
    "publish_decision",
    "transition_case",
    "update_case",
]

from . import campaigns, orders, plans  # noqa: E402
from .campaigns import add_task, create_campaign, findings, flag_overdue_tasks, submit_report, update_campaign  # noqa: E402
from .orders import ORDER_WORKFLOW, act_on_order, escalate_overdue, issue_order  # noqa: E402
from .plans import (  # noqa: E402
    PLAN_WORKFLOW,
    act_on_plan,
    create_plan,
    done_counts,
    override_class,
    progress,
    recompute_class,
    update_plan,
)

__all__ += [
    "campaigns", "orders", "plans", "add_task", "create_campaign", "findings", "flag_overdue_tasks", "submit_report",
    "update_campaign", "ORDER_WORKFLOW", "act_on_order", "escalate_overdue", "issue_order", "PLAN_WORKFLOW",
    "act_on_plan", "create_plan", "done_counts", "override_class", "progress", "recompute_class", "update_plan",
    "EXAM_QUESTIONS",
    "INSPECTION_WORKFLOW",
    "act_on_inspection",
    "checklist_for",
    "checklist_snapshot",
    "exam_paper",
    "field_data",
    "hazard_origins",
    "issued_documents",
    "may_act",
    "note_document_issued",
    "officer_problems",
    "paper_for_examinee",
    "plan_inspection",
    "record_problems",
    "issue_inspection_documents",
    "may_issue_documents",
    "submit_field_record",
]

# --- statistics (issue 14 §7): ``services.statistics.summary(user, year, **filters)`` ---
from . import statistics  # noqa: E402,F401
