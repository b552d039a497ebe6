"""API v1 of the statistics: ``GET /statistics/annual?year=YYYY[&region=CODE]`` (issue 17 §3; the annual figures
of the user's jurisdiction or a region inside it) and the figures entered by hand for years before the platform
(``/statistics/historical-figures``)."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router

from yingji.core.api import RegionCode
from yingji.core.api_support import ERRORS, InSchema, Schema, ShortText
from yingji.core.crud import Crud, patch_of

from . import annual, services, surfaces
from .choices import Indicator

router = Router(tags=["statistics"])
TAGS = ["statistics"]


class AnnualTeamsOut(Schema):
    count: int = Field(description="rescue teams on record in the region (the team list)")
    headcount: int = Field(description="sum of their headcounts")


class AnnualDrillsOut(Schema):
    count: int = Field(description="drills held in the year")
    by_kind: dict[str, int] = Field(description="by form (drill kind key)")
    by_level: dict[str, int] = Field(description="by organiser level (county, township, enterprise…)")
    participants: int


class AnnualTrainingOut(Schema):
    sessions: int = Field(description="training sessions starting in the year")
    trainees_by_kind: dict[str, int] = Field(description="distinct people who attended, by attendee kind")
    trainees: int = Field(description="distinct people who attended")


class AnnualPublicityOut(Schema):
    events: int
    participants: int
    materials: int = Field(description="materials handed out")


class AnnualInspectionsOut(Schema):
    planned: int = Field(description="visits planned in the year's approved annual inspection plans")
    done: int = Field(description="inspections recorded or closed in the year")
    scheduled: int = Field(description="inspections scheduled in the year, cancelled ones excluded")


class AnnualHazardsOut(Schema):
    found: int = Field(description="hazards found in the year")
    closed: int = Field(description="of those, closed now")
    major: int = Field(description="of those, major hazards")
    overdue: int = Field(description="of those, past their deadline now while open")


class AnnualEnforcementOut(Schema):
    cases: int = Field(description="penalty cases filed in the year")
    fines_yuan: int = Field(description="fines decided in the year, CNY (revoked decisions excluded)")


class AnnualSchemeOut(Schema):
    count: int = Field(description="incidents of the scheme that occurred in the year")
    deaths: int
    by_grade: dict[str, int] = Field(description="by grade as the scheme grades them")


class AnnualIncidentsOut(Schema):
    count: int = Field(description="incidents that occurred in the year, all categories")
    deaths: int
    by_grade: dict[str, int] = Field(description="work-safety accidents only, by accident grade (the other "
                                     "categories are graded by other rules: see by_scheme)")
    by_scheme: dict[str, AnnualSchemeOut] = Field(
        description="per grading scheme: work_safety, natural_disaster, public_health, social_security")


class AnnualWarningsOut(Schema):
    published: int = Field(description="warnings published taking effect in the year")
    recipients: int = Field(description="people reached, one per warning and person")
    confirmed: int = Field(description="of those, people who confirmed")


class AnnualAlarmsOut(Schema):
    count: int
    by_level: dict[str, int]


class AnnualSheltersOut(Schema):
    count: int
    capacity: int = Field(description="persons")


class AnnualOut(Schema):
    year: int
    region_code: str
    region_name: str
    teams: AnnualTeamsOut
    drills: AnnualDrillsOut
    training: AnnualTrainingOut
    publicity: AnnualPublicityOut
    inspections: AnnualInspectionsOut | None = Field(description="null where the user may not read enforcement records "
                                                            "or for a village")
    hazards: AnnualHazardsOut
    enforcement: AnnualEnforcementOut | None = Field(description="null as inspections")
    incidents: AnnualIncidentsOut
    warnings: AnnualWarningsOut
    alarms: AnnualAlarmsOut
    shelters: AnnualSheltersOut
    entered: dict[str, int] = Field(description="figures entered by hand for this year and region (years before "
                                                "the platform), by indicator; never added to the computed ones")


@router.get("/statistics/annual", response={200: AnnualOut, **ERRORS}, tags=TAGS,
            summary="The annual figures of your jurisdiction or a region inside it, computed from the records")
def annual_statistics(request, year: str | None = None, region: str | None = None):
    return annual.compute(request.auth, year, region)


class HistoricalFigureOut(Schema):
    id: int
    region_code: str
    year: int
    indicator: str
    value: int
    source: str
    entered_at: datetime.datetime


class HistoricalFigureIn(InSchema):
    region_code: RegionCode | None = None
    year: int = Field(ge=1990, le=2100)
    indicator: Literal[tuple(Indicator.values())]  # type: ignore[valid-type]
    value: int = Field(ge=0, le=10**12)
    source: ShortText(200) = ""


HistoricalFigurePatch = patch_of(HistoricalFigureIn, "HistoricalFigurePatch", exclude=("region_code",))

(Crud(router, surfaces.FIGURES, "/statistics/historical-figures", out=HistoricalFigureOut, module=__name__,
      tags=TAGS, in_schema=HistoricalFigureIn, patch_schema=HistoricalFigurePatch)
 .list("list_historical_figures", summary="Figures entered by hand for years before the platform")
 .get("get_historical_figure")
 .create("create_historical_figure", write=lambda user, p: services.create_figure(
     user, {k: v for k, v in p.model_dump().items() if v is not None}))
 .update("update_historical_figure"))
