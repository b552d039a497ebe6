"""The one place that decides what a user may see and do. Web pages, exports and the API all call it.

Two questions, answered separately:
- *scope*: which objects exist for this user at all (jurisdiction subtree by region-code prefix, or one
  enterprise). Objects outside scope are invisible: lookups answer 404, never 403.
- *grant*: which actions the user's roles allow on a model (``Model.GRANTS``). A visible object whose action
  the roles lack answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from yingji.standards import gb2260

from .errors import NotAllowed, NotFound, ValidationFailed

NOTHING = Q(pk__in=[])


def _roles(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return user.role_keys


def can(user, action: str, model: type[Model] | Model) -> bool:
    """Whether any of the user's roles grants ``action`` on the model (scope is checked separately)."""
    grants = getattr(model, "GRANTS", {})
    return any(action in grants.get(role, ()) for role in _roles(user))


def object_scope(obj: Model | None) -> tuple[str, int | None]:
    """(region code, enterprise id) an object belongs to, for records derived from it (audit, attachments)."""
    if obj is None:
        return "", None
    region_code = getattr(obj, "region_code", "") or ""
    enterprise_field = getattr(obj, "SCOPE_ENTERPRISE_FIELD", None)
    if enterprise_field in ("id", "pk"):
        return region_code, obj.pk
    return region_code, getattr(obj, f"{enterprise_field}_id", None) if enterprise_field else None


def has_divisions_below(user) -> bool:
    """Whether the user's jurisdiction has divisions below it (a city's counties, a county's townships, a
    township's villages); a village's account and an enterprise's have none."""
    code = getattr(user, "scope_region_code", "") or ""
    return bool(getattr(user, "is_authenticated", False) and not getattr(user, "enterprise_id", None)
                and gb2260.is_code(code) and gb2260.level(code) != gb2260.VILLAGE)


def is_above_county(user) -> bool:
    """A city's (or a province's) account: its counties are what it compares."""
    code = getattr(user, "scope_region_code", "") or ""
    return (not getattr(user, "enterprise_id", None) and gb2260.is_code(code)
            and gb2260.level(code) in (gb2260.CITY, gb2260.PROVINCE))


def region_ancestors(code: str) -> list[str]:
    """The codes of a region and its ancestors (12 → 9 → 6 digits)."""
    return [code[:n] for n in (6, 9, 12) if len(code) >= n]


def scope_q(user, model: type[Model]) -> Q:
    """Filter selecting the model's objects inside the user's scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    custom = getattr(model, "scope_q_for", None)
    if custom is not None:
        return custom(user)
    region_field = getattr(model, "SCOPE_REGION_FIELD", None)
    enterprise_field = getattr(model, "SCOPE_ENTERPRISE_FIELD", None)
    if user.enterprise_id:
        if enterprise_field:
            lookup = "pk" if enterprise_field in ("id", "pk") else f"{enterprise_field}_id"
            return Q(**{lookup: user.enterprise_id})
        if region_field:
            # An enterprise sees the regions it lies in (for names and maps), nothing else of a region model.
            return Q(**{f"{region_field}__in": region_ancestors(user.enterprise.region_code)})
        return NOTHING
    if not user.scope_region_code:
        return NOTHING
    if region_field:
        return Q(**{f"{region_field}__startswith": user.scope_prefix})
    return NOTHING


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """The queryset cut to the user's scope; raises NotAllowed when no role grants ``action`` on the model."""
    model = queryset.model
    if not can(user, action, model):
        raise NotAllowed()
    return queryset.filter(scope_q(user, model))


def in_scope(user, obj: Model) -> bool:
    return type(obj)._default_manager.filter(scope_q(user, type(obj))).filter(pk=obj.pk).exists()


#: Inside ``rendering_many()``: (user id, model) -> the ids of the model the user sees, or None when too many.
_visible: ContextVar[dict | None] = ContextVar("yingji_visible_ids", default=None)
#: The most ids ``rendering_many`` keeps per model; a larger scope is asked row by row.
VISIBLE_IDS_LIMIT = 5000


@contextmanager
def rendering_many() -> Iterator[None]:
    """While a list or an export renders many rows, ``sees`` answers for models whose scope the database must
    decide (a custom scope, or one reached through a relation) from one query per model and user — the ids the
    user sees, up to ``VISIBLE_IDS_LIMIT`` — instead of one query per row. For reading only: nothing rendered
    in it changes scope meanwhile."""
    token = _visible.set({})
    try:
        yield
    finally:
        _visible.reset(token)


def _sees_by_query(user, obj: Model) -> bool:
    memo = _visible.get()
    if memo is None or user is None or not getattr(user, "is_authenticated", False):
        return in_scope(user, obj)
    model = type(obj)
    key = (user.pk, model)
    if key not in memo:
        ids = set(model._default_manager.filter(scope_q(user, model)).order_by()
                  .values_list("pk", flat=True)[:VISIBLE_IDS_LIMIT + 1])
        memo[key] = ids if len(ids) <= VISIBLE_IDS_LIMIT else None
    ids = memo[key]
    return obj.pk in ids if ids is not None else in_scope(user, obj)


def sees(user, obj: Model) -> bool:
    """``in_scope`` decided from the object's own fields (no query) where the model's scope is its region or
    enterprise field, which lets a list check every linked row cheaply; models with a custom scope ask the
    database (once per model inside ``rendering_many``). Mirrors ``scope_q`` exactly."""
    model = type(obj)
    region_field = getattr(model, "SCOPE_REGION_FIELD", None)
    enterprise_field = getattr(model, "SCOPE_ENTERPRISE_FIELD", None)
    if getattr(model, "scope_q_for", None) is not None or "__" in f"{region_field}{enterprise_field}":
        return _sees_by_query(user, obj)  # a custom scope or one reached through a relation: ask the database
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.enterprise_id:
        if enterprise_field:
            value = obj.pk if enterprise_field in ("id", "pk") else getattr(obj, f"{enterprise_field}_id", None)
            return value == user.enterprise_id
        if region_field:
            return (getattr(obj, region_field, None) or "") in region_ancestors(user.enterprise.region_code)
        return False
    if not user.scope_region_code or not region_field:
        return False
    return (getattr(obj, region_field, None) or "").startswith(user.scope_prefix)


def get_object(user, model: type[Model], pk, action: str = "view", queryset: QuerySet | None = None):
    """Fetch one object for ``action``: 404 when it does not exist *or* lies outside the user's scope,
    then 403 when it is visible but the user's roles lack the action. Unscoped reference data has no scope to
    lie outside: it is read by :func:`get_reference`."""
    if not is_scoped(model):
        return get_reference(user, model, pk, action, queryset)
    qs = queryset if queryset is not None else model._default_manager.all()
    try:
        obj = qs.filter(scope_q(user, model)).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"{model._meta.model_name} {pk} not found") from None
    if not can(user, "view", model):
        # Roles that cannot view a model must not learn whether a given id exists either.
        raise NotFound(f"{model._meta.model_name} {pk} not found")
    if not can(user, action, model):
        raise NotAllowed()
    return obj


def get_reference(user, model: type[Model], pk, action: str = "view", queryset: QuerySet | None = None):
    """Fetch one object of unscoped reference data (see :func:`is_scoped`) for ``action``: 404 when unknown or
    when no role grants viewing it, then 403 without the action."""
    qs = queryset if queryset is not None else model._default_manager.all()
    if not can(user, "view", model):
        raise NotFound(f"{model._meta.model_name} {pk} not found")
    try:
        obj = qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"{model._meta.model_name} {pk} not found") from None
    if not can(user, action, model):
        raise NotAllowed()
    return obj


MAX_PK = 2**63 - 1


def is_scoped(model: type[Model]) -> bool:
    """Whether the model's objects belong to places or enterprises (reference data such as the supply catalogue
    does not, and is the same for everyone)."""
    return any(getattr(model, a, None) for a in ("scope_q_for", "SCOPE_REGION_FIELD", "SCOPE_ENTERPRISE_FIELD"))


def _as_pk(value) -> int | None:
    if isinstance(value, Model):
        value = value.pk
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 0 < value <= MAX_PK else None


def reference_error(model: type[Model], field: str) -> ValidationFailed:
    """The one answer to a reference that is unknown *or* outside the user's scope: the same status and the same
    body for both (the id is not echoed), so validation never tells an out-of-scope object from a missing one."""
    message = _("No such %(object)s in your scope") % {"object": model._meta.verbose_name}
    return ValidationFailed.from_dict({field: [message]})


def _reference_queryset(model, user, queryset, widen: Q | None) -> QuerySet:
    qs = queryset if queryset is not None else model._default_manager.all()
    if is_scoped(model):
        qs = qs.filter(scope_q(user, model) | widen if widen is not None else scope_q(user, model))
    return qs


def get_in_scope_or_field_error(model: type[Model], pk, user, field: str, *, queryset: QuerySet | None = None,
                                widen: Q | None = None):
    """The object of ``model`` that the input field ``field`` refers to by ``pk`` (an id, a digit string or an
    instance), provided it lies in ``user``'s scope; otherwise :func:`reference_error` (422 naming ``field``).

    Every service (and API) lookup of a referenced object goes through here or :func:`get_many_in_scope_or_field_error`.
    ``queryset`` narrows further (e.g. active accounts only); whatever it excludes answers the same as unknown.
    ``widen`` admits objects beyond the scope that the reference may name (e.g. the superiors above a jurisdiction).
    Roles are not consulted: naming a colleague or a unit of one's own jurisdiction does not need the right to
    browse them. Unscoped reference data (see :func:`is_scoped`) is looked up as is."""
    key = _as_pk(pk)
    obj = _reference_queryset(model, user, queryset, widen).filter(pk=key).first() if key is not None else None
    if obj is None:
        raise reference_error(model, field)
    return obj


def get_many_in_scope_or_field_error(model: type[Model], pks: Iterable, user, field: str, *,
                                     queryset: QuerySet | None = None, widen: Q | None = None) -> list:
    """Like :func:`get_in_scope_or_field_error` for a list of ids (duplicates collapse, order is kept)."""
    if pks is None or isinstance(pks, (str, bytes)):
        raise reference_error(model, field)
    keys = [_as_pk(p) for p in pks]
    if any(k is None for k in keys):
        raise reference_error(model, field)
    keys = list(dict.fromkeys(keys))
    found = _reference_queryset(model, user, queryset, widen).in_bulk(keys) if keys else {}
    if len(found) != len(keys):
        raise reference_error(model, field)
    return [found[k] for k in keys]


def require(user, action: str, model: type[Model] | Model) -> None:
    if not can(user, action, model):
        raise NotAllowed()


def require_region_in_scope(user, region_code: str, field: str = "region_code") -> None:
    """A new or moved object must land inside the acting user's jurisdiction."""
    if user.enterprise_id or not user.scope_region_code or not region_code.startswith(user.scope_prefix):
        raise NotAllowed(
            "The region is outside your jurisdiction",
            [{"field": field, "message": f"Region {region_code} is outside your jurisdiction"}],
        )


def mask_phone(value: str) -> str:
    """138****5678 / 0375-***3456: enough to recognise a number, not to call it."""
    if not value:
        return value
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    return value[:-4].rstrip("0123456789") + "***" + value[-4:] if len(value) > 6 else "***"


def reveal_pii(user, model) -> bool:
    return can(user, "view_pii", model)


#: Roles that do not carry out work by default: observers only read, administrators run the system.
NON_ACTING_ROLES = frozenset({"observer", "admin"})


def acting_users(region_code: str = "", *, enterprise_id: int | None = None, within: str | None = None,
                 model: type[Model] | None = None, action: str = "change", inside: bool = False):
    """Accounts that may be given work on an object of ``region_code`` (and of ``enterprise_id``): the one
    place every assignee and responsible-person picker, and the service that checks the choice, take them from.

    Active accounts holding at least one acting role (never observers or administrators only; with ``model``,
    a role granted ``action`` on it), whose jurisdiction covers the object's region (the county, its township,
    the village itself: they can see the object), plus the accounts of the object's enterprise. ``inside``: the
    accounts whose jurisdiction lies inside ``region_code`` instead (people of a jurisdiction, e.g. the account of
    a village's responsible person). ``within`` cuts them to a jurisdiction (the assigning user's, where the
    service allows assigning only inside it)."""
    from django.contrib.auth import get_user_model

    from .choices import Role

    user_model = get_user_model()
    if not region_code:
        place = NOTHING
    elif inside:
        place = Q(scope_region_code__startswith=gb2260.prefix(region_code), enterprise__isnull=True)
    else:
        place = Q(scope_region_code__in=region_ancestors(region_code), enterprise__isnull=True)
    if enterprise_id:
        place |= Q(enterprise_id=enterprise_id)
    grants = getattr(model, "GRANTS", None) if model is not None else None
    acting = [role for role in Role.values() if role not in NON_ACTING_ROLES
              and (grants is None or action in grants.get(role, ()))]
    ids = user_model.objects.filter(place, is_active=True, roles__role__in=acting).values("pk")
    qs = user_model.objects.filter(pk__in=ids)
    if within is not None:
        inside = Q(scope_region_code__startswith=(gb2260.prefix(within) if within else "-"), enterprise__isnull=True)
        qs = qs.filter(inside | Q(enterprise_id=enterprise_id) if enterprise_id else inside)
    return qs.order_by("username")
