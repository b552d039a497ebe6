"""Warnings on the home pages (issue 12 §2): warnings in force (the list's ``in_force`` filter) with the
confirmation rate of the responsible persons they reached — for a township or village account, its own
responsible persons only (deliveries are scoped by the person's region like every list)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import policy, rollup
from yingji.core.home import COUNTY_CODE_LENGTH, Tile, list_url, register_panel, register_tile

from .choices import WarningLevel
from .models import Delivery, Warning  # noqa: A004
from .services import in_force_q

PANEL_ROWS = 6


def confirmations(user, warnings) -> dict[int, tuple[int, int]]:
    """warning id → (responsible persons reached, of them confirmed), over the user's scope of deliveries."""
    if not policy.can(user, "view", Delivery):
        return {}
    rows = (Delivery.objects.for_user(user).filter(warning__in=warnings, about__isnull=True).order_by()
            .values("warning_id", "person_id").annotate(ack=Count("id", filter=Q(acknowledged_at__isnull=False))))
    out: dict[int, list[int]] = {}
    for row in rows:
        pair = out.setdefault(row["warning_id"], [0, 0])
        pair[0] += 1
        pair[1] += 1 if row["ack"] else 0
    return {k: (v[0], v[1]) for k, v in out.items()}


def rate(reached: int, confirmed: int) -> str:
    return f"{100 * confirmed / reached:.0f}%" if reached else "—"


def warning_tile(user, now):
    if not policy.can(user, "view", Warning):
        return None
    in_force = Warning.objects.for_user(user).filter(in_force_q(now))
    count = in_force.count()
    reached = confirmed = 0
    for r, c in confirmations(user, in_force.values("pk")).values():
        reached, confirmed = reached + r, confirmed + c
    note = (_("Confirmed by %(confirmed)s of %(reached)s responsible persons (%(rate)s)")
            % {"confirmed": confirmed, "reached": reached, "rate": rate(reached, confirmed)}) if reached else ""
    levels = set(in_force.order_by().values_list("level", flat=True).distinct()) if count else set()
    worst = next((level for level in ("red", "orange", "yellow", "blue") if level in levels), "")
    return Tile(_("Warnings in force"), count, list_url("warning_list", in_force=True), colour=worst, note=note)


def warnings_panel(user, now):
    """Warnings in force with their confirmation. For a township or village account: the warnings in force that
    reached its own responsible persons (a county warning included) and how many of those persons confirmed."""
    if not policy.can(user, "view", Warning):
        return None
    local = len(user.scope_region_code or "") > COUNTY_CODE_LENGTH
    if local:
        reached = (Delivery.objects.for_user(user).filter(about__isnull=True,
                                                          warning__in=Warning.objects.filter(in_force_q(now)))
                   .values("warning_id"))
        rows = list(Warning.objects.filter(pk__in=reached).order_by("-effective")[:PANEL_ROWS])
        visible = set(Warning.objects.for_user(user).filter(pk__in=[w.pk for w in rows])
                      .values_list("pk", flat=True))
    else:
        rows = list(Warning.objects.for_user(user).filter(in_force_q(now)).order_by("-effective")[:PANEL_ROWS])
        visible = {w.pk for w in rows}
    if not rows:
        return None
    confirmed = confirmations(user, [w.pk for w in rows])
    out = []
    for w in rows:
        reached_n, ack = confirmed.get(w.pk, (0, 0))
        out.append({"warning": w, "level": WarningLevel.label(w.level), "reached": reached_n, "confirmed": ack,
                    "rate": rate(reached_n, ack), "percent": round(100 * ack / reached_n) if reached_n else 0,
                    "link": w.pk in visible})
    return {"rows": out, "more_url": list_url("warning_list", in_force=True), "local": local}


def register() -> None:
    register_tile("warnings", warning_tile, audiences=("desk", "local"), order=25)
    register_panel("warnings", warnings_panel, template="warnings/home_warnings.html", audiences=("desk", "local"),
                   order=20)
    from .filters import WarningFilterSet

    rollup.register_indicator(rollup.list_indicator("warnings_in_force", gettext_lazy("Warnings in force"), Warning,
                                                    "warning_list", filterset=WarningFilterSet,
                                                    params={"in_force": True}, order=60))
