"""Where a hazard came from, told by the apps that turn their own records into hazards (an inspection's finding,
say): they register a resolver here, and the hazard's page shows the links. Prevention is the lower layer and never
imports those apps (``tests/core/test_layers.py``).

A resolver is ``resolver(hazard, user) -> list[Origin]``; it returns only what ``user`` may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """A record a hazard came from: what to call it (e.g. "执法检查 JC2026-00012 · 2026-03-05") and its page."""

    label: str
    url: str
    kind: str = ""


Resolver = Callable[[object, object], list[Origin]]
_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    """Apps call this from their ``AppConfig.ready`` (once; a second registration of the same resolver is ignored)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def origins_of(hazard, user) -> list[Origin]:
    """Every registered origin of ``hazard`` that ``user`` may see."""
    return [origin for resolver in _resolvers for origin in resolver(hazard, user)]
