"""Services of supervision and enforcement: the only writers of its tables (permission, validation, one
transaction, audit). One module per area, re-exported here so callers write ``services.make_draw(...)``:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``inspections``: inspections in the field (planning, workflow, the exactly-once field record, findings to
  hazards).
"""

from .inspections import (
    EXAM_QUESTIONS,
    INSPECTION_WORKFLOW,
    act_on_inspection,
    checklist_for,
    checklist_snapshot,
    exam_paper,
    field_data,
    hazard_origins,
    issued_documents,
    may_act,
    note_document_issued,
    officer_problems,
    paper_for_examinee,
    plan_inspection,
    record_problems,
    register_document_source,
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
    "EXAM_QUESTIONS",
    "INSPECTION_WORKFLOW",
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
    "act_on_inspection",
    "plan_inspection",
    "record_problems",
    "register_document_source",
    "submit_field_record",
]
