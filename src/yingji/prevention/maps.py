"""Overdue hazards on the command map (一张图): open hazards past their rectification deadline, at their
enterprise's or place's point, major ones marked red. Scoped by ``Hazard.objects.for_user``; at most 1,000."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yingji.core import policy

from .choices import HazardLevel, HazardState
from .models import Hazard

MAX_HAZARDS = 1000


def overdue_hazard_points(user) -> list[dict]:
    if not policy.can(user, "view", Hazard):
        return []
    now = timezone.now()
    rows = (Hazard.objects.for_user(user)
            .filter(state__in=HazardState.DEADLINE_RUNNING, due_at__lt=now)
            .filter(Q(enterprise__lat__isnull=False) | Q(place__lat__isnull=False))
            .select_related("enterprise", "place").order_by("due_at")[:MAX_HAZARDS])
    points = []
    for h in rows:
        where = h.enterprise if h.enterprise_id and h.enterprise.lat is not None else h.place
        days = (now - h.due_at).days
        points.append({
            "kind": "hazard", "id": h.pk, "name": h.title, "lat": float(where.lat), "lon": float(where.lon),
            "url": reverse("hazard_detail", args=[h.pk]), "risk": "red" if h.is_major else "orange",
            "fields": [[pgettext("hazard subject", "Enterprise or place"), h.subject_name],
                       [_("Hazard level"), HazardLevel.label(h.level)],
                       [_("Rectification deadline"), timezone.localtime(h.due_at).strftime("%Y-%m-%d")],
                       [_("Overdue"), _("%(days)s days") % {"days": days}]]})
    return points
