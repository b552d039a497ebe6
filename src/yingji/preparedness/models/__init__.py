"""Models of preparedness, one module per area; each area appends its import below."""

# --- publicity ---
# --- drills ---
from .drills import Drill, DrillPlan, DrillProblem, DrillProblemEvent  # noqa: E402,F401
from .publicity import PublicityActivity, PublicityKind  # noqa: E402,F401
