"""API v1 of preparedness; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["preparedness"])
