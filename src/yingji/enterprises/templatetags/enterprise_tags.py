"""Template helpers of the enterprise pages: licence validity, major hazard levels, special-supervision flags."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from yingji.enterprises.choices import FLAG_FIELDS, LicenceState, MajorHazardLevel
from yingji.enterprises.models import Enterprise

register = template.Library()


@register.simple_tag
def licence_state_badge(licence):
    """Valid / expiring soon / expired, with the days left when it matters."""
    state = licence.current_state
    label = LicenceState.label(state)
    days = licence.days_left
    if state == LicenceState.EXPIRING and days is not None:
        label = _("%(label)s (%(days)s days)") % {"label": label, "days": days}
    return format_html('<span class="badge text-bg-{}">{}</span>', LicenceState.colour(state), label)


@register.simple_tag
def level_badge(level):
    """A GB 18218 major hazard level (1 highest) as a coloured badge; a dash for none."""
    if level in (None, ""):
        return "—"
    level = int(level)
    return format_html('<span class="badge text-bg-{}">{}</span>', MajorHazardLevel.colour(level),
                       MajorHazardLevel.label(level))


@register.simple_tag
def enterprise_flags(enterprise) -> list[str]:
    """The labels of the special-supervision flags set on an enterprise."""
    return [str(Enterprise._meta.get_field(name).verbose_name) for name in FLAG_FIELDS if getattr(enterprise, name)]
