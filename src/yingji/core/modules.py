"""The modules of the platform and who may use each: the navigation shows a module, and its pages open, by the
same rule (``Module.allowed``), so a role never sees a link to a page it cannot use, nor an empty module.

A module is allowed when the user's roles may view its model (``policy.can``, the check the module's views make
with ``Model.objects.for_user``). Modules whose records only the bureau creates (monitoring stations, their alarms
and rules) are, for an enterprise account, allowed only when the enterprise has such records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import policy, urlkeep


@dataclass(frozen=True)
class Module:
    key: str
    label: object
    icon: str
    url_name: str
    model_label: str | None = None
    #: Further pages of the module, guarded by the same rule (its other list pages).
    also: tuple[str, ...] = ()
    #: For an enterprise account: the model whose records must exist in its scope for the module to be useful.
    enterprise_needs: str | None = None
    #: ``available(user)``: whether the module has anything for this user at all (besides the roles' grants).
    available: Callable | None = None

    def allowed(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.available is not None and not self.available(user):
            return False
        if self.model_label is None:
            return True
        if not policy.can(user, "view", apps.get_model(self.model_label)):
            return False
        if self.enterprise_needs and user.enterprise_id:
            needed = apps.get_model(self.enterprise_needs)
            return needed._default_manager.filter(policy.scope_q(user, needed)).exists()
        return True

    def url(self) -> str | None:
        # Every page's navigation asks for every module's URL: reversed once per language and script prefix.
        return urlkeep.kept("page", self.url_name, _reverse_or_none)


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


STATIONS = "monitoring.station"



MODULES: list[Module] = [
    Module("home", _("Overview"), "speedometer2", "home"),
    Module("areas", _("Figures by area"), "grid-3x3-gap", "area_overview", available=policy.has_divisions_below),
    Module("duty", _("Duty desk"), "telephone", "duty_console", "duty.dutylogentry"),
    Module("duty_report", _("Daily duty report"), "file-earmark-text", "duty_report", "duty.dutylogentry"),
    Module("duty_roster", _("Duty roster"), "calendar-week", "duty_roster", "duty.dutyshift"),
    Module("duty_handovers", _("Shift handovers"), "arrow-left-right", "duty_handover_list", "duty.handover"),
    Module("incidents", _("Incidents"), "exclamation-octagon", "incident_list", "incidents.incident"),
    Module("enterprises", _("Enterprises"), "building", "enterprise_list", "enterprises.enterprise"),
    Module("prevention", _("Risks and hazards"), "shield-check", "hazard_list", "prevention.hazard"),
    Module("monitoring", _("Monitoring and alarms"), "broadcast", "alarm_list", "monitoring.alarm",
           enterprise_needs=STATIONS),
    Module("stations", _("Monitoring stations"), "router", "station_list", STATIONS, enterprise_needs=STATIONS),
    Module("warnings", _("Early warnings"), "megaphone", "warning_list", "warnings.warning"),
    Module("rules", _("Alarm rules"), "sliders", "rule_list", "monitoring.rule", enterprise_needs=STATIONS),
    Module("persons", _("Responsible persons"), "person-lines-fill", "person_list", "warnings.responsibleperson"),
    Module("resources", _("Resources and map"), "geo-alt", "resource_map", "resources.team"),
    Module("teams", _("Rescue teams"), "people", "team_list", "resources.team", also=("activity_list",)),
    Module("experts", _("Expert pool"), "person-badge", "expert_list", "resources.expert"),
    Module("equipment", _("Equipment"), "tools", "equipment_list", "resources.equipment"),
    Module("warehouses", _("Warehouses and supplies"), "box-seam", "warehouse_list", "resources.warehouse"),
    Module("transfers", _("Supply transfers"), "arrow-left-right", "transfer_list", "resources.transfer"),
    Module("shelters", _("Shelters"), "house-heart", "shelter_list", "resources.shelter"),
    Module("plans", _("Plans and drills"), "journal-text", "plan_list", "incidents.plan"),
    Module("regions", _("Regions"), "map", "region_list", "core.region"),
    Module("organisations", _("Organisations"), "diagram-3", "organisation_list", "core.organisation"),
    Module("users", _("Accounts"), "people", "user_list", "core.user"),
    Module("audit", _("Audit trail"), "journal-check", "audit_list", "core.auditrecord"),
]

_BY_URL_NAME = {name: m for m in MODULES for name in (m.url_name, *m.also)}


def register_module(module: Module, *, before: str | None = None) -> None:
    """A domain app adds its module at start-up (core names no app of its own accord); ``before`` is the key of
    the entry it goes in front of (the end otherwise). Registering a key twice replaces the entry."""
    keys = [m.key for m in MODULES]
    if module.key in keys:
        MODULES[keys.index(module.key)] = module
    else:
        MODULES.insert(keys.index(before) if before in keys else len(MODULES), module)
    for name in (module.url_name, *module.also):
        _BY_URL_NAME[name] = module


def page_allowed(user, url_name: str) -> bool:
    """Whether the page of this URL name opens for the user (False when its module is not allowed for them)."""
    module = _BY_URL_NAME.get(url_name)
    return module is None or module.allowed(user)


def allowed_modules(user) -> list[Module]:
    return [m for m in MODULES if m.allowed(user)]


class ModuleAccessMiddleware:
    """A module's pages answer 403 to a user the module is not allowed for (the navigation hides it too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        # Pages only (the API, namespaced, answers its own 403/404 in its error shape).
        module = _BY_URL_NAME.get(match.url_name) if match is not None and not match.namespace else None
        user = getattr(request, "user", None)
        if module is not None and user is not None and user.is_authenticated and not module.allowed(user):
            raise PermissionDenied
        return None
