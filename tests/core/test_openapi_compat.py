"""The API contract: every path and operation that clients rely on stays as it was when the generic surfaces
replaced the hand-written routers (``data/openapi_v1.json``, the document of the routers before that change).

An operation may not change its id, parameters, request body or responses, and every schema those reach (by
``$ref``, transitively) must stay identical, name included, since generated clients use the names. New paths and
new schemas may be added freely; a deliberate change to an existing one means updating the snapshot in the same
commit, with the reason in the commit message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "data" / "openapi_v1.json"


@pytest.fixture(scope="module")
def documents():
    from django.utils import translation

    from yingji.api import api

    # The snapshot is the Chinese document (the default language); another test may have left English active.
    with translation.override("zh-hans"):
        current = json.loads(json.dumps(api.get_openapi_schema()))
    return json.loads(SNAPSHOT.read_text(encoding="utf-8")), current


def _refs(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def test_every_existing_operation_is_unchanged(documents):
    before, now = documents
    changed = [f"{method.upper()} {path}"
               for path, operations in before["paths"].items()
               for method, operation in operations.items()
               if now["paths"].get(path, {}).get(method) != operation]
    assert not changed, f"operations changed or removed: {changed}"


def test_every_schema_an_existing_operation_reaches_is_unchanged(documents):
    before, now = documents
    pending = _refs(before["paths"], set())
    seen: set[str] = set()
    changed = []
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        schema = before["components"]["schemas"][name]
        if now["components"]["schemas"].get(name) != schema:
            changed.append(name)
        pending |= _refs(schema, set()) - seen
    assert len(seen) > 100
    assert not changed, f"schemas changed or removed: {sorted(changed)}"


def test_the_snapshot_is_a_real_document(documents):
    before, _now = documents
    assert len(before["paths"]) >= 135
    assert before["paths"]["/api/v1/teams"]["get"]["operationId"]
