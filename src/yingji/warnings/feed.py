"""Atom feed (RFC 4287) of current warnings, following the OASIS CAP feeds practice: each entry links its CAP
document with ``type="application/cap+xml"``."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from lxml import etree

from yingji.core.textpolicy import for_xml

from . import cap

ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent, name: str, text: str | None = None, **attrs):
    """A child element; stored text passes ``textpolicy.for_xml`` (rows older than the text policy)."""
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", {k: for_xml(str(v)) for k, v in attrs.items()})
    if text is not None:
        element.text = for_xml(text)
    return element


def atom(request, warnings) -> bytes:
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", cap.LANGUAGE)
    self_url = request.build_absolute_uri(reverse("api-v1:warning_feed"))
    _sub(root, "id", self_url)
    _sub(root, "title", "预警信息")
    rows = list(warnings)
    _sub(root, "updated", cap.cap_time(max((w.sent for w in rows), default=timezone.now())))
    _sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(root, "link", rel="alternate", href=request.build_absolute_uri(reverse("public_warning_list")),
         type="text/html")
    author = _sub(root, "author")
    _sub(author, "name", rows[0].sender if rows else "yingji")
    for w in rows:
        entry = _sub(root, "entry")
        _sub(entry, "id", f"urn:oid:yingji:{w.identifier}")
        _sub(entry, "title", w.headline)
        _sub(entry, "updated", cap.cap_time(w.sent))
        _sub(entry, "published", cap.cap_time(w.sent))
        _sub(entry, "summary", w.description[:500])
        _sub(entry, "category", term=w.level, label=w.get_level_display())
        _sub(entry, "link", rel="alternate", type="application/cap+xml",
             href=request.build_absolute_uri(reverse("api-v1:warning_cap", args=[w.pk])))
        _sub(entry, "link", rel="related", type="text/html",
             href=request.build_absolute_uri(reverse("public_warning_detail", args=[w.pk])))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
