"""Shared API plumbing: authentication, the one error shape, pagination and FilterSet-driven filters."""

from __future__ import annotations

from typing import Annotated, Any

import django_filters
from django.http import Http404
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import AfterValidator, create_model

from . import context
from .errors import NotAllowed, ServiceError, ValidationFailed
from .middleware import client_address
from .models import ApiToken, hash_token

MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def ShortText(max_length: int, min_length: int = 0):  # noqa: N802  (reads as a type)
    return Annotated[str, Field(max_length=max_length, min_length=min_length), AfterValidator(_no_nul)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- authentication ----------------------------------------------------------------------------------------

#: What an account that must change its password may still call.
PASSWORD_CHANGE_PATHS = ("/api/v1/me", "/api/v1/me/password")


def _require_current_password(request, user):
    if user.must_change_password and request.path.rstrip("/") not in PASSWORD_CHANGE_PATHS:
        raise NotAllowed("Password change required: POST /api/v1/me/password first",
                         [{"field": "password", "message": "The initial password must be changed"}])
    return user


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; tokens are looked up by SHA-256, must be unexpired and unrevoked."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        api_token = (ApiToken.objects.usable().select_related("user", "user__enterprise")
                     .filter(key_hash=hash_token(token)).first())
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        context.set_for_request(api_token.user, client_address(request), getattr(request, "request_id", ""))
        return _require_current_password(request, api_token.user)


class ActiveSessionAuth(SessionAuth):
    """The browser session (CSRF-checked for unsafe methods), for pages that call the API with htmx.

    Authentication comes before the CSRF check: a request without a logged-in session is simply not a session
    request, so it ends as 401 (no other method matched) rather than 403 "CSRF check failed". A logged-in session
    still needs its CSRF token for unsafe methods (403 without)."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return _require_current_password(request, user)
        return None


# --- errors --------------------------------------------------------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _loc_to_field(loc: list | tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # drop the operation's parameter name ("payload")
    return ".".join(parts)


def install_error_handlers(api) -> None:
    def respond(request, status: int, detail: str, errors=()):
        response = api.create_response(request, {"detail": detail, "errors": list(errors)}, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="yingji"'
        return response

    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return respond(request, exc.status, exc.detail, exc.errors)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        errors = [{"field": _loc_to_field(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
                  for e in exc.errors]
        return respond(request, 422, "Validation failed", errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return respond(request, 401, "Authentication required: send 'Authorization: Bearer <token>' or log in")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return respond(request, exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "Not found")


# --- pagination ------------------------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="Page size (1-500)")
    offset: int = Field(0, ge=0, le=10**9, description="Number of items to skip")


_page_cache: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema ``{count, limit, offset, items: [item]}``."""
    if item not in _page_cache:
        _page_cache[item] = create_model(
            f"{item.__name__.removesuffix('Out')}Page", __base__=Schema,
            count=(int, ...), limit=(int, ...), offset=(int, ...), items=(list[item], ...),
        )
    return _page_cache[item]


def paginate(queryset, page: PageParams, transform=None) -> dict[str, Any]:
    count = queryset.count()
    rows = list(queryset[page.offset:page.offset + page.limit])
    if transform is not None:
        rows = [transform(r) for r in rows]
    return {"count": count, "limit": page.limit, "offset": page.offset, "items": rows}


# --- filters ---------------------------------------------------------------------------------------------------

_filter_schema_cache: dict[type, type] = {}


def filter_params(filterset_class: type[django_filters.FilterSet]) -> type[Schema]:
    """A query-parameter schema documenting a FilterSet's filters (the FilterSet itself does the filtering, so
    the list page, its export and the API filter identically)."""
    if filterset_class not in _filter_schema_cache:
        fields = {}
        for name, flt in filterset_class.base_filters.items():
            extra = {}
            choices = getattr(flt, "extra", {}).get("choices")
            if choices and not callable(choices):
                extra["json_schema_extra"] = {"enum": [str(c[0]) for c in choices]}
            label = flt.label or name
            fields[name] = (Text | None, Field(None, description=str(label), **extra))
        _filter_schema_cache[filterset_class] = create_model(
            filterset_class.__name__.replace("FilterSet", "Filters"), __base__=Schema, **fields)
    return _filter_schema_cache[filterset_class]


def apply_filters(filterset_class, request, queryset):
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationFailed.from_dict(filterset.errors, "Invalid filter")
    return filterset.qs
