"""Shared API plumbing: authentication, the one error shape, pagination and FilterSet-driven filters."""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Any

import django_filters
import ninja
import orjson
from django.conf import settings
from django.db import connections, router
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext
from ninja import Field
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer, SessionAuth
from pydantic import (
    AfterValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from . import context, textpolicy, values
from .errors import NotAllowed, ServiceError, ValidationFailed
from .middleware import client_address
from .models import ApiToken, User, UserRole, hash_token

MAX_ID = 2**63 - 1


class Schema(ninja.Schema):
    """Every API schema's base: ninja's ``Schema`` (attributes of model instances, managers as lists, files as
    their URLs) with a fast path for what almost every endpoint returns — a plain ``dict`` of plain values, which
    pydantic validates as it is. ninja wraps every object, dicts included, in a ``DjangoGetter`` and reads each
    field through its ``__getattr__``: 700 Python calls for a page of 20 rows, a quarter of a list call's time.

    A dict the plain validation refuses (a callable, a manager or a file where a value, a list or a URL is
    declared) goes the ``DjangoGetter`` way after all, so answers do not change; schemas with ``resolve_*`` methods
    always do."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        if type(values) is dict and not cls._ninja_resolvers:
            try:
                return handler(values)
            except ValidationError:
                pass  # perhaps a value only the DjangoGetter converts: its way decides, errors included
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)  # ninja's own order: the object itself first (its __dict__ for extra fields)
        return handler(DjangoGetter(values, cls, info.context))


class JSONRenderer(BaseRenderer):
    """The API's JSON, written by orjson (the standard encoder took a tenth of a list call). Its bytes mean what
    ninja's renderer wrote, with the same text for every value: times, dates and anything else orjson does not
    write itself go through ninja's encoder (Django's: times to the millisecond, UTC as ``Z``; decimals and lazy
    text as strings); non-ASCII text is written as UTF-8 instead of ``\\u`` escapes."""

    media_type = "application/json"
    charset = "utf-8"
    _encoder = NinjaJSONEncoder()
    _options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(self, request, data: Any, *, response_status: int) -> bytes:
        try:
            return orjson.dumps(data, default=self._encoder.default, option=self._options)
        except orjson.JSONEncodeError:  # what orjson cannot write (an integer beyond 64 bits): the standard encoder
            return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


#: Free text under the text policy (core.textpolicy): no NUL, other control characters or lone surrogates.
Text = Annotated[str, AfterValidator(textpolicy.check)]


def ShortText(max_length: int, min_length: int = 0):  # noqa: N802  (reads as a type)
    return Annotated[str, Field(max_length=max_length, min_length=min_length), AfterValidator(textpolicy.check)]


class TextPolicyParser(Parser):
    """The API's request parser: every string of a JSON body or query string is held to the text policy before
    any schema sees it, so a plain ``str`` field is as safe as ``Text`` (422 naming the field).

    A batch endpoint whose service judges each item on its own (and reports the bad ones by index while storing
    the rest, like readings ingestion) registers its path in ``ITEMWISE_BODIES``; its body is left to that
    service, which applies the same policy per item."""

    ITEMWISE_BODIES: set[str] = set()

    def parse_body(self, request):
        try:
            # orjson is about 2.5x faster on a batch of readings; what it refuses (NaN, a lone surrogate escape, an
            # integer beyond 64 bits, invalid JSON) goes to the standard decoder, which accepts or words it exactly
            # as before, so the answer never depends on which decoder ran.
            data = orjson.loads(request.body)
        except orjson.JSONDecodeError:
            data = super().parse_body(request)
        if request.path not in self.ITEMWISE_BODIES:
            self._check(data, "")
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        self._check(result, "")
        return result

    @staticmethod
    def _check(data, prefix):
        errors = textpolicy.field_errors(data, prefix)
        if errors:
            raise ValidationFailed("Validation failed", errors)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]

#: A date within the accepted range (``YINGJI_DATE_RANGE``, see core.values).
Date = Annotated[datetime.date, AfterValidator(values.check_date)]
#: A date-time within the accepted range; one without a zone is read in the county's time zone (``TIME_ZONE``).
DateTime = Annotated[datetime.datetime, AfterValidator(values.check_datetime)]
#: A mobile number, a landline with its area code (and extension), or a short service number; "" allowed.
_PHONE_OR_EMPTY = values.PHONE_RE.pattern.replace("^(", "^(|")
Phone = Annotated[str, Field(max_length=32, json_schema_extra={"pattern": _PHONE_OR_EMPTY}),
                  AfterValidator(textpolicy.check), AfterValidator(values.check_phone)]


def _checked(value):
    """The request-side rules every value of a request body obeys, however deeply nested: text obeys the text
    policy (no lone surrogates, which no database column can store, nor control characters), integers fit a
    64-bit column, dates and date-times are in the accepted range (date-times made zone-aware)."""
    if isinstance(value, str):
        return textpolicy.check(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return values.check_int(value)
    if isinstance(value, datetime.datetime):
        return values.check_datetime(value)
    if isinstance(value, datetime.date):
        return values.check_date(value)
    if isinstance(value, list | tuple):
        return type(value)(_checked(v) for v in value)
    if isinstance(value, dict):
        return {_checked(k): _checked(v) for k, v in value.items()}
    return value


class InSchema(Schema):
    """The base of every request body schema (response schemas stay on ``Schema``): a field the schema does not
    declare is refused with a 422 naming it, and every value passes the request-side checks of ``_checked``."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _request_side_rules(cls, value):
        return _checked(value)


# --- authentication ----------------------------------------------------------------------------------------

#: What an account that must change its password may still call.
PASSWORD_CHANGE_PATHS = ("/api/v1/me", "/api/v1/me/password")


def _require_current_password(request, user):
    if user.must_change_password and request.path.rstrip("/") not in PASSWORD_CHANGE_PATHS:
        raise NotAllowed("Password change required: POST /api/v1/me/password first",
                         [{"field": "password", "message": "The initial password must be changed"}])
    return user


def usable_token(raw: str) -> ApiToken | None:
    """The unexpired, unrevoked token of an active account whose raw value is ``raw`` (looked up by SHA-256), its
    use noted at most once a minute; None otherwise. The API's bearer auth and the big screen's kiosk link."""
    if not raw or len(raw) > 200:
        return None
    # Asked on every API request: one plain statement for the token, its account and the account's roles (the ORM's
    # building of the same query cost about 0.8 ms of a 3 ms request; two statements were two round trips on
    # PostgreSQL). The conditions are ApiToken.objects.usable()'s.
    now = timezone.now()
    db = router.db_for_read(ApiToken)
    ops = connections[db].ops
    quote = ops.quote_name
    roles = "string_agg(r.role, ',')" if connections[db].vendor == "postgresql" else "group_concat(r.role, ',')"
    user = next(iter(User.objects.db_manager(db).raw(
        f"SELECT u.*, (SELECT {roles} FROM {quote(UserRole._meta.db_table)} r WHERE r.user_id = u.id) "  # noqa: S608  names from model metadata
        "AS role_keys_csv, t.id AS token_pk, t.name AS token_name, t.prefix AS token_prefix, "
        "CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END AS token_unnoted "
        f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)",
        [ops.adapt_datetimefield_value(now - datetime.timedelta(seconds=60)), hash_token(raw),
         ops.adapt_datetimefield_value(now)])), None)
    if user is None or not user.is_active:
        return None
    csv = user.role_keys_csv
    user.role_keys = frozenset(csv.split(",")) if csv else frozenset()  # what the cached property would read
    # The token as read (its other fields load on first use, as a deferred field does).
    api_token = ApiToken.from_db(db, ["id", "user_id", "name", "prefix"],
                                 [user.token_pk, user.pk, user.token_name, user.token_prefix])
    api_token.user = user
    if user.token_unnoted:  # its use is noted at most once a minute
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; tokens are looked up by SHA-256, must be unexpired and unrevoked."""

    def authenticate(self, request, token: str):
        api_token = usable_token(token)
        if api_token is None:
            return None
        if api_token.is_kiosk and request.method not in ("GET", "HEAD", "OPTIONS"):
            return None  # a kiosk token (the big screen's) only reads
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


def _message(error: dict) -> str:
    """pydantic's message, without the "Value error, " it puts before our own (translated) ones."""
    if error.get("type") == "extra_forbidden":
        return gettext("Unknown field.")
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


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
        errors = [{"field": _loc_to_field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
        return respond(request, 422, "Validation failed", errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return respond(request, 401, "Authentication required: send 'Authorization: Bearer <token>' or log in")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, ServiceError):  # raised by the parser (text policy), wrapped by ninja as 400
            return service_error(request, exc.__cause__)
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
    rows = list(queryset[page.offset:page.offset + page.limit])
    # A page that is not full (and not past the end) is the last one: the count is known without a query.
    count = page.offset + len(rows) if 0 < len(rows) < page.limit or (not rows and not page.offset) \
        else queryset.count()
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
            # The document is in the default language whatever language the request that built it had.
            with translation.override(settings.LANGUAGE_CODE):
                label = str(flt.label or name)
            fields[name] = (Text | None, Field(None, description=label, **extra))
        _filter_schema_cache[filterset_class] = create_model(
            filterset_class.__name__.replace("FilterSet", "Filters"), __base__=Schema, **fields)
    return _filter_schema_cache[filterset_class]


def apply_filters(filterset_class, request, queryset):
    # No filter asked for: the FilterSet would change nothing (every filter skips an empty value) but still build
    # its form, region choices included (a query and most of a list call's time).
    if not any(name in request.GET for name in filterset_class.base_filters):
        return queryset
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationFailed.from_dict(filterset.errors, "Invalid filter")
    return filterset.qs
