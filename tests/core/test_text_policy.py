"""The one text policy (core.textpolicy, docs/text-policy.md): refused at write on every path with a field error,
stripped on output, cleaned from stored rows; and far dates render (core.timesafe)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core import exports, textpolicy, timesafe
from yingji.core.errors import ValidationFailed
from yingji.core.models import Organisation


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f",
                                 "\ud800", "\udfff", "\ufffe", "\uffff"])
def test_refused_characters(bad):
    assert textpolicy.problem(f"前{bad}后")
    with pytest.raises(ValueError):
        textpolicy.check(f"a{bad}")
    assert textpolicy.cleaned(f"前{bad}后") == "前后"


@pytest.mark.parametrize("good", ["", "tab\there", "line\nbreak\r\n", "应急管理局", "emoji 🚒", "€ ™ —", "\u00a0"])
def test_accepted_text(good):
    assert textpolicy.problem(good) is None
    assert textpolicy.check(good) == good
    assert textpolicy.for_xml(good) == good


def test_message_names_the_character_and_position():
    assert "U+001B" in textpolicy.problem("ab\x1bc") and "3" in textpolicy.problem("ab\x1bc")
    assert "U+D800" in textpolicy.problem("\ud800")


def test_for_xml_replaces_only_what_xml_cannot_carry():
    assert textpolicy.for_xml("a\x1bb\x00c\ud800d") == "a\ufffdb\ufffdc\ufffdd"
    assert textpolicy.for_xml("\x85 kept") == "\x85 kept"  # legal in XML 1.0, refused only at write
    assert exports.cell("=\x1bcmd") == "'=\ufffdcmd"


def test_field_errors_name_nested_fields():
    errors = textpolicy.field_errors({"name": "ok", "items": [{"note": "x\x07"}], "t": ["\ud800"]})
    assert {e["field"] for e in errors} == {"items.0.note", "t.0"}


# --- write side: API ----------------------------------------------------------------------------------------------


def test_api_body_with_control_character_is_422_naming_the_field(api):
    client = api("section")
    before = Organisation.objects.count()
    response = client.post("/api/v1/organisations", {"name": "控制\x1b字符", "kind": "member_unit",
                                                     "region_code": "410481"})
    body = assert_error_shape(response, 422)
    assert [e["field"] for e in body["errors"]] == ["name"] and "U+001B" in body["errors"][0]["message"]
    assert Organisation.objects.count() == before


def test_api_body_with_lone_surrogate_or_nul_is_422(api):
    client = api("section")
    org = Organisation.objects.filter(region_code="410481").first()
    for bad in ("\\ud800", "\\u0000"):
        raw = '{"name": "坏' + bad + '名"}'
        response = client.client.patch(f"/api/v1/organisations/{org.pk}", raw, content_type="application/json",
                                       headers=client.headers)
        body = assert_error_shape(response, 422)
        assert body["errors"][0]["field"] == "name"
    org.refresh_from_db()
    assert "坏" not in org.name


def test_api_query_parameter_with_control_character_is_422(api):
    response = api("admin").get("/api/v1/organisations", q="a\x1b")
    body = assert_error_shape(response, 422)
    assert body["errors"][0]["field"] == "q"


# --- write side: pages, services, imports, ingest -----------------------------------------------------------------


def test_form_page_shows_a_field_error_and_writes_nothing(web):
    client = web("section")
    response = client.post("/organisations/new/", {"name": "新增\x1b成员单位", "kind": "member_unit",
                                                   "region_code": "410481", "is_active": "on"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Organisation.objects.filter(name__startswith="新增").exists()


def test_every_form_char_field_carries_the_validator():
    from django import forms

    class Any(forms.Form):
        a = forms.CharField()
        b = forms.CharField(widget=forms.Textarea)

    form = Any({"a": "x\x07", "b": "y\x1fz"})
    assert not form.is_valid() and set(form.errors) == {"a", "b"}


def test_services_refuse_on_save_whatever_the_caller(demo_county):
    from yingji.core.models import User
    from yingji.core.services import create_object

    with pytest.raises(ValidationFailed) as caught:
        create_object(User.objects.get(username="admin"), Organisation,
                      {"name": "服务\x0c层", "kind": "member_unit", "region_code": "410481"})
    assert caught.value.errors[0]["field"] == "name"
    assert not Organisation.objects.filter(name__startswith="服务").exists()


def test_importers_turn_refused_text_into_row_errors():
    """A workbook cell can carry U+001B (Excel's ``_x001B_`` escape, or a CSV); the import engine's text parsers are
    where every text cell passes, and their RowError becomes that row's error in the report."""
    from yingji.core import imports
    from yingji.enterprises import importing as enterprise_import
    from yingji.resources import importing as resource_import

    with pytest.raises(imports.RowError, match="U\\+001B"):
        imports.as_text("企业\x1b名称")
    with pytest.raises(imports.RowError, match="U\\+0007"):
        imports.text(50)("队伍\x07")
    assert imports.text(50)(" 队伍 ") == "队伍"
    name = next(c for c in enterprise_import.COLUMNS if c.key == "name")
    with pytest.raises(imports.RowError, match="U\\+001B"):
        name.parse("企业\x1b名称")
    team_name = next(c for c in resource_import.TEAM_COLUMNS if c.key == "name")
    with pytest.raises(imports.RowError, match="U\\+0007"):
        team_name.parse("队伍\x07")


def test_roster_import_reports_refused_text_by_cell():
    from types import SimpleNamespace

    from yingji.duty import roster_import

    cell = SimpleNamespace(value="张三\x1b", data_type="s", row=2)
    sheet = SimpleNamespace(iter_rows=lambda **kw: [[SimpleNamespace(value="2026-06-01", data_type="s", row=2),
                                                      SimpleNamespace(value="白班", data_type="s", row=2),
                                                      SimpleNamespace(value="值班员", data_type="s", row=2), cell,
                                                      None]])
    rows, issues = roster_import._parse_rows(sheet)
    assert rows == [] and issues[0].column == "D" and "U+001B" in issues[0].reason


def test_ingest_rejects_refused_ids_and_codes_without_crashing(demo_county):
    from yingji.monitoring import services
    from yingji.monitoring.models import Sensor

    sensor = Sensor.objects.select_related("station").first()
    now = timezone.now()
    result = services.ingest(None, [
        {"station": "\ud800", "sensor": sensor.key, "ts": now.isoformat(), "value": 1},
        {"station": sensor.station.code, "sensor": sensor.key, "ts": now.isoformat(), "value": 1, "id": "a\x1b"},
    ], now=now)
    assert result.accepted == 0 and [r["index"] for r in result.rejected] == [0, 1]


# --- stored rows: the data migration's function ---------------------------------------------------------------------


def test_clean_stored_text_removes_refused_characters_from_every_model(demo_county):
    org = Organisation.objects.filter(region_code="410481").first()
    Organisation.objects.filter(pk=org.pk).update(name="旧\x1b数据\x07", duties="第一行\n第二行\x0b")
    changed = textpolicy.clean_stored_text(apps)
    org.refresh_from_db()
    assert (org.name, org.duties) == ("旧数据", "第一行\n第二行")
    assert changed["core.organisation.name"] == 1 and changed["core.organisation.duties"] == 1
    assert textpolicy.clean_stored_text(apps) == {}


def test_the_migration_exists_and_calls_the_policy():
    from importlib import import_module

    migration = import_module("yingji.core.migrations.0008_clean_stored_text")
    assert migration.clean.__module__ == migration.__name__


# --- far dates on output ---------------------------------------------------------------------------------------------


def test_timesafe_localtime_make_naive_and_add():
    far = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
    assert timezone.localtime(far) == far  # no local time in Asia/Shanghai: kept as it is
    assert timezone.make_naive(far) == far.replace(tzinfo=None)
    with pytest.raises(OverflowError):  # an explicit zone (database adapters) still refuses to shift
        timezone.make_naive(far, datetime.timezone(datetime.timedelta(hours=8)))
    assert timesafe.add(far, datetime.timedelta(hours=1)).year == 9999
    assert timesafe.add(datetime.date(1, 1, 1), -datetime.timedelta(days=1)) == datetime.date.min
    near = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert timezone.localtime(near).hour == 8


def test_cap_time_of_the_last_instant(demo_county):
    from yingji.warnings import cap

    far = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
    assert cap.cap_time(far) == "9999-12-31T23:59:59+00:00"
    assert cap.cap_time(datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)) == "2026-07-01T08:00:00+08:00"


def test_cap_document_of_a_legacy_warning_is_well_formed(api):
    from lxml import etree

    from yingji.warnings.models import Warning

    warning = Warning.objects.exclude(sent=None).first()
    nul = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store NUL at all
    Warning.objects.filter(pk=warning.pk).update(headline="旧\x1b预警", description=f"说明{nul}\x08")
    response = api("duty").get(f"/api/v1/warnings/{warning.pk}/cap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    texts = " ".join(root.itertext())
    assert "旧\ufffd预警" in texts and "\x1b" not in texts
    assert json.loads(json.dumps(texts))  # plain text survives a round trip


def test_clean_text_command(demo_county):
    from io import StringIO

    from django.core.management import call_command

    org = Organisation.objects.filter(region_code="410481").first()
    Organisation.objects.filter(pk=org.pk).update(address="地址\x1b")
    out = StringIO()
    call_command("clean_text", stdout=out)
    org.refresh_from_db()
    assert org.address == "地址" and "core.organisation.address: 1 rows" in out.getvalue()


def test_cleaning_leaves_the_append_only_audit_trail_as_recorded(demo_county):
    from importlib import import_module

    from yingji.core.models import AuditRecord

    migration = import_module("yingji.core.migrations.0002_audit_append_only")
    record = AuditRecord.objects.order_by("pk").first()
    with connection.cursor() as cursor:  # a legacy row, written before the trigger existed
        if connection.vendor == "sqlite":
            cursor.execute(migration.SQLITE_DOWN)
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditrecord_no_update ON core_auditrecord")
    AuditRecord._base_manager.filter(pk=record.pk).update(object_repr="旧\x1b记录")
    with connection.cursor() as cursor:
        cursor.execute(migration.SQLITE_UP if connection.vendor == "sqlite" else migration.POSTGRES_UP)
    changed = textpolicy.clean_stored_text(apps)
    assert "core.auditrecord.object_repr" not in changed
    assert AuditRecord.objects.get(pk=record.pk).object_repr == "旧\x1b记录"
