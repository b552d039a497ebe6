"""API v1 of disasters; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["disasters"])

# --- zones (danger zones, households, transfers, shelter coverage) ---
from .api_zones import router as _zones_router  # noqa: E402

router.add_router("", _zones_router)
