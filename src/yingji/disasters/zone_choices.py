"""Choice sets of danger zones and transfers (flood season)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class ZoneKind(ChoiceSet):
    NAME = "zone_kind"
    FIELDS = (("disasters.dangerzone", "kind"),)
    FLASH_FLOOD = "flash_flood"
    GEOHAZARD = "geohazard"
    LOW_LYING = "low_lying"
    RESERVOIR = "reservoir"
    TAILINGS = "tailings"
    CHOICES = (
        (FLASH_FLOOD, _("Flash-flood danger zone"), "danger"),
        (GEOHAZARD, _("Geological hazard point"), "warning"),
        (LOW_LYING, _("Low-lying waterlogging area"), "info"),
        (RESERVOIR, _("Downstream of a dangerous reservoir or pond"), "primary"),
        (TAILINGS, _("Downstream of a tailings pond"), "secondary"),
    )


#: Warning event types (warnings' catalogue) that put each kind of zone at risk: rain, floods and what follows.
ZONE_EVENT_TYPES = {
    ZoneKind.FLASH_FLOOD: {"rainstorm", "flood", "flash_flood", "typhoon"},
    ZoneKind.GEOHAZARD: {"rainstorm", "geohazard", "typhoon", "earthquake"},
    ZoneKind.LOW_LYING: {"rainstorm", "flood", "typhoon", "waterlogging"},
    ZoneKind.RESERVOIR: {"rainstorm", "flood", "flash_flood", "typhoon"},
    ZoneKind.TAILINGS: {"rainstorm", "flood", "geohazard", "typhoon", "earthquake"},
}


class HouseholdState(ChoiceSet):
    NAME = "transfer_household_state"
    FIELDS = (("disasters.transferhousehold", "state"),)
    PENDING = "pending"
    MOVED = "moved"
    REFUSED = "refused"
    CHOICES = (
        (PENDING, _("To be moved"), "warning"),
        (MOVED, _("Moved"), "success"),
        (REFUSED, pgettext_lazy("transfer", "Refused"), "danger"),
    )


class TransferState(ChoiceSet):
    NAME = "zone_transfer_state"
    FIELDS = (("disasters.transfer", "state"),)
    OPEN = "open"
    CLOSED = "closed"
    CHOICES = (
        (OPEN, pgettext_lazy("transfer", "In progress"), "warning"),
        (CLOSED, pgettext_lazy("transfer", "Closed"), "secondary"),
    )
