"""Choice sets of early warnings: levels, states, CAP message types, responsible-person kinds, channels, delivery
states."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class WarningLevel(ChoiceSet):
    """Warning colour (预警级别): red is the most severe."""
    FIELDS = (("warnings.warning", "level"),)

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"
    CHOICES = (
        (RED, _("Red"), "red"),
        (ORANGE, _("Orange"), "orange"),
        (YELLOW, _("Yellow"), "yellow"),
        (BLUE, _("Blue"), "blue"),
    )


#: Warning colour → CAP (severity, urgency); certainty is Likely unless observed (reference/README.md).
CAP_BY_LEVEL = {
    WarningLevel.RED: ("Extreme", "Immediate"),
    WarningLevel.ORANGE: ("Severe", "Expected"),
    WarningLevel.YELLOW: ("Moderate", "Expected"),
    WarningLevel.BLUE: ("Minor", "Future"),
}


#: CAP severity and urgency as a reader sees them; the CAP document keeps the English values.
CAP_SEVERITY_LABELS = {
    "Extreme": pgettext_lazy("CAP severity", "Extreme"), "Severe": pgettext_lazy("CAP severity", "Severe"),
    "Moderate": pgettext_lazy("CAP severity", "Moderate"), "Minor": pgettext_lazy("CAP severity", "Minor"),
    "Unknown": pgettext_lazy("CAP severity", "Unknown"),
}
CAP_URGENCY_LABELS = {
    "Immediate": pgettext_lazy("CAP urgency", "Immediate"), "Expected": pgettext_lazy("CAP urgency", "Expected"),
    "Future": pgettext_lazy("CAP urgency", "Future"), "Past": pgettext_lazy("CAP urgency", "Past"),
    "Unknown": pgettext_lazy("CAP urgency", "Unknown"),
}


class WarningState(ChoiceSet):
    FIELDS = (("warnings.warning", "state"),)
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    UPDATED = "updated"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    CHOICES = (
        (DRAFT, _("Draft"), "secondary"),
        (SUBMITTED, _("Submitted"), "info"),
        (APPROVED, _("Approved"), "primary"),
        (PUBLISHED, _("Published"), "success"),
        (UPDATED, _("Superseded by an update"), "light"),
        (CANCELLED, pgettext_lazy("warning state", "Cancelled"), "dark"),
        (EXPIRED, _("Expired"), "light"),
    )


#: States of a warning that has been published at some point (its CAP document is public).
EVER_PUBLISHED = (WarningState.PUBLISHED, WarningState.UPDATED, WarningState.CANCELLED, WarningState.EXPIRED)


class MessageType(ChoiceSet):
    """CAP ``msgType`` of a warning message."""
    FIELDS = (("warnings.warning", "msg_type"),)

    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"
    CHOICES = (
        # Neutral colours: next to a level badge, a red or yellow message type would read as a warning level.
        (ALERT, _("Alert"), "secondary"),
        (UPDATE, pgettext_lazy("CAP message type", "Update"), "info"),
        (CANCEL, pgettext_lazy("CAP message type", "Cancel"), "dark"),
    )


class CapCategory(ChoiceSet):
    """CAP ``category``."""

    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    FIRE = "Fire"
    ENV = "Env"
    INFRA = "Infra"
    OTHER = "Other"
    CHOICES = (
        (GEO, _("Geophysical"), "secondary"),
        (MET, _("Meteorological"), "info"),
        (SAFETY, _("Public safety"), "warning"),
        (FIRE, _("Fire"), "danger"),
        (ENV, _("Environmental"), "success"),
        (INFRA, _("Infrastructure"), "primary"),
        (OTHER, _("Other"), "light"),
    )


class Certainty(ChoiceSet):
    LIKELY = "Likely"
    OBSERVED = "Observed"
    POSSIBLE = "Possible"
    CHOICES = (
        (LIKELY, _("Likely"), "warning"),
        (OBSERVED, _("Observed"), "danger"),
        (POSSIBLE, _("Possible"), "info"),
    )


class PersonKind(ChoiceSet):
    """Kind of responsible person (责任人)."""
    FIELDS = (("warnings.responsibleperson", "kind"),)

    FLOOD = "flood"
    FOREST_FIRE = "forest_fire"
    GEOHAZARD = "geohazard"
    ENTERPRISE = "enterprise"
    CHOICES = (
        (FLOOD, _("Flood control"), "primary"),
        (FOREST_FIRE, _("Forest fire"), "danger"),
        (GEOHAZARD, _("Geological-hazard monitor"), "warning"),
        (ENTERPRISE, _("Enterprise contact"), "secondary"),
    )


class Channel(ChoiceSet):
    SMS = "sms"
    WEBHOOK = "webhook"
    EMAIL = "email"
    INAPP = "inapp"
    CHOICES = (
        (SMS, _("SMS"), "primary"),
        (WEBHOOK, _("Group robot (WeCom/DingTalk)"), "success"),
        (EMAIL, _("Email"), "info"),
        (INAPP, _("In-app inbox"), "secondary"),
    )


#: Kinds of a warning's timeline events (transitions are named by their action).
EVENT_KIND_LABELS = {
    "create": pgettext_lazy("warning event", "Drafted"), "submit": pgettext_lazy("warning event", "Submitted"),
    "approve": pgettext_lazy("warning event", "Approved"), "reject": pgettext_lazy("warning event", "Sent back"),
    "publish": pgettext_lazy("warning event", "Published"),
    "fan_out": pgettext_lazy("warning event", "Deliveries queued"),
    "escalate": pgettext_lazy("warning event", "Escalated"),
    "acknowledge": pgettext_lazy("warning event", "Confirmed"), "resend": pgettext_lazy("warning event", "Re-sent"),
}
#: Sentences of timeline events, by the ``text`` key of the event's parameters (rendered in the reader's language).
EVENT_TEXTS = {
    "created": _("%(msg_type)s message %(identifier)s"),
    "queued": _("%(n)s deliveries queued"),
    "nobody_up": _("%(person)s: no confirmation and no one further up to tell (%(step)s)"),
    "superior_told": _("%(person)s: no confirmation, superior %(superior)s told (%(step)s)"),
    "next_channel": _("%(person)s: no confirmation, trying %(channel)s"),
    "confirmed": _("%(person)s confirmed (%(via)s)"),
    "resent": _("re-sent to %(n)s unconfirmed recipients"),
}
ESCALATION_STEPS = {"all_channels": _("all channels tried"), "silent_too": _("%(person)s silent as well")}


class DeliveryState(ChoiceSet):
    FIELDS = (("warnings.delivery", "state"),)
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    ACKNOWLEDGED = "acknowledged"
    CHOICES = (
        (QUEUED, _("Queued"), "secondary"),
        (SENT, _("Sent"), "primary"),
        (FAILED, _("Failed"), "danger"),
        (ACKNOWLEDGED, _("Acknowledged"), "success"),
    )
