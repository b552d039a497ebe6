"""The start of a long-running process (a web worker, the MQTT ingestion worker, the task worker, the sweeper).

:func:`warm_up` loads, before the first request or message, what the first one would otherwise load on its own
time: every view and API module with the URL configuration (the API's schemas are built as its modules are
imported, two seconds on this machine: the first alarm after an MQTT worker's start waited for them, as the page
link in its notification reverses a URL), the URL map and the translation catalogue of each language.

It then moves every object alive at that point out of the garbage collector's reach (``gc.freeze``): the
collector's full passes otherwise walk the start-up's millions of objects (modules, the API's schemas, the URL
map), a pass of 150–250 ms that fell, every few batches, inside an MQTT batch's insert (measured: the
ingestion worker's batches of 10,000 readings took 90–150 ms and, once or twice a run, 300 ms). Objects made
afterwards are collected as usual."""

from __future__ import annotations

import gc

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> int:
    """Load the URL configuration (every view and API module), the URL map and the catalogue of every language,
    then freeze the objects alive; returns how many were frozen."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  imports the views and the API
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018  the URL map is built per language
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
