"""The generic API of a declared surface: list, get, create and update endpoints, and workflow transitions.

Endpoints are made per surface with the names the hand-written ones had (a function's module and name give
django-ninja its operation id, summary and URL name), so the OpenAPI document of existing paths stays the same
(``tests/core/test_openapi_compat.py``). Objects are read through the surface's scoped queryset and written
through its service hooks; output is built from the response schema's fields, personal phones masked for roles
without the personal-data grant and every full number shown on a detail audited once.

(No ``from __future__ import annotations`` here: the endpoints' annotations are the schemas passed in, and
django-ninja reads them from the functions.)
"""

import types
import typing
from collections.abc import Callable
from typing import Any

from ninja import Query, Router, Status
from pydantic import create_model

from . import policy
from .api_support import ERRORS, Id, PageParams, Schema, apply_filters, filter_params, page_of, paginate
from .errors import ValidationFailed
from .surfaces import Surface, View

NULL_REFUSED = "This field cannot be null"


def _accepts_none(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _accepts_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(arg is type(None) or _accepts_none(arg) for arg in typing.get_args(annotation))
    return annotation is type(None)


def patch_of(schema: type[Schema], name: str, *, exclude: tuple[str, ...] = ()) -> type[Schema]:
    """The PATCH body of a create schema: every field optional (absent = unchanged), same types and limits;
    ``exclude`` names fields that cannot change after creation."""
    fields = {}
    # The annotations as declared (``Annotated`` types keep their constraints, patterns and descriptions).
    hints = typing.get_type_hints(schema, include_extras=True)
    for field_name in schema.model_fields:
        if field_name in exclude:
            continue
        annotation = hints[field_name]
        fields[field_name] = (annotation if _accepts_none(annotation) else annotation | None, None)
    patch = create_model(name, __base__=schema.__base__, **fields)
    patch.__module__ = schema.__module__
    return patch


def nullable_fields(schema: type[Schema]) -> frozenset[str]:
    """Fields a create schema lets be null: the ones a PATCH may clear with an explicit null."""
    return frozenset(name for name, info in schema.model_fields.items() if _accepts_none(info.annotation))


def patch_data(payload: Schema, nullable: frozenset[str] | tuple[str, ...]) -> dict[str, Any]:
    """The fields a PATCH sent; an explicit null clears a nullable field, other fields cannot be null."""
    data = payload.model_dump(exclude_unset=True)
    bad = {k: [NULL_REFUSED] for k, v in data.items() if v is None and k not in nullable}
    if bad:
        raise ValidationFailed.from_dict(bad)
    return data


class Output:
    """Builds a response dict from a schema's fields: ``resolvers`` give computed fields (``obj -> value``, or
    ``(obj, view) -> value`` when marked ``@contextual``: ``view.user``, ``view.reveal``), other fields are read
    from the object; ``phones`` lists the personal phone fields masked without the grant; ``detail_only`` fields
    are filled on single-object answers only (left at their default in lists)."""

    def __init__(self, schema: type[Schema], *, resolvers: dict[str, Callable] | None = None,
                 phones: tuple[str, ...] = (), detail_only: tuple[str, ...] = ()):
        self.schema = schema
        self.resolvers = resolvers or {}
        self.phones = phones
        self.detail_only = detail_only

    def __call__(self, obj, view: View, *, detail: bool = False) -> dict:
        out = {}
        for name in self.schema.model_fields:
            if name in self.detail_only and not detail:
                continue
            resolver = self.resolvers.get(name)
            if resolver is not None:
                value = resolver(obj, view) if getattr(resolver, "contextual", False) else resolver(obj)
            else:
                value = getattr(obj, name)
            if name in self.phones and not view.reveal and value:
                value = policy.mask_phone(value)
            out[name] = value
        return out


def contextual(function: Callable) -> Callable:
    """Mark a resolver that needs the viewer: ``(obj, view) -> value`` (``view.user``, ``view.reveal``)."""
    function.contextual = True
    return function


def _named(function, module: str, name: str, doc: str | None = None):
    function.__module__ = module
    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = doc
    return function


class Crud:
    """``Crud(router, surface, "/teams", out=..., module=__name__)`` then ``.list("list_teams")``, ``.get(...)``,
    ``.create(...)``, ``.update(...)`` in the order their paths must be matched (fixed paths such as
    ``/equipment/summary`` go between ``list`` and ``get``)."""

    def __init__(self, router: Router, surface: Surface, path: str, *, out: type[Schema], module: str,
                 tags: list[str] | None, output: Output | None = None, in_schema: type[Schema] | None = None,
                 patch_schema: type[Schema] | None = None, nullable: tuple[str, ...] | None = None):
        """``nullable``: the fields a PATCH may clear with null (default: those the In schema lets be null)."""
        self.router = router
        self.surface = surface
        self.path = path
        self.out = out
        self.module = module
        self.tags = tags
        self.output = output or Output(out)
        self.in_schema = in_schema
        self.patch_schema = patch_schema
        if nullable is not None:
            self.nullable = frozenset(nullable)
        else:
            self.nullable = nullable_fields(in_schema) if in_schema is not None else frozenset()

    def answer(self, user, obj, *, audited: bool = True) -> dict:
        """A single object's answer; full phone numbers shown on a read are audited (not on the writer's echo)."""
        reveal = self.surface.reveal(user, obj if audited else None)
        return self.output(obj, View(user, reveal), detail=True)

    def transitions(self, name: str, *, workflow, act: Callable, body: type[Schema], allowed_name: str,
                    summary: str | None = None, doc: str | None = None) -> "Crud":
        """``GET {path}/{id}/transitions`` (the actions the caller may take now, with their labels and target
        states) and ``POST {path}/{id}/transitions`` (take one: ``act(user, obj, payload)``; the workflow's
        compare-and-swap answers 409 when someone else acted first). The POST answers the object."""
        surface = self.surface

        def allowed(request, id: Id):
            obj = surface.get(request.auth, id)
            return [{"action": t.action, "label": str(t.label or t.action), "to": str(t.target)}
                    for t in workflow.available(obj, request.auth)]

        def perform(request, id: Id, payload: body):
            obj = surface.get(request.auth, id)
            act(request.auth, obj, payload)
            return self.answer(request.auth, surface.get(request.auth, id), audited=False)

        self.router.get(f"{self.path}/{{id}}/transitions", response={200: list[TransitionOut], **ERRORS},
                        tags=self.tags, summary="Actions the caller may take now")(
            _named(allowed, self.module, allowed_name))
        self.router.post(f"{self.path}/{{id}}/transitions", response={200: self.out, **ERRORS}, tags=self.tags,
                         summary=summary)(_named(perform, self.module, name, doc))
        return self

    def list(self, name: str, *, summary: str | None = None, doc: str | None = None, queryset=None,
             filters: bool = True) -> "Crud":
        """``filters=False``: the endpoint takes no filter parameters (an API list older than its page's
        filters keeps its contract)."""
        surface, output = self.surface, self.output

        def rows(request, page, filtered: bool):
            qs = queryset(request.auth) if queryset is not None else surface.visible(request.auth)
            view = View(request.auth, surface.reveal(request.auth))
            if filtered:
                qs = apply_filters(surface.filterset, request, qs)
            return paginate(qs, page, lambda obj: output(obj, view))

        if filters:
            filters_schema = filter_params(surface.filterset)

            def endpoint(request, filters: Query[filters_schema], page: Query[PageParams]):
                return rows(request, page, True)
        else:
            def endpoint(request, page: Query[PageParams]):
                return rows(request, page, False)

        self.router.get(self.path, response={200: page_of(self.out), **ERRORS}, tags=self.tags,
                        summary=summary)(_named(endpoint, self.module, name, doc))
        return self

    def get(self, name: str, *, summary: str | None = None, doc: str | None = None) -> "Crud":
        surface = self.surface

        def endpoint(request, id: Id):
            return self.answer(request.auth, surface.get(request.auth, id))

        self.router.get(f"{self.path}/{{id}}", response={200: self.out, **ERRORS}, tags=self.tags,
                        summary=summary)(_named(endpoint, self.module, name, doc))
        return self

    def create(self, name: str, *, write: Callable | None = None, summary: str | None = None,
               doc: str | None = None) -> "Crud":
        """``write(user, payload) -> obj`` when the body needs more than ``surface.do_create(user, data)``."""
        surface, in_schema = self.surface, self.in_schema

        def endpoint(request, payload: in_schema):
            if write is not None:
                obj = write(request.auth, payload)
            else:
                obj = surface.do_create(request.auth, payload.model_dump())
            return Status(201, self.answer(request.auth, surface.get(request.auth, obj.pk), audited=False))

        self.router.post(self.path, response={201: self.out, **ERRORS}, tags=self.tags,
                         summary=summary)(_named(endpoint, self.module, name, doc))
        return self

    def update(self, name: str, *, write: Callable | None = None, summary: str | None = None,
               doc: str | None = None) -> "Crud":
        """``write(user, obj, data) -> obj`` when the change needs more than ``surface.do_update``."""
        surface, patch_schema, nullable = self.surface, self.patch_schema, self.nullable

        def endpoint(request, id: Id, payload: patch_schema):
            obj = surface.get(request.auth, id, "change")
            data = patch_data(payload, nullable)
            saved = write(request.auth, obj, data) if write is not None else surface.do_update(request.auth, obj,
                                                                                                data)
            return self.answer(request.auth, surface.get(request.auth, saved.pk), audited=False)

        self.router.patch(f"{self.path}/{{id}}", response={200: self.out, **ERRORS}, tags=self.tags,
                          summary=summary)(_named(endpoint, self.module, name, doc))
        return self


class TransitionOut(Schema):
    action: str
    label: str
    to: str
