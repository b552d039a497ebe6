"""Early warnings (预警) as CAP 1.2 messages, the responsible persons (责任人) they go to, and the delivery of each
message to each person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped, phone_validator, region_code_validator
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from .choices import (
    CAP_BY_LEVEL,
    CAP_SEVERITY_LABELS,
    CAP_URGENCY_LABELS,
    ESCALATION_STEPS,
    EVENT_KIND_LABELS,
    EVENT_TEXTS,
    CapCategory,
    Certainty,
    Channel,
    DeliveryState,
    MessageType,
    PersonKind,
    WarningLevel,
    WarningState,
)

AUTHOR_ROLES = frozenset({Role.ADMIN, Role.DUTY_OFFICER, Role.SECTION_STAFF})
APPROVER_ROLES = frozenset({Role.APPROVER})
PUBLISHER_ROLES = frozenset({Role.APPROVER, Role.DUTY_OFFICER, Role.ADMIN})


class Warning(Scoped, Versioned):  # noqa: A001  (the domain name; Python's builtin Warning is never used here)
    """One CAP 1.2 message: an Alert, or an Update/Cancel referencing an earlier published warning."""

    identifier = models.CharField(_("identifier"), max_length=64, unique=True, editable=False)
    sender = models.CharField(_("sender"), max_length=100, editable=False)
    msg_type = models.CharField(_("message type"), max_length=8, choices=MessageType.choices(),
                                default=MessageType.ALERT)
    references = models.ForeignKey("self", verbose_name=_("references"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="successors")
    state = models.CharField(_("state"), max_length=16, choices=WarningState.choices(),
                             default=WarningState.DRAFT, db_index=True)
    template = models.CharField(_("template"), max_length=32, blank=True)
    locked_fields = models.JSONField(_("locked fields"), default=list, blank=True)
    event_type = models.CharField(_("event type"), max_length=32)
    event = models.CharField(_("event"), max_length=100)
    category = models.CharField(_("category"), max_length=8, choices=CapCategory.choices())
    level = models.CharField(_("level"), max_length=8, choices=WarningLevel.choices(), db_index=True)
    certainty = models.CharField(_("certainty"), max_length=8, choices=Certainty.choices(),
                                 default=Certainty.LIKELY)
    headline = models.CharField(_("headline"), max_length=200)
    description = models.TextField(_("description"))
    instruction = models.TextField(_("instruction (defence guide)"), blank=True)
    effective = models.DateTimeField(_("effective"))
    expires = models.DateTimeField(_("expires"), db_index=True)
    area_codes = models.JSONField(_("area (region codes)"), default=list, blank=True)
    area_desc = models.CharField(_("area description"), max_length=500, blank=True)
    #: CAP polygons: each a whitespace-separated list of "lat,lon" pairs (WGS-84), first pair = last pair.
    polygons = models.JSONField(_("polygons"), default=list, blank=True)
    #: CAP circles: each "lat,lon radius_km".
    circles = models.JSONField(_("circles"), default=list, blank=True)
    #: Region codes reached by the area (codes given, plus villages whose centre lies in a polygon/circle).
    target_codes = models.JSONField(default=list, blank=True, editable=False)
    source_alarm = models.CharField(_("source alarm"), max_length=64, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False,
                                   validators=[region_code_validator])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES}
              | {role: {"view", "add", "change", "resend"} for role in AUTHOR_ROLES}
              | {Role.APPROVER: {"view", "resend"}})

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [models.Index(fields=["state", "expires"], name="warning_state_expires_idx")]

    def __str__(self) -> str:
        return self.headline

    @property
    def severity(self) -> str:
        return CAP_BY_LEVEL[self.level][0]

    @property
    def urgency(self) -> str:
        return CAP_BY_LEVEL[self.level][1]

    @property
    def severity_label(self) -> str:
        return str(CAP_SEVERITY_LABELS.get(self.severity, self.severity))

    @property
    def urgency_label(self) -> str:
        return str(CAP_URGENCY_LABELS.get(self.urgency, self.urgency))

    @property
    def is_lifting_notice(self) -> bool:
        """A Cancel message (解除通知): it lifts a warning, it is never a warning in force itself."""
        return self.msg_type == MessageType.CANCEL

    @property
    def is_current(self) -> bool:
        return (self.state == WarningState.PUBLISHED and self.expires > timezone.now()
                and not self.is_lifting_notice)


class WarningEvent(TimelineEvent):
    """One entry of a warning's timeline (transitions, fan-out, escalations, re-sends). Read through the warning.
    ``note`` keeps the English sentence (or the actor's note) for events written before ``params``; ``params`` say
    it as data, ``{"text": key of choices.EVENT_TEXTS, ...its values}``, rendered in the reader's language."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.kind}: {self.note}"

    @property
    def kind_label(self) -> str:
        return str(EVENT_KIND_LABELS.get(self.kind, self.kind))

    @property
    def text(self) -> str:
        """The event's sentence in the active language (the stored message when there is nothing to render)."""
        sentence = EVENT_TEXTS.get((self.params or {}).get("text"))
        if sentence is None:
            return self.note
        values = dict(self.params)
        if "msg_type" in values:
            values["msg_type"] = MessageType.label(values["msg_type"])
        for key in ("channel", "via"):
            if key in values:
                values[key] = Channel.label(values[key]) if values[key] in Channel.values() else values[key]
        if "step" in values:
            step = ESCALATION_STEPS.get(values["step"])
            values["step"] = str(step) % {"person": values.get("step_person", "")} if step else values["step"]
        try:
            return str(sentence) % values
        except (KeyError, TypeError, ValueError):
            return self.note


class ResponsiblePerson(Scoped):
    """A responsible person (责任人) in the chain village → township → county, with jurisdiction and contacts."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=PersonKind.choices(), db_index=True)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=100, blank=True)
    region_code = models.CharField(_("jurisdiction (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    phone = models.CharField(_("phone"), max_length=32, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    webhook_url = models.URLField(_("group robot webhook"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="responsibilities")
    superior = models.ForeignKey("self", verbose_name=_("superior"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="subordinates")
    #: Channels in the order they are tried; escalation moves to the next one.
    channels = models.JSONField(_("channels"), default=list)
    is_active = models.BooleanField(_("active"), default=True)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES}
              | {Role.ADMIN: {"view", "add", "change", "delete", "view_pii"},
                 Role.DUTY_OFFICER: {"view", "add", "change", "view_pii"},
                 Role.SECTION_STAFF: {"view", "add", "change", "view_pii"},
                 Role.TOWNSHIP_STAFF: {"view", "add", "change", "view_pii"},
                 Role.APPROVER: {"view", "view_pii"}, Role.COMMANDER: {"view", "view_pii"}})

    class Meta:
        ordering = ["region_code", "kind", "id"]
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible persons")

    def __str__(self) -> str:
        from yingji.core.regions import region_path

        return f"{self.name}（{region_path(self.region_code)}）"

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel.label(c)) if c in Channel.values() else c for c in self.channels or []]

    @property
    def tier(self) -> str:
        return {6: "county", 9: "township", 12: "village"}.get(len(self.region_code), "")


class Delivery(Scoped):
    """One message of one warning to one person over one channel, with its retries and acknowledgement."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(ResponsiblePerson, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices())
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices(),
                             default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: When an unconfirmed sent message escalates (next channel, then the superior); null once handled.
    escalate_at = models.DateTimeField(null=True, blank=True)
    #: For a notice to a superior: the person who has not confirmed.
    about = models.ForeignKey(ResponsiblePerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Why this delivery exists beyond the first fan-out: "channel" (next channel), "superior", "resend".
    reason = models.CharField(_("reason"), max_length=16, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_via = models.CharField(max_length=16, blank=True)
    region_code = models.CharField(max_length=12, db_index=True)

    GRANTS = {role: {"view"} for role in STAFF_ROLES}

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["warning", "person", "channel"], condition=models.Q(about__isnull=True),
                                    name="delivery_once_per_channel"),
            models.UniqueConstraint(fields=["warning", "person", "about"], condition=models.Q(about__isnull=False),
                                    name="delivery_one_notice_per_silent_person"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx"),
                   models.Index(fields=["escalate_at"], name="delivery_escalate_idx")]

    def __str__(self) -> str:
        return f"{self.warning_id} → {self.person_id} ({self.channel})"
