"""Demo results of the risk census for the demo county: in every township its central primary school, health
centre and a key facility (substation, water works); in every danger zone the houses standing in it (old earth and
masonry houses of high risk among them, the geohazard zones' houses threatened by the hazard point); the hazard
sources (each geohazard point, the flash-flood gullies of the flash-flood zones, the forest areas, one fault); and
the risk zoning of every township — the hill townships high for flood and geological hazards."""

from __future__ import annotations

import random
from decimal import Decimal

from yingji.core.choices import RegionLevel
from yingji.core.models import Region

from .choices_census import BodyKind, CensusHazard, CensusRisk, Structure
from .models.census import CensusBody, HazardSource, RiskZone
from .models.forest import ForestArea
from .models.geo import GeoHazardPoint
from .models.zones import DangerZone
from .zone_choices import ZoneKind

RNG_SEED = "yingji-demo-census"
FACILITIES = [("变电站", BodyKind.KEY_FACILITY, Structure.REINFORCED_CONCRETE),
              ("自来水厂", BodyKind.KEY_FACILITY, Structure.REINFORCED_CONCRETE),
              ("便民服务中心", BodyKind.PUBLIC_BUILDING, Structure.BRICK_CONCRETE)]
RIVERS = ["滚河", "甘江河", "石漫滩水库入库河道", "八台河", "铁山河"]
HOUSE_STRUCTURES = [Structure.EARTH_WOOD, Structure.MASONRY, Structure.MASONRY, Structure.BRICK_CONCRETE,
                    Structure.BRICK_CONCRETE, Structure.REINFORCED_CONCRETE]
HOUSE_RISK = {Structure.EARTH_WOOD: CensusRisk.HIGH, Structure.MASONRY: CensusRisk.MID_HIGH,
              Structure.BRICK_CONCRETE: CensusRisk.MEDIUM, Structure.REINFORCED_CONCRETE: CensusRisk.LOW}
ZONE_HAZARD = {ZoneKind.FLASH_FLOOD: CensusHazard.FLOOD, ZoneKind.LOW_LYING: CensusHazard.FLOOD,
               ZoneKind.RESERVOIR: CensusHazard.FLOOD, ZoneKind.TAILINGS: CensusHazard.FLOOD,
               ZoneKind.GEOHAZARD: CensusHazard.GEOLOGICAL}

#: The flood hazard source each kind of danger zone lies below: (name suffix, description, risk level).
FLOOD_SOURCES = {
    ZoneKind.FLASH_FLOOD: ("山洪沟", "沟道比降大，汇流时间短，沿沟居民点易受山洪威胁", CensusRisk.HIGH),
    ZoneKind.LOW_LYING: ("低洼易涝片区", "地势低洼，排水能力不足，强降雨时易形成内涝", CensusRisk.MID_HIGH),
    ZoneKind.RESERVOIR: ("（病险水库溃坝洪水）", "水库坝体渗漏，超汛限水位运行时下游受溃坝洪水威胁", CensusRisk.HIGH),
    ZoneKind.TAILINGS: ("（尾矿库溃坝）", "尾矿库溃坝时下游沟道受泥浆冲击", CensusRisk.MID_HIGH),
}


def _near(rng, lat, lon, km: float) -> tuple[Decimal, Decimal]:
    lat, lon = float(lat), float(lon)
    return (Decimal(f"{lat + rng.uniform(-km, km) / 111.32:.6f}"),
            Decimal(f"{lon + rng.uniform(-km, km) / 93.0:.6f}"))


def generate(_shared_rng: random.Random) -> None:
    rng = random.Random(RNG_SEED)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    if not townships:
        return
    hill = {t.code for t in townships[-3:]}
    bodies, sources, zones = [], [], []
    for town in townships:
        seat = Region.objects.filter(parent=town, level=RegionLevel.VILLAGE).order_by("code").first()
        if seat is None:
            continue
        base = (seat.lat or town.lat or Decimal("33.29"), seat.lon or town.lon or Decimal("113.52"))
        for n, (name, kind, structure, people, floors) in enumerate([
                (f"{town.name}中心小学", BodyKind.SCHOOL, Structure.BRICK_CONCRETE, rng.randint(380, 900), 3),
                (f"{town.name}卫生院", BodyKind.HOSPITAL, Structure.REINFORCED_CONCRETE, rng.randint(40, 120), 4),
                *[(f"{town.name}{f}", k, s, rng.randint(5, 60), 2) for f, k, s in rng.sample(FACILITIES, 1)]], 1):
            lat, lon = _near(rng, *base, 0.8)
            risk = (CensusRisk.MID_HIGH if town.code in hill else CensusRisk.MEDIUM) if n == 1 else \
                rng.choice([CensusRisk.MEDIUM, CensusRisk.LOW])
            bodies.append(CensusBody(
                census_id=f"{seat.code}-GG-{n:04d}", kind=kind, name=name, region_code=seat.code,
                address=f"{town.name}{seat.name}", lat=lat, lon=lon, structure=structure, floors=floors,
                built_year=rng.randint(1988, 2018), floor_area_m2=Decimal(rng.randint(6, 60) * 100),
                occupants=people, seismic_fortified=rng.random() < 0.7,
                hazards=[CensusHazard.EARTHQUAKE] + ([CensusHazard.FLOOD] if town.code in hill else []),
                risk_level=risk))
        lat, lon = _near(rng, *base, 2.0)
        sources.append(HazardSource(
            census_id=f"{town.code}-HL", hazard=CensusHazard.FLOOD, name=f"{town.name}境内{rng.choice(RIVERS)}河段",
            region_code=town.code, lat=lat, lon=lon,
            risk_level=CensusRisk.HIGH if town.code in hill else CensusRisk.MEDIUM,
            description="河道行洪能力不足，遇设计标准以上洪水时两岸村庄受淹"))
        all_level = CensusRisk.HIGH if town.code == townships[-1].code else (
            CensusRisk.MID_HIGH if town.code in hill else rng.choice([CensusRisk.MEDIUM, CensusRisk.LOW]))
        zones.append(RiskZone(census_id=f"{town.code}-ZH", name=f"{town.name}综合风险区", region_code=town.code,
                              risk_level=all_level, area_km2=Decimal(rng.randint(4000, 16000)) / 100,
                              population=rng.randint(12000, 48000)))
        for hazard, level in ((CensusHazard.FLOOD, CensusRisk.HIGH if town.code in hill else CensusRisk.MEDIUM),
                              (CensusHazard.GEOLOGICAL, CensusRisk.MID_HIGH if town.code in hill else CensusRisk.LOW)):
            zones.append(RiskZone(census_id=f"{town.code}-{hazard[:2].upper()}", hazard=hazard,
                                  name=f"{town.name}{'洪水' if hazard == CensusHazard.FLOOD else '地质灾害'}风险区",
                                  region_code=town.code, risk_level=level, population=0))
    points = {p.region_code: p for p in GeoHazardPoint.objects.order_by("id")}
    for zone in DangerZone.objects.order_by("region_code", "id"):
        point = points.get(zone.region_code) if zone.kind == ZoneKind.GEOHAZARD else None
        for n in range(1, rng.randint(3, 6)):
            structure = rng.choice(HOUSE_STRUCTURES)
            lat, lon = _near(rng, zone.lat or Decimal("33.29"), zone.lon or Decimal("113.52"), 0.3)
            bodies.append(CensusBody(
                census_id=f"{zone.region_code}-FW-{zone.pk:03d}{n:02d}", kind=BodyKind.HOUSE,
                name=f"{zone.name.removesuffix('危险区')}{n}号农房", region_code=zone.region_code,
                address=zone.description, lat=lat, lon=lon, structure=structure, floors=rng.choice([1, 1, 2, 2, 3]),
                built_year=rng.randint(1972, 2016), floor_area_m2=Decimal(rng.randint(60, 260)),
                occupants=rng.randint(1, 6), seismic_fortified=structure == Structure.REINFORCED_CONCRETE,
                hazards=[ZONE_HAZARD.get(zone.kind, CensusHazard.FLOOD), CensusHazard.EARTHQUAKE],
                risk_level=HOUSE_RISK[structure], danger_zone=zone, geohazard_point=point))
        if zone.kind in FLOOD_SOURCES:
            suffix, description, risk = FLOOD_SOURCES[zone.kind]
            sources.append(HazardSource(
                census_id=f"{zone.region_code}-HS-{zone.pk:03d}", hazard=CensusHazard.FLOOD,
                name=f"{zone.name.removesuffix('山洪灾害危险区').removesuffix('低洼易涝区')}{suffix}",
                region_code=zone.region_code, lat=zone.lat, lon=zone.lon, risk_level=risk,
                description=description))
    for point in GeoHazardPoint.objects.order_by("id"):
        sources.append(HazardSource(
            census_id=f"{point.code}-DZ", hazard=CensusHazard.GEOLOGICAL, name=point.name,
            region_code=point.region_code, lat=point.lat, lon=point.lon, geohazard_point=point,
            risk_level=CensusRisk.HIGH if point.scale != "small" else CensusRisk.MID_HIGH,
            description=point.measures))
    for area in ForestArea.objects.order_by("id"):
        sources.append(HazardSource(
            census_id=f"{area.region_code}-SL-{area.pk:03d}", hazard=CensusHazard.FOREST_FIRE,
            name=f"{area.name}林区", region_code=area.region_code, lat=area.lat, lon=area.lon,
            risk_level=CensusRisk.MID_HIGH, description=f"林地面积{area.area_ha}公顷，可燃物载量较高"))
    last = townships[-1]
    lat, lon = _near(rng, last.lat or Decimal("33.29"), last.lon or Decimal("113.52"), 6)
    sources.append(HazardSource(census_id=f"{last.code}-DZ-F1", hazard=CensusHazard.EARTHQUAKE,
                                name=f"{last.name}西南断裂（推测）", region_code=last.code, lat=lat, lon=lon,
                                risk_level=CensusRisk.MEDIUM, description="第四纪以来活动性较弱的推测断裂"))
    CensusBody.objects.bulk_create(bodies)
    HazardSource.objects.bulk_create(sources)
    RiskZone.objects.bulk_create(zones)


def clear() -> None:
    CensusBody.objects.all().delete()
    HazardSource.objects.all().delete()
    RiskZone.objects.all().delete()
