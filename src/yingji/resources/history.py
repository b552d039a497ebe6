"""A team's history beyond its own activity rows: apps above resources (drills in preparedness) register a
provider here, and the team's page lists what each provider returns, so resources never imports them.

A provider is ``provider(team, user) -> list[HistoryEntry]``: only what ``user`` may see (each provider applies
its own model's scope), newest first or in any order (the page sorts)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.date
    #: What kind of thing it was (a translated label) and the badge colour.
    kind: Any
    colour: str
    title: str
    #: The entry's page, "" when the viewer has none.
    url: str = ""
    note: str = ""


Provider = Callable[[Any, Any], list[HistoryEntry]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider (once; registering the same one again does nothing)."""
    if provider not in _providers:
        _providers.append(provider)


def entries(team, user) -> list[HistoryEntry]:
    """Every registered provider's entries for the team as the user may see them, newest first."""
    found = [entry for provider in _providers for entry in provider(team, user)]
    return sorted(found, key=lambda e: e.date, reverse=True)
