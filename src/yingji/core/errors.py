"""Typed errors raised by services; the API and the views map each to one status and one body shape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class ServiceError(Exception):
    status = 400
    default_detail = "Bad request"

    def __init__(self, detail: str | None = None, errors: Iterable[Mapping[str, str]] = ()):
        self.detail = str(detail or self.default_detail)
        self.errors = [{"field": str(e.get("field", "")), "message": str(e.get("message", ""))} for e in errors]
        super().__init__(self.detail)

    def as_body(self) -> dict:
        return {"detail": self.detail, "errors": self.errors}


class ValidationFailed(ServiceError):
    """One or more fields are invalid; ``errors`` names each field and what is wrong with it."""

    status = 422
    default_detail = "Validation failed"

    @classmethod
    def from_dict(cls, field_errors: Mapping[str, Iterable[str] | str], detail: str | None = None):
        errors = []
        for field, messages in field_errors.items():
            if isinstance(messages, str):
                messages = [messages]
            for message in messages:
                errors.append({"field": "" if field == "__all__" else field, "message": str(message)})
        return cls(detail, errors)


class NotAllowed(ServiceError):
    status = 403
    default_detail = "You are not allowed to do this"


class NotFound(ServiceError):
    status = 404
    default_detail = "Not found"


class Conflict(ServiceError):
    status = 409
    default_detail = "The object was changed by someone else; reload and try again"
