"""Chart specs for the one chart helper (``static/yingji/charts.js``, ECharts vendored): views build them here and
pages embed them with ``{{ spec|json_script:"id" }}`` beside ``<div class="yj-chart" data-yj-chart="id">`` (after
``{% include "includes/charts.html" %}``), or serve them as JSON for ``data-yj-chart-url``. Labels are the
callers' (translated) words; colours are the four warning colours by name (their values live in levels.css) or
"green"/"grey"/"#hex"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

#: Chart kinds the helper draws.
TYPES = ("line", "bar", "hbar", "stacked_bar", "pie", "donut")
#: The four warning/risk colours, most severe first (names the helper resolves from levels.css).
LEVEL_COLOURS = ("red", "orange", "yellow", "blue")


def series(name: Any, data: Iterable[Any], *, color: str | None = None, kind: str | None = None,
           stack: str | None = None) -> dict:
    out = {"name": str(name), "data": [None if v is None else float(v) if not isinstance(v, int) else v
                                        for v in data]}
    if color:
        out["color"] = color
    if kind:
        if kind not in ("line", "bar"):
            raise ValueError(f"kind must be line or bar, not {kind!r}")
        out["kind"] = kind
    if stack:
        out["stack"] = stack
    return out


def chart(type_: str, categories: Sequence[Any], series_list: Sequence[dict], *, title: Any = "", unit: str = "",
          thresholds: Sequence[dict] = (), time: bool = False, links: Sequence[str] | None = None,
          colors: Sequence[str] | None = None) -> dict:
    """A spec; every series must have one value per category (ValueError otherwise)."""
    if type_ not in TYPES:
        raise ValueError(f"Unknown chart type {type_!r}; known: {', '.join(TYPES)}")
    categories = [c if isinstance(c, str) else str(c) for c in categories]
    for s in series_list:
        if len(s["data"]) != len(categories):
            raise ValueError(f"series {s['name']!r} has {len(s['data'])} values for {len(categories)} categories")
    if links is not None and len(links) != len(categories):
        raise ValueError("links need one URL per category")
    spec = {"type": type_, "title": str(title), "unit": unit, "categories": categories, "series": list(series_list),
            "empty": _("No data")}
    if thresholds:
        spec["thresholds"] = [{"name": str(t["name"]), "value": t["value"], "color": t.get("color", "red")}
                              for t in thresholds]
    if time:
        spec["time"] = True
    if links is not None:
        spec["links"] = list(links)
    if colors is not None:
        spec["colors"] = list(colors)
    return spec


def line(categories, series_list, **kwargs) -> dict:
    return chart("line", categories, series_list, **kwargs)


def bar(categories, series_list, *, stacked: bool = False, horizontal: bool = False, **kwargs) -> dict:
    return chart("stacked_bar" if stacked else "hbar" if horizontal else "bar", categories, series_list, **kwargs)


def pie(categories, values, *, name: Any = "", donut: bool = False, **kwargs) -> dict:
    return chart("donut" if donut else "pie", categories, [series(name, values)], **kwargs)


def level_pie(labels: Sequence[Any], counts: Sequence[int], *, name: Any = "", title: Any = "",
              links: Sequence[str] | None = None) -> dict:
    """The four-colour distribution (red … blue) as a donut in the four colours."""
    return pie([str(label) for label in labels], counts, name=name, donut=True, title=title,
               colors=list(LEVEL_COLOURS[:len(labels)]), links=links)
