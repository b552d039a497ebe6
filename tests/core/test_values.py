"""The request-side value rules of core.values, their property tests, and each place they guard: API bodies (date
range, naive date-times, unknown fields, phones, huge numbers), forms and FilterSets, the daily report, the
accident-grade tool, readings over HTTP and MQTT, the Excel imports."""

from __future__ import annotations

import copy
import datetime
import json
import string
from typing import Annotated, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

import django_filters
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from tests.conftest import assert_error_shape
from yingji.core import values
from yingji.core.api_support import Date, DateTime, InSchema, Phone
from yingji.core.forms import PhoneField
from yingji.duty.models import DutyLogEntry
from yingji.monitoring import mqtt
from yingji.monitoring import services as monitoring

LOW, HIGH = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)
COUNTY_TZ = ZoneInfo("Asia/Shanghai")
MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
LANDLINES = st.from_regex(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?", fullmatch=True)
quick = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


class Probe(InSchema):
    day: Date | None = None
    moment: DateTime | None = None
    phone: Phone = ""
    count: int = 0
    tags: list[str] = []
    extra: dict | None = None


# --- the rules ---------------------------------------------------------------------------------------------------


@quick
@given(st.dates())
def test_a_date_is_accepted_exactly_when_within_the_range(day):
    if LOW <= day <= HIGH:
        assert values.check_date(day) == day
    else:
        with pytest.raises(values.ValueRejected, match="1900-01-01"):
            values.check_date(day)


@quick
@given(st.datetimes(), st.one_of(st.none(), st.timezones()))
def test_any_datetime_is_either_rejected_or_made_aware_never_overflows(moment, zone):
    moment = moment.replace(tzinfo=zone) if zone is not None else moment
    try:
        checked = values.check_datetime(moment)
    except values.ValueRejected:
        assert not LOW <= moment.date() <= HIGH
        return
    assert LOW <= moment.date() <= HIGH
    assert timezone.is_aware(checked)
    checked.astimezone(datetime.UTC)  # representable in UTC: storable by both databases
    if zone is None:  # read in the county's time zone: same wall-clock time there
        assert checked.astimezone(COUNTY_TZ).replace(tzinfo=None) == moment
    else:
        assert checked == moment


@quick
@given(st.integers())
def test_integers_must_fit_a_64_bit_column(number):
    if -(2**63) <= number < 2**63:
        assert values.check_int(number) == number
    else:
        with pytest.raises(values.ValueRejected):
            values.check_int(number)


@quick
@given(st.one_of(MOBILES, LANDLINES))
def test_mobiles_and_landlines_with_area_code_are_phones(phone):
    assert values.check_phone(f" {phone} ") == phone
    values.validate_phone(phone)


@quick
@given(st.text(min_size=1, max_size=40).filter(lambda t: any(c not in string.digits + "-" for c in t.strip())))
def test_text_with_anything_but_digits_and_hyphens_is_not_a_phone(text):
    with pytest.raises(values.ValueRejected):
        values.check_phone(text)
    with pytest.raises(ValidationError):
        values.validate_phone(text)


def test_the_range_is_a_setting():
    with override_settings(YINGJI_DATE_RANGE=("2000-01-01", "2030-12-31")):
        assert values.date_bounds() == (datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))
        with pytest.raises(values.ValueRejected, match="2030-12-31"):
            values.check_date(datetime.date(2031, 1, 1))
    assert values.check_date(datetime.date(2031, 1, 1))


# --- the API types and the InSchema base ---------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=5), children, max_size=4), max_leaves=12)


@quick
@given(st.dictionaries(st.sampled_from(["day", "moment", "phone", "count", "tags", "extra", "other"]), JSON))
def test_any_json_body_validates_or_is_a_field_error(body):
    try:
        Probe.model_validate(body)
    except PydanticValidationError as exc:
        assert all(error["loc"] for error in exc.errors())


def test_in_schema_refuses_unknown_fields_surrogates_huge_ints_and_reads_naive_times_locally():
    def fields(body):
        with pytest.raises(PydanticValidationError) as info:
            Probe.model_validate(body)
        return {e["loc"][0] for e in info.value.errors()}

    assert fields({"colour": "red"}) == {"colour"}
    assert fields({"tags": ["ok", "\ud800"]}) == {"tags"}
    assert fields({"extra": {"deep": ["x\udfff"]}}) == {"extra"}
    assert fields({"count": 2**63}) == {"count"}
    assert fields({"day": "0001-01-01", "moment": "9999-12-31T23:59:59Z"}) == {"day", "moment"}
    assert fields({"phone": "call me"}) == {"phone"}
    probe = Probe.model_validate({"moment": "2026-06-01T08:00:00"})
    assert probe.moment == datetime.datetime(2026, 6, 1, 8, tzinfo=COUNTY_TZ)


def test_response_schemas_keep_accepting_extra_attributes():
    from yingji.core.api import RegionOut

    assert RegionOut.model_config.get("extra") != "forbid"
    from yingji.api import api

    document = api.get_openapi_schema(path_prefix="/api/v1")
    refs = [op["requestBody"]["content"]["application/json"]["schema"]
            for methods in document["paths"].values() for op in methods.values()
            if "application/json" in op.get("requestBody", {}).get("content", {})]
    bodies = {ref["$ref"].rsplit("/", 1)[1] for ref in refs if "$ref" in ref}  # the rest: readings, a raw array
    schemas = document["components"]["schemas"]
    assert bodies and all(schemas[name].get("additionalProperties") is False for name in bodies
                          if schemas[name].get("type") == "object"), bodies
    assert not any(schemas[name].get("additionalProperties") is False for name in schemas
                   if name.endswith("Out") or name.endswith("Page"))


def _bare_dates(annotation, wrapped: bool = False) -> list:
    """The date/datetime types in ``annotation`` not wrapped in an Annotated carrying a core.values check."""
    if annotation in (datetime.date, datetime.datetime):
        return [] if wrapped else [annotation]
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        checks = {getattr(m, "func", None) for m in metadata}
        return _bare_dates(base, wrapped or bool(checks & {values.check_date, values.check_datetime}))
    return [bare for arg in get_args(annotation) for bare in _bare_dates(arg, wrapped)]


def test_every_input_schema_uses_the_checked_date_types():
    import yingji.api  # noqa: F401  (imports every router and its schemas)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    assert _bare_dates(datetime.datetime | None) and _bare_dates(list[datetime.date])
    assert not _bare_dates(DateTime | None) and not _bare_dates(list[Date])
    schemas = list(subclasses(InSchema))
    assert len(schemas) > 50
    offenders = {f"{cls.__module__}.{cls.__name__}.{name}"
                 for cls in schemas for name, hint in get_type_hints(cls, include_extras=True).items()
                 if name in cls.model_fields and _bare_dates(hint)}
    assert not offenders


# --- forms and FilterSets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", [forms.DateField(), forms.DateTimeField(), django_filters.DateFilter().field,
                                   django_filters.DateTimeFilter().field, django_filters.IsoDateTimeFilter().field])
@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_every_date_form_field_refuses_dates_out_of_range(field, text):
    with pytest.raises(ValidationError):
        field.clean(text)


@pytest.mark.parametrize("field", [forms.IntegerField(), forms.DecimalField(), django_filters.NumberFilter().field])
def test_every_number_form_field_refuses_what_no_column_holds(field):
    with pytest.raises(ValidationError):
        field.clean("9" * 20)
    assert field.clean("42") == 42


def test_model_choice_fields_refuse_ids_beyond_64_bits(demo_county):
    from yingji.core.models import Organisation

    for field in (forms.ModelChoiceField(queryset=Organisation.objects.all()),
                  forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())):
        for value in ("9" * 20, "-" + "9" * 20):
            with pytest.raises(ValidationError):
                field.clean([value] if isinstance(field, forms.ModelMultipleChoiceField) else value)
    first = Organisation.objects.order_by("pk").first()
    assert forms.ModelChoiceField(queryset=Organisation.objects.all()).clean(str(first.pk)) == first


def _classes(module_name: str, base: type) -> list[type]:
    import importlib
    import inspect

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yingji."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.{module_name}")
        except ModuleNotFoundError:
            continue
        found += [c for _n, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, base) and c.__module__ == module.__name__]
    return found


def test_every_date_and_number_field_of_every_form_and_filterset_carries_the_checks():
    checked = 0
    fields = [(f"{form.__name__}.{name}", field) for form in _classes("forms", forms.BaseForm)
              for name, field in form.base_fields.items()]
    # A copy of each declared filter: ``Filter.field`` is built once and kept on the filter, and every FilterSet
    # deep-copies its class's filters, so building it on the class's own would freeze the widget and choices that
    # FilterSet.__init__ sets per request (yes/no selects, the account's region choices) for the rest of the process.
    fields += [(f"{fs.__name__}.{name}", copy.deepcopy(flt).field)
               for fs in _classes("filters", django_filters.FilterSet)
               for name, flt in fs.base_filters.items()
               if not isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter)]
    for label, field in fields:
        expected = {forms.DateTimeField: values.validate_datetime, forms.DateField: values.validate_date,
                    forms.IntegerField: values.validate_int, forms.DecimalField: values.validate_int}
        for kind, validator in expected.items():
            if isinstance(field, kind):
                assert validator in field.validators, label
                checked += 1
                break
    assert checked >= 10


def test_phone_form_field():
    field = PhoneField(required=False)
    assert field.clean(" 0375-8123456-12 ") == "0375-8123456-12"
    assert field.clean("") == ""
    with pytest.raises(ValidationError):
        field.clean("13812345678 or 0375")


@pytest.mark.parametrize(("path", "param", "value"), [
    ("/api/v1/audit", "since", "0001-01-01"),
    ("/api/v1/audit", "until", "9999-12-31T23:59:59-12:00"),
    ("/api/v1/incidents", "occurred_after", "0001-01-01"),
    ("/api/v1/duty/log", "since", "0001-01-01"),
    ("/api/v1/licences", "enterprise", "9" * 20),
    ("/api/v1/stock", "warehouse", "-" + "9" * 20),
    ("/api/v1/team-activities", "team", "9" * 20),
    ("/api/v1/duty/reports/daily", "date", "9999-12-31"),
])
def test_filters_answer_422_naming_the_parameter(api, path, param, value):
    body = assert_error_shape(api("admin").get(path, **{param: value}), 422)
    assert [e["field"] for e in body["errors"]] == [param]


def test_list_pages_with_far_dates_in_filters_are_not_server_errors(web):
    client = web("admin")
    for url in ("/audit/?since=0001-01-01", "/audit/?until=9999-12-31T23:59:59",
                "/incidents/?occurred_after=0001-01-01"):
        assert client.get(url).status_code < 500, url


# --- write paths ----------------------------------------------------------------------------------------------------


def test_duty_log_reads_a_naive_datetime_in_the_county_time_zone(api):
    client = api("duty")
    response = client.post("/api/v1/duty/log", {"source": "phone", "content": "测试来电",
                                                "received_at": "2026-01-02T08:30:00"})
    assert response.status_code == 201, response.content
    entry = DutyLogEntry.objects.get(pk=response.json()["id"])
    assert entry.received_at == datetime.datetime(2026, 1, 2, 8, 30, tzinfo=COUNTY_TZ)
    for far in ("0001-01-01T00:00:00", "9999-12-31T23:59:59Z"):
        body = assert_error_shape(client.post("/api/v1/duty/log", {"source": "phone", "content": "x",
                                                                   "received_at": far}), 422)
        assert [e["field"] for e in body["errors"]] == ["received_at"]


def test_unknown_fields_and_non_phones_are_422_naming_the_field(api):
    client = api("duty")
    body = assert_error_shape(client.post("/api/v1/duty/log", {"source": "phone", "content": "x",
                                                               "colour": "red"}), 422)
    assert [e["field"] for e in body["errors"]] == ["colour"]
    body = assert_error_shape(client.post("/api/v1/duty/log", {"source": "phone", "content": "x",
                                                               "caller_phone": "ring me"}), 422)
    assert [e["field"] for e in body["errors"]] == ["caller_phone"]
    assert not DutyLogEntry.objects.filter(content="x").exists()


def test_accident_grade_tool_with_far_dates_is_422(api):
    client = api("duty")
    for far in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59"):
        body = assert_error_shape(client.post("/api/v1/tools/accident-grade", {"deaths": 1, "occurred_at": far}),
                                  422)
        assert body["errors"][0]["field"] == "occurred_at"
    assert client.post("/api/v1/tools/accident-grade", {"deaths": 1, "occurred_at": "2026-06-01T08:00:00"}
                       ).status_code == 200


@pytest.fixture
def station(demo_county):
    from tests.monitoring.helpers import make_station

    return make_station("T-VAL", sensors=[("rain", 0, 200, True)])


def _now_text() -> str:
    return timezone.localtime().replace(microsecond=0, second=7).isoformat()


def test_readings_with_bad_sensor_year_or_surrogate_are_rejected_one_by_one(api, station):
    batch = [
        {"station": "T-VAL", "sensor": {"key": "rain"}, "ts": _now_text(), "value": 1},
        {"station": "T-VAL", "sensor": ["rain"], "ts": _now_text(), "value": 1},
        {"station": "T-VAL", "sensor": "rain", "ts": "0001-01-01T00:00:00", "value": 1},
        {"station": "T-VAL", "sensor": "rain", "ts": "9999-12-31T23:59:59+14:00", "value": 1},
        {"station": "T-VAL\ud800", "sensor": "rain", "ts": _now_text(), "value": 1},
        {"station": "T-VAL", "sensor": "rain\udfff", "ts": _now_text(), "value": 1},
        {"station": "T-VAL", "sensor": "rain", "ts": _now_text(), "value": 1, "id": "a\ud800"},
        {"station": {"nested": 1}, "sensor": "rain", "ts": _now_text(), "value": 1},
        {"station": "T-VAL", "sensor": "rain", "ts": _now_text(), "value": 2},
    ]
    response = api("admin").client.post("/api/v1/readings", data=json.dumps(batch), content_type="application/json",
                                        headers=api("admin").headers)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["accepted"] == 1
    assert [r["index"] for r in result["rejected"]] == list(range(8))


def test_mqtt_messages_with_the_same_values_are_rejected_per_reading(station):
    payload = json.dumps([{"sensor": ["rain"], "ts": _now_text(), "value": 1},
                          {"sensor": "rain", "ts": "0001-01-01T00:00:00", "value": 1},
                          {"sensor": "rain\ud800", "ts": _now_text(), "value": 1}]).encode()
    items = mqtt.items_of("yingji/readings/T-VAL", payload)
    result = monitoring.ingest(None, items)
    assert result.accepted == 0 and len(result.rejected) == 3


def test_roster_import_with_far_dates_is_a_row_error(api, demo_county):
    from tests.duty.test_roster_import import problems, upload, workbook

    data = workbook([[datetime.date(1, 1, 1), "白班", "带班领导", "duty", ""],
                     ["9999-12-31", "白班", "值班员", "duty", ""],
                     [datetime.date(2026, 6, 1), "白班", "值班员", "duty", "not a phone"]])
    found = problems(upload("admin", data))
    assert {(row, column) for row, column, _message in found} >= {(2, "A"), (3, "A"), (4, "E")}


def test_import_dates_use_the_same_range():
    """Every spreadsheet import (enterprises, resources) reads dates through the one engine."""
    from yingji.core import imports
    from yingji.enterprises import importing as enterprise_import
    from yingji.resources import importing as resource_import

    for far in ("0001年1月1日", "9999-12-31", datetime.date(1, 1, 1), datetime.date(9999, 12, 31), "0001-01-01"):
        with pytest.raises(imports.RowError):
            imports.date(far)
    assert imports.date("2027年6月30日") == datetime.date(2027, 6, 30)
    assert imports.date("2026/06/30") == datetime.date(2026, 6, 30)
    used = {c.parse for c in [*enterprise_import.COLUMNS, *resource_import.STOCK_COLUMNS]}
    assert imports.date in used


def test_pages_refuse_non_phones_with_a_message_and_write_nothing(web):
    client = web("duty")
    response = client.post("/duty/log/new/", {"source": "phone", "kind": "call", "caller_phone": "call me maybe",
                                              "content": "页面电话测试"}, follow=True)
    assert response.status_code == 200
    assert not DutyLogEntry.objects.filter(content="页面电话测试").exists()
    client.post("/duty/log/new/", {"source": "phone", "kind": "call", "caller_phone": "0375-8123456",
                                   "content": "页面电话测试"})
    assert DutyLogEntry.objects.get(content="页面电话测试").caller_phone == "0375-8123456"
