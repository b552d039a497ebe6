"""Demo danger zones of the flood season: flash-flood zones and geological hazard points in the hill townships
(at the monitoring demo's geohazard stations), low-lying streets in town, the area below 龙山水库 and below the
tailings ponds; their households (own rng), transfer plans to the demo's shelters, the mountain and flood-key
villages, standardised shelters; a closed transfer of last week's geohazard warning and the transfer the red
rainstorm warning in force started, partly confirmed."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from yingji.core.choices import RegionLevel
from yingji.core.demo import mobile, person_name
from yingji.core.models import Region, User
from yingji.monitoring.models import Station
from yingji.resources.models import Shelter
from yingji.warnings.models import ResponsiblePerson, Warning

from .models.zones import DangerZone, Household, Transfer, TransferHousehold
from .services import zones as services
from .zone_choices import HouseholdState, ZoneKind

RNG_SEED = "yingji-demo-zones"
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组"]
ROLES = ["村党支部书记", "村委会主任", "村防汛联络员", "网格员", "乡镇包村干部"]
REFUSALS = ["坚持看守养殖场，已签承诺书", "投亲靠友，自行转移至县城", "老人行动不便，暂留二层并有专人看护"]


def _near(rng, lat, lon, km: float) -> tuple[Decimal, Decimal]:
    lat, lon = float(lat), float(lon)
    return (Decimal(f"{lat + rng.uniform(-km, km) / 111.32:.6f}"),
            Decimal(f"{lon + rng.uniform(-km, km) / 93.0:.6f}"))


def _polygon(lat: Decimal, lon: Decimal) -> dict:
    la, lo, d = float(lat), float(lon), 0.004
    ring = [[lo - d, la - d], [lo + d, la - d], [lo + d, la + d], [lo - d, la + d], [lo - d, la - d]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _destination(village: Region) -> Shelter | None:
    """An indoor shelter of the village, else the township's central one."""
    own = Shelter.objects.filter(region_code=village.code, space="indoor").order_by("id").first()
    return own or Shelter.objects.filter(region_code=village.code[:9], level="township").order_by("id").first()


def _zone(rng, village: Region, kind: str, name: str) -> DangerZone:
    lat, lon = _near(rng, village.lat or 33.29, village.lon or 113.52, 1.2)
    shelter = _destination(village)
    chain = [{"name": person_name(rng), "role": role, "phone": mobile(rng)} for role in rng.sample(ROLES, 3)]
    zone = DangerZone.objects.create(
        name=name, kind=kind, region_code=village.code, lat=lat, lon=lon, geometry=_polygon(lat, lon),
        description=f"{village.name}{rng.choice(GROUPS)}沿河（沟）居住区", shelter=shelter,
        route=(f"沿村道向{rng.choice(['东', '西', '南', '北'])}经{village.name}村委会，步行约"
               f"{rng.randint(8, 30)}分钟至{shelter.name if shelter else '安置点'}"),
        responsible_name=chain[0]["name"], responsible_phone=chain[0]["phone"], contact_chain=chain)
    households = []
    for _ in range(rng.randint(6, 14)):
        people = rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 6])
        elderly = 1 if people <= 2 and rng.random() < 0.35 else 0
        children = rng.randint(0, max(0, people - 2))
        disabled = 1 if people - elderly - children > 0 and rng.random() < 0.08 else 0
        households.append(Household(
            zone=zone, region_code=village.code, head_name=person_name(rng), phone=mobile(rng),
            address=f"{village.name}{rng.choice(GROUPS)}{rng.randint(1, 60)}号", people=people,
            elderly_alone=elderly, disabled=disabled, children=children))
    Household.objects.bulk_create(households)
    return zone


def generate(_shared_rng: random.Random) -> None:
    rng = random.Random(RNG_SEED)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    if not townships:
        return
    villages = {}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"):
        villages.setdefault(v.code[:9], []).append(v)
    hill = townships[-3:]
    # Mountain villages: those of the hill townships; flood-control key villages: those with a flood-control
    # responsible person, plus the ones with a zone below (set as the zones are made).
    Region.objects.filter(level=RegionLevel.VILLAGE, parent__in=hill).update(is_mountain=True)
    flood_people = set(ResponsiblePerson.objects.filter(kind="flood").values_list("region_code", flat=True))
    Region.objects.filter(level=RegionLevel.VILLAGE, code__in=flood_people).update(is_flood_key=True)
    key = set()
    for town in hill:
        for village in villages.get(town.code, [])[:3]:
            zone = _zone(rng, village, ZoneKind.FLASH_FLOOD, f"{village.name}山洪灾害危险区")
            key.add(zone.region_code)
    for station in Station.objects.filter(type="geohazard").order_by("code"):
        village = Region.objects.filter(code=station.region_code).first()
        if village is not None and village.level == RegionLevel.VILLAGE:
            _zone(rng, village, ZoneKind.GEOHAZARD, station.name.replace("地质灾害隐患点", "地质灾害隐患点（") + "）")
    first = townships[0]
    for village in villages.get(first.code, [])[:2]:
        key.add(_zone(rng, village, ZoneKind.LOW_LYING, f"{village.name}低洼易涝区").region_code)
    if len(villages.get(first.code, [])) > 2:
        village = villages[first.code][2]
        key.add(_zone(rng, village, ZoneKind.RESERVOIR, "龙山水库下游影响区").region_code)
    from yingji.enterprises.models import Enterprise

    for enterprise in Enterprise.objects.filter(tailings_pond=True).order_by("pk")[:2]:
        village = Region.objects.filter(code=enterprise.region_code, level=RegionLevel.VILLAGE).first() or \
            (villages.get(enterprise.region_code[:9]) or [None])[0]
        if village is not None:
            _zone(rng, village, ZoneKind.TAILINGS, f"{enterprise.name}尾矿库下游")
    Region.objects.filter(code__in=key).update(is_flood_key=True)
    # Standardisation (规范化) accepted for the county and township central shelters and some village ones.
    today = datetime.date.today()
    for shelter in Shelter.objects.order_by("id"):
        central = shelter.level in ("county", "township") and shelter.space == "indoor"
        if central or rng.random() < 0.3:
            Shelter.objects.filter(pk=shelter.pk).update(
                standardised_on=today - datetime.timedelta(days=rng.randint(60, 900)),
                video_url=f"https://video.example.invalid/shelter/{shelter.pk}" if central else "")


def accounts_ready(_shared_rng: random.Random) -> None:
    """The transfers need an actor: the administrator confirms for the villages, the grid member for his own."""
    rng = random.Random(RNG_SEED + "-transfers")
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    past = Warning.objects.filter(event_type="geohazard", state="expired").order_by("sent").first()
    if past is not None:
        for transfer in services.generate_transfers(past, admin):
            for line in TransferHousehold.objects.filter(transfer=transfer).select_related("household"):
                if rng.random() < 0.9:
                    services.confirm(admin, line, HouseholdState.MOVED)
                else:
                    services.confirm(admin, line, HouseholdState.REFUSED, reason=rng.choice(REFUSALS))
            services.close_transfer(admin, transfer)
    current = Warning.objects.filter(state="published", event_type="rainstorm").order_by("-sent").first()
    if current is not None:
        for transfer in services.generate_transfers(current, admin):
            for line in TransferHousehold.objects.filter(transfer=transfer).select_related("household"):
                roll = rng.random()
                if roll < 0.45:
                    services.confirm(admin, line, HouseholdState.MOVED)
                elif roll < 0.5:
                    services.confirm(admin, line, HouseholdState.REFUSED, reason=rng.choice(REFUSALS))


def clear() -> None:
    TransferHousehold.objects.all().delete()
    Transfer.objects.all().delete()
    Household.objects.all().delete()
    DangerZone.objects.all().delete()
