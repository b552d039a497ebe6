"""Services of supervision and enforcement: the only writers of its tables (permission, validation, one
transaction, audit). One module per area, re-exported here so callers write ``services.make_draw(...)``:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``documents``: enforcement documents (执法文书): issuing with their numbers, corrections, the PDF.
- ``cases``: penalty cases (行政处罚案件): the workflow, deadlines, reminders and public disclosure.
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
