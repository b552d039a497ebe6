"""API v1 of publicity activities and of the preparedness statistics (mounted on the preparedness router):

- ``/preparedness/publicity``: list (the page's filters), get, create, PATCH (CRUD through ``core.crud``);
  ``GET|POST /preparedness/publicity/{id}/photos`` (multipart ``file``: JPEG, PNG or WebP);
- ``GET /preparedness/statistics?year=&region_code=&industry=&section=``: ``{year, sections: [{key, title,
  figures: [{label, value}], tables: [{title, headers, rows}]}]}`` for the sections the caller may see.
"""

from __future__ import annotations

import datetime

from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile

from yingji.core.api_support import ERRORS, Date, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output, patch_of

from . import statistics, surfaces_publicity
from .services import publicity as services

router = Router(tags=["preparedness"])
TAGS = ["preparedness"]


class MediaItem(InSchema):
    outlet: ShortText(100, 1)
    title: ShortText(200, 1)
    link: ShortText(500) = ""
    date: Date | None = None


class MediaItemOut(Schema):
    outlet: str
    title: str
    link: str
    date: str


class PhotoOut(Schema):
    id: int
    name: str
    url: str
    uploaded_at: datetime.datetime


class PublicityActivityOut(Schema):
    id: int
    title: str
    kind: str
    held_on: datetime.date
    place: str
    region_code: str
    organiser_id: int
    organiser_name: str
    co_organisers: str
    audience: str
    participants: int
    materials_count: int
    materials_kinds: str
    industry_division: str
    description: str
    media: list[MediaItemOut]
    photos: list[PhotoOut] = []


class PublicityActivityIn(InSchema):
    title: ShortText(200, 1)
    kind: ShortText(24, 1)
    held_on: Date
    place: ShortText(200, 1)
    region_code: ShortText(12, 6)
    organiser: Id
    co_organisers: ShortText(300) = ""
    audience: ShortText(200, 1)
    participants: int = Field(ge=0, le=10_000_000)
    materials_count: int = Field(0, ge=0, le=100_000_000)
    materials_kinds: ShortText(300) = ""
    industry_division: ShortText(2) = ""
    description: ShortText(5000) = ""
    media: list[MediaItem] = Field(default_factory=list, max_length=services.MAX_MEDIA)


PublicityActivityPatch = patch_of(PublicityActivityIn, "PublicityActivityPatch")


def _photo(attachment) -> dict:
    from django.urls import reverse

    return {"id": attachment.pk, "name": attachment.original_name, "uploaded_at": attachment.uploaded_at,
            "url": reverse("attachment_download", args=[attachment.pk])}


activities = (
    Crud(router, surfaces_publicity.ACTIVITIES, "/preparedness/publicity", out=PublicityActivityOut,
         module=__name__, tags=TAGS, in_schema=PublicityActivityIn, patch_schema=PublicityActivityPatch,
         output=Output(PublicityActivityOut, resolvers={"organiser_name": lambda a: a.organiser.name,
                                                        "photos": lambda a: [_photo(p) for p in
                                                                             services.photos(a)]},
                       detail_only=("photos",)))
    .list("list_publicity_activities", summary="Publicity activities (宣传教育) you may see")
    .create("create_publicity_activity", summary="Record a publicity activity of your jurisdiction",
            write=lambda user, payload: services.create_activity(user, payload.model_dump()))
    .get("get_publicity_activity")
    .update("update_publicity_activity", summary="Correct a publicity activity (the fields given; media: the whole "
                                                "list)")
)


@router.get("/preparedness/publicity/{id}/photos", response={200: list[PhotoOut], **ERRORS}, tags=TAGS,
            summary="Photos of a publicity activity")
def list_publicity_photos(request, id: Id):
    activity = surfaces_publicity.ACTIVITIES.get(request.auth, id)
    return [_photo(p) for p in services.photos(activity)]


@router.post("/preparedness/publicity/{id}/photos", response={201: PhotoOut, **ERRORS}, tags=TAGS,
             summary="Attach a photo (multipart: file; JPEG, PNG or WebP)")
def add_publicity_photo(request, id: Id, file: File[UploadedFile]):
    activity = surfaces_publicity.ACTIVITIES.get(request.auth, id)
    return Status(201, _photo(services.add_photo(request.auth, activity, file)))


# --- the statistics frame --------------------------------------------------------------------------------------


class FigureOut(Schema):
    label: str
    value: int | float | str | None


class TableOut(Schema):
    title: str
    headers: list[str]
    rows: list[list[int | float | str | None]]
    summary_rows: int = 0


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]
    tables: list[TableOut]


class PreparednessStatisticsOut(Schema):
    year: int
    region_code: str
    industry: str
    sections: list[SectionOut]


class StatisticsParams(Schema):
    year: str | None = Field(None, description="The year (default: this year)")
    region_code: str | None = Field(None, description="A township or village code of your jurisdiction")
    industry: str | None = Field(None, description="A GB/T 4754 section letter or division code")
    section: str | None = Field(None, description="Only this section (its key)")


@router.get("/preparedness/statistics", response={200: PreparednessStatisticsOut, **ERRORS}, tags=TAGS,
            summary="Preparedness statistics of a year, by section (scoped to your jurisdiction)")
def preparedness_statistics(request, params: Query[StatisticsParams]):
    return statistics.compute(request.auth, params.year, params.region_code, params.industry, only=params.section)
