"""What apps add to the home page: a card is ``make(user) -> {"title", "value", "url"}`` (or None when the user
has nothing to see there), registered from the app's ``AppConfig.ready``; core never imports a domain app."""

from __future__ import annotations

from collections.abc import Callable

_cards: list[tuple[int, Callable]] = []


def register_card(make: Callable, order: int = 100) -> None:
    if all(existing is not make for _order, existing in _cards):
        _cards.append((order, make))
        _cards.sort(key=lambda pair: pair[0])


def cards() -> list[Callable]:
    return [make for _order, make in _cards]
