"""Models of disasters, one module per area; each area appends its import below."""
# ruff: noqa: I001  (each area appends its block; the blocks keep their order)
# --- disaster reports ---
# --- forest fire and geological hazards (issue 16 §2, §3) ---
from .forest import (  # noqa: E402,F401
    FirePermit,
    FireViolation,
    ForestArea,
    ForestCheckpoint,
    ForestFire,
    ForestFireEvent,
    ForestPatrol,
)
from .geo import EarthquakeReport, GeoHazardPoint, GeoPatrol  # noqa: E402,F401
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

# --- flood checks (汛前大排查) ---
from .flood_checks import FloodCheckRecord, FloodCheckRound  # noqa: E402,F401

# --- risk census (自然灾害综合风险普查) ---
from .census import CensusBody, HazardSource, RiskZone  # noqa: E402,F401
