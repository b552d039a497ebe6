"""Core data: jurisdictions, organisations, contact people, accounts and roles, API tokens, the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models, router
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.standards import gb2260

from . import regions
from .choices import AuditAction, OrganisationKind, RegionKind, RegionLevel, Role

# --- scoping ---------------------------------------------------------------------------------------------


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """Objects of this model the user may ``action``, restricted to the user's scope (see ``policy``)."""
        from . import policy

        return policy.restrict(self, user, action)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class Scoped(models.Model):
    """Base of every model that belongs to a place and/or an enterprise.

    ``SCOPE_REGION_FIELD`` names a GB/T 2260-style code field matched by prefix against the user's jurisdiction;
    ``SCOPE_ENTERPRISE_FIELD`` names the enterprise foreign key matched against an enterprise user's enterprise.
    ``GRANTS`` maps each role key to the actions it may take on this model (the policy reads it).
    """

    SCOPE_REGION_FIELD: str | None = "region_code"
    SCOPE_ENTERPRISE_FIELD: str | None = None
    GRANTS: dict[str, set[str]] = {}

    objects = ScopedManager()

    class Meta:
        abstract = True

    @property
    def region_name(self) -> str:
        """The region's name for display and exports (``yingji.core.regions``; one lookup per request)."""
        return regions.region_path(getattr(self, "region_code", "") or "")


ALL_ROLES = set(Role.values())
STAFF_ROLES = ALL_ROLES - {Role.ENTERPRISE_USER}
CRUD = {"view", "add", "change", "delete"}
#: Roles whose work needs people's full phone numbers (others see them masked): grant "view_pii".
PII_ROLES = {Role.ADMIN, Role.DUTY_OFFICER, Role.SECTION_STAFF, Role.INSPECTOR, Role.TOWNSHIP_STAFF, Role.COMMANDER,
             Role.APPROVER}

region_code_validator = RegexValidator(
    r"^\d{6}(\d{3}(\d{3})?)?$",
    _("A region code has 6 (county), 9 (township) or 12 (village) digits."),
)
mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number."))
phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{3,8})$",
    _("Enter a mobile number, a landline such as 0375-8123456, or a short service number."),
)


class Region(Scoped):
    """A jurisdiction (行政区划): county > township/street > village/community, with a GB/T 2260-style code."""

    code = models.CharField(_("code"), max_length=12, unique=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices(), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RegionKind.choices(), blank=True)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    # Village attributes the flood season's shelter coverage (三个全覆盖) reads; kept, never inferred.
    is_mountain = models.BooleanField(_("mountain village"), default=False)
    is_flood_key = models.BooleanField(_("flood-control key village"), default=False)

    SCOPE_REGION_FIELD = "code"
    GRANTS = {role: {"view"} for role in ALL_ROLES} | {Role.ADMIN: CRUD}

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def region_code(self) -> str:
        return self.code

    @property
    def parent_code(self) -> str | None:
        return self.parent.code if self.parent_id else None

    def clean(self) -> None:
        errors = {}
        expected = (gb2260.level(self.code) if gb2260.is_code(self.code) else None)
        if expected == gb2260.PROVINCE:
            errors["code"] = _("A province's code (%(code)s) is not a region of this platform.") % {"code": self.code}
        elif expected and self.level and self.level != expected:
            errors["level"] = _("A code such as %(code)s is a %(level)s.") % {
                "code": self.code, "level": RegionLevel.label(expected)}
        elif self.level == RegionLevel.CITY:
            if self.parent_id:
                errors["parent"] = _("A city has no parent region here.")
        elif self.level == RegionLevel.COUNTY:
            # A county stands alone (a county installation) or under its city (a city installation).
            if self.parent_id and (self.parent.level != RegionLevel.CITY
                                   or not gb2260.contains(self.parent.code, self.code or "")):
                errors["parent"] = _("The parent of a county must be the city whose code it starts with.")
        elif self.level:
            if not self.parent_id:
                errors["parent"] = _("A township or village needs its parent region.")
            else:
                parent = self.parent
                wanted_parent = RegionLevel.COUNTY if self.level == RegionLevel.TOWNSHIP else RegionLevel.TOWNSHIP
                if parent.level != wanted_parent:
                    errors["parent"] = _("The parent of a %(level)s must be a %(parent)s.") % {
                        "level": RegionLevel.label(self.level), "parent": RegionLevel.label(wanted_parent)}
                elif self.code and not self.code.startswith(parent.code):
                    errors["code"] = _("The code must start with the parent's code %(code)s.") % {
                        "code": parent.code}
        if (self.lat is None) != (self.lon is None):
            errors["lat" if self.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
        if self.boundary is not None:
            from .geo import validate_geojson_polygon

            try:
                validate_geojson_polygon(self.boundary)
            except ValueError as exc:
                errors["boundary"] = str(exc)
        if errors:
            raise ValidationError(errors)


class Organisation(Scoped):
    """The bureau, its sections, safety-committee member units, specialised command HQs, township governments."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices(), db_index=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    parent = models.ForeignKey("self", verbose_name=_("parent organisation"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    lead_unit = models.ForeignKey("self", verbose_name=_("lead unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="leads")
    member_units = models.ManyToManyField("self", verbose_name=_("member units"), blank=True,
                                          symmetrical=False, related_name="member_of")
    duties = models.TextField(_("duties"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    duty_phone = models.CharField(_("24-hour duty phone"), max_length=32, blank=True,
                                  validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)

    # The organisation chart is the bureau's and the townships' tool; a village grid member has no use for it.
    GRANTS = ({role: {"view"} for role in STAFF_ROLES - {Role.GRID_MEMBER}}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: {"view", "add", "change"}})

    class Meta:
        ordering = ["region_code", "kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="org_unique_name_in_region")]

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.region_code and not Region.objects.filter(code=self.region_code).exists():
            errors["region_code"] = _("No region has code %(code)s.") % {"code": self.region_code}
        if self.kind == OrganisationKind.SECTION and self.parent_id is None:
            errors["parent"] = _("A section belongs to a parent organisation (the bureau).")
        if self.lead_unit_id and self.kind != OrganisationKind.COMMAND_HQ:
            errors["lead_unit"] = _("Only a command headquarters has a lead unit.")
        if self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An organisation cannot be its own parent.")
        if errors:
            raise ValidationError(errors)


class Contact(Scoped):
    """A contact person of an organisation, with phone numbers (personal data: masked where not needed)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="contacts")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mobile_validator])
    office_phone = models.CharField(_("office phone"), max_length=32, blank=True, validators=[phone_validator])
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    GRANTS = {role: {"view"} | ({"view_pii"} if role in PII_ROLES else set()) for role in STAFF_ROLES} | {
        Role.ADMIN: CRUD | {"view_pii"}, Role.SECTION_STAFF: CRUD | {"view_pii"},
        Role.DUTY_OFFICER: {"view", "add", "change", "view_pii"}}

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def save(self, *args, **kwargs):
        self.region_code = self.organisation.region_code
        super().save(*args, **kwargs)


# --- accounts ---------------------------------------------------------------------------------------------


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser, Scoped):
    """An account. Its scope is a jurisdiction subtree (``scope_region_code``) or one enterprise."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mobile_validator])
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="users")
    scope_region_code = models.CharField(_("scope (region code)"), max_length=12, blank=True, db_index=True,
                                         validators=[region_code_validator])
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("scope (enterprise)"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="users")
    must_change_password = models.BooleanField(_("must change password"), default=False)
    #: Bumped by "log out everywhere": every session signed with the old value stops being valid.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    #: Until when this account's reads go to the primary database, not a replica (read-your-writes, core.routing).
    primary_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedUserManager()

    SCOPE_REGION_FIELD = "scope_region_code"
    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = {Role.ADMIN: CRUD | {"disable", "view_pii"}}

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(enterprise__isnull=True) & ~models.Q(scope_region_code=""))
                | (models.Q(enterprise__isnull=False) & models.Q(scope_region_code="")),
                name="user_scope_is_region_xor_enterprise",
                violation_error_message=_("An account is scoped to a region or to an enterprise, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @classmethod
    def scope_q_for(cls, user) -> models.Q:
        if user.enterprise_id:
            return models.Q(enterprise_id=user.enterprise_id)
        code = user.scope_prefix
        return models.Q(scope_region_code__startswith=code) | models.Q(enterprise__region_code__startswith=code)

    @property
    def scope_prefix(self) -> str:
        """What every region code inside this account's jurisdiction starts with (a city's ``410400`` → ``4104``,
        GB/T 2260); ``""`` for an enterprise account."""
        return gb2260.prefix(self.scope_region_code) if self.scope_region_code else ""

    @property
    def region_code(self) -> str:
        """The place this account belongs to: its jurisdiction, or its enterprise's location."""
        return self.scope_region_code or (self.enterprise.region_code if self.enterprise_id else "")

    def get_session_auth_hash(self) -> str:
        # Sessions are bound to the password hash (Django's default) and to the session epoch.
        from django.utils.crypto import salted_hmac

        return salted_hmac("yingji.session", f"{self.password}:{self.session_epoch}",
                           algorithm="sha256").hexdigest()

    @cached_property
    def role_keys(self) -> frozenset[str]:
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("roles")
        if prefetched is not None:  # a list page prefetched every row's roles: no query per row
            return frozenset(r.role for r in prefetched)
        # Asked on every request: one plain statement (the ORM's query building cost ten times the query).
        db = router.db_for_read(UserRole, instance=self)
        with connections[db].cursor() as cursor:
            cursor.execute(f"SELECT role FROM {connections[db].ops.quote_name(UserRole._meta.db_table)} "  # noqa: S608  names from model metadata
                           "WHERE user_id = %s", [self.pk])
            return frozenset(role for (role,) in cursor.fetchall())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_keys & set(roles))

    @property
    def role_list(self) -> str:
        return ", ".join(Role.label(r) for r in sorted(self.role_keys))

    @property
    def scope_display(self) -> str:
        return f"{self.enterprise.name}" if self.enterprise_id else self.scope_region_code

    @property
    def scope_label(self) -> str:
        if self.enterprise_id:
            return str(self.enterprise)
        return regions.region_path(self.scope_region_code)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if bool(self.enterprise_id) == bool(self.scope_region_code):
            errors["scope_region_code"] = _("Give exactly one scope: a region code or an enterprise.")
        elif self.scope_region_code and not Region.objects.filter(code=self.scope_region_code).exists():
            errors["scope_region_code"] = _("No region has code %(code)s.") % {"code": self.scope_region_code}
        if errors:
            raise ValidationError(errors)


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords: with the current one they are the last ``KEEP`` passwords, none
    of which may be chosen again."""

    KEEP = 5
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d}"


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.user}: {self.role}"


TOKEN_PREFIX = "yj_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True)
                                                           | models.Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the raw value is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    DEFAULT_LIFETIME = timedelta(days=365)
    #: A token named so is a kiosk token (the big screen in the command hall): it reads, never writes.
    KIOSK_PREFIX = "kiosk:"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_kiosk(self) -> bool:
        return self.name.startswith(self.KIOSK_PREFIX)

    @classmethod
    def issue(cls, user: User, name: str = "", lifetime: timedelta | None = DEFAULT_LIFETIME):
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=hash_token(raw), prefix=raw[:10],
            expires_at=timezone.now() + lifetime if lifetime else None,
        )
        return token, raw


# --- audit trail --------------------------------------------------------------------------------------------


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records are append-only")

    def delete(self):
        raise PermissionError("Audit records are append-only")


def changed_keys(before: dict | None, after: dict | None) -> list[str]:
    """Keys whose values differ between two snapshots (a key missing on one side counts as changed)."""
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class AuditManager(models.Manager.from_queryset(AuditQuerySet)):
    pass


class AuditRecord(Scoped):
    """One append-only audit record (who, when, from where, which object, before/after values).

    The application refuses to save an existing row or delete any; the database refuses UPDATE as well
    (a trigger, see migration 0002).
    """

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(User, verbose_name=_("user"), null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices(), db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(_("enterprise id"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    objects = AuditManager()

    GRANTS = {Role.ADMIN: {"view", "export"}}

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only")

    @classmethod
    def scope_q_for(cls, user) -> models.Q:
        if user.enterprise_id:
            return models.Q(enterprise_id=user.enterprise_id)
        q = models.Q(region_code__startswith=user.scope_prefix)
        if len(user.scope_region_code) == 6:
            # County-wide administrators also see records tied to no place (e.g. failed logins of unknown names).
            q |= models.Q(region_code="")
        return q

    @property
    def changed_fields(self) -> list[str]:
        """The fields the record is about: those changed, or for a personal-data view the fields shown."""
        if self.action == AuditAction.VIEW_PII and isinstance((self.after or {}).get("fields"), list):
            return [str(name) for name in self.after["fields"]]
        return changed_keys(self.before, self.after)


class Notification(models.Model):
    """A message to one user (in-app inbox). Channels beyond the inbox (SMS, app push) hang off ``notify``."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox")
    #: What kind of event this is (e.g. ``overdue``, ``task``), set by the module that sends it; for filtering.
    kind = models.CharField(_("kind"), max_length=32, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    #: Idempotency key: a job that runs twice for the same event notifies once.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                               name="notification_dedupe")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread_idx"),
                   models.Index(fields=["object_type", "object_id"], name="core_notification_object_idx")]

    def __str__(self) -> str:
        return self.subject


def attachment_path(instance, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{filename}"


class Attachment(Scoped):
    """An uploaded file belonging to a domain object (evidence photos, PDFs). See ``attachments``."""

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=50, blank=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = {role: {"view"} for role in ALL_ROLES}

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="attachment_owner_idx")]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class PeriodicJobRun(models.Model):
    """When each periodic job was last enqueued, so the sweeper catches up after downtime."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name


def validate_region_exists(code: str) -> None:
    if not Region.objects.filter(code=code).exists():
        raise ValidationError(_("No region has code %(code)s."), params={"code": code})


def enterprise_model():
    """The enterprise model (the target of ``User.enterprise``), found through the relation so that core never
    imports the enterprises app."""
    return User._meta.get_field("enterprise").related_model


regions.set_loader(lambda: Region.objects.values_list("code", "name"))
