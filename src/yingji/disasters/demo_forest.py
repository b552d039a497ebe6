"""Demo forest fire prevention and geological hazards: forest areas in the hill townships (the mountain villages of
the zones demo) with checkpoints and watchtowers, a 森林义务消防队 per hill township in the resources registry,
a fortnight of ranger check-ins, field fire permits in every state, violations around 清明, a fire that went
through 明火 → 扑灭 → 看守 → 撤离 and one still under guard; the register of geological hazard points at the
monitoring demo's geohazard stations (and a few more without a station), their monitors' patrols, one point
written off; and one felt earthquake's intensity report below the incident threshold. Own rng, so the other
generators' data do not move."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from yingji.core.choices import RegionLevel
from yingji.core.demo import mobile, person_name
from yingji.core.models import Region
from yingji.monitoring.models import Station
from yingji.resources.choices import TeamKind
from yingji.resources.models import Team
from yingji.standards import geohazards as geo_rules

from .choices_forest import FireState, PermitState
from .models.forest import (
    FirePermit,
    FireViolation,
    ForestArea,
    ForestCheckpoint,
    ForestFire,
    ForestFireEvent,
    ForestPatrol,
)
from .models.geo import EarthquakeReport, GeoHazardPoint, GeoPatrol

RNG_SEED = "yingji-demo-forest"
FOREST_TYPES = ["马尾松林", "栓皮栎林", "侧柏林", "针阔混交林", "刺槐林", "杉木林"]
PLACES = ["后山坡", "林场三队", "老坟岗", "鹰嘴崖", "松树坪", "南沟口"]
GEO_KINDS = [("landslide", "滑坡"), ("collapse", "崩塌"), ("debris_flow", "泥石流"), ("unstable_slope", "不稳定斜坡")]


def _near(rng, lat, lon, km: float) -> tuple[Decimal, Decimal]:
    lat, lon = float(lat or 33.29), float(lon or 113.52)
    return (Decimal(f"{lat + rng.uniform(-km, km) / 111.32:.6f}"),
            Decimal(f"{lon + rng.uniform(-km, km) / 93.0:.6f}"))


def _polygon(lat: Decimal, lon: Decimal, d: float = 0.012) -> dict:
    la, lo = float(lat), float(lon)
    ring = [[lo - d, la - d], [lo + d, la - d], [lo + d, la + d], [lo - d, la + d], [lo - d, la - d]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _hill_townships() -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))[-3:]


def _forest(rng, now) -> None:
    villages = {}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"):
        villages.setdefault(v.code[:9], []).append(v)
    for town in _hill_townships():
        team_lat, team_lon = _near(rng, town.lat, town.lon, 1.0)
        Team.objects.create(
            name=f"{town.name}森林义务消防队", kind=TeamKind.FOREST_VOLUNTEER, region_code=town.code,
            address=f"{town.name}人民政府院内", lat=team_lat, lon=team_lon, capabilities=["forest_fire"],
            leader=person_name(rng), leader_phone=mobile(rng), headcount=rng.randint(18, 30),
            notes="乡镇森林义务消防队，由护林员、民兵和村干部组成")
        for village in villages.get(town.code, [])[:3]:
            lat, lon = _near(rng, village.lat, village.lon, 1.5)
            area = ForestArea.objects.create(
                name=f"{village.name}{rng.choice(['集体林', '生态公益林', '林场'])}", region_code=village.code,
                area_ha=Decimal(rng.randint(80, 1200)), forest_type=rng.choice(FOREST_TYPES), lat=lat, lon=lon,
                geometry=_polygon(lat, lon), responsible_unit=f"{village.name}村民委员会",
                responsible_name=person_name(rng), responsible_phone=mobile(rng),
                danger_level=str(rng.choice([2, 3, 3, 4])), danger_index=rng.randint(30, 85),
                danger_reasons="高火险期", danger_at=now - datetime.timedelta(hours=rng.randint(1, 20)))
            points = []
            for kind, label in (("checkpoint", "进山检查站"), ("watchtower", "瞭望塔")):
                plat, plon = _near(rng, lat, lon, 1.0)
                points.append(ForestCheckpoint.objects.create(
                    area=area, region_code=area.region_code, name=f"{village.name}{label}", kind=kind, lat=plat,
                    lon=plon, staffed_by=f"护林员 {person_name(rng)}"))
            rangers = [person_name(rng) for _ in range(2)]
            patrols = []
            for day in range(14):
                for ranger in rangers:
                    plat, plon = _near(rng, lat, lon, 1.2)
                    finding = rng.choices(["normal", "fire_source", "smoke"], [30, 3, 0.2])[0]
                    patrols.append(ForestPatrol(
                        area=area, checkpoint=rng.choice(points + [None]), region_code=area.region_code,
                        ranger_name=ranger, lat=plat, lon=plon, finding=finding,
                        checked_at=now - datetime.timedelta(days=day, hours=rng.randint(1, 10)),
                        note="发现上坟烧纸，已劝导熄灭" if finding == "fire_source" else ""))
            ForestPatrol.objects.bulk_create(patrols)
            found = [p for p in ForestPatrol.objects.filter(area=area, finding="fire_source")][:1]
            for patrol in found:
                FireViolation.objects.create(
                    region_code=area.region_code, area=area, kind="ritual", occurred_at=patrol.checked_at,
                    place=f"{village.name}{rng.choice(PLACES)}", offender_name=person_name(rng),
                    description="林缘坟地焚烧纸钱", handling="现场劝导熄灭，批评教育并登记", patrol=patrol)
    areas = list(ForestArea.objects.order_by("id"))
    if not areas:
        return
    states = [PermitState.SUBMITTED, PermitState.APPROVED, PermitState.REJECTED, PermitState.COMPLETED,
              PermitState.SUBMITTED]
    for i, state in enumerate(states):
        area = areas[i % len(areas)]
        start = now + datetime.timedelta(days=2 + i) if state in (PermitState.SUBMITTED, PermitState.APPROVED) \
            else now - datetime.timedelta(days=10 + i)
        decided = state != PermitState.SUBMITTED
        FirePermit.objects.create(
            region_code=area.region_code, area=area, applicant_name=person_name(rng), applicant_phone=mobile(rng),
            purpose=rng.choice(["straw", "burning_field", "construction"]), place=f"{area.name}{rng.choice(PLACES)}",
            starts_at=start, ends_at=start + datetime.timedelta(hours=4),
            safety_measures="开设隔离带5米，备灭火器2具、水桶4只，专人看守至余火熄灭", guards=rng.randint(2, 6),
            state=state, decided_at=start - datetime.timedelta(days=1) if decided else None,
            decision_note="火险等级较高，不予批准" if state == PermitState.REJECTED else ("同意" if decided else ""),
            submitted_at=start - datetime.timedelta(days=3))
    teams = list(Team.objects.filter(kind=TeamKind.FOREST_VOLUNTEER).order_by("id"))
    for n, (area, final) in enumerate(((areas[0], FireState.WITHDRAWN), (areas[-1], FireState.GUARDED))):
        found = now - datetime.timedelta(days=20 if final == FireState.WITHDRAWN else 0, hours=6)
        fire = ForestFire.objects.create(
            region_code=area.region_code, area=area, place=f"{area.name}{PLACES[n]}", lat=area.lat, lon=area.lon,
            discovered_at=found, reported_by="瞭望塔观察员", cause="上坟烧纸引发" if n == 0 else "原因调查中",
            area_burned_ha=Decimal("1.60") if n == 0 else Decimal("0.35"), forest_damaged_ha=Decimal("0.80") if n
            == 0 else Decimal("0.10"), people_sent=42 if n == 0 else 25, forces_note="乡镇干部、民兵应急连",
            state=final, extinguished_at=found + datetime.timedelta(hours=2), guarded_at=found +
            datetime.timedelta(hours=2, minutes=20),
            withdrawn_at=found + datetime.timedelta(hours=26) if final == FireState.WITHDRAWN else None)
        fire.teams.set([t for t in teams if t.region_code == area.region_code[:9]] or teams[:1])
        steps = [("reported", "", FireState.BURNING, 0, fire.place),
                 ("extinguish", FireState.BURNING, FireState.EXTINGUISHED, 120, "明火已扑灭"),
                 ("guard", FireState.EXTINGUISHED, FireState.GUARDED, 140, "留守12人看守火场")]
        if final == FireState.WITHDRAWN:
            steps.append(("withdraw", FireState.GUARDED, FireState.WITHDRAWN, 26 * 60, "无烟无火，验收后撤离"))
        ForestFireEvent.objects.bulk_create([
            ForestFireEvent(fire=fire, at=found + datetime.timedelta(minutes=minutes), action=action,
                            from_state=a, to_state=b, note=note) for action, a, b, minutes, note in steps])


def _geo(rng, now) -> None:
    count = 0
    for station in Station.objects.filter(type="geohazard").order_by("code"):
        village = Region.objects.filter(code=station.region_code, level=RegionLevel.VILLAGE).first()
        if village is None:
            continue
        kind, label = rng.choice(GEO_KINDS)
        count += 1
        people = rng.randint(20, 260)
        loss = Decimal(rng.randint(50, 1500))
        point = GeoHazardPoint.objects.create(
            code=f"{village.code[:6]}{count:04d}", name=f"{village.name}{rng.choice(PLACES)}{label}", kind=kind,
            scale=rng.choice(["small", "small", "medium"]), region_code=village.code, lat=station.lat or village.lat,
            lon=station.lon or village.lon, volume_m3=rng.randint(2, 90) * 1000, households=people // 4,
            people=people, property_wan=loss, threat_grade=geo_rules.threat_grade(people, loss),
            monitor_name=person_name(rng), monitor_phone=mobile(rng),
            measures="汛期每日巡查，雨后加密；设置警示牌，明确预警信号和撤离路线")
        point.stations.set([station])
    for town in _hill_townships():
        village = Region.objects.filter(parent=town, level=RegionLevel.VILLAGE).order_by("-code").first()
        if village is None:
            continue
        count += 1
        lat, lon = _near(rng, village.lat, village.lon, 1.0)
        people = rng.randint(8, 60)
        GeoHazardPoint.objects.create(
            code=f"{village.code[:6]}{count:04d}", name=f"{village.name}不稳定斜坡", kind="unstable_slope",
            scale="small", region_code=village.code, lat=lat, lon=lon, households=people // 4, people=people,
            property_wan=Decimal(rng.randint(20, 300)),
            threat_grade=geo_rules.threat_grade(people, 0), monitor_name=person_name(rng), monitor_phone=mobile(rng))
    patrols = []
    for point in GeoHazardPoint.objects.order_by("id"):
        for day in range(0, 21, 3):
            finding = "deforming" if rng.random() < 0.05 else "normal"
            patrols.append(GeoPatrol(
                point=point, region_code=point.region_code, patroller_name=point.monitor_name,
                patrolled_at=now - datetime.timedelta(days=day, hours=rng.randint(1, 8)), finding=finding,
                crack_mm=Decimal(rng.randint(1, 30)) if finding == "deforming" else None,
                rain_mm=Decimal(rng.randint(0, 60)),
                note="后缘裂缝有扩展，已上报乡镇" if finding == "deforming" else ""))
    GeoPatrol.objects.bulk_create(patrols)
    last = GeoHazardPoint.objects.order_by("-id").first()
    if last is not None and count > 2:
        GeoHazardPoint.objects.filter(pk=last.pk).update(state="written_off", write_off_reason="treated",
                                                         written_off_at=now - datetime.timedelta(days=40))
    county = Region.objects.filter(level=RegionLevel.COUNTY).first()
    towns = _hill_townships()
    if county is not None and towns:
        lat, lon = _near(rng, towns[-1].lat, towns[-1].lon, 12)
        EarthquakeReport.objects.create(
            region_code=county.code, occurred_at=now - datetime.timedelta(days=55, hours=3), magnitude=Decimal("3.4"),
            epicentre=f"{towns[-1].name}西南约12千米", lat=lat, lon=lon, depth_km=Decimal("10.0"),
            intensities=[{"region_code": t.code, "intensity": i}
                         for t, i in zip(towns[::-1], (4, 3, 3), strict=False)],
            max_intensity=4)


def generate(_shared_rng: random.Random) -> None:
    rng = random.Random(RNG_SEED)
    now = timezone.now().replace(microsecond=0)
    _forest(rng, now)
    _geo(rng, now)


def clear() -> None:
    ForestFireEvent.objects.all().delete()
    ForestFire.objects.all().delete()
    FireViolation.objects.all().delete()
    FirePermit.objects.all().delete()
    ForestPatrol.objects.all().delete()
    ForestCheckpoint.objects.all().delete()
    ForestArea.objects.all().delete()
    GeoPatrol.objects.all().delete()
    GeoHazardPoint.objects.all().delete()
    EarthquakeReport.objects.all().delete()
    Team.objects.filter(kind=TeamKind.FOREST_VOLUNTEER).delete()
