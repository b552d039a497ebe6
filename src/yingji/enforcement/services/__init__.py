"""Services of supervision and enforcement: the only writers of its tables (permission, validation, one
transaction, audit). One module per area, re-exported here so callers write ``services.make_draw(...)``:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
"""

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
]
