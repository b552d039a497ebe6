"""``GET /api/v1/flood-situation``: the flood season's situation (防汛抗旱形势图) in the caller's scope — the
same figures as ``/disasters/situation/`` (``services.situation``)."""

from __future__ import annotations

from ninja import Field, Router

from yingji.core import policy
from yingji.core.api_support import ERRORS, Schema

from .models import DangerZone
from .services import situation

router = Router(tags=["disasters"])


class SituationRainRowOut(Schema):
    township_code: str
    township: str
    rain_mm: float | None = Field(description="mean of the township's rain stations; null without data")
    normal_mm: float
    anomaly_percent: float | None = Field(description="(rain − normal) ÷ normal × 100")
    anomaly_class: str = Field(description="much_more, more, normal, less, much_less (data file bands)")
    anomaly_label: str


class SituationRainOut(Schema):
    since: str
    until: str
    normal_mm: float
    rows: list[SituationRainRowOut]


class SituationLevelOut(Schema):
    id: int
    name: str
    code: str
    region_code: str
    level: float | None
    at: str
    warning_level: float | None
    guarantee_level: float | None
    flood_limit_level: float | None
    state: str = Field(description="over_guarantee, over_warning, over_flood_limit, normal or unknown")
    state_label: str
    margin_m: float | None = Field(description="metres above (+) or below (−) the relevant mark")


class SituationOut(Schema):
    date: str
    rain: SituationRainOut
    water_levels: list[SituationLevelOut]
    levels_over: int
    warnings: dict | None = None
    zones: dict | None = None
    transfers: dict | None = None
    shelters: dict | None = None
    teams: dict | None = None
    warehouses: int | None = None
    flood_hazards: dict | None = None


@router.get("/flood-situation", response={200: SituationOut, **ERRORS},
            summary="The flood season's situation (防汛抗旱形势图) in the caller's scope")
def flood_situation(request):
    policy.require(request.auth, "view", DangerZone)
    return situation.summary(request.auth)
