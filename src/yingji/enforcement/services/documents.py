"""Services of enforcement documents (执法文书): issuing with a number from the series counter, corrections, the
layouts' fields and the PDF.

Numbering: :func:`next_serial` advances the (prefix, kind, year) counter inside the issuing transaction with a
compare-and-swap on its ``last`` value (the row is also locked with ``SELECT … FOR UPDATE`` where the database has
it; SQLite's IMMEDIATE transactions serialise writers). The number is written with the document in the same
transaction, so a failed issue gives its number back and two issuers never get the same one."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yingji.core import audit, pdf, policy, textpolicy
from yingji.core.choices import AuditAction, OrganisationKind
from yingji.core.errors import ValidationFailed
from yingji.core.models import Organisation, enterprise_model
from yingji.standards import documents as numbering

from ..choices import DocumentKind, ServiceMethod
from ..models import DocumentCounter, EnforcementDocument

PDF_TEMPLATE = "enforcement/document_pdf.html"
PDF_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "enforcement" / "document_pdf.css"


# --- the issuing body ----------------------------------------------------------------------------------------------


def issuer_name() -> str:
    """The issuing body as printed in the header: the county bureau (``舞钢市应急管理局`` in the demo county)."""
    bureau = (Organisation.objects.filter(kind=OrganisationKind.BUREAU).order_by("region_code", "pk")
              .values_list("name", flat=True).first())
    return getattr(settings, "YINGJI_DOCUMENT_ISSUER", "") or bureau or gettext("Emergency Management Bureau")


def document_prefix() -> str:
    """The 机关代字 numbers start with: ``YINGJI_DOCUMENT_PREFIX`` when set, else the bureau's place name without
    its 市/县/区 plus 应急 (舞钢市应急管理局 → 舞钢应急)."""
    configured = getattr(settings, "YINGJI_DOCUMENT_PREFIX", "")
    if configured:
        return configured
    place = issuer_name().split("应急管理局")[0]
    if len(place) > 2 and place[-1] in "市县区旗":
        place = place[:-1]
    return (place or "应急") + "应急" if not place.endswith("应急") else place


# --- the layouts: each kind's fields ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayoutField:
    key: str
    label: Any
    type: str = "text"  # text (one line), long (paragraphs), date, datetime, money, bool, method
    required: bool = False


_F = LayoutField
#: Each kind's body fields, in the order the form prints them.
LAYOUTS: dict[str, tuple[LayoutField, ...]] = {
    DocumentKind.SITE_INSPECTION_RECORD: (
        _F("place", _("Place inspected"), required=True),
        _F("inspected_from", _("Inspection started"), "datetime", True),
        _F("inspected_to", _("Inspection ended"), "datetime"),
        _F("officers", _("Inspectors and certificate numbers"), required=True),
        _F("present", _("Person present for the inspected unit"), required=True),
        _F("findings", _("What the inspection found"), "long", True),
    ),
    DocumentKind.RECTIFICATION_ORDER: (
        _F("problems", _("Problems found"), "long", True),
        _F("legal_basis", _("Legal basis"), "long", True),
        _F("deadline", _("Rectify by"), "date", True),
        _F("interim", _("Measures while rectifying"), "long"),
    ),
    DocumentKind.RECTIFICATION_REVIEW: (
        _F("order_number", _("Order reviewed (its number)"), required=True),
        _F("reviewed_on", _("Reviewed on"), "date", True),
        _F("opinion", _("Review opinion"), "long", True),
    ),
    DocumentKind.COERCIVE_MEASURE_DECISION: (
        _F("facts", _("Facts"), "long", True),
        _F("legal_basis", _("Legal basis"), "long", True),
        _F("measure", _("Coercive measure"), "long", True),
        _F("period", _("Period of the measure")),
    ),
    DocumentKind.PENALTY_NOTICE: (
        _F("facts", _("Facts of the violation"), "long", True),
        _F("legal_basis", _("Legal basis"), "long", True),
        _F("proposed_penalty", _("Proposed penalty"), "long", True),
        _F("fine", _("Proposed fine (CNY)"), "money"),
        _F("hearing_right", _("The party may ask for a hearing"), "bool"),
        _F("statement_due", _("Statements and defence until"), "date", True),
        _F("hearing_request_due", _("A hearing may be requested until"), "date"),
    ),
    DocumentKind.PENALTY_DECISION: (
        _F("facts", _("Facts of the violation"), "long", True),
        _F("evidence", _("Evidence"), "long", True),
        _F("legal_basis", _("Legal basis"), "long", True),
        _F("penalty", _("Penalty decided"), "long", True),
        _F("fine", _("Fine (CNY)"), "money"),
        _F("payment", _("How to pay"), "long"),
    ),
    DocumentKind.SERVICE_RECEIPT: (
        _F("served_document", _("Document served"), required=True),
        _F("recipient", _("Recipient"), required=True),
        _F("method", _("Method of service"), "method", True),
        _F("served_at", _("Served at"), "datetime", True),
        _F("place", _("Place of service")),
        _F("remark", _("Remark")),
    ),
}
TEXT_LIMITS = {"text": 500, "long": 8000}


def _field_value(spec: LayoutField, value):
    """The value as stored (dates as ISO text, money as text with two decimals), or raise ValueError(message)."""
    if spec.type in TEXT_LIMITS:
        if not isinstance(value, str):
            raise ValueError(gettext("Enter text."))
        value = value.strip()
        if len(value) > TEXT_LIMITS[spec.type]:
            raise ValueError(gettext("At most %(n)s characters.") % {"n": TEXT_LIMITS[spec.type]})
        return value
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(gettext("Enter yes or no."))
        return value
    if spec.type == "date":
        day = value if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) else (
            parse_date(value) if isinstance(value, str) else None)
        if day is None:
            raise ValueError(gettext("Enter a date as YYYY-MM-DD."))
        return day.isoformat()
    if spec.type == "datetime":
        moment = value if isinstance(value, datetime.datetime) else (
            parse_datetime(value) if isinstance(value, str) else None)
        if moment is None:
            raise ValueError(gettext("Enter a date and time as YYYY-MM-DDTHH:MM."))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return timezone.localtime(moment).isoformat(timespec="minutes")
    if spec.type == "money":
        try:
            amount = Decimal(str(value)) if isinstance(value, int | float | str | Decimal) and not isinstance(
                value, bool) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount > Decimal("1e12"):
            raise ValueError(gettext("Enter an amount in yuan, not negative."))
        return str(amount.quantize(Decimal("0.01")))
    if spec.type == "method":
        if value not in ServiceMethod.values():
            raise ValueError(gettext("Choose one of: %(values)s") % {"values": ", ".join(ServiceMethod.values())})
        return value
    raise AssertionError(spec.type)


def validate_content(kind: str, content: Any) -> dict:
    """The body of a document of ``kind`` checked against its layout: unknown keys and missing required fields
    refused (field errors named ``content.<key>``), values normalised."""
    if kind not in LAYOUTS:
        raise ValidationFailed.from_dict({"kind": [gettext("Choose one of: %(values)s")
                                                   % {"values": ", ".join(DocumentKind.values())}]})
    if not isinstance(content, Mapping):
        raise ValidationFailed.from_dict({"content": [gettext("Give the document's fields as an object.")]})
    layout = {f.key: f for f in LAYOUTS[kind]}
    errors: dict[str, list[str]] = {}
    for key in content:
        if key not in layout:
            errors[f"content.{key}"] = [gettext("This document has no such field.")]
    out = {}
    for key, spec in layout.items():
        value = content.get(key)
        if value is None or value == "":
            if spec.required:
                errors[f"content.{key}"] = [gettext("This field is required.")]
            continue
        try:
            out[key] = _field_value(spec, value)
        except ValueError as exc:
            errors[f"content.{key}"] = [str(exc)]
    if errors:
        raise ValidationFailed.from_dict(errors)
    return out


# --- numbering -------------------------------------------------------------------------------------------------------


def next_serial(prefix: str, kind: str, year: int) -> int:
    """Take the next serial of a series and year. Must run inside the issuing transaction: the counter's advance
    commits or rolls back with the document. A compare-and-swap on ``last`` (retried when another writer moved it
    first) guarantees that two issuers never take the same serial and none is skipped."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_serial must run inside the issuing transaction")
    for _attempt in range(100):
        counter = DocumentCounter.objects.filter(prefix=prefix, kind=kind, year=year)
        if connection.features.has_select_for_update:
            counter = counter.select_for_update()
        row = counter.first()
        if row is None:
            try:
                with transaction.atomic():
                    DocumentCounter.objects.create(prefix=prefix, kind=kind, year=year, last=1)
                return 1
            except IntegrityError:  # another issuer created the series first: take the next one from its row
                continue
        if DocumentCounter.objects.filter(pk=row.pk, last=row.last).update(last=row.last + 1):
            return row.last + 1
    raise RuntimeError(f"could not take a serial of {prefix} {kind} {year}")


# --- issuing ---------------------------------------------------------------------------------------------------------


def issue_document(actor, kind: str, enterprise, content: Mapping[str, Any], *, case=None, corrects=None,
                   serves=None, inspection=None, issued_at: datetime.datetime | None = None,
                   check_scope: bool = True) -> EnforcementDocument:
    """Issue a document of ``kind`` to ``enterprise`` (an Enterprise or its id) with its body ``content``
    (validated against :data:`LAYOUTS`), numbered from its series for the year of issue. ``corrects``: the document
    this one corrects (same kind and enterprise; it then reads as superseded). ``serves``: for a 送达回证, the
    document whose service it records. One transaction, audited."""
    policy.require(actor, "add", EnforcementDocument)
    if not isinstance(enterprise, enterprise_model()):
        enterprise = policy.get_in_scope_or_field_error(enterprise_model(), enterprise, actor, "enterprise_id")
    elif check_scope and not policy.in_scope(actor, enterprise):
        raise policy.reference_error(enterprise_model(), "enterprise_id")
    body = validate_content(kind, content)
    if corrects is not None:
        if corrects.kind != kind or corrects.enterprise_id != enterprise.pk:
            raise ValidationFailed.from_dict({"corrects_id": [gettext(
                "A correction has the kind and the enterprise of the document it corrects.")]})
        if corrects.is_superseded:
            raise ValidationFailed.from_dict({"corrects_id": [gettext(
                "This document was already corrected; correct its latest correction.")]})
    if serves is not None:
        if kind != DocumentKind.SERVICE_RECEIPT:
            raise ValidationFailed.from_dict({"serves_id": [gettext("Only a service receipt records a service.")]})
        if serves.enterprise_id != enterprise.pk:
            raise ValidationFailed.from_dict({"serves_id": [gettext(
                "The document served is addressed to another enterprise.")]})
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise ValidationFailed.from_dict({"inspection_id": [gettext("The inspection concerns another enterprise.")]})
    issued_at = issued_at or timezone.now()
    year = timezone.localtime(issued_at).year
    prefix = document_prefix()
    with transaction.atomic():
        serial = next_serial(prefix, kind, year)
        document = EnforcementDocument(
            kind=kind, prefix=prefix, year=year, serial=serial,
            number=numbering.format_number(prefix, kind, year, serial), issuer=issuer_name(),
            enterprise=enterprise, region_code=enterprise.region_code, case=case, corrects=corrects, serves=serves,
            inspection=inspection, content=body, issued_at=issued_at, issued_by=actor,
            issued_by_name=(getattr(actor, "display_name", "") or actor.get_username())[:150])
        document._issuing = True
        document.save()
        audit.record(AuditAction.CREATE, document, actor=actor, after={"number": document.number, "kind": kind},
                     message=f"document issued: {document.number}"
                     + (f" (corrects {corrects.number})" if corrects is not None else ""))
    return document


def correct_document(actor, document: EnforcementDocument, content: Mapping[str, Any]) -> EnforcementDocument:
    """Issue a correction of ``document``: a new document of the same kind, enterprise and case with its own
    number, referencing the old one (which is never edited)."""
    if not policy.in_scope(actor, document):
        raise policy.reference_error(EnforcementDocument, "corrects_id")
    return issue_document(actor, document.kind, document.enterprise, content, case=document.case,
                          corrects=document, serves=document.serves, inspection=document.inspection)


def issue_from_api(actor, data: Mapping[str, Any]) -> EnforcementDocument:
    """``POST /enforcement-documents``: kind, enterprise_id, content, and optionally case_id, corrects_id,
    serves_id (each in the actor's scope)."""
    from ..models import PenaltyCase

    def ref(model, field):
        pk = data.get(field)
        return None if pk is None else policy.get_in_scope_or_field_error(model, pk, actor, field)

    corrects = ref(EnforcementDocument, "corrects_id")
    serves = ref(EnforcementDocument, "serves_id")
    case = ref(PenaltyCase, "case_id")
    if case is not None and case.enterprise_id != data.get("enterprise_id"):
        raise ValidationFailed.from_dict({"case_id": [gettext("The case concerns another enterprise.")]})
    if corrects is not None and case is None:
        case = corrects.case
    return issue_document(actor, data.get("kind"), data.get("enterprise_id"), data.get("content") or {},
                          case=case, corrects=corrects, serves=serves)


# --- reading and printing ------------------------------------------------------------------------------------------


def body_rows(document: EnforcementDocument) -> list[dict]:
    """The document's fields in the layout's order, as label and printable text."""
    rows = []
    for spec in LAYOUTS.get(document.kind, ()):
        value = document.content.get(spec.key)
        if value is None or value == "":
            continue
        if spec.type == "bool":
            text = gettext("Yes") if value else gettext("No")
        elif spec.type == "date":
            day = datetime.date.fromisoformat(value)
            text = f"{day.year}年{day.month}月{day.day}日"
        elif spec.type == "datetime":
            moment = datetime.datetime.fromisoformat(value)
            text = f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        elif spec.type == "money":
            text = gettext("%(amount)s yuan") % {"amount": value}
        elif spec.type == "method":
            text = str(ServiceMethod.label(value))
        else:
            text = value
        rows.append({"key": spec.key, "label": str(spec.label), "text": text, "long": spec.type == "long"})
    return rows


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def pdf_context(document: EnforcementDocument) -> dict:
    enterprise = document.enterprise
    return {"document": document, "title": document.title, "rows": body_rows(document), "enterprise": enterprise,
            "issued_on": _cn_date(timezone.localtime(document.issued_at).date()),
            "corrects": document.corrects, "serves": document.serves, "case": document.case}


def render_html(document: EnforcementDocument) -> str:
    """The document's HTML for the PDF, always in the platform's language (the legal forms are Chinese whatever
    the reader's page language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(PDF_TEMPLATE, pdf_context(document))


def render_pdf(actor, document: EnforcementDocument) -> bytes:
    """The document in its standard layout as PDF (bundled CJK font); the download is audited."""
    content = pdf.render(render_html(document), PDF_STYLESHEET, Path(__file__).resolve().parent.parent)
    # A legacy number may hold characters the audit trail refuses: they are left out of the message.
    number = textpolicy.cleaned(document.number)
    audit.record(AuditAction.EXPORT, document, actor=actor, object_repr=number, message=f"document pdf: {number}")
    return content


def pdf_filename(document: EnforcementDocument) -> str:
    return re.sub(r"[^\w〔〕]+", "-", document.number) + ".pdf"
