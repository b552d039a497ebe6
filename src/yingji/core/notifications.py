"""Notifying people: one call, idempotent per (recipient, dedupe key). The in-app inbox is the channel built here;
SMS and other channels plug into ``deliver`` later without changing callers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, User


def notify(recipients: Iterable[User], subject: str, body: str = "", *, link: str = "", obj=None,
           dedupe_key: str = "", kind: str = "", exclude: User | None = None) -> list[Notification]:
    """Send one notification to each recipient (once per dedupe key); return those created now.

    ``kind`` labels the event for filtering; ``exclude`` (usually the acting user) is never notified of their own act.
    """
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        if exclude is not None and user.pk == exclude.pk:
            continue
        note = Notification(recipient=user, kind=kind[:32], subject=subject[:200], body=body, link=link[:300],
                            object_type=obj._meta.label_lower if obj is not None else "",
                            object_id=str(obj.pk) if obj is not None else "", dedupe_key=dedupe_key[:200])
        try:
            with transaction.atomic():
                note.save()
        except IntegrityError:
            continue  # already notified for this key
        created.append(note)
    return created


def inbox(user: User):
    """Every notification of the user, newest first (the inbox is always the user's own: no scope question)."""
    return Notification.objects.filter(recipient=user)


def unread(user: User):
    return inbox(user).filter(read_at__isnull=True)


def for_object(obj):
    """Notifications sent about one domain object (e.g. a hazard), any recipient."""
    return Notification.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    qs = unread(user)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
