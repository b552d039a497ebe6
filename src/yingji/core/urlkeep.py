"""URLs worked out once and kept per URL name, language, script prefix and URL map.

``reverse`` costs about 25 µs; every page's navigation asks for every module's URL and a list's rows link their
objects' pages (hundreds of reverses a page). What depends on the URL name alone is built once per language (should
URLs be translated), script prefix (a deployment under a sub-path) and URL map (a test's ``urlconf``), which
are fixed for a request, and kept for the life of the process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

T = TypeVar("T")

_KEPT: dict[tuple, object] = {}


def kept(kind: str, url_name: str, build: Callable[[str], T]) -> T:
    """``build(url_name)``, once per ``kind`` (what is built: a page's URL, a maker of object URLs), URL name,
    language, script prefix and URL map."""
    key = (kind, url_name, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    try:
        return _KEPT[key]  # type: ignore[return-value]
    except KeyError:
        value = _KEPT[key] = build(url_name)
        return value
