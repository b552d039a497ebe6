"""Layers of the command map (一张图) that apps contribute: ``register_layer(name, points, order, label=…,
kinds=…)`` from an app's ``AppConfig.ready``, where ``points(user) -> [{"kind", "id", "name", "lat", "lon", "url",
"fields", "risk"?}]`` returns what the user's scope holds, ``label`` names the layer's toggle and ``kinds`` the
card title of each point kind it draws. The map page (resources) asks ``layers(user)``, ``labels()`` and
``kind_labels()``; core never imports a domain app."""

from __future__ import annotations

from collections.abc import Callable, Mapping

_layers: dict[str, tuple[int, Callable]] = {}
_labels: dict[str, object] = {}
_kinds: dict[str, object] = {}


def register_layer(name: str, points: Callable, order: int = 100, *, label=None,
                   kinds: Mapping[str, object] | None = None) -> None:
    _layers[name] = (order, points)
    if label is not None:
        _labels[name] = label
    _kinds.update(kinds or {})


def layers(user, names: tuple[str, ...] | None = None) -> dict[str, list[dict]]:
    """Every registered layer in the user's scope, or only ``names`` (those registered)."""
    return {name: points(user) for name, (_order, points) in sorted(_layers.items(), key=lambda kv: kv[1][0])
            if names is None or name in names}


def labels() -> list[tuple[str, object]]:
    """The toggles of the layers registered with a label, in layer order."""
    return [(name, _labels[name]) for name, _entry in sorted(_layers.items(), key=lambda kv: kv[1][0])
            if name in _labels]


def kind_labels() -> dict[str, object]:
    return dict(_kinds)
