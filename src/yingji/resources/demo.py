"""Demo resources of the demo county (issue §9): 21 rescue teams with 571 members in total, an expert pool,
equipment including 260 radios and 29 satellite phones, a county warehouse and one per township with stock (some
batches near expiry, some warehouses below their reserve standard), and more than 300 shelters.

Deterministic: it draws from a private copy of the shared generator, so the same seed gives the same resources
and the apps loaded after this one see the generator exactly as they would without it.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from yingji.core.choices import RegionLevel
from yingji.core.demo import COUNTY_CODE, COUNTY_NAME, landline, mobile, person_name
from yingji.core.models import Region

from .choices import (
    ActivityKind,
    Capability,
    EquipmentItem,
    EquipmentStatus,
    Facility,
    HolderKind,
    MovementKind,
    Readiness,
    ShelterEventKind,
    ShelterKind,
    ShelterLevel,
    ShelterSpace,
    SupplyCategory,
    TeamKind,
    WarehouseLevel,
)
from .models import (
    Equipment,
    Expert,
    ReserveStandard,
    Shelter,
    ShelterEvent,
    StockBatch,
    StockMovement,
    SupplyItem,
    Team,
    TeamActivity,
    TeamMember,
    Transfer,
    Warehouse,
)

TEAM_MEMBERS_TOTAL = 571
RADIOS_TOTAL = 260
SATELLITE_PHONES_TOTAL = 29

#: County-level teams: name, kind, members, capabilities, radios, satellite phones.
COUNTY_TEAMS = [
    ("消防救援大队综合救援队", TeamKind.FIRE_RESCUE, 60, ["fire", "hazchem", "building_collapse", "water_rescue",
                                                      "earthquake"], 40, 3),
    ("防汛抢险专业队", TeamKind.PROFESSIONAL, 35, ["flood", "water_rescue"], 20, 2),
    ("森林消防专业队", TeamKind.PROFESSIONAL, 35, ["forest_fire"], 20, 2),
    ("钢铁集团企业救援队", TeamKind.ENTERPRISE, 25, ["fire", "hazchem"], 10, 0),
    ("矿山企业救护队", TeamKind.ENTERPRISE, 25, ["mining", "geological"], 10, 0),
    ("蓝天志愿救援队", TeamKind.VOLUNTEER, 40, ["water_rescue", "earthquake", "medical"], 10, 0),
    ("民兵应急连", TeamKind.MILITIA, 45, ["flood", "forest_fire", "earthquake"], 16, 2),
]
#: Each township's team: radios and satellite phones; members share the rest of the 571.
TOWNSHIP_RADIOS, TOWNSHIP_SAT_PHONES = 9, 1
COUNTY_WAREHOUSE_RADIOS, COUNTY_WAREHOUSE_SAT_PHONES = 8, 6

SKILLS = ["水上救援", "绳索救援", "破拆", "心肺复苏", "无人机操作", "油锯操作", "通信保障", "驾驶", "医疗救护",
          "搜救犬"]
CERTIFICATES = ["应急救护员证", "潜水证", "无人机驾驶员执照", "特种作业操作证", "救生员证", "C1驾驶证"]
POSITIONS = ["队员", "队员", "队员", "队员", "班长", "技术员"]

SUPPLIES = [
    ("SH-001", SupplyCategory.LIVING, "棉帐篷", "12m²", "顶"),
    ("SH-002", SupplyCategory.LIVING, "折叠床", "单人", "张"),
    ("SH-003", SupplyCategory.LIVING, "棉被", "2kg", "床"),
    ("SH-004", SupplyCategory.LIVING, "瓶装水", "550ml×24", "箱"),
    ("SH-005", SupplyCategory.LIVING, "方便食品", "箱装", "箱"),
    ("FX-001", SupplyCategory.FLOOD, "编织袋", "60×90cm", "条"),
    ("FX-002", SupplyCategory.FLOOD, "救生衣", "成人", "件"),
    ("FX-003", SupplyCategory.FLOOD, "冲锋舟", "5.2m", "艘"),
    ("SL-001", SupplyCategory.FOREST_FIRE, "风力灭火机", "6MF", "台"),
    ("SL-002", SupplyCategory.FOREST_FIRE, "二号工具", "", "把"),
    ("JY-001", SupplyCategory.RESCUE_TOOLS, "液压破拆工具组", "", "套"),
    ("JY-002", SupplyCategory.RESCUE_TOOLS, "发电机", "5kW", "台"),
    ("YL-001", SupplyCategory.MEDICAL, "急救包", "家庭型", "个"),
    ("YL-002", SupplyCategory.MEDICAL, "消毒液", "500ml", "瓶"),
    ("FH-001", SupplyCategory.PROTECTION, "防护服", "化学防护", "套"),
    ("ZM-001", SupplyCategory.POWER_LIGHTING, "移动照明灯", "LED", "台"),
]
#: Township reserve standard per item code (the county warehouse holds four times as much).
STANDARDS = {"SH-001": 40, "SH-003": 200, "FX-001": 2000, "FX-002": 100, "YL-001": 50}
#: What a township point usually holds of the items without a standard (the county warehouse four times as much);
#: boats and hydraulic rescue kits are kept at the county warehouse only.
TYPICAL = {"SH-002": 60, "SH-004": 100, "SH-005": 80, "FX-003": 0, "SL-001": 8, "SL-002": 50, "JY-001": 0,
           "JY-002": 2, "YL-002": 100, "FH-001": 20, "ZM-001": 4}
COUNTY_ONLY = {"FX-003": 4, "JY-001": 2}
#: Items with a shelf life (water, food, first-aid kits, disinfectant); the others carry no expiry date.
PERISHABLE = {"SH-004", "SH-005", "YL-001", "YL-002"}

SHELTER_NAMES = {ShelterKind.SCHOOL: "小学", ShelterKind.GYM: "体育馆", ShelterKind.SQUARE: "文化广场",
                 ShelterKind.PARK: "公园", ShelterKind.COMMUNITY_CENTRE: "党群服务中心"}


ROADS = ["建设路", "人民路", "解放路", "文化路", "朝阳路", "工业路", "光明路", "新华路", "府前街", "滨湖路"]


def _address(region: Region, salt: str) -> str:
    """A street address in the region: 舞钢市 + township (none for the county seat itself) + road + number. Drawn
    from its own random stream so adding addresses leaves the rest of the demo unchanged."""
    local = random.Random(f"{region.code}:{salt}")
    place = "" if region.code == COUNTY_CODE else region.name
    return f"{COUNTY_NAME}{place}{local.choice(ROADS)}{local.randrange(1, 200)}号"


def _d(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _near(rng: random.Random, lat, lon, km: float) -> tuple[Decimal, Decimal]:
    north, east = rng.uniform(-km, km), rng.uniform(-km, km)
    lat, lon = float(lat), float(lon)
    return _d(lat + north / 111.32), _d(lon + east / (111.32 * math.cos(math.radians(lat))))


def _members(rng: random.Random, team: Team, n: int) -> list[TeamMember]:
    people = []
    for i in range(n):
        people.append(TeamMember(
            team=team, name=person_name(rng), position="队长" if i == 0 else rng.choice(POSITIONS),
            phone=mobile(rng), skills=rng.sample(SKILLS, rng.randint(1, 3)),
            certificates=rng.sample(CERTIFICATES, rng.randint(0, 2))))
    return people


def _teams(rng, county: Region, townships: list[Region]) -> list[Team]:
    township_members = TEAM_MEMBERS_TOTAL - sum(t[2] for t in COUNTY_TEAMS)
    base, extra = divmod(township_members, len(townships))
    specs = [(name, kind, n, caps, radios, phones, county) for name, kind, n, caps, radios, phones in COUNTY_TEAMS]
    for i, township in enumerate(townships):
        caps = ["flood", "forest_fire"] if township.kind != "street" else ["flood", "fire"]
        specs.append((f"{township.name}应急救援队", TeamKind.TOWNSHIP, base + (1 if i < extra else 0), caps,
                      TOWNSHIP_RADIOS, TOWNSHIP_SAT_PHONES, township))
    teams, members, equipment = [], [], []
    for name, kind, n, caps, _radios, _phones, region in specs:
        lat, lon = _near(rng, region.lat, region.lon, 1.5)
        teams.append(Team(name=name, kind=kind, region_code=region.code, address=_address(region, name),
                          lat=lat, lon=lon, capabilities=caps, leader=person_name(rng), leader_phone=mobile(rng),
                          duty_phone=landline(rng), headcount=n,
                          readiness=rng.choices([Readiness.STANDBY, Readiness.RESTING, Readiness.DEPLOYED],
                                                [8, 1, 1])[0]))
    Team.objects.bulk_create(teams)
    teams = list(Team.objects.order_by("id"))
    today = timezone.localdate()
    for team, (_name, _kind, n, _caps, radios, phones, _region) in zip(teams, specs, strict=True):
        members += _members(rng, team, n)
        lines = [(EquipmentItem.RADIO, "摩托罗拉 P8668i", radios), (EquipmentItem.SATELLITE_PHONE, "天通 T900", phones)]
        for extra_item in rng.sample([EquipmentItem.PUMP, EquipmentItem.GENERATOR, EquipmentItem.BOAT,
                                      EquipmentItem.DRONE, EquipmentItem.LIGHTING, EquipmentItem.CHAINSAW,
                                      EquipmentItem.FIRE_BLOWER], 3):
            lines.append((extra_item, "", rng.randint(1, 6)))
        for item, model_name, count in lines:
            if count:
                equipment.append(Equipment(
                    item=item, model_name=model_name, count=count, holder_kind=HolderKind.TEAM, team=team,
                    holder_name=team.name, region_code=team.region_code, lat=team.lat, lon=team.lon,
                    address=team.address, last_checked=today - datetime.timedelta(days=rng.randint(5, 200)),
                    status=EquipmentStatus.IN_USE))
    TeamMember.objects.bulk_create(members)
    return equipment


def _experts(rng, county: Region, townships: list[Region]) -> None:
    units = ["市应急管理局", "市水利局", "市自然资源和规划局", "市人民医院", "钢铁集团", "市林业局", "市消防救援大队"]
    titles = ["高级工程师", "工程师", "主任医师", "副教授", "研究员"]
    experts = []
    for i, field in enumerate(Capability.values() * 2):
        # Most experts work in the county seat's bureaus; some live and work in a township.
        region = county if i % 3 else townships[i % len(townships)]
        lat, lon = _near(rng, region.lat, region.lon, 3)
        experts.append(Expert(name=person_name(rng), field=field, specialty=Capability.label(field),
                              title=rng.choice(titles), unit=rng.choice(units), phone=mobile(rng),
                              available=i % 7 != 3, region_code=region.code, lat=lat, lon=lon))
    Expert.objects.bulk_create(experts)


def _warehouses(rng, county: Region, townships: list[Region], equipment: list[Equipment]) -> None:
    items = SupplyItem.objects.bulk_create([SupplyItem(code=c, category=cat, name=n, spec=s, unit=u)
                                            for c, cat, n, s, u in SUPPLIES])
    by_code = {i.code: i for i in items}
    warehouses = []
    for region, level in [(county, WarehouseLevel.COUNTY)] + [(t, WarehouseLevel.TOWNSHIP) for t in townships]:
        lat, lon = _near(rng, region.lat, region.lon, 1.0)
        suffix = "救灾物资储备库" if level == WarehouseLevel.COUNTY else "应急物资储备点"
        warehouses.append(Warehouse(name=f"{region.name}{suffix}", level=level, region_code=region.code,
                                    address=_address(region, suffix), lat=lat, lon=lon,
                                    manager=person_name(rng), phone=mobile(rng),
                                    area_m2=Decimal(rng.randrange(300, 3000)) if level == "county"
                                    else Decimal(rng.randrange(80, 400))))
    Warehouse.objects.bulk_create(warehouses)
    warehouses = list(Warehouse.objects.order_by("id"))
    county_wh = warehouses[0]
    for item, model_name, count in [(EquipmentItem.RADIO, "海能达 TD560", COUNTY_WAREHOUSE_RADIOS),
                                    (EquipmentItem.SATELLITE_PHONE, "天通 T900", COUNTY_WAREHOUSE_SAT_PHONES),
                                    (EquipmentItem.GENERATOR, "5kW 汽油", 6), (EquipmentItem.PUMP, "潜水泵", 10)]:
        equipment.append(Equipment(item=item, model_name=model_name, count=count, holder_kind=HolderKind.WAREHOUSE,
                                   warehouse=county_wh, holder_name=county_wh.name, region_code=county_wh.region_code,
                                   lat=county_wh.lat, lon=county_wh.lon, address=county_wh.address))
    equipment.append(Equipment(item=EquipmentItem.RADIO, model_name="旧型对讲机", count=12,
                               holder_kind=HolderKind.WAREHOUSE, warehouse=county_wh, holder_name=county_wh.name,
                               region_code=county_wh.region_code, lat=county_wh.lat, lon=county_wh.lon,
                               status=EquipmentStatus.SCRAPPED))
    Equipment.objects.bulk_create(equipment)

    today = timezone.localdate()
    batches, standards = [], []
    for n, warehouse in enumerate(warehouses):
        factor = 4 if warehouse.level == WarehouseLevel.COUNTY else 1
        # Every third township point is short of its standard for one item.
        short = SUPPLIES[(n // 3) % len(SUPPLIES)][0] if n % 3 == 1 else None
        for code, *_rest in SUPPLIES:
            required = STANDARDS.get(code, 0) * factor
            if required:
                held = required + rng.randint(0, required // 2)
            else:
                base = COUNTY_ONLY[code] if code in COUNTY_ONLY and factor > 1 else TYPICAL.get(code, 0) * factor
                held = base + rng.randint(0, base // 4) if base else 0
            if code == short or (code in STANDARDS and short and code == "FX-002"):
                held = required // 2
            if not held:
                continue
            perishable = code in PERISHABLE
            near_expiry = perishable and rng.random() < 0.15
            first = held // 2 if near_expiry else held
            expiry = (today + datetime.timedelta(days=rng.randint(5, 25) if near_expiry else rng.randint(200, 900))
                      if perishable else None)
            batches.append(StockBatch(warehouse=warehouse, item=by_code[code], batch_no=f"{today.year}-{n:02d}-A",
                                      quantity=first, expires_on=expiry, region_code=warehouse.region_code,
                                      received_on=today - datetime.timedelta(days=rng.randint(30, 300)),
                                      inspect_on=today + datetime.timedelta(days=rng.randint(10, 180))))
            if held - first:
                batches.append(StockBatch(warehouse=warehouse, item=by_code[code],
                                          batch_no=f"{today.year}-{n:02d}-B", quantity=held - first,
                                          expires_on=today + datetime.timedelta(days=rng.randint(300, 900))
                                          if perishable else None,
                                          region_code=warehouse.region_code))
        for code, required in STANDARDS.items():
            standards.append(ReserveStandard(item=by_code[code], warehouse=warehouse, region_code=warehouse.region_code,
                                             required_quantity=required * factor))
    StockBatch.objects.bulk_create(batches)
    ReserveStandard.objects.bulk_create(standards)
    StockMovement.objects.bulk_create([
        StockMovement(batch=b, kind=MovementKind.RECEIPT, change=b.quantity, balance_after=b.quantity,
                      reason="初始入库", region_code=b.region_code) for b in StockBatch.objects.all()])


def _shelters(rng, county: Region, townships: list[Region]) -> None:
    shelters = []
    villages = {}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"):
        villages.setdefault(v.code[:9], []).append(v)
    for township in townships:
        kind = rng.choice([ShelterKind.SCHOOL, ShelterKind.GYM])
        shelters.append((township, ShelterLevel.TOWNSHIP, kind, f"{township.name}中心{SHELTER_NAMES[kind]}"))
        for kind in (ShelterKind.SQUARE, ShelterKind.PARK):
            shelters.append((township, ShelterLevel.TOWNSHIP, kind, f"{township.name}{SHELTER_NAMES[kind]}"))
        for village in villages.get(township.code, []):
            for kind in rng.sample([ShelterKind.SCHOOL, ShelterKind.SQUARE, ShelterKind.COMMUNITY_CENTRE,
                                    ShelterKind.PARK], 3):
                shelters.append((village, ShelterLevel.VILLAGE, kind, f"{village.name}{SHELTER_NAMES[kind]}"))
    for name, kind in [("市体育中心", ShelterKind.GYM), ("人民广场", ShelterKind.SQUARE),
                       ("滨湖公园", ShelterKind.PARK)]:
        shelters.append((county, ShelterLevel.COUNTY, kind, name))
    objs = []
    for region, level, kind, name in shelters:
        outdoor = kind in (ShelterKind.SQUARE, ShelterKind.PARK)
        area = Decimal(rng.randrange(1500, 20000) if level == ShelterLevel.COUNTY else rng.randrange(200, 3000))
        per_person = Decimal("2.0") if outdoor else Decimal("1.5")
        capacity = int(area / per_person) - rng.randrange(0, 20)
        lat, lon = _near(rng, region.lat, region.lon, 0.8)
        objs.append(Shelter(
            name=name, level=level, kind=kind, space=ShelterSpace.OUTDOOR if outdoor else ShelterSpace.INDOOR,
            region_code=region.code, area_m2=area, area_per_person=per_person, capacity=max(capacity, 1),
            facilities=sorted(rng.sample(Facility.values(), rng.randint(2, 5))), manager=person_name(rng),
            phone=mobile(rng), lat=lat, lon=lon, address=_address(region, name)))
    Shelter.objects.bulk_create(objs)
    opened = Shelter.objects.filter(level=ShelterLevel.TOWNSHIP).order_by("id").first()
    if opened is not None:
        occupancy = opened.capacity // 3
        Shelter.objects.filter(pk=opened.pk).update(status="open", occupancy=occupancy)
        ShelterEvent.objects.create(shelter=opened, kind=ShelterEventKind.STATUS, status_before="standby",
                                    status_after="open",
                                    occupancy=occupancy, note="演练开放")


DRILLS = ["汛前抢险演练", "森林火灾扑救演练", "水域救援演练", "综合应急演练", "地质灾害避险转移演练"]
DEPLOYMENTS = ["强降雨转移群众", "山火扑救", "道路积水排涝", "搜救落水人员"]


def _activities(rng, today: datetime.date) -> None:
    """Each team's deployments over the past year (after everything else: drawn last, they change no other demo
    figure). The teams' drills are the drill register's (preparedness's demo, one record per drill); the draws
    that made the drill rows here are still taken so the deployments stay the same."""
    activities = []
    for team in Team.objects.order_by("id"):
        for _ in range(rng.randint(1, 3)):
            rng.randint(10, 360), rng.choice(DRILLS)
        if rng.random() < 0.5:
            activities.append(TeamActivity(team=team, kind=ActivityKind.DEPLOYMENT, region_code=team.region_code,
                                           date=today - datetime.timedelta(days=rng.randint(5, 300)),
                                           notes=rng.choice(DEPLOYMENTS)))
    TeamActivity.objects.bulk_create(activities)


def generate(rng: random.Random) -> None:
    local = random.Random()
    local.setstate(rng.getstate())
    county = Region.objects.get(code=COUNTY_CODE)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    equipment = _teams(local, county, townships)
    _experts(local, county, townships)
    _warehouses(local, county, townships, equipment)
    _shelters(local, county, townships)
    _activities(local, timezone.localdate())


def clear() -> None:
    Shelter.objects.all().delete()
    StockMovement.objects.all().delete()
    Transfer.objects.all().delete()
    ReserveStandard.objects.all().delete()
    StockBatch.objects.all().delete()
    Equipment.objects.all().delete()
    Warehouse.objects.all().delete()
    SupplyItem.objects.all().delete()
    Expert.objects.all().delete()
    TeamMember.objects.all().delete()
    TeamActivity.objects.all().delete()
    Team.objects.all().delete()
