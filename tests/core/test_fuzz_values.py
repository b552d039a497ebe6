"""The values trial, over every write operation and every query and path parameter of the live OpenAPI document:
each parameter (and each body property) in turn gets the values that once answered 500 — years 0001 and 9999,
time-zone-less date-times, huge integers, NUL, lone surrogates, objects and arrays in place of scalars — and must
answer below 500. Unknown body fields must answer 422 naming the field, and so must a date out of the accepted range
in a date field, text with a lone surrogate, or non-phone text in a phone field.

The other properties of a body keep plausible values (drawn from the demo county), so a bad value reaches the
service rather than stopping at a sibling's validation. Set ``YINGJI_FUZZ_REPORT=FILE`` to append the tried and
failed counts per category as JSON lines (``python tests/core/fuzz_summary.py FILE`` prints the table).

Each parameter gets every category, but by default one value of each category (a stable choice that differs from
parameter to parameter, so together they cover every value): ``YINGJI_FUZZ_FULL=1`` sends all of them.
"""

from __future__ import annotations

import json
import os
import zlib
from collections import Counter, defaultdict
from urllib.parse import quote

import pytest
from django.test import Client

from tests.conftest import ApiClient

FAR_DATES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
             "9999-12-31T23:59:59-12:00", "1000-01-01"]
NAIVE_DATETIMES = ["2026-06-01T08:00:00", "2026-06-01 08:00"]
HUGE_INTS = [10**20, -(10**20), 2**63, 2**31, -(2**31) - 1]
NUL = ["ab\x00cd", "\x00"]
SURROGATES = ["\ud800", "x\udfffy"]
NESTED = [{"a": {"b": [1]}}, [[1], {"x": 1}], [], {}]
NOT_PHONES = ["not a phone", "138123456789012", "13812345678; DROP"]
UNKNOWN = "zz_unknown_field"
DATE_FORMATS = ("date", "date-time")
FULL = os.environ.get("YINGJI_FUZZ_FULL") == "1"


def sample(key: str, values: list[tuple]) -> list[tuple]:
    """``values`` ((category, value, ...) tuples) reduced to one per category unless the trial is full; which one
    depends on ``key`` (operation and parameter) so that the walk as a whole still sends every value."""
    if FULL:
        return values
    by_category: dict[str, list[tuple]] = defaultdict(list)
    for item in values:
        by_category[item[0]].append(item)
    return [items[zlib.crc32(f"{key} {category}".encode()) % len(items)] for category, items in by_category.items()]


def _document():
    from yingji.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")


DOC = _document()
OPERATIONS = [(method.upper(), path, op) for path, methods in DOC["paths"].items() for method, op in methods.items()
              if not path.endswith(("openapi.json", "/docs"))]
WRITES = [o for o in OPERATIONS if o[0] in ("POST", "PATCH", "PUT", "DELETE")]
WITH_QUERY = [o for o in OPERATIONS if any(p["in"] == "query" for p in o[2].get("parameters", []))]
WITH_PATH = [o for o in OPERATIONS if "{" in o[1]]


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [resolve(s) for s in schema[key] if s.get("type") != "null"]
            if options:
                return options[0]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return resolve(schema["allOf"][0])
    return schema


def is_date(name: str, schema: dict) -> bool:
    return schema.get("format") in DATE_FORMATS or name.endswith(("_at", "_on", "date", "since", "until"))


def plausible(name: str, schema: dict, county: str):
    """A value of ``schema`` that the services are likely to accept, so that a mutated sibling reaches them."""
    schema = resolve(schema)
    if "default" in schema and schema["default"] not in (None, "", []):
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: plausible(k, v, county) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}
    if kind == "array":
        item = plausible(name, schema.get("items", {}), county)
        return [item] * max(schema.get("minItems", 0), 1) if schema.get("minItems") else []
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        if name in ("lat", "latitude"):
            return 35.1
        if name in ("lon", "longitude"):
            return 113.1
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return max(1, int(low) + (1 if "exclusiveMinimum" in schema else 0))
    if schema.get("format") == "date":
        return "2026-06-01"
    if schema.get("format") == "date-time":
        return "2026-06-01T10:00:00+08:00"
    if "region_code" in name or name in ("scope", "under"):
        return county
    if "phone" in name:
        return "13812345678"
    if "email" in name:
        return "fuzz@example.com"
    length = max(schema.get("minLength", 1), 1)
    text = "测试" * length
    return text[:schema.get("maxLength", len(text))] or "x"


def mutations(name: str, schema: dict):
    """(category, value, expectation) for one body property: "no5xx", or "422" naming the field."""
    schema = resolve(schema)
    kind = schema.get("type")
    out = [("nested", v, "no5xx") for v in NESTED]
    if kind in ("integer", "number"):
        out += [("huge_int", v, "no5xx") for v in HUGE_INTS]
    if kind == "string" or kind is None:
        out += [("nul", v, "no5xx") for v in NUL] + [("surrogate", v, "422") for v in SURROGATES]
        if schema.get("format") in DATE_FORMATS:  # a declared date: out of range is a 422 naming the field
            out += [("far_date", v, "422") for v in FAR_DATES]
            out += [("naive_datetime", v, "no5xx") for v in NAIVE_DATETIMES]
        elif is_date(name, schema) or kind is None:
            out += [("far_date", v, "no5xx") for v in FAR_DATES]
            out += [("naive_datetime", v, "no5xx") for v in NAIVE_DATETIMES]
        if "phone" in name:
            out += [("phone", v, "422") for v in NOT_PHONES]
    if kind == "array":
        item = resolve(schema.get("items", {}))
        if item.get("type") in ("integer", "number"):
            out += [("huge_int", [v], "no5xx") for v in HUGE_INTS]
        elif item.get("type") == "string":
            out += [("nul", [v], "no5xx") for v in NUL] + [("surrogate", [v], "422") for v in SURROGATES]
    return out


QUERY_VALUES = ([("far_date", v) for v in FAR_DATES] + [("naive_datetime", v) for v in NAIVE_DATETIMES]
                + [("huge_int", str(v)) for v in HUGE_INTS] + [("huge_int", "9" * 40)]
                + [("nul", v) for v in NUL] + [("surrogate", "%ED%A0%80")] + [("nested", "[object Object]")])


def _event_type() -> str:
    from yingji.standards import events

    return events.types()[0].key


#: What ``plausible`` cannot guess (codes, ids of other objects, combinations the services require), so that the
#: bodies of these operations are accepted as they are and a mutated property reaches the service.
BASES = {
    ("POST", "/api/v1/regions"): lambda t: {"code": t.county + "999", "level": "township", "parent_code": t.county},
    ("POST", "/api/v1/users"): lambda t: {"username": "fuzz.user", "password": "Str0ng!pass-2026",
                                          "scope_region_code": t.county},
    ("POST", "/api/v1/tools/risk-assessment"): lambda t: {"method": "LEC", "l": 3, "e": 6, "c": 40},
    ("POST", "/api/v1/duty/log/{id}/transitions"): lambda t: {"action": "file"},
    ("POST", "/api/v1/incidents"): lambda t: {"event_type": _event_type(), "region_code": t.county},
    ("POST", "/api/v1/incidents/{id}/tasks"): lambda t: {"assignee_id": t.existing_id("users")},
    ("POST", "/api/v1/plans"): lambda t: {"event_types": [_event_type()]},
    ("POST", "/api/v1/equipment"): lambda t: {"holder_kind": "team", "team_id": t.existing_id("teams")},
    ("POST", "/api/v1/reserve-standards"): lambda t: {"region_code": t.county},
    ("POST", "/api/v1/shelters"): lambda t: {"area_m2": 5000, "capacity": 100},
    ("POST", "/api/v1/stations"): lambda t: {"code": "FUZZ-1"},
    ("POST", "/api/v1/rules"): lambda t: {"kind": "above", "station_type": "rain", "sensor_key": "rain",
                                          "threshold": 50, "level": "blue"},
    ("POST", "/api/v1/warnings"): lambda t: {"event_type": _event_type(), "event": "暴雨", "level": "blue",
                                             "category": "Met", "certainty": "Likely", "headline": "暴雨蓝色预警",
                                             "description": "测试", "instruction": "测试", "area_codes": [t.county]},
    ("POST", "/api/v1/duty/handovers/{id}/transitions"): lambda t: {"action": "acknowledge"},
    ("POST", "/api/v1/incidents/{id}/transitions"): lambda t: {"action": "respond"},
    ("POST", "/api/v1/tasks/{id}/transitions"): lambda t: {"action": "acknowledge"},
    ("POST", "/api/v1/incidents/{id}/activation"): lambda t: {"level": "IV"},
    ("POST", "/api/v1/stock/{id}/movements"): lambda t: {"quantity": 1},
}


class Trial:
    """Sends the requests and keeps tried / failed counts per category."""

    def __init__(self, client: ApiClient, county: str):
        client.client.raise_request_exception = False
        self.client = client
        self.county = county
        self.tried: Counter = Counter()
        self.failed: Counter = Counter()
        self.accepted: Counter = Counter()
        self.failures: list[str] = []
        self._ids: dict[str, int] = {}

    def existing_id(self, collection: str) -> int:
        if collection not in self._ids:
            response = self.client.get(f"/api/v1/{collection}", limit=1)
            items = response.json().get("items") if response.status_code == 200 else None
            self._ids[collection] = items[0]["id"] if items else 1
        return self._ids[collection]

    def fill_path(self, path: str, op: dict, override: dict | None = None) -> str:
        parts = path.split("/")
        for i, part in enumerate(parts):
            if not part.startswith("{"):
                continue
            name = part[1:-1]
            if override and name in override:
                parts[i] = override[name]
                continue
            param = next(p for p in op.get("parameters", []) if p["name"] == name and p["in"] == "path")
            schema = resolve(param["schema"])
            if "enum" in schema:
                parts[i] = str(schema["enum"][0])
            elif schema.get("type") == "integer":
                collection = name.removesuffix("_id") + "s" if name != "id" else parts[i - 1]
                parts[i] = str(self.existing_id(collection))
            else:
                parts[i] = "x"
        return "/".join(parts)

    def record(self, category: str, ok: bool, what: str, status: int):
        self.tried[category] += 1
        self.accepted[category] += status < 300
        if not ok:
            self.failed[category] += 1
            self.failures.append(f"{category}: {what}")

    def send(self, method: str, path: str, body=None, query: str = ""):
        kwargs = {"headers": self.client.headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        if query:
            kwargs["QUERY_STRING"] = query
        client: Client = self.client.client
        return getattr(client, method.lower())(path, **kwargs)

    def body_schema(self, op: dict) -> dict | None:
        content = op.get("requestBody", {}).get("content", {})
        return resolve(content["application/json"]["schema"]) if "application/json" in content else None

    def base_body(self, method: str, path: str, schema: dict):
        base = plausible("payload", schema, self.county)
        if (method, path) in BASES:
            base.update(BASES[method, path](self))
        return base

    def fuzz_body(self, method: str, path: str, op: dict):
        schema = self.body_schema(op)
        if schema is None:
            return
        url = self.fill_path(path, op)
        base = self.base_body(method, path, schema)
        if schema.get("type") == "object":
            response = self.send(method, url, {**base, UNKNOWN: 1})
            named = response.status_code == 422 and any(
                e.get("field", "").endswith(UNKNOWN) for e in response.json().get("errors", []))
            self.record("unknown_field", named, f"{method} {path} -> {response.status_code}", response.status_code)
        for name, prop in schema.get("properties", {}).items():
            for category, value, expect in sample(f"{method} {path} {name}", mutations(name, prop)):
                response = self.send(method, url, {**base, name: value})
                if expect == "422":
                    ok = response.status_code == 422 and any(
                        e.get("field", "") == name or e.get("field", "").startswith(f"{name}.")
                        for e in response.json().get("errors", []))
                else:
                    ok = response.status_code < 500
                self.record(category, ok, f"{method} {path} {name}={value!r} -> {response.status_code} "
                                          f"{response.content[:200]!r}", response.status_code)

    def fuzz_query(self, method: str, path: str, op: dict):
        url = self.fill_path(path, op)
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for category, value in sample(f"{method} {path} {param['name']}", QUERY_VALUES):
                encoded = value if value.startswith("%") else quote(value, safe="")
                response = self.send(method, url, query=f"{param['name']}={encoded}")
                self.record(category, response.status_code < 500,
                            f"{method} {path}?{param['name']}={value!r} -> {response.status_code} "
                            f"{response.content[:200]!r}", response.status_code)

    def fuzz_path(self, method: str, path: str, op: dict):
        for param in op.get("parameters", []):
            if param["in"] != "path" or resolve(param["schema"]).get("type") != "integer":
                continue
            for value in ("99999999999999999999", "-99999999999999999999", str(2**63), "0"):
                url = self.fill_path(path, op, {param["name"]: value})
                body = plausible("payload", self.body_schema(op) or {}, self.county) if self.body_schema(op) else None
                response = self.send(method, url, body)
                self.record("huge_int", response.status_code < 500,
                            f"{method} {path} {param['name']}={value} -> {response.status_code}",
                            response.status_code)

    def report(self, label: str):
        path = os.environ.get("YINGJI_FUZZ_REPORT")
        if path:
            with open(path, "a") as out:
                out.write(json.dumps({"label": label, "tried": self.tried, "failed": self.failed,
                                      "accepted": self.accepted}) + "\n")


@pytest.fixture
def trial(api, demo_county):
    return Trial(api("admin"), demo_county["county"])


def _ids(operations):
    return [f"{m} {p}" for m, p, _ in operations]


def test_most_write_bodies_reach_their_service(trial):
    """The trial's meaning: its base bodies are accepted as they are, so a mutated property reaches the service
    (the rest stop at a rule a generic body cannot meet: a credit code's checksum, a role, an object's state)."""
    accepted = 0
    for method, path, op in WRITES:
        schema = trial.body_schema(op)
        if schema is not None:
            response = trial.send(method, trial.fill_path(path, op), trial.base_body(method, path, schema))
            accepted += response.status_code < 300
    assert accepted >= 52


@pytest.mark.parametrize(("method", "path", "op"), WRITES, ids=_ids(WRITES))
def test_write_bodies_no_5xx_unknown_fields_and_phones_422(trial, method, path, op):
    trial.fuzz_body(method, path, op)
    trial.report(f"body {method} {path}")
    assert not trial.failures, "\n".join(trial.failures[:20])


@pytest.mark.parametrize(("method", "path", "op"), WITH_QUERY, ids=_ids(WITH_QUERY))
def test_query_parameters_no_5xx(trial, method, path, op):
    trial.fuzz_query(method, path, op)
    trial.report(f"query {method} {path}")
    assert not trial.failures, "\n".join(trial.failures[:20])


@pytest.mark.parametrize(("method", "path", "op"), WITH_PATH, ids=_ids(WITH_PATH))
def test_path_ids_no_5xx(trial, method, path, op):
    trial.fuzz_path(method, path, op)
    trial.report(f"path {method} {path}")
    assert not trial.failures, "\n".join(trial.failures[:20])


def test_the_sampled_walk_still_sends_every_value():
    """One value per category per parameter, yet over the whole document every value of every category is sent."""
    params = [(m, p, q["name"]) for m, p, op in WITH_QUERY for q in op.get("parameters", []) if q["in"] == "query"]
    sent = {item for m, p, name in params for item in sample(f"{m} {p} {name}", QUERY_VALUES)}
    assert sent == set(QUERY_VALUES)
    one = sample("GET /api/v1/x q", QUERY_VALUES)
    assert FULL or sorted(c for c, _ in one) == sorted({c for c, _ in QUERY_VALUES})
