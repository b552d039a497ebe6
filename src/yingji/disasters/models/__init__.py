"""Models of disasters, one module per area; each area appends its import below."""
# --- disaster reports ---
from .reports import Casualty, DisasterEvent, DisasterReport, ReliefThreshold  # noqa: E402,F401
