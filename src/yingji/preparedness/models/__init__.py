"""Models of preparedness, one module per area; each area appends its import below."""

# --- drills ---
from .drills import Drill, DrillPlan, DrillProblem, DrillProblemEvent  # noqa: E402,F401
