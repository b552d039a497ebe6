"""HTML → PDF with Chinese that renders on a machine that only ran the README's install (DESIGN: WeasyPrint from
the same HTML templates). The Noto Sans CJK font shipped by the mplfonts wheel is loaded through @font-face; the
system's CJK fonts (``fc-list :lang=zh``) follow it in the font stack when present."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from .errors import ServiceError

#: Noto Sans CJK SC as shipped by the mplfonts wheel: always installed, so Chinese renders without system fonts.
BUNDLED_CJK_FONT = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Yingji CJK"
#: The warning-level colours, shared with the pages (base.html loads the same file).
LEVELS_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "yingji" / "levels.css"


class PdfUnavailable(ServiceError):
    """WeasyPrint cannot run here (its system libraries, pango and friends, are missing)."""

    status = 503
    default_detail = "PDF rendering is unavailable on this server (WeasyPrint or its pango libraries are missing)"


@lru_cache(maxsize=1)
def bundled_cjk_font() -> Path | None:
    spec = importlib.util.find_spec("mplfonts")  # located, not imported: importing it loads matplotlib
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / BUNDLED_CJK_FONT
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def system_cjk_families() -> tuple[str, ...]:
    """Families of the system's CJK fonts (``fc-list :lang=zh``), used when present."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10,  # noqa: S603
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = []
    for line in out.splitlines():
        name = line.split(",")[0].strip()
        if name and name not in families:
            families.append(name)
    return tuple(families[:8])


def font_css() -> str:
    font = bundled_cjk_font()
    face = (f'@font-face {{ font-family: "{CJK_FAMILY}"; src: url("{font.as_uri()}"); }}\n' if font else "")
    stack = ([f'"{CJK_FAMILY}"'] if font else []) + [f'"{f}"' for f in system_cjk_families()] + ["sans-serif"]
    return face + f"html {{ font-family: {', '.join(stack)}; }}\n"


@lru_cache(maxsize=1)
def available() -> bool:
    """WeasyPrint and its pango libraries can be loaded here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: pango/harfbuzz shared libraries not found
        return False
    return True


def render(html: str, stylesheet: Path, base_url: Path) -> bytes:
    """The HTML as PDF with the CJK font set-up and ``stylesheet``; ``PdfUnavailable`` (503) without WeasyPrint."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:  # OSError: pango/harfbuzz shared libraries not found
        raise PdfUnavailable(f"{PdfUnavailable.default_detail}: {exc}") from None
    # @font-face rules only load through a FontConfiguration shared by the stylesheets and the writer.
    fonts = FontConfiguration()
    stylesheets = [CSS(string=font_css(), font_config=fonts), CSS(filename=str(LEVELS_STYLESHEET), font_config=fonts),
                   CSS(filename=str(stylesheet), font_config=fonts)]
    return HTML(string=html, base_url=str(base_url)).write_pdf(stylesheets=stylesheets, font_config=fonts)
