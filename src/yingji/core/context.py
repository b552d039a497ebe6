"""The request context services read when they write audit records: who acts, from where, which request."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    user: object | None = None
    address: str | None = None
    request_id: str = ""


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("yingji_request_context",
                                                                           default=_EMPTY)  # noqa: B039 (frozen)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def acting(user=None, address: str | None = None, request_id: str = ""):
    """Run a block as ``user`` (CLI commands, tasks, tests): audit records name that user."""
    token = _current.set(RequestContext(user=user, address=address, request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)


def set_for_request(user, address: str | None, request_id: str):
    return _current.set(RequestContext(user=user, address=address, request_id=request_id))


def reset(token) -> None:
    _current.reset(token)
