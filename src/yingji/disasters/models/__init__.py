"""Models of disasters, one module per area; each area appends its import below."""
# --- disaster reports ---
# --- relief (灾害救助) ---
from .relief import (  # noqa: E402,F401
    ReliefApplication,
    ReliefApplicationEvent,
    ReliefDisbursement,
    ReliefObjection,
    ReliefStandard,
)
from .reports import Casualty, DisasterEvent, DisasterReport, ReliefThreshold  # noqa: E402,F401

# --- zones (flood season: danger zones, households, transfers) ---
from .zones import DangerZone, Household, Transfer, TransferHousehold  # noqa: E402,F401
