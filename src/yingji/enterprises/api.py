"""API v1: the enterprise registry (一企一码一档) core."""

from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from yingji.core import policy
from yingji.core.api_support import ERRORS, Id, PageParams, ShortText, apply_filters, filter_params, page_of, paginate
from yingji.core.errors import ValidationFailed

from . import services
from .choices import EnterpriseStatus
from .filters import EnterpriseFilterSet
from .models import Enterprise

router = Router(tags=["enterprises"])

Lat = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Lon = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
StatusKey = Literal[tuple(EnterpriseStatus.values())]  # type: ignore[valid-type]


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    region_code: str
    address: str
    lat: float | None
    lon: float | None
    industry: str
    legal_representative: str
    safety_manager: str
    safety_manager_phone: str
    employee_count: int | None
    status: str


class EnterpriseIn(Schema):
    name: ShortText(200, 1)
    credit_code: ShortText(18, 18)
    region_code: Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None
    industry: ShortText(100) = ""
    legal_representative: ShortText(50) = ""
    safety_manager: ShortText(50) = ""
    safety_manager_phone: ShortText(11) = ""
    employee_count: Annotated[int, Field(ge=0, le=10**7)] | None = None
    status: StatusKey = EnterpriseStatus.OPERATING


class EnterprisePatch(Schema):
    name: ShortText(200, 1) | None = None
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    industry: ShortText(100) | None = None
    legal_representative: ShortText(50) | None = None
    safety_manager: ShortText(50) | None = None
    safety_manager_phone: ShortText(11) | None = None
    employee_count: Annotated[int, Field(ge=0, le=10**7)] | None = None
    status: StatusKey | None = None


def _out(e: Enterprise) -> dict:
    return {**{f: getattr(e, f) for f in EnterpriseOut.model_fields if f not in ("lat", "lon")},
            "lat": float(e.lat) if e.lat is not None else None, "lon": float(e.lon) if e.lon is not None else None}


@router.get("/enterprises", response={200: page_of(EnterpriseOut), **ERRORS})
def list_enterprises(request, filters: Query[filter_params(EnterpriseFilterSet)], page: Query[PageParams]):
    qs = Enterprise.objects.for_user(request.auth)
    return paginate(apply_filters(EnterpriseFilterSet, request, qs), page, _out)


@router.get("/enterprises/{id}", response={200: EnterpriseOut, **ERRORS})
def get_enterprise(request, id: Id):
    return _out(policy.get_object(request.auth, Enterprise, id))


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def create_enterprise(request, payload: EnterpriseIn):
    return Status(201, _out(services.create_enterprise(request.auth, payload.model_dump())))


@router.patch("/enterprises/{id}", response={200: EnterpriseOut, **ERRORS})
def update_enterprise(request, id: Id, payload: EnterprisePatch):
    enterprise = policy.get_object(request.auth, Enterprise, id, "change")
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None and key not in ("lat", "lon", "employee_count"):
            raise ValidationFailed.from_dict({key: ["This field cannot be null"]})
    return _out(services.update_enterprise(request.auth, enterprise, data))
