"""API v1 of preparedness; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["preparedness"])

# --- publicity and the statistics frame (api_publicity.py) ---
from . import api_publicity  # noqa: E402

router.add_router("", api_publicity.router)

# --- drills ---
from .api_drills import router as drills_router  # noqa: E402

router.add_router("", drills_router)

# --- training and exams ---
from . import training_api  # noqa: E402

router.add_router("", training_api.router)

# --- officers' training days (api_officer_training.py) ---
from . import api_officer_training  # noqa: E402

router.add_router("", api_officer_training.router)

# --- the exams' time allowed (api_exam_time.py) ---
from . import api_exam_time  # noqa: E402

router.add_router("", api_exam_time.router)

# --- plans (api_plans.py) ---
from . import api_plans  # noqa: E402

router.add_router("", api_plans.router)
