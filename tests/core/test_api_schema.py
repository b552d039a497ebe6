"""The API's schema base (a dict fast path beside ninja's DjangoGetter) and its orjson renderer answer exactly what
ninja's own would."""

from __future__ import annotations

import ast
import datetime
import json
import uuid
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import ninja
import pytest
from django.utils.translation import gettext_lazy
from ninja.renderers import JSONRenderer as NinjaRenderer
from pydantic import ValidationError

from yingji.core.api_support import InSchema, JSONRenderer, Schema

SRC = Path(__file__).resolve().parents[2] / "src" / "yingji"


class _Item(Schema):
    id: int
    name: str
    at: datetime.datetime | None
    tags: list[str] = []


class _Page(Schema):
    count: int
    items: list[_Item]


class _NinjaItem(ninja.Schema):
    id: int
    name: str
    at: datetime.datetime | None
    tags: list[str] = []


class _NinjaPage(ninja.Schema):
    count: int
    items: list[_NinjaItem]


@pytest.fixture
def getters(monkeypatch):
    """The objects the project base wraps in ninja's DjangoGetter (the slow way)."""
    from ninja.schema import DjangoGetter

    from yingji.core import api_support

    wrapped = []

    def spy(obj, *args):
        wrapped.append(obj)
        return DjangoGetter(obj, *args)

    monkeypatch.setattr(api_support, "DjangoGetter", spy)
    return wrapped


def test_a_dict_page_validates_as_ninja_validates_it(getters):
    at = datetime.datetime(2026, 12, 6, 8, 30, 1, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    data = {"count": 2, "items": [{"id": 1, "name": "甲", "at": at, "tags": ["a"]},
                                  {"id": "2", "name": "乙", "at": None}]}
    assert _Page.model_validate(data).model_dump() == _NinjaPage.model_validate(data).model_dump()
    assert _Page.model_validate(data).items[1].id == 2
    assert getters == []  # plain dicts never took the slow way


def test_a_value_only_the_django_getter_converts_still_validates(demo_county, getters):
    from yingji.core.models import Region

    codes = Region.objects.filter(level="township").values_list("code", flat=True)
    data = {"id": 1, "name": "x", "at": None, "tags": codes}  # a queryset where a list is declared
    assert _Item.model_validate(data).tags == list(codes) == _NinjaItem.model_validate(data).tags
    assert len(codes) > 1 and getters == []  # pydantic itself takes an iterable for a list
    data = {"id": 1, "name": lambda: "计算的名称", "at": None}  # a callable: ninja's getter calls it
    assert _Item.model_validate(data).name == "计算的名称" == _NinjaItem.model_validate(data).name
    assert getters == [data]  # refused as a plain dict, then read through the getter


def test_model_instances_go_the_django_getter_way(demo_county):
    from yingji.core.models import Region

    class RegionOut(Schema):
        code: str
        name: str

    region = Region.objects.filter(level="township").first()
    assert RegionOut.model_validate(region).model_dump() == {"code": region.code, "name": region.name}


def test_invalid_dicts_are_refused_with_the_same_errors():
    data = {"count": 1, "items": [{"id": "x", "name": None}]}
    with pytest.raises(ValidationError) as ours:
        _Page.model_validate(data)
    with pytest.raises(ValidationError) as theirs:
        _NinjaPage.model_validate(data)
    assert [(e["loc"], e["type"]) for e in ours.value.errors()] == \
        [(e["loc"], e["type"]) for e in theirs.value.errors()]
    assert {e["loc"] for e in ours.value.errors()} == {("items", 0, "id"), ("items", 0, "name"), ("items", 0, "at")}


def test_request_schemas_still_refuse_unknown_fields():
    class Body(InSchema):
        name: str

    with pytest.raises(ValidationError) as exc:
        Body.model_validate({"name": "a", "nmae": "b"})
    assert [e["type"] for e in exc.value.errors()] == ["extra_forbidden"]


def test_the_renderer_writes_what_ninjas_renderer_means_with_the_same_text_per_value():
    data = {
        "utc": datetime.datetime(2026, 12, 6, 0, 0, 1, 987654, tzinfo=datetime.UTC),
        "local": datetime.datetime(2026, 12, 6, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        "day": datetime.date(2026, 12, 6), "clock": datetime.time(8, 30),
        "money": Decimal("12.50"), "lazy": gettext_lazy("Regions"), "id": uuid.UUID(int=7),
        "text": "汝州市应急管理局", 3: "int key", "nested": [{"n": 1.5, "b": True, "none": None}],
    }
    ours = JSONRenderer().render(None, data, response_status=200)
    theirs = NinjaRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == json.loads(theirs)
    decoded = json.loads(ours)
    assert decoded["utc"] == "2026-12-06T00:00:01.987Z" and decoded["local"] == "2026-12-06T08:00:00+08:00"
    assert decoded["money"] == "12.50" and decoded["3"] == "int key"
    assert "汝州市应急管理局".encode() in ours  # UTF-8, not \u escapes


def test_what_orjson_cannot_write_is_written_by_the_standard_encoder():
    data = {"sum": 2**70, "text": "汝州"}  # a sum of 64-bit columns may pass 64 bits
    ours = JSONRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == {"sum": 2**70, "text": "汝州"} == json.loads(
        NinjaRenderer().render(None, data, response_status=200))


def test_every_api_schema_derives_from_the_project_base():
    """A module importing ninja's Schema would skip the fast path (and the renderer's checks above)."""
    offenders, users = [], 0
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("ninja", "ninja.schema") and \
                    any(a.name == "Schema" for a in node.names) and path.name != "api_support.py":
                offenders.append(str(path.relative_to(SRC)))
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("api_support") and \
                    any(a.name == "Schema" for a in node.names):
                users += 1
    assert offenders == [] and users > 20
    from yingji.api import api

    assert isinstance(api.renderer, JSONRenderer)
