"""API v1: risk points and grading, hazards and their closed loop, the risk calculator."""

from ninja import Router

router = Router(tags=["prevention"])
