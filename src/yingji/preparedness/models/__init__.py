"""Models of preparedness, one module per area; each area appends its import below."""

# --- publicity ---
from .publicity import PublicityActivity, PublicityKind  # noqa: E402,F401
