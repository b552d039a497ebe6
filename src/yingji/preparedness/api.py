"""API v1 of preparedness; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["preparedness"])

# --- drills ---
from .api_drills import router as drills_router  # noqa: E402

router.add_router("", drills_router)
