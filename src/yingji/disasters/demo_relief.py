"""Demo of disaster relief for the demo's past flood (``demo_reports``): the county's standards of that year, and
applications of the flooded township's danger-zone households (``demo_zones``) at every step: disbursed (funds, and
quilts from a warehouse through the resources services), approved, on public notice (one objection dismissed) and
just filed. Own rng; the steps go through the relief services, so states, timeline and stock agree."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.demo import COUNTY_CODE
from yingji.standards import relief as rules

from .choices_relief import HouseDamage, ReliefKind
from .models.relief import ReliefApplication, ReliefDisbursement, ReliefObjection, ReliefStandard
from .models.reports import DisasterEvent
from .models.zones import Household


def _id_number(rng: random.Random, region: str) -> str:
    birth = f"{rng.randint(1945, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return rules.with_check(region[:6] + birth + f"{rng.randrange(1000):03d}")


def generate(_shared_rng: random.Random) -> None:
    from .services import relief as services

    event = _event()
    if event is not None:
        services.seed_standards(COUNTY_CODE, event.started_at.year)


def _event():
    return DisasterEvent.objects.exclude(incident=None).order_by("started_at").first()


def accounts_ready(_shared_rng: random.Random) -> None:
    """The applications go through the services as the admin, each step at the time it happened (demo clock)."""
    rng = random.Random("yingji-demo-relief")
    from yingji.core.demo import demo_clock
    from yingji.resources.models import StockBatch

    from .services import relief as services

    admin = get_user_model().objects.filter(username="admin").first()
    event = _event()
    if admin is None or event is None:
        return
    township = event.incident.region_code[:9]
    households = list(Household.objects.filter(region_code__startswith=township).order_by("id")[:8]) or \
        list(Household.objects.order_by("id")[:8])
    plan = ["disbursed", "disbursed", "disbursed", "approved", "approved", "notice", "notice", "applied"]
    quilts = StockBatch.objects.filter(item__name__contains="被", quantity__gte=10).order_by("id").first()
    ended = event.ended_at
    recent = timezone.now() - timedelta(days=2)
    for i, (household, goal) in enumerate(zip(households, plan, strict=False)):
        kind = ReliefKind.EMERGENCY if goal != "applied" else ReliefKind.TRANSITION
        damage = rng.choice([HouseDamage.MINOR, HouseDamage.SEVERE]) if kind == ReliefKind.EMERGENCY \
            else HouseDamage.COLLAPSED
        # The applications on notice now were filed late (a second round); the others right after the flood.
        base = recent - timedelta(days=3) if goal == "notice" else ended + timedelta(hours=20 + i)
        with demo_clock(base):
            app = services.create_application(admin, {
                "event": event.pk, "household": household.pk, "kind": kind,
                "id_number": _id_number(rng, household.region_code), "damage": damage,
                "units": 10 if kind == ReliefKind.EMERGENCY else 3,
                "need": "口粮、饮用水、衣被" if kind == ReliefKind.EMERGENCY else "房屋倒塌，需过渡期生活救助"})
        if goal == "applied":
            continue
        with demo_clock(base + timedelta(days=1)):
            app = services.act(admin, app, "review")
        with demo_clock(base + timedelta(days=1, hours=2)):
            app = services.act(admin, app, "publish")
        if goal == "notice":
            if i == 5:
                with demo_clock(recent):
                    objection = services.raise_objection(admin, app, {
                        "raised_by": "本村村民", "content": "该户家中另有住房，是否符合救助条件？"})
                with demo_clock(recent + timedelta(hours=5)):
                    services.handle_objection(admin, objection, {
                        "decision": "dismissed", "resolution": "经村委会入户核实，另一处住房同样受损，符合条件。"})
            continue
        approve_at = timezone.make_aware(datetime.combine(app.notice_until + timedelta(days=1), time(9, 30)))
        with demo_clock(approve_at):
            app = services.act(admin, app, "approve")
        if goal == "disbursed":
            payload = {"funds": str(app.amount)}
            if quilts is not None and i == 0:
                payload.update(batch=quilts.pk, quantity=2)
            with demo_clock(approve_at + timedelta(days=1)):
                services.act(admin, app, "disburse", payload)


def clear() -> None:
    ReliefDisbursement.objects.all().delete()
    ReliefObjection.objects.all().delete()
    # The timeline events go with their applications (the database cascade).
    ReliefApplication.objects.all().delete()
    ReliefStandard.objects.all().delete()
