"""API v1 of the enforcement statistics (issue 14 §7): ``GET /enforcement/statistics?year=&township=&industry=
&officer=`` answers :func:`services.statistics.summary` as it is; the schema below is its shape (a test checks
that every key returned is documented and every documented key returned)."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Router

from yingji.core.api_support import ERRORS, Schema

from .services import statistics

router = Router(tags=["enforcement"])
TAGS = ["enforcement"]


def _figure(name: str):
    return Field(description=statistics.FIGURES[name])


class FiguresOut(Schema):
    plan_visits: int = _figure("plan_visits")
    inspections_planned: int = _figure("inspections_planned")
    inspections_done: int = _figure("inspections_done")
    enterprises_covered: int = _figure("enterprises_covered")
    hazards_found: int = _figure("hazards_found")
    hazards_rectified: int = _figure("hazards_rectified")
    documents: int = _figure("documents")
    cases_opened: int = _figure("cases_opened")
    cases_closed: int = _figure("cases_closed")
    fines_decided: Decimal = _figure("fines_decided")
    fines_collected: Decimal = _figure("fines_collected")
    done_rate: float | None = Field(description="inspections_done / plan_visits (null without planned visits)")
    rectified_rate: float | None = Field(description="hazards_rectified / hazards_found (null without hazards)")


class RowOut(FiguresOut):
    key: str = Field(description="month number (1-12), township code, industry division code or officer id; "
                                 "empty when the record has none")
    label: str = Field(description="what the key names, in the user's language")


class DocumentKindOut(Schema):
    kind: str
    label: str
    count: int


class FiltersOut(Schema):
    township: str | None
    industry: str | None
    officer: int | None


class EnforcementStatisticsOut(Schema):
    year: int
    filters: FiltersOut
    figures: dict[str, str] = Field(description="what each figure counts")
    totals: FiguresOut
    documents_by_kind: list[DocumentKindOut]
    by_month: list[RowOut] = Field(description="all twelve months, in order")
    by_township: list[RowOut]
    by_industry: list[RowOut]
    by_officer: list[RowOut] = Field(description="plan_visits is 0 here: plans are not made per officer")


@router.get("/enforcement/statistics", response={200: EnforcementStatisticsOut, **ERRORS}, tags=TAGS,
            summary="Enforcement statistics of a year inside your jurisdiction (staff only)")
def enforcement_statistics(request, year: int, township: str | None = None, industry: str | None = None,
                           officer: int | None = None):
    return statistics.summary(request.auth, year, township=township, industry=industry, officer=officer)
