"""API v1 of the enforcement officers' training days of a year (mounted on the preparedness router):

- ``GET /preparedness/officer-training?year=``: each active officer in your jurisdiction with the training days of
  the year, the days of them from training sessions, the ten required, the days owed and whether they are met.
"""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Query, Router

from yingji.core import policy
from yingji.core.api_support import ERRORS, Schema

from . import statistics_sections

router = Router()
TAGS = ["preparedness"]


class PreparednessOfficerTrainingParams(Schema):
    year: int | None = Field(None, ge=1900, le=2100)


class PreparednessOfficerTrainingOut(Schema):
    officer_id: int
    name: str
    region_code: str
    year: int
    days: Decimal
    session_days: Decimal
    required: Decimal
    owed: Decimal
    compliant: bool


@router.get("/preparedness/officer-training", response={200: list[PreparednessOfficerTrainingOut], **ERRORS},
            tags=TAGS, summary="Enforcement officers' training days of a year against the ten required")
def preparedness_officer_training(request, params: Query[PreparednessOfficerTrainingParams]):
    from django.utils import timezone

    from yingji.enforcement.models import Officer

    policy.require(request.auth, "view", Officer)
    return statistics_sections.officer_training_days(request.auth, params.year or timezone.localdate().year)
