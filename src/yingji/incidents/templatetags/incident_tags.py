"""The reporting clock's badge: green when done, amber when near, red when past due."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..choices import ReportingLevel

register = template.Library()

COLOURS = {"done": "success", "running": "secondary", "near": "warning", "overdue": "danger"}


@register.simple_tag
def clock_badge(deadline, now=None):
    now = now or timezone.now()
    status = deadline.status(now)
    level = ReportingLevel.label(deadline.level)
    if status == "done":
        text = _("%(level)s reported %(time)s") % {
            "level": level, "time": timezone.localtime(deadline.reported_at).strftime("%m-%d %H:%M")}
    else:
        minutes = int((deadline.due_at - now).total_seconds() // 60)
        if minutes < 0:
            text = _("%(level)s overdue %(h)dh%(m)02dm") % {"level": level, "h": -minutes // 60, "m": -minutes % 60}
        else:
            text = _("%(level)s due in %(h)dh%(m)02dm") % {"level": level, "h": minutes // 60, "m": minutes % 60}
    return format_html('<span class="badge text-bg-{} yj-clock" data-clock="{}">{}</span>',
                       COLOURS[status], status, text)


@register.simple_tag
def incident_field_label(name: str) -> str:
    """The label of an incident field named in a timeline entry ("region_code" is the township or village)."""
    from django.core.exceptions import FieldDoesNotExist

    from ..models import Incident

    if name == "region_code":
        return _("Township / village")
    try:
        return str(Incident._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an old entry may name a field that no longer exists
        return name
