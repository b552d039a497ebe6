"""Deadlines other apps put on the duty console: each app registers a provider ``provider(user, now) -> rows``;
a row is a dict with ``title``, ``due_at``, ``status`` (overdue / near / running) and ``url``. Core names no app."""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def collect(user, now) -> list[dict]:
    """Every registered provider's rows for the user, soonest first."""
    rows: list[dict] = []
    for provider in _providers:
        rows.extend(provider(user, now))
    return sorted(rows, key=lambda row: row["due_at"])
