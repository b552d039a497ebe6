"""One append-only timeline base for every aggregate that keeps a history (incident, hazard, alarm, warning,
shelter …): an event is a time, an actor (kept by name too, so the line survives the account), a kind, a free note
and its parameters as data, so a page renders the sentence in the reader's language.

The audit trail records field-level before/after values for administrators; the timeline is what the users of one
object read on its page. Both are written by services only and neither is ever edited: saving an existing event,
deleting one, or a bulk ``update()``/``delete()`` through the manager raises. An event disappears only with its
aggregate (the database cascade, which deletes in bulk without going through these methods)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(PermissionError):
    """Raised on an attempt to change or remove a timeline event."""

    def __init__(self, model):
        super().__init__(f"{model._meta.label} events are append-only")


class TimelineQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly(self.model)

    def delete(self):
        raise AppendOnly(self.model)

    # Bulk writes that would rewrite existing rows.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly(self.model)


class TimelineEvent(models.Model):
    """Abstract base: a concrete event adds the foreign key to its aggregate (``related_name="events"``), narrows
    ``kind`` to its choice set and may add columns of its own (a hazard's states before and after, an alarm's
    level and value, a shelter's occupancy)."""

    time = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    #: The actor's display name at the time, so the line reads the same after the account is renamed or removed.
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=32)
    note = models.TextField(_("note"), blank=True)
    #: What the event says, as data (values a page renders in the reader's language).
    params = models.JSONField(_("details"), default=dict, blank=True)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly(type(self))
        if self.actor_id and not self.actor_name:
            self.actor_name = _display_name(self.actor)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(type(self))


def _display_name(user) -> str:
    return (getattr(user, "display_name", "") or user.get_username())[:150]
