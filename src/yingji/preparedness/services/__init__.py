"""Services of preparedness (the only writers), one module per area."""

# --- training and exams ---
from . import exams, training  # noqa: E402,F401
