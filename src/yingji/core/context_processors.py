"""Navigation for every page: each module with the permission that shows it."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import policy

# (key, label, icon, url name, model label whose "view" grant shows the entry). Modules later issues build
# register here as they land; an entry whose URL does not resolve yet is shown as not yet available.
MODULES = [
    ("home", _("Overview"), "speedometer2", "home", None),
    ("duty", _("Duty desk"), "telephone", "duty_console", "duty.dutylogentry"),
    ("duty_report", _("Daily duty report"), "file-earmark-text", "duty_report", "duty.dutylogentry"),
    ("duty_roster", _("Duty roster"), "calendar-week", "duty_roster", "duty.dutyshift"),
    ("duty_handovers", _("Shift handovers"), "arrow-left-right", "duty_handover_list", "duty.handover"),
    ("incidents", _("Incidents"), "exclamation-octagon", "incident_list", "incidents.incident"),
    ("enterprises", _("Enterprises"), "building", "enterprise_list", "enterprises.enterprise"),
    ("prevention", _("Risks and hazards"), "shield-check", "hazard_list", "prevention.hazard"),
    ("monitoring", _("Monitoring and alarms"), "broadcast", "alarm_list", "monitoring.alarm"),
    ("warnings", _("Early warnings"), "megaphone", "warning_list", "warnings.warning"),
    ("rules", _("Alarm rules"), "sliders", "rule_list", "monitoring.rule"),
    ("persons", _("Responsible persons"), "person-lines-fill", "person_list", "warnings.responsibleperson"),
    ("resources", _("Resources and map"), "geo-alt", "resource_map", "resources.team"),
    ("teams", _("Rescue teams"), "people", "team_list", "resources.team"),
    ("experts", _("Expert pool"), "person-badge", "expert_list", "resources.expert"),
    ("equipment", _("Equipment"), "tools", "equipment_list", "resources.equipment"),
    ("warehouses", _("Warehouses and supplies"), "box-seam", "warehouse_list", "resources.warehouse"),
    ("transfers", _("Supply transfers"), "arrow-left-right", "transfer_list", "resources.transfer"),
    ("shelters", _("Shelters"), "house-heart", "shelter_list", "resources.shelter"),
    ("plans", _("Plans and drills"), "journal-text", "plan_list", "incidents.plan"),
    ("regions", _("Regions"), "map", "region_list", "core.region"),
    ("organisations", _("Organisations"), "diagram-3", "organisation_list", "core.organisation"),
    ("users", _("Accounts"), "people", "user_list", "core.user"),
    ("audit", _("Audit trail"), "journal-check", "audit_list", "core.auditrecord"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.apps import apps

    items = []
    for key, label, icon, url_name, model_label in MODULES:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
        if model_label is not None and not policy.can(user, "view", apps.get_model(model_label)):
            continue
        items.append({"key": key, "label": label, "icon": icon, "url": url,
                      "active": url is not None and (request.path == url if url == "/" else
                                                     request.path.startswith(url))})
    # Only the most specific entry is current (/duty/rosters/ is the roster, not also the duty console at /duty/).
    longest = max((len(item["url"]) for item in items if item["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["url"]) == longest
    from .notifications import unread

    return {"nav_items": items, "unread_notifications": unread(user).count()}
