"""CAP 1.2 (OASIS, ITU-T X.1303) documents of warnings, built with lxml and validated against the shipped XSD plus
the rules the XSD cannot express. Language zh-CN; geocodes are GB/T 2260 region codes (reference/README.md)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from yingji.core.textpolicy import for_xml

NS = "urn:oasis:names:tc:emergency:cap:1.2"
XSD_PATH = Path(__file__).resolve().parent / "data" / "CAP-v1.2.xsd"
BEIJING = ZoneInfo("Asia/Shanghai")
LANGUAGE = "zh-CN"
GEOCODE_NAME = "GB/T 2260"

_NO_SPACE_COMMA = re.compile(r"^[^\s,<&]+$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$")
_NUMBER = r"-?\d+(\.\d+)?"
_PAIR = re.compile(rf"^({_NUMBER}),({_NUMBER})$")
_CIRCLE = re.compile(rf"^({_NUMBER}),({_NUMBER}) ({_NUMBER})$")
_GEOCODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def cap_time(value: datetime) -> str:
    """CAP dateTime: seconds precision with an explicit offset, Beijing time (``2026-07-01T08:00:00+08:00``); an
    instant with no Beijing time (the last hours of year 9999) keeps its own offset instead of raising."""
    try:
        local = value.astimezone(BEIJING)
    except OverflowError:
        local = value
    return local.replace(microsecond=0).isoformat()


def reference_of(warning) -> str:
    """The CAP ``references`` triple ``sender,identifier,sent`` of a published warning."""
    return f"{warning.sender},{warning.identifier},{cap_time(warning.sent)}"


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """Parse a CAP polygon (lat,lon pairs); raise ValueError unless it is a closed ring of at least 4 pairs."""
    pairs = []
    for token in str(text).split():
        match = _PAIR.match(token)
        if not match:
            raise ValueError(f"'{token}' is not a 'lat,lon' pair")
        lat, lon = float(match.group(1)), float(match.group(3))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"'{token}' is outside latitude/longitude bounds")
        pairs.append((lat, lon))
    if len(pairs) < 4:
        raise ValueError("A polygon needs at least 4 'lat,lon' pairs")
    if pairs[0] != pairs[-1]:
        raise ValueError("A polygon must end with its first pair")
    return pairs


def parse_circle(text: str) -> tuple[float, float, float]:
    """Parse a CAP circle ``lat,lon radius`` (radius in km); raise ValueError when malformed."""
    match = _CIRCLE.match(str(text).strip())
    if not match:
        raise ValueError("A circle is 'lat,lon radius' with the radius in km")
    lat, lon, radius = float(match.group(1)), float(match.group(3)), float(match.group(5))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("The centre is outside latitude/longitude bounds")
    if radius < 0:
        raise ValueError("The radius cannot be negative")
    return lat, lon, radius


def _sub(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = for_xml(text)
    return element


def build(warning, *, web_url: str = "") -> bytes:
    """The CAP 1.2 XML document of a warning (UTF-8 bytes)."""
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(alert, "identifier", warning.identifier)
    _sub(alert, "sender", warning.sender)
    _sub(alert, "sent", cap_time(warning.sent or warning.created_at))
    _sub(alert, "status", "Actual")
    _sub(alert, "msgType", warning.msg_type)
    _sub(alert, "scope", "Public")
    if warning.references_id:
        _sub(alert, "references", reference_of(warning.references))
    info = _sub(alert, "info")
    _sub(info, "language", LANGUAGE)
    _sub(info, "category", warning.category)
    _sub(info, "event", warning.event)
    _sub(info, "responseType", "AllClear" if warning.msg_type == "Cancel" else "Prepare")
    _sub(info, "urgency", warning.urgency)
    _sub(info, "severity", warning.severity)
    _sub(info, "certainty", warning.certainty)
    event_code = _sub(info, "eventCode")
    _sub(event_code, "valueName", "yingji:eventType")
    _sub(event_code, "value", warning.event_type)
    _sub(info, "effective", cap_time(warning.effective))
    _sub(info, "expires", cap_time(warning.expires))
    _sub(info, "senderName", str(getattr(warning, "sender_name", "") or warning.sender))
    _sub(info, "headline", warning.headline)
    _sub(info, "description", warning.description)
    if warning.instruction:
        _sub(info, "instruction", warning.instruction)
    if web_url:
        _sub(info, "web", web_url)
    parameter = _sub(info, "parameter")
    _sub(parameter, "valueName", "yingji:level")
    _sub(parameter, "value", warning.level)
    area = _sub(info, "area")
    _sub(area, "areaDesc", warning.area_desc or " ".join(warning.area_codes) or warning.region_code)
    for polygon in warning.polygons:
        _sub(area, "polygon", " ".join(str(polygon).split()))
    for circle in warning.circles:
        _sub(area, "circle", " ".join(str(circle).split()))
    for code in warning.area_codes or [warning.region_code]:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", GEOCODE_NAME)
        _sub(geocode, "value", code)
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def _text(root, path: str) -> list[str]:
    return [e.text or "" for e in root.iterfind(path, {"c": NS})]


def validate(document: bytes) -> list[str]:
    """Problems of a CAP 1.2 document: XSD errors, then the rules the schema cannot express. Empty = valid."""
    try:
        root = etree.fromstring(document)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    xsd = schema()
    if not xsd.validate(root):
        return [f"XSD line {e.line}: {e.message}" for e in xsd.error_log]
    problems = []
    for name in ("identifier", "sender"):
        for value in _text(root, f"c:{name}"):
            if not _NO_SPACE_COMMA.match(value):
                problems.append(f"{name} must not contain spaces, commas, '<' or '&'")
    msg_type = _text(root, "c:msgType")[0]
    references = _text(root, "c:references")
    if msg_type in ("Update", "Cancel", "Ack", "Error") and not references:
        problems.append(f"a {msg_type} message must reference the message(s) it concerns")
    for value in references:
        for triple in value.split():
            parts = triple.split(",")
            if len(parts) != 3 or not all(parts) or not _DATETIME.match(parts[2]):
                problems.append(f"references entry '{triple}' is not 'sender,identifier,sent'")
    for info in root.iterfind("c:info", {"c": NS}):
        effective = _text(info, "c:effective")
        expires = _text(info, "c:expires")
        if effective and expires and datetime.fromisoformat(expires[0]) <= datetime.fromisoformat(effective[0]):
            problems.append("expires must be after effective")
        if _text(info, "c:language") != [LANGUAGE]:
            problems.append(f"language must be {LANGUAGE}")
        for polygon in _text(info, "c:area/c:polygon"):
            try:
                parse_polygon(polygon)
            except ValueError as exc:
                problems.append(f"polygon: {exc}")
        for circle in _text(info, "c:area/c:circle"):
            try:
                parse_circle(circle)
            except ValueError as exc:
                problems.append(f"circle: {exc}")
        for geocode in info.iterfind("c:area/c:geocode", {"c": NS}):
            name, value = _text(geocode, "c:valueName")[0], _text(geocode, "c:value")[0]
            if name == GEOCODE_NAME and not _GEOCODE.match(value):
                problems.append(f"geocode {value} is not a 6/9/12-digit GB/T 2260 code")
    return problems
