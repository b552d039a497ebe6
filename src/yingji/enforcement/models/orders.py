"""Supervision orders (交办单 / 督办单): a matter assigned to a township or a department with a deadline, the
assignee's reply, the issuer's verification, and escalation when overdue. Numbered per year and series
(``standards.documents.ORDER_SERIES``). A major hazard's 挂牌督办 stays in prevention: an order may reference the
hazard. Workflow and escalation in ``services.orders``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from ..choices import OrderAction, OrderKind, OrderState
from .officers import SUPERVISORS


class SupervisionOrder(Scoped, Versioned):
    number = models.CharField(_("number"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrderKind.choices(), db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    matter = models.TextField(_("matter"))
    #: The assignee's place: the township's code, or the department's.
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("department"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    hazard = models.ForeignKey("prevention.Hazard", verbose_name=_("hazard"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=OrderState.choices(), default=OrderState.ISSUED,
                             db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    verification = models.TextField(_("verification opinion"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("overdue escalation level"), default=0)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES}
              | {r: {"view", "add", "change", "attach"} for r in SUPERVISORS}
              | {Role.TOWNSHIP_STAFF: {"view", "attach"}})

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "serial"], name="supervision_order_serial")]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-issued_at", "-id"], name="enf_order_issued_idx"),
                   models.Index(fields=["state", "deadline"], name="supervision_order_due_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def assignee_name(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        return self.region_name

    @property
    def is_overdue(self) -> bool:
        return self.state in OrderState.AWAITING_REPLY and self.deadline < timezone.now()


class OrderEvent(TimelineEvent):
    """One line of an order's timeline (``kind`` is the action)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=16, choices=OrderAction.choices())
    from_state = models.CharField(_("from"), max_length=16, choices=OrderState.choices(), blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=OrderState.choices(), blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("supervision order event")
        verbose_name_plural = _("supervision order events")
        indexes = [models.Index(fields=["order", "time"], name="supervision_order_event_idx")]
