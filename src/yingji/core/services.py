"""Services: the only writers of core data. Each checks permission and scope, validates, writes inside one
transaction and appends the audit record. Other apps build their services on ``create_object`` and friends."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from . import audit, policy
from .choices import AuditAction, Role
from .errors import Conflict, NotAllowed, ValidationFailed
from .models import ApiToken, AuditRecord, Contact, Organisation, PasswordHistory, Region, User, UserRole

logger = logging.getLogger(__name__)


def validation_failed(exc: ValidationError) -> ValidationFailed | Conflict:
    """The service error for a model's ValidationError: 409 when it only reports existing duplicates
    (``unique_conflict``), 422 otherwise."""
    conflict = unique_conflict(exc)
    if conflict is not None:
        return conflict
    if hasattr(exc, "error_dict"):
        return ValidationFailed.from_dict({k: [m for e in v for m in e.messages] for k, v in
                                           exc.error_dict.items()})
    return ValidationFailed.from_dict({"": exc.messages})


def _reference(actor, field: models.Field, key: str, value):
    """A raw id given for a relation to a scoped model becomes the object, when it lies in the actor's scope; an
    unknown or out-of-scope id answers the same field error (``policy.get_in_scope_or_field_error``)."""
    related = field.related_model
    if actor is None or value is None or not policy.is_scoped(related):
        return value
    if field.many_to_many:
        if all(isinstance(v, models.Model) for v in value or ()):
            return value
        return policy.get_many_in_scope_or_field_error(related, value, actor, key)
    if isinstance(value, models.Model):
        return value
    return policy.get_in_scope_or_field_error(related, value, actor, key)


UNIQUE_CODES = ("unique", "unique_together")


def unique_conflict(exc: ValidationError) -> Conflict | None:
    """A model validation error that only says "this already exists" is a conflict with existing data (409,
    naming the field), not invalid input (422). None when any other error is among them."""
    if not hasattr(exc, "error_dict"):
        return None
    errors = []
    for field, items in exc.error_dict.items():
        for item in items:
            if item.code not in UNIQUE_CODES:
                return None
            check = (item.params or {}).get("unique_check") or ()
            name = check[-1] if field == NON_FIELD_ERRORS and check else field
            errors.append({"field": "" if name == NON_FIELD_ERRORS else name, "message": item.messages[0]})
    return Conflict(_("This already exists"), errors) if errors else None


def _assign(obj: models.Model, data: Mapping[str, Any], actor=None) -> dict[str, Iterable]:
    """Set plain fields on obj; return many-to-many values to set after saving. Relations given by raw id are
    resolved in the actor's scope (see ``_reference``)."""
    m2m = {}
    field_names = {f.name: f for f in obj._meta.get_fields() if getattr(f, "concrete", False)}
    for key, value in data.items():
        field = field_names.get(key)
        if field is None and key.endswith("_id") and key[:-3] in field_names:
            field = field_names[key[:-3]]
        if field is None:
            raise ValidationFailed.from_dict({key: ["Unknown field"]})
        if field.is_relation:
            value = _reference(actor, field, key, value)
        if field.many_to_many:
            m2m[field.name] = value
        elif field.is_relation and isinstance(value, models.Model):
            setattr(obj, field.name, value)
        else:
            setattr(obj, key, value)
    return m2m


def _region_of(obj: models.Model) -> str | None:
    field = getattr(obj, "SCOPE_REGION_FIELD", None)
    return getattr(obj, field, None) if field else None


def _save_validated(obj: models.Model, m2m: Mapping[str, Iterable], exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise validation_failed(exc) from None
    try:
        with transaction.atomic():
            obj.save()
            for name, values in m2m.items():
                getattr(obj, name).set(values)
    except IntegrityError as exc:
        # A twin written concurrently (the unique checks above passed) or another constraint: a conflict, told
        # without the database's wording (table and column names are not the client's business).
        logger.info("integrity error saving %s: %s", obj._meta.label, exc)
        raise Conflict(_("The change conflicts with existing data; reload and try again")) from None


def _differs(obj: models.Model, stored: Mapping[str, Any], m2m: Mapping[str, Iterable]) -> bool:
    """Whether assigned values differ from the stored ones as the fields read them (``Decimal('7')`` is
    ``7.0``, ``"5"`` is ``5``, an aware time is the same instant in any zone)."""
    for field in obj._meta.concrete_fields:
        old, new = stored[field.attname], getattr(obj, field.attname)
        if new == old:
            continue
        try:
            if field.to_python(new) == field.to_python(old):
                continue
        except ValidationError:
            pass
        return True
    if obj.pk is None:
        return True
    for name, values in m2m.items():
        current = set(getattr(obj, name).values_list("pk", flat=True))
        if {v.pk if isinstance(v, models.Model) else v for v in values} != current:
            return True
    return False


def create_object(actor, model: type[models.Model], data: Mapping[str, Any], *, check_scope: bool = True,
                  exclude: Iterable[str] = ()):
    """Create one object of ``model`` from field values, as ``actor``."""
    policy.require(actor, "add", model)
    obj = model()
    m2m = _assign(obj, data, actor)
    region = _region_of(obj)
    if check_scope and region is not None and getattr(model, "SCOPE_REGION_FIELD", None):
        policy.require_region_in_scope(actor, region or "", getattr(model, "SCOPE_REGION_FIELD", "region_code"))
    with transaction.atomic():
        _save_validated(obj, m2m, exclude)
        audit.record_change(AuditAction.CREATE, obj, None, audit.snapshot(obj), actor=actor)
    return obj


def update_object(actor, obj: models.Model, data: Mapping[str, Any], *, exclude: Iterable[str] = ()):
    """Update fields of a visible object as ``actor`` (the caller fetched it with ``policy.get_object``)."""
    policy.require(actor, "change", obj)
    with transaction.atomic():
        before = audit.snapshot(obj)
        stored = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        m2m = _assign(obj, data, actor)
        if not _differs(obj, stored, m2m):
            # Saving a form unchanged writes nothing: no save (which may stamp times), no audit record.
            return obj
        field = getattr(obj, "SCOPE_REGION_FIELD", None)
        if field and field in data:
            policy.require_region_in_scope(actor, getattr(obj, field) or "", field)
        _save_validated(obj, m2m, exclude)
        audit.record_change(AuditAction.UPDATE, obj, before, audit.snapshot(obj), actor=actor)
    return obj


def delete_object(actor, obj: models.Model) -> None:
    policy.require(actor, "delete", obj)
    before = audit.snapshot(obj)
    try:
        with transaction.atomic():
            audit.record_change(AuditAction.DELETE, obj, before, None, actor=actor)
            obj.delete()
    except models.ProtectedError:
        raise Conflict(f"{obj} is still referenced by other records and cannot be deleted") from None


# --- regions ----------------------------------------------------------------------------------------------


def _parent_from_code(data: dict) -> dict:
    data = dict(data)
    if "parent_code" in data:
        code = data.pop("parent_code")
        if code in (None, ""):
            data["parent"] = None
        else:
            parent = Region.objects.filter(code=code).first()
            if parent is None:
                raise ValidationFailed.from_dict({"parent_code": [f"No region has code {code}"]})
            data["parent"] = parent
    return data


def create_region(actor, data: Mapping[str, Any]) -> Region:
    data = _parent_from_code(dict(data))
    if data.get("level") and data.get("level") != "county" and not data.get("parent"):
        raise ValidationFailed.from_dict({"parent_code": [gettext("A township or village needs its parent region")]})
    return create_object(actor, Region, data)


def update_region(actor, region: Region, data: Mapping[str, Any]) -> Region:
    data = _parent_from_code(dict(data))
    if "code" in data and data["code"] != region.code and region.children.exists():
        raise ValidationFailed.from_dict({"code": [gettext("A region with sub-regions cannot change its code")]})
    return update_object(actor, region, data)


# --- organisations and contacts ---------------------------------------------------------------------------


def create_organisation(actor, data: Mapping[str, Any]) -> Organisation:
    return create_object(actor, Organisation, data)


def update_organisation(actor, org: Organisation, data: Mapping[str, Any]) -> Organisation:
    return update_object(actor, org, data)


def create_contact(actor, organisation: Organisation, data: Mapping[str, Any]) -> Contact:
    policy.require_region_in_scope(actor, organisation.region_code, "organisation")
    return create_object(actor, Contact, {**data, "organisation": organisation}, check_scope=False,
                         exclude=["region_code"])


# --- accounts ---------------------------------------------------------------------------------------------


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values()]
    if unknown:
        raise ValidationFailed.from_dict({"roles": [f"Unknown role {r!r}; known roles: {', '.join(Role.values())}"
                                                    for r in unknown]})
    if not roles:
        raise ValidationFailed.from_dict({"roles": [gettext("Give at least one role")]})
    return roles


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed.from_dict({"password": exc.messages}) from None


def _resolve_scope(actor, scope_region_code: str | None, enterprise) -> tuple[str, object]:
    if bool(scope_region_code) == bool(enterprise):
        raise ValidationFailed.from_dict({"scope": [gettext("Give exactly one scope: a region code or an enterprise")]})
    if scope_region_code:
        if not Region.objects.filter(code=scope_region_code).exists():
            raise ValidationFailed.from_dict({"scope_region_code": [f"No region has code {scope_region_code}"]})
        if actor is not None:
            policy.require_region_in_scope(actor, scope_region_code, "scope_region_code")
        return scope_region_code, None
    if actor is not None:
        policy.require_region_in_scope(actor, enterprise.region_code, "enterprise")
    return "", enterprise


def create_user(actor, *, username: str, roles: Iterable[str], password: str, scope_region_code: str = "",
                enterprise=None, display_name: str = "", phone: str = "", email: str = "",
                organisation: Organisation | None = None, must_change_password: bool = False,
                validate_password: bool = True) -> User:
    """Create an account. ``actor`` None means the command line (a local operator), which bypasses roles."""
    if actor is not None:
        policy.require(actor, "add", User)
    roles = _check_roles(roles)
    if Role.ENTERPRISE_USER in roles and not enterprise:
        raise ValidationFailed.from_dict({"enterprise": [gettext("An enterprise user is scoped to an enterprise")]})
    if enterprise and set(roles) - {Role.ENTERPRISE_USER}:
        raise ValidationFailed.from_dict(
            {"roles": [gettext("An enterprise-scoped account can only be an enterprise user")]})
    scope_region_code, enterprise = _resolve_scope(actor, scope_region_code, enterprise)
    user = User(username=username, display_name=display_name, phone=phone, email=email,
                scope_region_code=scope_region_code, enterprise=enterprise, organisation=organisation,
                must_change_password=must_change_password)
    if validate_password:
        _check_password(password, user)
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise validation_failed(exc) from None
    with transaction.atomic():
        try:
            user.save()
        except IntegrityError:
            raise Conflict(_("This already exists"), [{"field": "username", "message": _(
                "A user with that username already exists")}]) from None
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        after = audit.snapshot(user) | {"roles": sorted(roles)}
        audit.record_change(AuditAction.CREATE, user, None, after, actor=actor)
    return user


def update_user(actor, user: User, *, roles: Iterable[str] | None = None, **fields) -> User:
    allowed = {"display_name", "phone", "email", "organisation", "scope_region_code", "enterprise", "is_active",
               "must_change_password"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed.from_dict({k: ["Unknown or read-only field"] for k in sorted(unknown)})
    if actor is not None:
        policy.require(actor, "change", user)
        if "is_active" in fields:
            policy.require(actor, "disable", user)
            if user.pk == actor.pk and not fields["is_active"]:
                raise NotAllowed(gettext("You cannot disable your own account"),
                                 [{"field": "is_active", "message": "You cannot disable your own account"}])
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = audit.snapshot(locked) | {"roles": sorted(locked.role_keys)}
        if "scope_region_code" in fields or "enterprise" in fields:
            region = fields.get("scope_region_code", "" if "enterprise" in fields else locked.scope_region_code)
            enterprise = fields.get("enterprise", None if "scope_region_code" in fields else locked.enterprise)
            fields["scope_region_code"], fields["enterprise"] = _resolve_scope(actor, region, enterprise)
        for key, value in fields.items():
            setattr(locked, key, value)
        try:
            locked.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise validation_failed(exc) from None
        locked.save()
        if roles is not None:
            roles = _check_roles(roles)
            if locked.enterprise_id and set(roles) - {Role.ENTERPRISE_USER}:
                raise ValidationFailed.from_dict(
                    {"roles": ["An enterprise-scoped account can only be an enterprise user"]})
            locked.roles.exclude(role__in=roles).delete()
            UserRole.objects.bulk_create([UserRole(user=locked, role=r) for r in roles], ignore_conflicts=True)
            locked.__dict__.pop("role_keys", None)
        after = audit.snapshot(locked) | {"roles": sorted(locked.role_keys)}
        audit.record_change(AuditAction.UPDATE, locked, before, after, actor=actor)
        if "is_active" in fields and not locked.is_active:
            # A disabled account loses its tokens at once.
            ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return locked


def change_password(user: User, old_password: str | None, new_password: str, *, actor=None,
                    keep_token: ApiToken | None = None) -> None:
    """Change a password: users give their old one; an administrator (actor) resets without it.

    Either way the user's API tokens are revoked (like the sessions, which end with the password hash), except
    ``keep_token``: the token of an API caller changing its own password, so that client carries on."""
    if actor is not None and actor.pk != user.pk:
        policy.require(actor, "change", user)
    elif not user.check_password(old_password or ""):
        raise ValidationFailed.from_dict({"old_password": [gettext("The current password is wrong")]})
    if old_password and old_password == new_password:
        raise ValidationFailed.from_dict(
            {"new_password": [gettext("The new password must differ from the current one")]})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed.from_dict({"new_password": exc.messages}) from None
    with transaction.atomic():
        if user.password:
            PasswordHistory.objects.create(user=user, password=user.password)
            stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[PasswordHistory.KEEP - 1:]
            PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        user.set_password(new_password)
        user.must_change_password = actor is not None and actor.pk != user.pk
        user.save(update_fields=["password", "must_change_password"])
        audit.record(AuditAction.PASSWORD_CHANGE, user, actor=actor or user)
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if keep_token is not None and keep_token.user_id == user.pk and (actor is None or actor.pk == user.pk):
            tokens = tokens.exclude(pk=keep_token.pk)
        prefixes = sorted(tokens.values_list("prefix", flat=True))
        if prefixes:
            tokens.update(revoked_at=timezone.now())
            audit.record(AuditAction.TOKEN_REVOKE, user, actor=actor or user, before={"prefixes": prefixes},
                         message="password changed")


class PasswordChangeReason:
    """Why an account must change its password before it goes on (shown on the password page)."""

    INITIAL = "initial"  # the password it was given when the account was created
    RESET = "reset"  # an administrator set a new password
    RENEWAL = "renewal"  # it has expired, or an administrator asked for a new one


def password_change_reason(user: User) -> str | None:
    """Read from the audit trail: no password change yet means the initial password; the last change made by
    someone else means a reset; otherwise the password must be renewed."""
    if not user.must_change_password:
        return None
    last = (AuditRecord.objects.filter(action=AuditAction.PASSWORD_CHANGE, object_type=User._meta.label_lower,
                                       object_id=str(user.pk)).order_by("-time", "-pk").first())
    if last is None:
        return PasswordChangeReason.INITIAL
    if last.user_id != user.pk:
        return PasswordChangeReason.RESET
    return PasswordChangeReason.RENEWAL


def issue_token(user: User, *, name: str = "", actor=None) -> tuple[ApiToken, str]:
    """Create an API token; return it with its raw value (shown once; only the hash is kept)."""
    if not user.is_active:
        raise ValidationFailed.from_dict({"user": [gettext("The account is disabled")]})
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name=name)
        audit.record(AuditAction.TOKEN_CREATE, user, actor=actor or user, after={"prefix": token.prefix,
                     "expires_at": token.expires_at.isoformat() if token.expires_at else None},
                     message=name)
    return token, raw


def revoke_token(actor, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        policy.require(actor, "change", token.user)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit.record(AuditAction.TOKEN_REVOKE, token.user, actor=actor, before={"prefix": token.prefix})


def logout_everywhere(user: User, *, actor=None) -> None:
    """End every session of the user (all browsers) and revoke the user's API tokens."""
    if actor is not None and actor.pk != user.pk:
        policy.require(actor, "change", user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(AuditAction.LOGOUT, user, actor=actor or user, message="logout everywhere")
    user.refresh_from_db(fields=["session_epoch"])


def record_pii_view(actor, obj: models.Model, contact_ids: list[int]) -> None:
    """Audit that ``actor`` read full personal contact data shown with ``obj``."""
    audit.record(AuditAction.VIEW_PII, obj, actor=actor, after={"contacts": sorted(contact_ids)},
                 message="full contact numbers shown")
