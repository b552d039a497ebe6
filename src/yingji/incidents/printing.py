"""Situation reports on paper: the print page's HTML rendered as PDF by WeasyPrint, with the CJK font set-up of
the duty report (``yingji.duty.report.font_css``: the Noto Sans CJK font shipped by mplfonts, system CJK fonts
when present), so Chinese renders on a machine that only ran the README's install."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

STYLESHEET = Path(__file__).parent / "static" / "incidents" / "sitrep.css"


def _font_css():
    try:
        from yingji.duty.report import font_css
    except ImportError:
        return None
    return font_css


@lru_cache(maxsize=1)
def pdf_available() -> bool:
    """WeasyPrint (with its pango libraries) and the CJK font helper are both there."""
    if _font_css() is None:
        return False
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: pango/harfbuzz shared libraries not found
        return False
    return True


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # @font-face rules only load through a FontConfiguration shared by the stylesheets and the writer.
    fonts = FontConfiguration()
    stylesheets = [CSS(string=_font_css()(), font_config=fonts), CSS(filename=str(STYLESHEET), font_config=fonts)]
    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf(stylesheets=stylesheets,
                                                                           font_config=fonts)
