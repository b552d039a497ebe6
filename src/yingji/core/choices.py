"""Choice sets: English values stored, translated labels shown, a colour for badges (NetBox ChoiceSet style)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ChoiceSet:
    """Subclasses list ``CHOICES`` as (value, label, colour) triples."""

    CHOICES: tuple[tuple[str, object, str], ...] = ()

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
    def colour(cls, value: str) -> str:
        for v, _label, colour in cls.CHOICES:
            if v == value:
                return colour
        return "secondary"


class RegionLevel(ChoiceSet):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    CHOICES = (
        (COUNTY, _("County"), "primary"),
        (TOWNSHIP, _("Township / street"), "info"),
        (VILLAGE, _("Village / community"), "secondary"),
    )


class RegionKind(ChoiceSet):
    """Kind of unit within a level (GB/T 10114 code ranges: streets 001-099, towns 100-199, townships 200-399)."""

    CITY = "city"
    STREET = "street"
    TOWN = "town"
    TOWNSHIP = "township"
    COMMUNITY = "community"
    VILLAGE = "village"
    CHOICES = (
        (CITY, _("County-level city"), "primary"),
        (STREET, _("Street"), "info"),
        (TOWN, _("Town"), "info"),
        (TOWNSHIP, _("Township"), "info"),
        (COMMUNITY, _("Community"), "secondary"),
        (VILLAGE, _("Village"), "secondary"),
    )


class OrganisationKind(ChoiceSet):
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

