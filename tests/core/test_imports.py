"""The one spreadsheet import engine (``core.imports``) and the importers built on it: hostile packages are refused
before they are opened, formulas are refused cell by cell, choices are read by code or Chinese label, CSV in
GB 18030 is read, and a bad row anywhere (or a dry run) writes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from yingji.core import imports
from yingji.core.errors import ValidationFailed
from yingji.core.models import User

COLUMNS = [imports.Column("name", "名称", imports.text(20), True),
           imports.Column("count", "数量", imports.count),
           imports.Column("day", "日期", imports.date)]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _file(data: bytes, name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _file_message(excinfo) -> str:
    return " ".join(e["message"] for e in excinfo.value.errors)


def test_a_zip_bomb_is_refused_before_it_is_opened():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))  # 20 MB of zeros: ratio ~1000
    data = bomb.getvalue()
    assert len(data) < imports.MAX_BYTES and len(data) * imports.MAX_RATIO < 20 * 1024 * 1024
    with pytest.raises(imports.PackageRefused) as caught, translation.override("zh-hans"):
        imports.read_table(_file(data), COLUMNS)
    assert not caught.value.damaged and "解压后过大" in _file_message(caught)
    with pytest.raises(imports.PackageRefused) as damaged:
        imports.check_package(b"PK\x03\x04" + b"\x00" * 100)
    assert damaged.value.damaged
    imports.check_package(_xlsx([["名称"], ["甲"]]))  # an ordinary workbook passes


def test_formulas_are_refused_cell_by_cell_and_other_cells_still_parse():
    rows = imports.read_table(_file(_xlsx([["名称*", "数量"], ["甲", "=1+1"], ["=A2", 3]])), COLUMNS)
    (first, raw1, formulas1), (second, raw2, formulas2) = rows
    assert (first, raw1, [f["column"] for f in formulas1]) == (2, {"name": "甲"}, ["数量"])
    assert (second, raw2, [f["key"] for f in formulas2]) == (3, {"count": 3}, ["name"])
    assert formulas1[0]["message"] == imports.FORMULA_REFUSED
    csv_rows = imports.read_table(_file("名称,数量\n甲,@SUM(1)\n=cmd,2\n".encode(), "x.csv"), COLUMNS)
    assert [f["key"] for _n, _r, fs in csv_rows for f in fs] == ["name"]  # "=cmd" refused; "@SUM" is plain text


def test_the_header_is_matched_by_title_and_every_problem_is_reported_at_once():
    with pytest.raises(ValidationFailed) as caught, translation.override("zh-hans"):  # the messages are the user's
        imports.read_table(_file(_xlsx([["数量", "数量", "颜色"], [1, 2, 3]])), COLUMNS)
    message = _file_message(caught)
    assert "列“数量”重复出现" in message and "未知列“颜色”" in message and "缺少必填列：名称" in message
    assert imports.match_header([("name", "s")], COLUMNS, by_key=True) == [COLUMNS[0]]


def test_a_gb18030_csv_is_read_like_utf8():
    text = "名称,数量,日期\n应急救援队,12,2026年6月30日\n"
    for encoding in ("gb18030", "utf-8", "utf-8-sig"):
        rows = imports.read_table(_file(text.encode(encoding), "x.csv"), COLUMNS)
        errors: list[dict] = []
        values = imports.parse_row(rows[0][0], rows[0][1], COLUMNS, errors)
        assert errors == [] and values["name"] == "应急救援队" and values["count"] == 12
        assert values["day"].isoformat() == "2026-06-30"
    with pytest.raises(ValidationFailed):
        imports.read_table(_file(b"\xd0\xcf\x11\xe0 old binary xls", "x.xls"), COLUMNS)


def test_choices_are_read_by_code_chinese_label_or_template_word():
    from django.utils import translation

    from yingji.resources.choices import TeamKind

    translation.activate("en")  # the file's language is Chinese whatever the request's language is
    parse = imports.choice(TeamKind, {"乡镇": TeamKind.TOWNSHIP})
    translation.activate("zh-hans")
    assert parse(TeamKind.PROFESSIONAL) == TeamKind.PROFESSIONAL
    assert parse(TeamKind.label(TeamKind.VOLUNTEER)) == TeamKind.VOLUNTEER  # the label users see on the pages
    assert parse("乡镇") == TeamKind.TOWNSHIP
    with pytest.raises(imports.RowError) as caught:
        parse("舰队")
    assert TeamKind.label(TeamKind.PROFESSIONAL) in str(caught.value)  # the allowed labels, in Chinese
    assert imports.choice_list(TeamKind)(f"{TeamKind.label('militia')}、militia") == ["militia"]


def _teams_file(rows) -> SimpleUploadedFile:
    from yingji.resources import importing

    headers = [c.header + ("*" if c.required else "") for c in importing.TEAM_COLUMNS]
    return _file(_xlsx([headers, *rows]))


def _team_row(name: str, code: str, **cells):
    from yingji.resources import importing

    values = {"name": name, "kind": "乡镇", "region_code": code, **cells}
    return [values.get(c.key) for c in importing.TEAM_COLUMNS]


def test_a_dry_run_and_a_bad_row_anywhere_write_nothing(demo_county):
    from yingji.resources import importing
    from yingji.resources.models import Team

    user = User.objects.get(username="admin")
    before = Team.objects.count()
    good = [_team_row(f"导入测试队{i}", demo_county["township"]) for i in range(3)]
    assert importing.import_rows(user, "teams", _teams_file(good), dry_run=True) == 3
    assert Team.objects.count() == before
    bad_last = [*good, _team_row("导入测试队X", demo_county["township"], headcount="很多")]
    with pytest.raises(imports.ImportFailed) as caught:
        importing.import_rows(user, "teams", _teams_file(bad_last))
    assert [(e["row"], e["column"]) for e in caught.value.errors] == [(5, "人数")]
    assert Team.objects.count() == before
    assert importing.import_rows(user, "teams", _teams_file(good)) == 3
    assert Team.objects.count() == before + 3


@pytest.mark.parametrize("kind", ["teams", "shelters", "experts", "warehouses", "equipment", "stock"])
def test_every_resource_template_has_drop_downs_and_a_help_sheet(kind):
    from yingji.resources import importing

    wb = load_workbook(io.BytesIO(importing.template_workbook(kind)))
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header + ("*" if c.required else "") for c in importing.KINDS[kind][1]]
    assert "填写说明" in wb.sheetnames
    if importing.LISTS.get(kind):
        assert sheet.data_validations.dataValidation, kind
