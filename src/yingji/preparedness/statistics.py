"""Preparedness statistics for a year (预案、演练、培训、宣传 figures feeding the annual statistics): a small registry
of sections, each drawn from one area and rendered generically by the page, the API and the export.

An area registers its section once, from the app's ``ready()``::

    from . import statistics
    statistics.register("drills", _("Drills"), build_drill_section, model="preparedness.drill")

``build(user, year, region_code=None, industry=None)`` returns plain data::

    {"figures": [{"label": "Activities", "value": 42}, ...],
     "tables": [{"title": "By month", "headers": ["Month", "Activities"], "rows": [["1月", 3], ...,
                 ["Total", 42]], "summary_rows": 1}]}

(``summary_rows``, optional: how many trailing rows are totals, shown apart on the page). It must read through
``Model.objects.for_user(user)`` so a township's user sees only its township's figures;
``region_code`` (a township or village code the frame has checked lies in the user's scope) and ``industry`` (a
GB/T 4754 section letter or division code, checked) narrow further. ``model`` (a model label) hides the section
from users whose roles cannot view that model. Labels may be lazy translations: the frame renders them as text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yingji.core import policy, values
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Region
from yingji.enterprises import industries


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    build: Callable[..., dict]
    model: str | None = None
    #: Optional further test of the user (e.g. staff only: no enterprise accounts).
    allowed: Callable[[Any], bool] | None = None

    def visible_to(self, user) -> bool:
        if self.allowed is not None and not self.allowed(user):
            return False
        return self.model is None or policy.can(user, "view", apps.get_model(self.model))


_sections: dict[str, Section] = {}
FIGURE = _("Figure")
VALUE = _("Value")


def register(key: str, title, build: Callable[..., dict], *, model: str | None = None,
             allowed: Callable[[Any], bool] | None = None) -> None:
    """Add (or replace) a section; sections show in the order they were registered."""
    _sections[key] = Section(key, title, build, model, allowed)


def sections() -> list[Section]:
    return list(_sections.values())


def industry_divisions(industry: str | None) -> list[str] | None:
    """The GB/T 4754 divisions an industry filter selects (a section letter: all its divisions); None: no filter."""
    if not industry:
        return None
    if industry in industries.DIVISIONS:
        return [industry]
    return [code for code, letter in industries.SECTION_OF_DIVISION.items() if letter == industry]


# --- the request: year, place and industry checked once for every section ---------------------------------------


def year_bounds() -> tuple[int, int]:
    low, high = values.date_bounds()
    return low.year, high.year


def check_year(value) -> int:
    """The year asked for (default: this year), within the accepted date range; else a 422 naming ``year``."""
    if value in (None, ""):
        return timezone.localdate().year
    text = str(value).strip()
    low, high = year_bounds()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed.from_dict({"year": [gettext("Give a year between %(low)s and %(high)s")
                                                   % {"low": low, "high": high}]})
    return int(text)


def check_region(user, value) -> str | None:
    """A township or village code inside the user's jurisdiction (unknown and out of scope answer alike)."""
    if value in (None, ""):
        return None
    code = str(value).strip()
    if not code.isdigit() or not Region.objects.filter(policy.scope_q(user, Region), code=code).exists():
        raise policy.reference_error(Region, "region_code")
    return code


def check_industry(value) -> str | None:
    if value in (None, ""):
        return None
    code = str(value).strip().upper()
    if code not in industries.DIVISIONS and code not in industries.SECTIONS:
        raise ValidationFailed.from_dict({"industry": [gettext("Unknown industry section or division")]})
    return code


def _text(value):
    return value if isinstance(value, (int, float)) or value is None else str(value)


def _plain(section: Section, data: dict) -> dict:
    """A section's answer with every label made text (lazy translations rendered in the active language)."""
    return {
        "key": section.key, "title": str(section.title),
        "figures": [{"label": str(f["label"]), "value": _text(f["value"])} for f in data.get("figures", ())],
        "tables": [{"title": str(t.get("title", "")), "headers": [str(h) for h in t["headers"]],
                    "rows": [[_text(cell) for cell in row] for row in t["rows"]],
                    "summary_rows": int(t.get("summary_rows", 0))}
                   for t in data.get("tables", ())],
    }


def compute(user, year, region_code=None, industry=None, only: str | None = None) -> dict:
    """``{year, region_code, industry, sections: [{key, title, figures, tables}]}`` for the sections the user may
    see (``only``: that one section). Raises ValidationFailed (422, naming the field) for a bad filter and
    NotAllowed when the user may see no section at all."""
    year = check_year(year)
    region_code = check_region(user, region_code)
    industry = check_industry(industry)
    chosen = [s for s in sections() if s.visible_to(user)]
    if only:
        if only not in _sections:
                raise ValidationFailed.from_dict({"section": [gettext("Unknown section")]})
        chosen = [s for s in chosen if s.key == only]
    if not chosen:
        raise NotAllowed()
    return {"year": year, "region_code": region_code or "", "industry": industry or "",
            "sections": [_plain(s, s.build(user, year, region_code=region_code, industry=industry))
                         for s in chosen]}


def export_tables(result: dict) -> list[dict]:
    """The answer as sheets for ``core.exports.export_tables``: the figures first, then every table."""
    sheets = []
    for section in result["sections"]:
        if section["figures"]:
            sheets.append({"title": section["title"], "headers": [str(FIGURE), str(VALUE)],
                           "rows": [[f["label"], f["value"]] for f in section["figures"]]})
        for table in section["tables"]:
            sheets.append({"title": f"{section['title']} · {table['title']}", "headers": table["headers"],
                           "rows": table["rows"]})
    return sheets


def month_label(month: int) -> str:
    return f"{month}月"


def year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)

