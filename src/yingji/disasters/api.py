"""API v1 of disasters; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["disasters"])
