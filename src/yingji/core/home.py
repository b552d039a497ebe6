"""The home page per role (issue 12 §2): first what needs the user now, then how things stand.

Apps register what they add from their ``AppConfig.ready`` (core never imports a domain app):

- a *tile* is ``make(user, now) -> Tile | list[Tile] | None``: a count with the URL of the filtered list behind it
  (and optional parts, each a count with its own filtered list). The count comes from the same scoped queryset
  (``Model.objects.for_user``) and the same FilterSet as that list, so the number on the tile is the number of rows
  the link shows — a test walks every tile of every role and checks it;
- a *panel* is ``make(user, now) -> dict | None`` rendered by the app's own template (rows that need attention);
- a *chart* is ``make(user, now) -> spec | None`` (a ``core.charts`` spec, drawn by the one chart helper).

Each is registered for some *audiences*; a user's audiences come from their roles and scope (``audiences``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.urls import reverse

from . import policy
from .choices import Role

#: Who a home page is for: the duty desk and commanders (desk), the business sections and inspectors (section),
#: township and village staff (local: their own area), enterprise accounts (enterprise), and a city's (or a
#: province's) accounts (city: their counties side by side, besides the desk's or the sections' tiles).
AUDIENCES = ("desk", "section", "local", "enterprise", "city")
DESK_ROLES = frozenset({Role.DUTY_OFFICER, Role.COMMANDER, Role.APPROVER, Role.OBSERVER, Role.ADMIN})
SECTION_ROLES = frozenset({Role.SECTION_STAFF, Role.INSPECTOR})
#: Region code length of a county (a longer scope is a township's or a village's).
COUNTY_CODE_LENGTH = 6
#: Groups of tiles, in the order the page shows them.
GROUPS = ("now", "standing")


def audiences(user) -> frozenset[str]:
    """The audiences a user's home page serves: enterprise accounts see their enterprise; an account scoped to a
    township or village sees its area (local); county accounts see the desk and/or the sections by their roles
    (an account with neither kind of role sees the desk's overview); accounts above a county also get ``city``."""
    if getattr(user, "enterprise_id", None):
        return frozenset({"enterprise"})
    if len(user.scope_region_code or "") > COUNTY_CODE_LENGTH:
        return frozenset({"local"})
    roles = user.role_keys
    out = set()
    if roles & DESK_ROLES:
        out.add("desk")
    if roles & SECTION_ROLES:
        out.add("section")
    if policy.is_above_county(user):
        out.add("city")
    if not out & {"desk", "section"}:
        out.add("desk")
    return frozenset(out)


def list_url(name: str, **params) -> str:
    """The URL of a list page with its filter parameters (None values left out, booleans as true/false)."""
    query = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items() if v is not None}
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass
class Part:
    """One count inside a tile (a level, a colour, a window), with its own filtered list."""

    label: str
    value: int
    url: str
    colour: str = ""


@dataclass
class Tile:
    title: str
    value: int
    url: str
    #: A warning/risk colour when the number is an alarm (red/orange/yellow/blue), "danger" for overdue work.
    colour: str = ""
    parts: list[Part] = field(default_factory=list)
    #: A short line under the number (a rate, a unit); never a number that needs its own link.
    note: str = ""
    group: str = "now"


@dataclass(frozen=True)
class _Entry:
    kind: str
    key: str
    make: Callable
    audiences: frozenset[str]
    order: int
    template: str = ""
    group: str = "now"
    wide: bool = False


_entries: dict[str, _Entry] = {}


def _register(kind: str, key: str, make: Callable, audiences: Iterable[str], order: int, template: str = "",
              group: str = "now", wide: bool = False) -> None:
    unknown = set(audiences) - set(AUDIENCES)
    if unknown:
        raise ValueError(f"Unknown audiences {sorted(unknown)} for {key!r}; known: {', '.join(AUDIENCES)}")
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r} for {key!r}")
    _entries[f"{kind}:{key}"] = _Entry(kind, key, make, frozenset(audiences), order, template, group, wide)


def register_tile(key: str, make: Callable, *, audiences: Iterable[str], order: int = 100,
                  group: str = "now") -> None:
    """``make(user, now)`` returns a Tile, a list of them, or None (nothing for this user)."""
    _register("tile", key, make, audiences, order, group=group)


def register_panel(key: str, make: Callable, *, template: str, audiences: Iterable[str], order: int = 100,
                   wide: bool = False) -> None:
    """``make(user, now)`` returns the template's context (``panel``) or None (nothing to show); a ``wide`` panel
    takes the page's whole width."""
    _register("panel", key, make, audiences, order, template=template, wide=wide)


def register_chart(key: str, make: Callable, *, audiences: Iterable[str], order: int = 100) -> None:
    """``make(user, now)`` returns a ``core.charts`` spec or None."""
    _register("chart", key, make, audiences, order)


def entries(kind: str, user_audiences: Iterable[str]) -> list[_Entry]:
    wanted = set(user_audiences)
    return sorted((e for e in _entries.values() if e.kind == kind and e.audiences & wanted),
                  key=lambda e: (e.order, e.key))


def _opens(user, url: str, cache: dict) -> bool:
    """Whether the linked list page opens for the user (its module allowed; ModuleAccessMiddleware's rule)."""
    from django.urls import Resolver404, resolve

    from .modules import page_allowed

    path = urlsplit(url).path
    if path not in cache:
        try:
            cache[path] = page_allowed(user, resolve(path).url_name)
        except Resolver404:
            cache[path] = False
    return cache[path]


def tiles(user, now: datetime.datetime) -> list[Tile]:
    """The user's tiles; a tile whose list the user may not open is left out (a number must lead somewhere)."""
    out: list[Tile] = []
    opens: dict[str, bool] = {}
    for entry in entries("tile", audiences(user)):
        made = entry.make(user, now)
        for tile in made if isinstance(made, list) else [made] if made else []:
            if not _opens(user, tile.url, opens):
                continue
            tile.parts = [p for p in tile.parts if _opens(user, p.url, opens)]
            if tile.group == "now" and entry.group != "now":
                tile.group = entry.group
            out.append(tile)
    return out


def page(user, now: datetime.datetime) -> dict:
    """Everything the user's home page shows: tiles by group, panels and chart specs (chart ids ``home-<key>``)."""
    all_tiles = tiles(user, now)
    panels = []
    for entry in entries("panel", audiences(user)):
        data = entry.make(user, now)
        if data is not None:
            panels.append({"key": entry.key, "template": entry.template, "panel": data, "wide": entry.wide})
    charts = []
    for entry in entries("chart", audiences(user)):
        spec = entry.make(user, now)
        if spec is not None:
            charts.append({"id": f"home-{entry.key}", "spec": spec})
    return {"audiences": sorted(audiences(user)),
            "groups": [(g, [t for t in all_tiles if t.group == g]) for g in GROUPS],
            "tiles": all_tiles, "panels": panels, "charts": charts}


class _Viewer:
    """What a FilterSet reads of a request (its user, for the region choices)."""

    def __init__(self, user):
        self.user = user
        self.GET = {}


def filtered(queryset, filterset, user, **params):
    """The list's own scoped queryset run through the list's own FilterSet with these parameters (what the list
    page shows the user with them)."""
    data = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in params.items()
            if v is not None}
    if filterset is not None and data:
        queryset = filterset(data, queryset=queryset, request=_Viewer(user)).qs
    return queryset


def filtered_count(queryset, filterset, user, url_name: str, **params) -> tuple[int, str]:
    """The number of rows a list page shows the user with these filter parameters, and that page's URL: the list's
    own scoped queryset run through the list's own FilterSet, so the tile and the list cannot disagree."""
    return filtered(queryset, filterset, user, **params).order_by().count(), list_url(url_name, **params)


def surface_count(surface, user, **params) -> tuple[int, str]:
    """``filtered_count`` for a declared surface's list (``surface.visible`` and its FilterSet)."""
    return filtered_count(surface.visible(user), surface.filterset, user, f"{surface.prefix}_list", **params)
