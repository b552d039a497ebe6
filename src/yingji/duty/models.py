"""Duty desk (值班值守): rosters by day and shift, the duty log, shift handovers with open items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import PII_ROLES, STAFF_ROLES, Scoped, region_code_validator
from yingji.core.workflow import Versioned

from .choices import EntryKind, EntryState, HandoverState, Shift

DESK_ROLES = {Role.ADMIN, Role.DUTY_OFFICER}
LOG_ROLES = DESK_ROLES | {Role.COMMANDER, Role.TOWNSHIP_STAFF}
ROSTER_ROLES = DESK_ROLES | {Role.SECTION_STAFF}
#: The duty desk is the bureau's and the townships' work; a village grid member reports through incidents and
#: hazards instead.
VIEW_ROLES = STAFF_ROLES - {Role.GRID_MEMBER}


class DutyShift(Scoped):
    """One shift of the roster (排班): who leads and who keeps watch, from ``starts_at`` to ``ends_at``."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=8, choices=Shift.choices())
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), db_index=True)
    leader_name = models.CharField(_("leader on duty"), max_length=50)
    leader_phone = models.CharField(_("leader's phone"), max_length=32, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader's account"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    officer_names = models.CharField(_("duty officers"), max_length=200)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers' accounts"), blank=True,
                                      related_name="duty_shifts")
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    # Desk roles call the leader on duty: full phone numbers for the roles whose work needs them.
    GRANTS = {role: {"view"} | ({"add", "change"} if role in ROSTER_ROLES else set())
              | ({"view_pii"} if role in PII_ROLES else set()) for role in VIEW_ROLES}

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [models.UniqueConstraint(fields=["region_code", "date", "shift"], name="duty_shift_unique")]

    def __str__(self) -> str:
        return f"{self.date} {Shift.label(self.shift)}"


class DutyLogEntry(Scoped, Versioned):
    """One item of the duty log (值班日志): a call, a message or an action, then filed or turned into an incident."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    source = models.CharField(_("source"), max_length=16)
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices(), default=EntryKind.CALL)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=32, blank=True)
    content = models.TextField(_("content"))
    state = models.CharField(_("state"), max_length=12, choices=EntryState.choices(), default=EntryState.OPEN,
                             db_index=True)
    incident = models.ForeignKey("incidents.Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    # The caller's number is the desk's to call back: full for the roles whose work needs it.
    GRANTS = {role: {"view"} | ({"add", "change"} if role in LOG_ROLES else set())
              | ({"view_pii"} if role in PII_ROLES else set()) for role in VIEW_ROLES}

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")

    def __str__(self) -> str:
        return self.content[:60]


class Handover(Scoped, Versioned):
    """A shift handover (交接班): the outgoing officer lists open items, the incoming officer acknowledges them."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    shift = models.ForeignKey(DutyShift, verbose_name=_("outgoing shift"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="handovers")
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True,
                                       on_delete=models.SET_NULL, related_name="+")
    handed_over_at = models.DateTimeField(_("handed over"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=HandoverState.choices(),
                             default=HandoverState.PENDING, db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    GRANTS = {role: {"view"} | ({"add", "change"} if role in DESK_ROLES else set()) for role in VIEW_ROLES}

    class Meta:
        ordering = ["-handed_over_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-handed_over_at", "-id"], name="duty_handover_at_idx")]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.handed_over_at:%Y-%m-%d %H:%M} {self.handed_over_by}"


class HandoverItem(models.Model):
    """An open item carried over to the next shift (read through its handover)."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("item"), max_length=500)
    log_entry = models.ForeignKey(DutyLogEntry, verbose_name=_("log entry"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["handover_id", "id"]

    def __str__(self) -> str:
        return self.text[:60]
