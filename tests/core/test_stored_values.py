"""Stored-value robustness: whatever a legacy row holds, every page, export, report and feed that shows it answers
without a server error.

Rows are corrupted directly in the database (one UPDATE per model and field, as a legacy import or an old release
would have left them), bypassing the services that refuse such values today:

- text: every free-text field of every model gets control characters, XML-illegal characters and its maximum
  length (100,000 characters for TextFields);
- dates: every date and datetime field gets the far future (9999-12-31 23:59:59 UTC) or the far past
  (0001-01-01 00:00 UTC).

Lone surrogates cannot be stored at all (Python's sqlite3 and PostgreSQL both refuse to encode them), so for them
the test checks the write side instead: the API answers 422 naming the field, and nothing is written.

Then the site is walked as the administrator (scope: the whole county) and a township account: every navigation
page, every link and htmx URL found on those pages (detail pages, exports, reports), one per URL pattern, plus every
API list and detail endpoint and the CAP/Atom feeds. Each response is read to the end (streamed exports fail while
streaming) and checked to be a document its format parser accepts.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import traceback
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.test import Client

from tests.core.test_scope import API_DETAIL
from yingji.core.models import User

NASTY = "\x1b[31m\x01\x07\x08\x0b\x0c\x1f\x7f\x85\ufffe\uffff<&>\"'=cmd|' /C calc'!A0 "
# NUL is not in it: PostgreSQL cannot store it, and SQLite's string functions stop at it (so the filler would be
# cut short); NUL is refused at write on both databases (tests/core/test_text_policy.py).
FAR_FUTURE = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
FAR_PAST = datetime.datetime(1, 1, 1, 0, 0, 0, tzinfo=datetime.UTC)

# Fields whose stored value is a key the platform itself matches on (scope prefixes, workflow states, hashes);
# scrambling them tests scoping, not rendering.
KEY_FIELDS = {"password", "region_code", "scope_region_code", "parent_code", "key_hash", "object_type",
              "session_key"}
KEY_FIELDS_BY_MODEL = {"core.region": {"code", "level"}}
SKIP_MODELS = {"django_tasks_database.dbtaskresult", "sessions.session", "contenttypes.contenttype",
               "auth.permission", "admin.logentry", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}

PAGE_BUDGET = 700
SKIP_PATH = re.compile(r"^/(static|media|logout|accounts/logout|api/docs|api/v1/openapi|__)")


def _models():
    for model in apps.get_models():
        if model._meta.label_lower in SKIP_MODELS or model._meta.proxy or not model._meta.managed:
            continue
        yield model


def _is_free_text(model, field) -> bool:
    if not isinstance(field, (models.CharField, models.TextField)) or field.choices or not field.concrete:
        return False
    if field.primary_key or field.name in KEY_FIELDS:
        return False
    return field.name not in KEY_FIELDS_BY_MODEL.get(model._meta.label_lower, set())


def _allow_audit_updates() -> None:
    """The audit trail is append-only in the database itself (trigger of migration core.0002); a legacy row is
    what the test needs, so the trigger is dropped inside the test's transaction (rolled back with it)."""
    from importlib import import_module

    migration = import_module("yingji.core.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(migration.SQLITE_DOWN)
        elif connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditrecord_no_update ON core_auditrecord")


def corrupt_text() -> int:
    """Every free-text field of every row: its value, then the nasty characters. CharFields are filled to their
    maximum length on every row; TextFields get 100,000 characters on a sample (the oldest and the newest rows of
    each model, which lists, details and the daily report show first) and the nasty characters on the rest, so
    the walk stays within CI's minutes (a PDF of thousands of 100k-character texts takes many)."""
    _allow_audit_updates()
    changed = 0
    for model in _models():
        manager = model._base_manager
        pks = list(manager.order_by("pk").values_list("pk", flat=True)[:2]) + list(
            manager.order_by("-pk").values_list("pk", flat=True)[:2])
        for field in model._meta.concrete_fields:
            if not _is_free_text(model, field):
                continue
            updates = []  # (rows, attempts)
            if field.max_length:
                updates.append((manager.all(), _fill(field, field.max_length)))
            else:
                updates.append((manager.all(), [Concat(F(field.attname), Value(NASTY), output_field=field)]))
                updates.append((manager.filter(pk__in=pks), _fill(field, 100_000)))
            for rows, attempts in updates:
                for value in attempts:
                    try:
                        with transaction.atomic():
                            changed += rows.update(**{field.attname: value})
                        break
                    except DatabaseError:
                        continue
    return changed


def _fill(field, limit: int) -> list:
    """Update expressions, best first: the value then nasty characters cut at ``limit``; a short suffix when a
    unique constraint refuses the first."""
    if limit < 12:
        return [Substr(Concat(F(field.attname), Value("\x1b\x07"), output_field=field), 1, limit)]
    filler = (NASTY + "数据") * (limit // len(NASTY) + 1)
    return [Substr(Concat(F(field.attname), Value(filler), output_field=field), 1, limit),
            Concat(F(field.attname), Value(NASTY[:5]), output_field=field)]


def corrupt_dates(moment: datetime.datetime) -> int:
    _allow_audit_updates()
    changed = 0
    for model in _models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                value = moment
            elif isinstance(field, models.DateField):
                value = moment.date()
            else:
                continue
            try:
                with transaction.atomic():
                    changed += model._base_manager.update(**{field.attname: value})
            except DatabaseError:
                continue
    return changed


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "hx-get", "data-url", "data-src") and value:
                self.urls.append(value)


def _pattern(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({k.split("=")[0] + ("=" + k.split("=")[1] if k.startswith(("export=", "format=")) else "")
                   for k in parts.query.split("&") if k})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _category(url: str, response) -> str:
    """What kind of output a URL is, from the URL first (a failed download has no content type)."""
    kind = response.get("Content-Type", "")
    path = urlsplit(url).path
    if "export=csv" in url:
        return "export-csv"
    if "export=xlsx" in url:
        return "export-xlsx"
    if path.endswith((".xml", ".atom")) or kind.startswith(("application/cap+xml", "application/atom+xml",
                                                              "application/xml", "text/xml")):
        return "feed"
    if re.search(r"format=(pdf|xlsx|docx)", url) or path.endswith(("/download/", "/print/")) or any(
            k in kind for k in ("pdf", "spreadsheet", "wordprocessing")):
        return "report"
    if url.startswith("/api/"):
        return "api-detail" if re.search(r"/\d+(/|$)", path) else "api-list"
    return "page"


def _check_body(url: str, response) -> str | None:
    """Read the whole body and parse it by its type; returns a problem or None."""
    try:
        body = b"".join(response.streaming_content) if response.streaming else response.content
    except Exception as exc:  # noqa: BLE001  (a streamed export fails while streaming: that is the finding)
        return f"{type(exc).__name__} while streaming: {exc}"[:300]
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        if not exc:
            return str(response.status_code)
        frames = [f for f in traceback.extract_tb(exc[2]) if "/yingji/" in f.filename]
        where = f" at {frames[-1].filename.split('/yingji/')[-1]}:{frames[-1].lineno}" if frames else ""
        return f"{response.status_code} {exc[0].__name__}: {str(exc[1])[:160]}{where}"
    kind = response.get("Content-Type", "")
    try:
        if "spreadsheet" in kind:
            from openpyxl import load_workbook

            load_workbook(io.BytesIO(body), read_only=True).close()
        elif kind.startswith(("application/cap+xml", "application/atom+xml", "application/xml", "text/xml")):
            from lxml import etree

            etree.fromstring(body)
        elif "pdf" in kind:
            assert body.startswith(b"%PDF")
        elif "json" in kind and body:
            import json

            json.loads(body)
    except Exception as exc:  # noqa: BLE001
        return f"unreadable {kind}: {type(exc).__name__}: {exc}"[:300]
    return None


def _seeds() -> list[str]:
    from yingji.core.modules import MODULES

    seeds = ["/"] + [url for url in (module.url() for module in MODULES) if url]
    seeds += ["/duty/report/?format=xlsx", "/duty/report/?format=pdf", "/api/v1/warnings/feed.atom"]
    return seeds


def _api_urls() -> list[str]:
    from yingji.api import api

    urls = []
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if "get" in operations and "{" not in path:
            urls.append(path)
    for label, path in API_DETAIL.items():
        model = apps.get_model(label)
        for pk in model._base_manager.order_by("pk").values_list("pk", flat=True)[:2]:
            urls.append(path.format(id=pk))
    from yingji.warnings.models import Warning

    for pk in Warning.objects.order_by("pk").values_list("pk", flat=True)[:3]:
        urls.append(f"/api/v1/warnings/{pk}/cap.xml")
    return urls


def walk(client: Client, api_headers: dict, extra_seeds=()) -> tuple[Counter, dict[str, list[str]], list[str]]:
    tried: Counter = Counter()
    visited_urls: list[str] = []
    failures: dict[str, list[str]] = defaultdict(list)
    seen_patterns: set[str] = set()
    queue = list(_seeds()) + list(extra_seeds)
    visited = 0
    while queue and visited < PAGE_BUDGET:
        url = queue.pop(0)
        pattern = _pattern(url)
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        visited += 1
        visited_urls.append(url)
        response = client.get(url)
        category = _category(url, response)
        tried[category] += 1
        problem = _check_body(url, response)
        if problem:
            failures[category].append(f"{url}: {problem}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode("utf-8", "replace"))
        for link in parser.urls:
            absolute = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            if parts.scheme or parts.netloc or SKIP_PATH.match(parts.path) or not parts.path.startswith("/"):
                if not (parts.netloc in ("testserver", "") and parts.path.startswith("/")):
                    continue
                if SKIP_PATH.match(parts.path):
                    continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if _pattern(target) not in seen_patterns:
                queue.append(target)
    for url in _api_urls():
        visited_urls.append(url)
        response = client.get(url, headers=api_headers)
        category = _category(url, response)
        tried[category] += 1
        problem = _check_body(url, response)
        if problem:
            failures[category].append(f"{url}: {problem}")
    return tried, failures, visited_urls


def _report(name, tried, failures):
    lines = [f"stored-value walk [{name}] on {connection.vendor}:"]
    for category in sorted(tried):
        lines.append(f"  {category:12} tried {tried[category]:4}  failed {len(failures.get(category, []))}")
    for category, items in sorted(failures.items()):
        for item in items[:40]:
            lines.append(f"  FAIL {category}: {item}")
    text = "\n".join(lines)
    print(text)
    return text


def _outputs_in_scope(user) -> list[str]:
    """The demo county has no situation report and no task: add one of each to an open incident in the user's
    scope (through the services), so the walk reaches them; returns the URLs to start from."""
    from datetime import timedelta

    from django.utils import timezone

    from yingji.core import policy
    from yingji.incidents import services as incident_services
    from yingji.incidents.models import Incident

    incident = next(i for i in Incident.objects.filter(policy.scope_q(user, Incident)).order_by("pk") if i.is_open)
    incident_services.create_task(User.objects.get(username="commander"), incident, {
        "title": "核实伤亡人数", "assignee_id": User.objects.get(username="section").pk,
        "due_at": timezone.now() + timedelta(hours=1)})
    sitrep = incident_services.draft_sitrep(User.objects.get(username="duty"), incident)
    return [f"/incidents/{incident.pk}/", f"/sitreps/{sitrep.pk}/"]


SCENARIOS = {
    "text": corrupt_text,
    "far-future": lambda: corrupt_dates(FAR_FUTURE),
    "far-past": lambda: corrupt_dates(FAR_PAST),
}


@pytest.mark.parametrize("scenario", [
    # Text is rendered, escaped and exported by Python whatever the engine (both store it as written, up to the
    # same maximum lengths): once, in the SQLite suite. Dates far out reach the engines' own date arithmetic and
    # ranges: on both.
    pytest.param("text", marks=pytest.mark.engine_agnostic), "far-future", "far-past"])
# The township's walk renders the same templates with fewer rows: once, in the SQLite suite; the administrator's
# walk (every page) runs on both engines.
@pytest.mark.parametrize("username", ["admin", pytest.param("township1", marks=pytest.mark.engine_agnostic)])
def test_every_page_export_report_and_feed_survives_stored_values(demo_county, scenario, username):
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the failures are listed in the report
    user = User.objects.get(username=username)
    from yingji.core.services import issue_token

    _token, raw = issue_token(user)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    seeds = _outputs_in_scope(user)
    changed = SCENARIOS[scenario]()
    assert changed > 100, "the corruption must reach the demo rows"
    # force_login's session hash survives: the password field is never touched.
    tried, failures, visited = walk(client, {"Authorization": f"Bearer {raw}"}, seeds)
    report = _report(f"{scenario}/{username}", tried, failures)
    assert sum(tried.values()) > 60 and tried["page"] > 30, report
    # The outputs the issue named are among what was walked.
    for must in (r"^/incidents/\d+/$", r"^/warnings/(\?|$)", r"^/audit/\?.*export=xlsx", r"format=xlsx",
                 r"format=pdf", r"^/sitreps/\d+/download/", r"/cap\.xml$", r"feed\.atom$", r"^/api/v1/tasks/\d+$"):
        if username == "admin" or "audit" not in must:
            assert any(re.search(must, url) for url in visited), (must, report)
    assert not failures, report
