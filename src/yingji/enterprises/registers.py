"""Figures of the high-risk registers the bureau reports (tailings ponds, non-coal mines), computed from querysets
already cut to the viewer's scope, so every figure stays inside it."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .choices import MineStatus, TailingsStatus
from .models import EXPIRY_WARNING_DAYS, Mine, TailingsPond


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def existing_on(day: datetime.date) -> Q:
    """Ponds that were tailings ponds on ``day``: in use by then and not yet closed out."""
    return Q(registered_on__lte=day) & (Q(closed_out_on__isnull=True) | Q(closed_out_on__gt=day))


def tailings_figures(ponds: QuerySet, baseline: datetime.date, today: datetime.date | None = None) -> dict:
    """The register's figures: ponds existing now and on ``baseline`` (the number must not grow: new ponds only
    replace closed-out ones), every pond of the register by status (closed-out ones included), head-top ponds,
    and online monitoring — of every existing pond (the bureau's 全覆盖 target) and of those the rules oblige
    (三等 and higher, head-top)."""
    today = today or timezone.localdate()
    existing = [p for p in ponds.filter(status__in=TailingsStatus.EXISTING)]
    required = [p for p in existing if p.monitoring_required]
    then = ponds.filter(existing_on(baseline)).count()
    counts = dict(ponds.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "by_status": {status: counts.get(status, 0) for status in TailingsStatus.values()},
        "baseline": baseline, "existing": len(existing), "existing_at_baseline": then,
        "change": len(existing) - then, "operating": sum(p.status == TailingsStatus.OPERATING for p in existing),
        "head_top": sum(p.head_top for p in existing),
        "monitored": sum(p.online_monitoring for p in existing),
        "monitored_rate": _rate(sum(p.online_monitoring for p in existing), len(existing)),
        "required": len(required), "required_monitored": sum(p.online_monitoring for p in required),
        "required_rate": _rate(sum(p.online_monitoring for p in required), len(required)),
        "closed_out_since_baseline": ponds.filter(closed_out_on__gt=baseline, closed_out_on__lte=today).count(),
    }


def mine_figures(mines: QuerySet, today: datetime.date | None = None) -> dict:
    """Mines by status, online monitoring of the working ones (producing or under construction), mining licences
    expired or expiring, and mines past their design service life."""
    today = today or timezone.localdate()
    working = [m for m in mines if m.status in (MineStatus.PRODUCING, MineStatus.CONSTRUCTION)]
    return {
        "total": mines.count(), "producing": sum(m.status == MineStatus.PRODUCING for m in working),
        "working": len(working), "monitored": sum(m.online_monitoring for m in working),
        "monitored_rate": _rate(sum(m.online_monitoring for m in working), len(working)),
        "licence_expired": sum(m.licence_expires < today for m in working),
        "licence_expiring": sum(today <= m.licence_expires <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
                                for m in working),
        "past_service_life": sum(bool(m.service_ends and m.service_ends < today) for m in working),
    }


__all__ = ["Mine", "TailingsPond", "existing_on", "mine_figures", "tailings_figures"]
