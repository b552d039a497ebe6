"""Roster import from Excel (排班导入): one row per person per shift (date, shift, role, account or contact name,
phone). Every row is checked first; any problem, anywhere, means nothing is written and the answer lists each
problem with its row, column and reason. Then all shifts are created in one transaction.

``parse_workbook`` is pure (bytes in, rows or ``RosterImportError`` out, nothing else ever raised) so it can be
tested on arbitrary input; ``import_roster`` adds the checks that need the database (people, existing shifts).
"""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from yingji.core import imports, policy, textpolicy, values
from yingji.core.errors import ValidationFailed
from yingji.core.models import Contact, User

from . import services
from .choices import Shift
from .models import DutyShift

MAX_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it
MAX_ROWS = 2000
SHEET_TITLE = "排班"
#: Column keys and the template's (Chinese) headers; an English key is accepted as a header as well.
COLUMNS = (("date", "日期"), ("shift", "班次"), ("role", "角色"), ("person", "账号或联系人姓名"), ("phone", "电话"))
COLUMN_KEYS = {"ABCDE"[i]: key for i, (key, _title) in enumerate(COLUMNS)}
LEADER, OFFICER = "leader", "officer"
SHIFT_WORDS = {"day": Shift.DAY, "白班": Shift.DAY, "日班": Shift.DAY, "night": Shift.NIGHT, "夜班": Shift.NIGHT}
ROLE_WORDS = {"leader": LEADER, "带班领导": LEADER, "领导": LEADER, "带班": LEADER,
              "officer": OFFICER, "值班员": OFFICER, "值班人员": OFFICER}


@dataclass(frozen=True)
class Issue:
    row: int | None  # 1-based sheet row; None for the file as a whole
    column: str  # column letter, "" for the file or a whole row
    reason: str

    @property
    def field(self) -> str:
        if self.row is None:
            return "file"
        key = COLUMN_KEYS.get(self.column)
        return f"rows.{self.row}.{key}" if key else f"rows.{self.row}"

    @property
    def message(self) -> str:
        if self.row is None:
            return self.reason
        where = _("Row %(row)s, column %(column)s") % {"row": self.row, "column": self.column} if self.column \
            else _("Row %(row)s") % {"row": self.row}
        return f"{where}: {self.reason}"


class RosterImportError(ValidationFailed):
    """The workbook was refused; ``issues`` has every problem found (row, column, reason)."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("The roster was not imported: fix the rows listed and upload again")
        self.errors = [{"field": i.field, "message": i.message, "row": i.row, "column": i.column} for i in issues]


@dataclass(frozen=True)
class RosterRow:
    row: int
    date: datetime.date
    shift: str
    role: str
    person: str
    phone: str


def _letter(index: int) -> str:
    return "ABCDE"[index]


def _normalise(value) -> str:
    return re.sub(r"\s+", "", str(value)).lower() if value is not None else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> datetime.date | None:
    """The cell's date (None: not a date); ``values.ValueRejected`` when out of the accepted range."""
    if value is None or isinstance(value, bool | int | float):
        return None
    try:
        return values.check_date(imports.parse_date(value))
    except imports.RowError:
        return None


def _open(data: bytes):
    if len(data) > MAX_BYTES:
        raise RosterImportError([Issue(None, "", _("The file is too large (%(size)d bytes; at most %(max)d)")
                                       % {"size": len(data), "max": MAX_BYTES})])
    if not data.startswith(b"PK\x03\x04"):
        raise RosterImportError([Issue(None, "", _(
            "Not an Excel .xlsx workbook (wrong file type or text encoding); download the template and fill it in"))])
    try:
        imports.check_package(data, max_uncompressed=MAX_UNCOMPRESSED_BYTES)
    except imports.PackageRefused as exc:
        reason = (_("The workbook is damaged and cannot be read") if exc.damaged
                  else _("The workbook is too large once unpacked"))
        raise RosterImportError([Issue(None, "", reason)]) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    # A damaged package fails in openpyxl's zip, XML or styles layers with whatever each of them raises.
    except Exception:  # noqa: BLE001
        raise RosterImportError([Issue(None, "", _("The workbook is damaged and cannot be read"))]) from None
    if not workbook.worksheets:
        raise RosterImportError([Issue(None, "", _("The workbook has no sheet"))])
    return workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]


def _check_header(sheet) -> None:
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1, max_col=len(COLUMNS)), ())]
    header += [None] * (len(COLUMNS) - len(header))
    issues = []
    for i, ((key, title), found) in enumerate(zip(COLUMNS, header, strict=True)):
        if _normalise(found) not in (key, _normalise(title)):
            issues.append(Issue(1, _letter(i), _("Expected the header “%(title)s”, found “%(found)s”")
                                % {"title": title, "found": _text(found)[:40]}))
    if issues:
        raise RosterImportError(issues)


def parse_workbook(data: bytes) -> list[RosterRow]:
    """The rows of a roster workbook, or RosterImportError listing every problem (and nothing else raised)."""
    rows, issues = read_rows(data)
    if issues:
        raise RosterImportError(issues)
    return rows


def read_rows(data: bytes) -> tuple[list[RosterRow], list[Issue]]:
    """The well-formed rows and the problems of the others; a file that cannot be read at all raises."""
    sheet = _open(data)
    try:
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise RosterImportError([Issue(None, "", _("Too many rows (%(rows)d; at most %(max)d)")
                                           % {"rows": sheet.max_row - 1, "max": MAX_ROWS})])
        _check_header(sheet)
        return _parse_rows(sheet)
    except RosterImportError:
        raise
    except Exception:  # noqa: BLE001  (cells of a hand-crafted package can hold anything openpyxl accepts)
        raise RosterImportError([Issue(None, "", _("The workbook is damaged and cannot be read"))]) from None


def _parse_rows(sheet) -> tuple[list[RosterRow], list[Issue]]:
    issues: list[Issue] = []
    rows: list[RosterRow] = []
    seen: dict[tuple, int] = {}
    for cells in sheet.iter_rows(min_row=2, max_col=len(COLUMNS)):
        cells = list(cells) + [None] * (len(COLUMNS) - len(cells))
        row_values = [c.value if c is not None else None for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row_values):
            continue
        row_no = next(c.row for c in cells if c is not None)
        row_issues = []
        for i, c in enumerate(cells):
            if c is not None and (c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))):
                row_issues.append(Issue(row_no, _letter(i), _("Formulas are not accepted; enter the value itself")))
            elif c is not None and isinstance(c.value, str) and textpolicy.problem(c.value):
                row_issues.append(Issue(row_no, _letter(i), textpolicy.problem(c.value)))
        if row_issues:
            issues += row_issues
            continue
        date_value, shift_value, role_value, person_value, phone_value = row_values
        try:
            date = _parse_date(date_value)
        except values.ValueRejected as exc:
            date = None
            row_issues.append(Issue(row_no, "A", str(exc)))
        else:
            if date is None:
                row_issues.append(Issue(row_no, "A", _("Not a date (use YYYY-MM-DD): “%(value)s”")
                                        % {"value": _text(date_value)[:40]}))
        shift = SHIFT_WORDS.get(_normalise(shift_value))
        if shift is None:
            row_issues.append(Issue(row_no, "B", _("Unknown shift “%(value)s” (白班 or 夜班)")
                                    % {"value": _text(shift_value)[:40]}))
        role = ROLE_WORDS.get(_normalise(role_value))
        if role is None:
            row_issues.append(Issue(row_no, "C", _("Unknown role “%(value)s” (带班领导 or 值班员)")
                                    % {"value": _text(role_value)[:40]}))
        person = _text(person_value)
        if not person:
            row_issues.append(Issue(row_no, "D", _("The account or contact name is required")))
        elif len(person) > 50:
            row_issues.append(Issue(row_no, "D", _("At most 50 characters")))
        phone = _text(phone_value)
        if phone and not values.PHONE_RE.match(phone):
            row_issues.append(Issue(row_no, "E", _("Not a phone number: “%(value)s”") % {"value": phone[:40]}))
        if row_issues:
            issues += row_issues
            continue
        key = (date, shift, role, person)
        if key in seen:
            issues.append(Issue(row_no, "", _("Duplicate of row %(row)d") % {"row": seen[key]}))
            continue
        seen[key] = row_no
        rows.append(RosterRow(row_no, date, shift, role, person, phone))
    if not rows and not issues:
        raise RosterImportError([Issue(None, "", _("The sheet has no rows below the header"))])
    return rows, issues


# --- checks against the database, then one transaction -------------------------------------------------------


@dataclass
class _Person:
    name: str
    phone: str
    user: User | None


def _people(actor, names: set[str]) -> tuple[dict[str, _Person], dict[str, str]]:
    """Accounts of the actor's jurisdiction by username, else contacts in scope by name (must be unique)."""
    found: dict[str, _Person] = {}
    problems: dict[str, str] = {}
    users = User.objects.filter(username__in=names, is_active=True,
                                scope_region_code__startswith=actor.scope_prefix or "-")
    for user in users:
        found[user.username] = _Person(user.display_name or user.username, user.phone, user)
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(policy.scope_q(actor, Contact), name__in=names - set(found)):
        contacts[contact.name].append(contact)
    for name, matches in contacts.items():
        if len(matches) == 1:
            found[name] = _Person(name, matches[0].mobile or matches[0].office_phone, None)
        else:
            problems[name] = _("%(count)d contacts are named “%(name)s”; give the account's username instead") % {
                "count": len(matches), "name": name}
    for name in names - set(found) - set(problems):
        problems[name] = _("Unknown person “%(name)s”: no account of your jurisdiction has this username and no "
                           "contact has this name") % {"name": name}
    return found, problems


def plan(actor, rows: list[RosterRow], row_issues: list[Issue] = ()) -> list[dict]:
    """The shifts the rows describe, as ``services.create_shift`` data; RosterImportError listing every problem
    (``row_issues`` are those already found in rows that could not be read)."""
    region_code = actor.scope_region_code
    people, problems = _people(actor, {r.person for r in rows})
    issues = list(row_issues) + [Issue(r.row, "D", problems[r.person]) for r in rows if r.person in problems]
    # With unreadable rows a shift's make-up is unknown: its leader/officer checks would only add noise.
    check_make_up = not row_issues
    groups: dict[tuple, list[RosterRow]] = defaultdict(list)
    for r in rows:
        groups[(r.date, r.shift)].append(r)
    shifts = []
    for (date, shift), members in sorted(groups.items()):
        starts_at, ends_at = services.shift_bounds(date, shift)
        existing = DutyShift.objects.filter(region_code=region_code, starts_at__lt=ends_at,
                                            ends_at__gt=starts_at).first()
        if existing is not None:
            issues.append(Issue(members[0].row, "A", _("Overlaps the shift already on the roster: %(shift)s")
                                % {"shift": existing}))
        leaders = [m for m in members if m.role == LEADER]
        officers = [m for m in members if m.role == OFFICER]
        if check_make_up and not leaders:
            issues.append(Issue(members[0].row, "C", _("This shift has no leader on duty (带班领导)")))
        issues += [Issue(m.row, "C", _("A second leader for the same shift (row %(row)d is the first)")
                         % {"row": leaders[0].row}) for m in leaders[1:]]
        if check_make_up and not officers:
            issues.append(Issue(members[0].row, "C", _("This shift has no duty officer (值班员)")))
        first_row: dict[str, int] = {}
        for m in members:
            if m.person in first_row:
                issues.append(Issue(m.row, "D", _("Already on this shift in row %(row)d")
                                    % {"row": first_row[m.person]}))
            first_row.setdefault(m.person, m.row)
        if issues:
            continue
        leader, crew = people[leaders[0].person], [people[o.person] for o in officers]
        officer_names = "、".join(p.name for p in crew)
        if len(officer_names) > 200:
            issues.append(Issue(officers[0].row, "D", _("Too many officers' names for one shift (200 characters)")))
            continue
        shifts.append({"date": date, "shift": shift, "region_code": region_code,
                       "leader_name": leader.name, "leader_phone": leaders[0].phone or leader.phone,
                       "leader_id": leader.user.pk if leader.user else None,
                       "officer_names": officer_names,
                       "officer_ids": [p.user.pk for p in crew if p.user is not None],
                       "notes": "; ".join(f"{p.name} {o.phone}" for p, o in zip(crew, officers, strict=True)
                                          if o.phone)[:200]})
    if issues:
        raise RosterImportError(sorted(issues, key=lambda i: (i.row or 0, i.column)))
    return shifts


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, refusing an oversized upload before reading it."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise RosterImportError([Issue(None, "", _("The file is too large (%(size)d bytes; at most %(max)d)")
                                       % {"size": size, "max": MAX_BYTES})])
    return upload.read(MAX_BYTES + 1)


def import_roster(actor, data: bytes, *, dry_run: bool = False) -> list:
    """Check everything, then create every shift in one transaction (or none). With ``dry_run`` only check, and
    answer the shifts that would be created (as data)."""
    policy.require(actor, "add", DutyShift)
    shifts = plan(actor, *read_rows(data))
    if dry_run:
        return shifts
    with transaction.atomic():
        return [services.create_shift(actor, shift) for shift in shifts]


def template_workbook() -> bytes:
    """The import template: the header row, drop-down lists for shift and role, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([title for _key, title in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (14, 10, 12, 22, 16), strict=True):
        ws.column_dimensions[letter].width = width
    for letter, words in (("B", "白班,夜班"), ("C", "带班领导,值班员")):
        validation = DataValidation(type="list", formula1=f'"{words}"', allow_blank=False)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(validation)
    for row in range(2, MAX_ROWS + 2):
        ws.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=5).number_format = "@"
    notes = wb.create_sheet("说明")
    for line in ("每行一人一班：日期（如 2026-05-01）、班次（白班 08:00-20:00 / 夜班 20:00-次日08:00）、"
                 "角色（带班领导 / 值班员）、本辖区账号的用户名或通讯录联系人姓名、"
                 "电话（可空，空则取账号或联系人的号码）。",
                 "每个班次须有且只有一名带班领导，至少一名值班员；不得与已排的班次重复。",
                 "请直接填写数值，不要使用公式。任一行有误则整表不导入，并逐行列出错误。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
