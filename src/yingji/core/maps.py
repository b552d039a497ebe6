"""Layers of the command map (一张图) that apps contribute: ``register_layer(name, points, order)`` from an app's
``AppConfig.ready``, where ``points(user) -> [{"kind", "id", "name", "lat", "lon", "url", "fields"}]`` returns
what the user's scope holds. The map page (resources) asks ``layers(user)``; core never imports a domain app."""

from __future__ import annotations

from collections.abc import Callable

_layers: dict[str, tuple[int, Callable]] = {}


def register_layer(name: str, points: Callable, order: int = 100) -> None:
    _layers[name] = (order, points)


def layers(user) -> dict[str, list[dict]]:
    return {name: points(user) for name, (_order, points) in sorted(_layers.items(), key=lambda kv: kv[1][0])}
