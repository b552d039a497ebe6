"""Demo of disaster reporting: one past flood in the demo county's first township, its incident (category natural
disaster), and the 初报, two 续报 and the 核报 from three villages up through the township to the county, with the
casualty list, consistent by construction (every report passes ``standards.disasters.validate``). Own rng."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from yingji.core.choices import RegionKind, RegionLevel
from yingji.core.demo import COUNTY_CODE
from yingji.core.models import Region
from yingji.standards import disasters as rules

from .choices_reports import CasualtyKind, ReportState
from .models import Casualty, DisasterEvent, DisasterReport, ReliefThreshold

TITLE = "山洪灾害"


def _village_figures(rng: random.Random, scale: float, dead: int) -> dict:
    affected = int(rng.randint(180, 420) * scale)
    collapsed_h = int(rng.randint(0, 3) * scale)
    severe_h = int(rng.randint(1, 5) * scale)
    minor_h = int(rng.randint(4, 12) * scale)
    crop_affected = Decimal(rng.randint(200, 600) * scale / 10).quantize(Decimal("0.1"))
    crop_damaged = (crop_affected * Decimal("0.6")).quantize(Decimal("0.1"))
    crop_lost = (crop_damaged * Decimal("0.3")).quantize(Decimal("0.1"))
    sectors = {"loss_agriculture": Decimal(rng.randint(40, 120)), "loss_infrastructure": Decimal(rng.randint(20, 90)),
               "loss_housing": Decimal(rng.randint(10, 60)), "loss_household_property": Decimal(rng.randint(5, 30))}
    sectors = {k: (v * Decimal(str(scale))).quantize(Decimal("0.1")) for k, v in sectors.items()}
    return rules.clean_figures({
        "affected_people": affected, "deaths": dead, "evacuated": affected // 3, "needs_relief": affected // 4,
        "collapsed_households": collapsed_h, "collapsed_rooms": collapsed_h * 3,
        "severe_households": severe_h, "severe_rooms": severe_h * 2,
        "minor_households": minor_h, "minor_rooms": minor_h * 2,
        "crop_affected_ha": crop_affected, "crop_damaged_ha": crop_damaged, "crop_lost_ha": crop_lost,
        "loss_total": sum(sectors.values(), Decimal(0)), **sectors})


def _out(figures: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}


def generate(rng: random.Random) -> None:
    rng = random.Random("yingji-demo-disaster-reports")
    from yingji.incidents.choices import IncidentState, InformationSource
    from yingji.incidents.models import Incident

    from .services.reports import seed_thresholds

    seed_thresholds(COUNTY_CODE)
    # A township (乡/镇, not a street): the flood-prone villages are there.
    township = (Region.objects.filter(level=RegionLevel.TOWNSHIP).exclude(kind=RegionKind.STREET).order_by("code")
                .first())
    villages = list(Region.objects.filter(parent=township).order_by("code")[:3])
    local = timezone.localtime(timezone.now() - timedelta(days=60))
    started = local.replace(hour=3, minute=20, second=0, microsecond=0)
    ended = started + timedelta(days=2, hours=15)
    incident = Incident.objects.create(
        region_code=township.code, category="natural_disaster", event_type="flood_drought",
        title=f"{township.name}{TITLE}", occurred_at=started, received_at=started + timedelta(minutes=12),
        address=township.name, lat=township.lat, lon=township.lon, deaths=1, direct_loss_yuan=Decimal(0),
        grade="ordinary", source=InformationSource.SUBORDINATE, description=f"{township.name}遭遇强降雨引发山洪",
        reporter_name="乡镇应急办", state=IncidentState.CLOSED, summary="灾情稳定，转入灾后恢复重建。",
        closed_at=ended)
    from yingji.incidents.choices import EventKind
    from yingji.incidents.models import IncidentEvent, ReportingDeadline
    from yingji.standards.disasters import incident_reporting_deadlines

    for position, (level, due) in enumerate(incident_reporting_deadlines(started)):
        ReportingDeadline.objects.create(incident=incident, level=level, position=position, due_at=due,
                                         reported_at=due - timedelta(minutes=20), method="电话",
                                         reported_to="上级应急管理部门值班室")
    IncidentEvent.objects.create(incident=incident, time=incident.received_at, kind=EventKind.CREATED,
                                 actor_name="值班员", note=incident.title, params={"grade": incident.grade})
    event = DisasterEvent.objects.create(
        region_code=COUNTY_CODE, incident=incident, title=f"{started:%m·%d} {township.name}{TITLE}",
        hazard="flood", started_at=started, ended_at=ended, major=True)
    stages = [("initial", 1, started + timedelta(hours=1), 0.4),
              ("follow_up", 1, (started + timedelta(days=1)).replace(hour=8, minute=30), 0.8),
              ("follow_up", 2, (started + timedelta(days=2)).replace(hour=8, minute=40), 1.0),
              ("final", 1, ended + timedelta(days=4), 1.0)]
    dead_village = villages[-1].code
    seeds = {v.code: rng.randrange(10**9) for v in villages}
    for stage, seq, at, scale in stages:
        children = []
        for village in villages:
            # One draw per village (the same seed each stage), scaled as the counting progresses.
            figures = _village_figures(random.Random(seeds[village.code]), scale,
                                       1 if village.code == dead_village else 0)
            children.append(figures)
            _report(event, village.code, stage, seq, at - timedelta(minutes=40), figures,
                    dead=village.code == dead_village)
        total = rules.sum_figures(children)
        _report(event, township.code, stage, seq, at - timedelta(minutes=20), total, dead=True)
        _report(event, COUNTY_CODE, stage, seq, at, total, dead=True)
    level, _reached = rules.response_level(rules.clean_figures(
        DisasterReport.objects.get(event=event, region_code=COUNTY_CODE, stage="final").figures), _thresholds())
    DisasterEvent.objects.filter(pk=event.pk).update(relief_level=level or "")


def _thresholds() -> dict:
    table: dict = {}
    for t in ReliefThreshold.objects.filter(region_code=COUNTY_CODE):
        table.setdefault(t.level, {})[t.indicator] = t.minimum
    return table


def _report(event, code: str, stage: str, seq: int, at, figures: dict, dead: bool) -> None:
    if rules.validate(figures, named_dead=figures["deaths"], named_missing=0):
        raise RuntimeError(f"Demo disaster report of {code} is inconsistent")
    report = DisasterReport.objects.create(
        event=event, region_code=code, stage=stage, seq=seq, as_of=at, figures=_out(figures),
        state=ReportState.SUBMITTED, submitted_at=at, created_at=at,
        due_at=rules.initial_due(event.started_at, code) if stage == "initial" else None)
    if dead and figures["deaths"]:
        Casualty.objects.create(report=report, region_code=code, name="王某某", kind=CasualtyKind.DEAD, gender="男",
                                age=71, cause="山洪冲毁房屋")


def clear() -> None:
    from yingji.incidents.models import Incident

    incident_ids = list(DisasterEvent.objects.exclude(incident=None).values_list("incident_id", flat=True))
    Casualty.objects.all().delete()
    DisasterReport.objects.all().delete()
    DisasterEvent.objects.all().delete()
    ReliefThreshold.objects.all().delete()
    Incident.objects.filter(pk__in=incident_ids).delete()
