"""Situation reports on paper: the print page's HTML rendered as PDF through ``yingji.core.pdf`` (the CJK font
set-up shared with the daily duty report)."""

from __future__ import annotations

from pathlib import Path

from yingji.core import pdf

STYLESHEET = Path(__file__).parent / "static" / "incidents" / "sitrep.css"


def pdf_available() -> bool:
    return pdf.available()


def render_pdf(html: str) -> bytes:
    return pdf.render(html, STYLESHEET, Path(__file__).parent)
