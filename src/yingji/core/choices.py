"""Choice sets: English values stored, translated labels shown, a colour for badges (NetBox ChoiceSet style)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_by_name: dict[str, type[ChoiceSet]] = {}
_by_field: dict[tuple[str, str], type[ChoiceSet]] = {}


class ChoiceSet:
    """Subclasses list ``CHOICES`` as (value, label, colour) triples. ``NAME`` names the set for templates
    (``{% value_badge 'risk_colour' value %}``) and ``FIELDS`` lists the ``(model label, field)`` pairs it is
    the choices of; both register the set here when its class is defined, so core finds the sets of every app
    without importing one."""

    CHOICES: tuple[tuple[str, object, str], ...] = ()
    NAME: str = ""
    FIELDS: tuple[tuple[str, str], ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("NAME"):
            _by_name[cls.NAME] = cls
        for key in cls.__dict__.get("FIELDS", ()):
            _by_field[key] = cls

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        return [(value, label) for value, label, _colour in cls.CHOICES]

    @classmethod
    def values(cls) -> list[str]:
        return [value for value, _label, _colour in cls.CHOICES]

    @classmethod
    def label(cls, value: str) -> str:
        for v, label, _colour in cls.CHOICES:
            if v == value:
                return str(label)
        return value

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Every value's label in the active language, translated once: for a page labelling many rows
        (``label`` translates on each call)."""
        return {value: str(label) for value, label, _colour in cls.CHOICES}

    @classmethod
    def colour(cls, value: str) -> str:
        for v, _label, colour in cls.CHOICES:
            if v == value:
                return colour
        return "secondary"


def named(name: str) -> type[ChoiceSet] | None:
    """The choice set registered under ``NAME``."""
    return _by_name.get(name)


def of_field(model_label: str, field_name: str) -> type[ChoiceSet] | None:
    """The choice set a model field declared through ``FIELDS``."""
    return _by_field.get((model_label, field_name))


def all_sets(cls: type[ChoiceSet] | None = None):
    """Every ChoiceSet subclass defined so far (all apps' choices are loaded with their models)."""
    for sub in (cls or ChoiceSet).__subclasses__():
        yield sub
        yield from all_sets(sub)


class RegionLevel(ChoiceSet):
    NAME = "region_level"
    FIELDS = (("core.region", "level"),)
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    CHOICES = (
        (CITY, _("City (prefecture level)"), "dark"),
        (COUNTY, _("County"), "primary"),
        (TOWNSHIP, _("Township / street"), "info"),
        (VILLAGE, _("Village / community"), "secondary"),
    )


class RegionKind(ChoiceSet):
    """Kind of unit within a level (GB/T 10114 code ranges: streets 001-099, towns 100-199, townships 200-399)."""
    NAME = "region_kind"
    FIELDS = (("core.region", "kind"),)

    CITY = "city"
    COUNTY = "county"
    DISTRICT = "district"
    STREET = "street"
    TOWN = "town"
    TOWNSHIP = "township"
    COMMUNITY = "community"
    VILLAGE = "village"
    CHOICES = (
        (CITY, _("County-level city"), "primary"),
        (COUNTY, pgettext_lazy("region kind", "County"), "primary"),
        (DISTRICT, _("City district"), "primary"),
        (STREET, _("Street"), "info"),
        (TOWN, _("Town"), "info"),
        (TOWNSHIP, pgettext_lazy("region kind", "Township"), "info"),
        (COMMUNITY, _("Community"), "secondary"),
        (VILLAGE, _("Village"), "secondary"),
    )


class OrganisationKind(ChoiceSet):
    NAME = "organisation_kind"
    FIELDS = (("core.organisation", "kind"),)
    BUREAU = "bureau"
    SECTION = "section"
    MEMBER_UNIT = "member_unit"
    COMMAND_HQ = "command_hq"
    TOWNSHIP_GOVERNMENT = "township_government"
    VILLAGE_COMMITTEE = "village_committee"
    OTHER = "other"
    CHOICES = (
        (BUREAU, _("Emergency management bureau"), "danger"),
        (SECTION, _("Bureau section"), "warning"),
        (MEMBER_UNIT, _("Safety committee member unit"), "primary"),
        (COMMAND_HQ, _("Specialised command headquarters"), "danger"),
        (TOWNSHIP_GOVERNMENT, _("Township government"), "info"),
        (VILLAGE_COMMITTEE, _("Village committee"), "secondary"),
        (OTHER, _("Other"), "light"),
    )


class Role(ChoiceSet):
    NAME = "role"
    FIELDS = (("core.userrole", "role"),)
    ADMIN = "admin"
    DUTY_OFFICER = "duty_officer"
    SECTION_STAFF = "section_staff"
    INSPECTOR = "inspector"
    TOWNSHIP_STAFF = "township_staff"
    GRID_MEMBER = "grid_member"
    ENTERPRISE_USER = "enterprise_user"
    COMMANDER = "commander"
    APPROVER = "approver"
    OBSERVER = "observer"
    CHOICES = (
        (ADMIN, _("Bureau administrator"), "danger"),
        (DUTY_OFFICER, _("Duty officer"), "warning"),
        (SECTION_STAFF, _("Section staff"), "primary"),
        (INSPECTOR, _("Inspector"), "primary"),
        (TOWNSHIP_STAFF, _("Township staff"), "info"),
        (GRID_MEMBER, _("Village grid member"), "info"),
        (ENTERPRISE_USER, _("Enterprise user"), "secondary"),
        (COMMANDER, _("Commander"), "danger"),
        (APPROVER, _("Warning approver"), "warning"),
        (OBSERVER, _("Observer (read-only)"), "light"),
    )


class AuditAction(ChoiceSet):
    NAME = "audit_action"
    FIELDS = (("core.auditrecord", "action"),)
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    TRANSITION = "transition"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PASSWORD_CHANGE = "password_change"
    TOKEN_CREATE = "token_create"
    TOKEN_REVOKE = "token_revoke"
    EXPORT = "export"
    VIEW_PII = "view_pii"
    CHOICES = (
        (CREATE, _("Create"), "success"),
        (UPDATE, _("Update"), "primary"),
        (DELETE, _("Delete"), "danger"),
        (TRANSITION, _("Transition"), "warning"),
        (LOGIN, _("Login"), "info"),
        (LOGIN_FAILED, _("Failed login"), "danger"),
        (LOGOUT, _("Logout"), "secondary"),
        (PASSWORD_CHANGE, _("Password change"), "warning"),
        (TOKEN_CREATE, _("API token created"), "info"),
        (TOKEN_REVOKE, _("API token revoked"), "secondary"),
        (EXPORT, _("Export"), "light"),
        (VIEW_PII, _("Personal data viewed"), "warning"),
    )

