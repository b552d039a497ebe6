"""API v1 of preparedness; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["preparedness"])

# --- training and exams ---
from . import training_api  # noqa: E402

router.add_router("", training_api.router)
