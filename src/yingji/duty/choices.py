"""Choice sets of the duty desk: shifts, log entry kinds and dispositions, handover states."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class Shift(ChoiceSet):
    """Day shift 08:00-20:00, night shift 20:00-08:00 next morning (local time)."""
    FIELDS = (("duty.dutyshift", "shift"),)

    DAY = "day"
    NIGHT = "night"
    HOURS = {DAY: (8, 12), NIGHT: (20, 12)}  # (start hour, length in hours)
    CHOICES = (
        (DAY, _("Day shift"), "warning"),
        (NIGHT, _("Night shift"), "primary"),
    )


class EntryKind(ChoiceSet):
    FIELDS = (("duty.dutylogentry", "kind"),)
    CALL = "call"
    MESSAGE = "message"
    ACTION = "action"
    CHOICES = (
        (CALL, _("Call"), "primary"),
        (MESSAGE, pgettext_lazy("duty entry kind", "Message"), "info"),
        (ACTION, _("Action taken"), "secondary"),
    )


class EntryState(ChoiceSet):
    FIELDS = (("duty.dutylogentry", "state"),)
    OPEN = "open"
    FILED = "filed"
    INCIDENT = "incident"
    CHOICES = (
        (OPEN, _("Open"), "warning"),
        (FILED, _("Filed as information"), "secondary"),
        (INCIDENT, _("Turned into an incident"), "danger"),
    )


class HandoverState(ChoiceSet):
    FIELDS = (("duty.handover", "state"),)
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    CHOICES = (
        (PENDING, _("Awaiting the incoming officer"), "warning"),
        (ACKNOWLEDGED, _("Acknowledged"), "success"),
    )
