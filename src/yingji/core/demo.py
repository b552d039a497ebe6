"""The demo county: a realistic, fictional county modelled on the bureau in ``shared/seed`` (region code 410481,
14 townships/streets, their villages and communities, the bureau and its sections, safety-committee member units,
11 specialised command HQs, contact people, accounts of every role).

Deterministic: the same seed gives the same county, so tests and benchmarks can rely on it. Each app contributes
its part through ``register_generator`` (called in order with a shared ``random.Random``).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from . import audit, dbstats, geo
from .choices import AuditAction, OrganisationKind, RegionKind, RegionLevel, Role
from .geo import hexagon
from .models import ApiToken, Attachment, Contact, Organisation, Region, User, UserRole, enterprise_model

SEED = 410481
DEMO_PASSWORD = "Yjdemo@2026"
COUNTY_CODE = "410481"
COUNTY_NAME = "舞钢市"
#: The city above the county (GB/T 2260: 4104xx are 平顶山市's counties): a city installation's top.
CITY_CODE = "410400"
CITY_NAME = "平顶山市"
CITY_CENTRE = (33.7660, 113.1927)
#: The city's other counties (GB/T 2260 codes and names; kinds 市辖区 / 县 / 县级市), for a simulated city:
#: ``yingji demo --counties N`` copies the demo county's records under the first N-1 of them (core.county_copy).
CITY_COUNTIES = [
    ("410422", "叶县", RegionKind.COUNTY), ("410421", "宝丰县", RegionKind.COUNTY),
    ("410423", "鲁山县", RegionKind.COUNTY), ("410425", "郏县", RegionKind.COUNTY),
    ("410482", "汝州市", RegionKind.CITY), ("410402", "新华区", RegionKind.DISTRICT),
    ("410403", "卫东区", RegionKind.DISTRICT), ("410404", "石龙区", RegionKind.DISTRICT),
    ("410411", "湛河区", RegionKind.DISTRICT),
]
COUNTY_CENTRE = (33.2930, 113.5240)

#: (code suffix, name, kind, offset north km, offset east km). GB/T 10114 ranges: streets 001-099, towns 100-199,
#: townships 200-399. Names are fictional.
TOWNSHIPS = [
    ("001", "龙泉街道", RegionKind.STREET, 1.5, -1.0),
    ("002", "钢城街道", RegionKind.STREET, -1.0, 1.8),
    ("003", "石漫街道", RegionKind.STREET, 2.5, 3.0),
    ("004", "红山街道", RegionKind.STREET, -3.0, -2.5),
    ("005", "北湖街道", RegionKind.STREET, 4.5, 0.5),
    ("101", "八里镇", RegionKind.TOWN, 12.0, -9.0),
    ("102", "枫林镇", RegionKind.TOWN, -11.0, 10.0),
    ("103", "石门镇", RegionKind.TOWN, 10.5, 12.5),
    ("104", "桐山镇", RegionKind.TOWN, -13.0, -11.0),
    ("201", "柏庄乡", RegionKind.TOWNSHIP, 1.0, -16.0),
    ("202", "青峰乡", RegionKind.TOWNSHIP, -19.0, 1.5),
    ("203", "铁岭乡", RegionKind.TOWNSHIP, 19.0, 2.0),
    ("204", "云台乡", RegionKind.TOWNSHIP, 2.0, 17.5),
    ("205", "南河乡", RegionKind.TOWNSHIP, -7.5, 21.0),
]

COMMUNITY_NAMES = ["和平", "建设", "幸福", "光明", "新华", "朝阳", "民主", "团结", "胜利", "长安", "文化", "园林",
                   "钢花", "湖滨", "东方", "振兴"]
VILLAGE_PREFIX = ["东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "老", "高", "马", "石", "柳"]
VILLAGE_MIDDLE = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "孙", "杜", "潘", "尹", "范"]
VILLAGE_SUFFIX = ["庄", "营", "寨", "沟", "岭", "河", "湾", "店", "坡", "洼", "集", "桥"]

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰辉鹏飞建国志红斌宇浩凯")

BUREAU_SECTIONS = [
    ("办公室", "综合协调、文电、值班值守制度、后勤保障"),
    ("政策法规股", "法制宣传、行政执法监督、行政复议和应诉"),
    ("安全生产综合协调股", "安委会办公室日常工作、安全生产考核巡查、专项整治统筹"),
    ("危险化学品安全监督管理股", "危险化学品、烟花爆竹安全监管，重大危险源监管"),
    ("工贸行业安全监督管理股", "冶金、有色、建材、机械、轻工、纺织、烟草、商贸行业安全监管"),
    ("非煤矿山安全监督管理股", "非煤矿山、尾矿库安全监管"),
    ("应急指挥中心", "24小时值班值守、信息报送、指挥平台运行"),
    ("救灾和物资保障股", "自然灾害救助、救灾物资储备和调拨"),
    ("防汛抗旱股", "防汛抗旱指挥部办公室日常工作"),
    ("森林防火股", "森林防灭火指挥部办公室日常工作"),
    ("应急救援和预案管理股", "应急预案体系建设、演练、救援队伍建设"),
    ("综合行政执法大队", "安全生产行政执法、双随机检查、行政处罚"),
]

MEMBER_UNITS = [
    ("市住房和城乡建设局", "住建局", "建筑施工、城镇燃气安全"),
    ("市交通运输局", "交通局", "道路运输、公路水路工程安全"),
    ("市消防救援大队", "消防大队", "火灾扑救、综合性应急救援"),
    ("市公安局", "公安局", "道路交通安全、民用爆炸物品、治安秩序"),
    ("市水利局", "水利局", "水旱灾害防治技术支撑、水库安全"),
    ("市林业局", "林业局", "森林防火预防、林区巡护"),
    ("市自然资源和规划局", "自然资源局", "地质灾害防治"),
    ("市气象局", "气象局", "气象监测预报预警"),
    ("市教育局", "教育局", "校园安全"),
    ("市文化广电和旅游局", "文旅局", "旅游景区、文化娱乐场所安全"),
    ("市市场监督管理局", "市场监管局", "特种设备、食品安全"),
    ("市卫生健康委员会", "卫健委", "医疗救治、突发公共卫生事件"),
    ("市工业和信息化局", "工信局", "工业企业行业管理、通信保障"),
    ("市民政局", "民政局", "养老机构安全、困难群众救助"),
    ("市生态环境分局", "生态环境分局", "突发环境事件"),
    ("市城市管理局", "城管局", "城市内涝、市政设施安全"),
    ("市人民武装部", "人武部", "民兵应急力量"),
]

#: The 11 specialised command HQs (专项指挥部): name, lead unit short name, member unit short names.
COMMAND_HQS = [
    ("市防汛抗旱指挥部", "应急管理局", ["水利局", "气象局", "自然资源局", "住建局", "交通局", "城管局", "人武部",
                                       "公安局", "消防大队"]),
    ("市森林防灭火指挥部", "林业局", ["应急管理局", "消防大队", "气象局", "公安局", "人武部"]),
    ("市抗震救灾指挥部", "应急管理局", ["住建局", "自然资源局", "卫健委", "民政局", "消防大队", "公安局"]),
    ("市地质灾害应急指挥部", "自然资源局", ["应急管理局", "气象局", "交通局", "住建局", "公安局", "消防大队"]),
    ("市安全生产事故应急救援指挥部", "应急管理局", ["消防大队", "公安局", "卫健委", "工信局", "市场监管局"]),
    ("市道路交通事故应急指挥部", "公安局", ["交通局", "卫健委", "应急管理局", "消防大队"]),
    ("市火灾事故应急指挥部", "消防大队", ["公安局", "卫健委", "应急管理局", "住建局"]),
    ("市突发公共卫生事件应急指挥部", "卫健委", ["市场监管局", "教育局", "公安局", "民政局"]),
    ("市食品药品安全事故应急指挥部", "市场监管局", ["卫健委", "公安局", "教育局"]),
    ("市突发环境事件应急指挥部", "生态环境分局", ["应急管理局", "水利局", "卫健委", "公安局", "消防大队"]),
    ("市城镇燃气和特种设备事故应急指挥部", "住建局", ["市场监管局", "应急管理局", "消防大队", "公安局"]),
]

#: Demo accounts: username, roles, scope ("county", "township", "village" = first of each), display name.
DEMO_ACCOUNTS = [
    ("admin", [Role.ADMIN], "county", "系统管理员"),
    ("duty", [Role.DUTY_OFFICER], "county", "值班员"),
    ("section", [Role.SECTION_STAFF], "county", "业务股室"),
    ("inspector", [Role.INSPECTOR], "county", "执法人员"),
    ("commander", [Role.COMMANDER, Role.APPROVER], "county", "指挥长"),
    ("approver", [Role.APPROVER], "county", "预警审批"),
    ("observer", [Role.OBSERVER], "county", "观察员"),
    ("township1", [Role.TOWNSHIP_STAFF], "township", "乡镇应急办"),
    ("township2", [Role.TOWNSHIP_STAFF], "township2", "乡镇应急办"),
    ("grid1", [Role.GRID_MEMBER], "village", "网格员"),
    ("enterprise1", [Role.ENTERPRISE_USER], "enterprise", "企业安全员"),
    ("enterprise2", [Role.ENTERPRISE_USER], "enterprise", "企业安全负责人"),
    # The city's bureau: every county of the city, read-only, with the figures by county on its home page.
    ("city", [Role.OBSERVER], "city", "市应急管理局"),
]

#: What apps add to the demo county: ``(order, module)`` with the module's ``generate(rng)`` and ``clear()`` (and
#: optionally ``accounts_ready(rng)``, run once the demo accounts exist),
#: registered from each app's ``AppConfig.ready`` (core never names a domain app). Generators run in order inside
#: one transaction with a shared ``random.Random``, so the county is the same for a seed; ``clear`` runs in reverse.
_generators: list[tuple[int, object]] = []


def register_generator(module, order: int) -> None:
    if all(existing is not module for _order, existing in _generators):
        _generators.append((order, module))
        _generators.sort(key=lambda pair: pair[0])


def generators() -> list:
    return [module for _order, module in _generators]


def _offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    import math

    return (lat + north_km / 111.32, lon + east_km / (111.32 * math.cos(math.radians(lat))))


def _d(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return rng.choice(["135", "136", "137", "138", "139", "150", "151", "158", "176", "187"]) + \
        f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"0375-{rng.randrange(8000000, 8999999)}"


def _regions(rng: random.Random) -> list[Region]:
    """The county on its real boundary (the offline base map), its townships' centres inside it and each
    township's area the part of the county nearest to its centre (a Voronoi cell); villages likewise inside their
    township. Without the base map's county (another code) the regions fall back to hexagons."""
    lat0, lon0 = COUNTY_CENTRE
    county_ring = geo.county_ring(COUNTY_CODE)
    city = Region.objects.create(code=CITY_CODE, name=CITY_NAME, level=RegionLevel.CITY,
                                 lat=_d(CITY_CENTRE[0]), lon=_d(CITY_CENTRE[1]))
    county = Region.objects.create(
        code=COUNTY_CODE, name=COUNTY_NAME, level=RegionLevel.COUNTY, kind=RegionKind.CITY, parent=city,
        lat=_d(lat0), lon=_d(lon0),
        boundary={"type": "Polygon", "coordinates": [county_ring]} if county_ring else hexagon(lat0, lon0, 27.0),
        population=328_000, area_km2=Decimal("646.00"),
    )
    centres = []
    for _suffix, _name, _kind, north, east in TOWNSHIPS:
        lat, lon = _offset(lat0, lon0, north, east)
        if county_ring:
            lon, lat = geo.pull_inside(lon, lat, county_ring, (lon0, lat0))
        centres.append((lon, lat))
    cells = geo.voronoi_cells(county_ring, centres) if county_ring else [None] * len(centres)
    townships, villages = [], []
    for (suffix, name, kind, _north, _east), (lon, lat), cell in zip(TOWNSHIPS, centres, cells, strict=True):
        townships.append(Region(
            code=COUNTY_CODE + suffix, name=name, level=RegionLevel.TOWNSHIP, kind=kind, parent=county,
            lat=_d(lat), lon=_d(lon),
            boundary={"type": "Polygon", "coordinates": [cell]} if cell else hexagon(lat, lon, 4.5),
            population=rng.randrange(12_000, 45_000), area_km2=Decimal(rng.randrange(2500, 9000)) / 100,
        ))
    Region.objects.bulk_create(townships)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    for township in townships:
        is_street = township.kind == RegionKind.STREET
        used: set[str] = set()
        ring = township.boundary["coordinates"][0] if county_ring else None
        planned = []
        for i in range(rng.randrange(5, 10)):
            if is_street:
                suffix, kind = f"{i + 1:03d}", RegionKind.COMMUNITY
                base = rng.choice([n for n in COMMUNITY_NAMES if n not in used])
                name = base + "社区"
            else:
                suffix, kind = f"{200 + i + 1:03d}", RegionKind.VILLAGE
                while True:
                    base = rng.choice(VILLAGE_PREFIX) + rng.choice(VILLAGE_MIDDLE) + rng.choice(VILLAGE_SUFFIX)
                    if base not in used:
                        break
                name = base + "村"
            used.add(base)
            lat, lon = _offset(float(township.lat), float(township.lon), rng.uniform(-3, 3), rng.uniform(-3, 3))
            planned.append((suffix, kind, name, lat, lon, rng.randrange(800, 4500)))
        if ring:
            # Spread the villages over the township's area (their own generator: the demo's sequence is kept).
            spots = _spread_inside(ring, len(planned), random.Random(township.code))
            planned = [(*p[:3], lat, lon, p[5]) for p, (lon, lat) in zip(planned, spots, strict=True)]
        village_cells = (geo.voronoi_cells(ring, [(p[4], p[3]) for p in planned]) if ring
                         else [None] * len(planned))
        for (suffix, kind, name, lat, lon, population), cell in zip(planned, village_cells, strict=True):
            villages.append(Region(
                code=township.code + suffix, name=name, level=RegionLevel.VILLAGE, kind=kind, parent=township,
                lat=_d(lat), lon=_d(lon),
                boundary={"type": "Polygon", "coordinates": [cell]} if cell else hexagon(lat, lon, 0.9),
                population=population,
            ))
    Region.objects.bulk_create(villages)
    return townships


def _spread_inside(ring: list, n: int, rng: random.Random) -> list[tuple[float, float]]:
    """``n`` points (lon, lat) inside a ring, drawn at random and kept apart: each at least a fraction of the
    spacing an even spread would give from the others (relaxed when the ring is too tight)."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    area = abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))) / 2
    gap = 0.6 * (area / max(n, 1)) ** 0.5
    points: list[tuple[float, float]] = []
    attempts = 0
    while len(points) < n:
        attempts += 1
        if attempts % 400 == 0:
            gap *= 0.8
        x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
        if geo.point_in_ring(x, y, ring) and all((x - a) ** 2 + (y - b) ** 2 >= gap * gap for a, b in points):
            points.append((x, y))
    return points


def _contacts(rng: random.Random, org: Organisation, titles: list[str]) -> list[Contact]:
    return [Contact(organisation=org, name=person_name(rng), title=t, mobile=mobile(rng),
                    office_phone=landline(rng), region_code=org.region_code) for t in titles]


def _organisations(rng: random.Random, townships: list[Region]) -> None:
    bureau = Organisation.objects.create(
        name=f"{COUNTY_NAME}应急管理局", short_name="应急管理局", kind=OrganisationKind.BUREAU,
        region_code=COUNTY_CODE, address=f"{COUNTY_NAME}龙泉街道建设路18号", duty_phone="0375-8112350",
        duties="安全生产综合监管、应急管理、防灾减灾救灾、应急救援",
    )
    contacts = _contacts(rng, bureau, ["局长", "副局长", "副局长"])
    sections = [Organisation(name=n, short_name=n, kind=OrganisationKind.SECTION, region_code=COUNTY_CODE,
                             parent=bureau, duties=d, duty_phone=landline(rng)) for n, d in BUREAU_SECTIONS]
    Organisation.objects.bulk_create(sections)
    units = [Organisation(name=n.replace("市", COUNTY_NAME, 1) if n.startswith("市") else n, short_name=s,
                          kind=OrganisationKind.MEMBER_UNIT, region_code=COUNTY_CODE, duties=d,
                          duty_phone=landline(rng)) for n, s, d in MEMBER_UNITS]
    Organisation.objects.bulk_create(units)
    by_short = {o.short_name: o for o in Organisation.objects.filter(region_code=COUNTY_CODE)}
    for org in Organisation.objects.filter(kind__in=[OrganisationKind.SECTION, OrganisationKind.MEMBER_UNIT]):
        contacts += _contacts(rng, org, ["负责人", "联络员"])
    for name, lead, members in COMMAND_HQS:
        hq = Organisation.objects.create(
            name=name.replace("市", COUNTY_NAME, 1), short_name=name.removeprefix("市"),
            kind=OrganisationKind.COMMAND_HQ, region_code=COUNTY_CODE, lead_unit=by_short[lead],
            duties=f"统一领导、组织、协调{name.removeprefix('市').removesuffix('指挥部')}工作；办公室设在{lead}",
            duty_phone=by_short[lead].duty_phone,
        )
        hq.member_units.set([by_short[m] for m in members])
        contacts += _contacts(rng, hq, ["指挥长", "副指挥长", "办公室主任"])
    for township in townships:
        gov = Organisation.objects.create(
            name=f"{township.name}{'办事处' if township.kind == RegionKind.STREET else '人民政府'}",
            short_name=township.name, kind=OrganisationKind.TOWNSHIP_GOVERNMENT, region_code=township.code,
            address=f"{COUNTY_NAME}{township.name}政府路1号", duty_phone=landline(rng),
            duties="属地安全生产和应急管理、防汛和森林防火责任落实",
        )
        contacts += _contacts(rng, gov, ["主要负责人", "分管负责人", "应急办主任"])
    Contact.objects.bulk_create(contacts)


def demo_scopes() -> dict[str, str]:
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=COUNTY_CODE).order_by("code")
    first_township, second_township = townships[0], townships[1]
    first_village = Region.objects.filter(parent=first_township).order_by("code").first()
    return {"city": CITY_CODE, "county": COUNTY_CODE, "township": first_township.code,
            "township2": second_township.code, "village": first_village.code}


def _accounts() -> list[tuple[str, list[str], str]]:
    Enterprise = enterprise_model()
    scopes = demo_scopes()
    bureau = Organisation.objects.get(kind=OrganisationKind.BUREAU, region_code=COUNTY_CODE)
    enterprise = Enterprise.objects.filter(region_code__startswith=scopes["township"]).order_by("id").first()
    created = []
    # One shared hash: hashing the same password for every account would only slow the demo load down.
    probe = User(username="_")
    probe.set_password(DEMO_PASSWORD)
    for username, roles, scope, display in DEMO_ACCOUNTS:
        # Outside demo mode the published demo password must be changed at first login.
        user = User(username=username, display_name=display, password=probe.password,
                    organisation=bureau if scope == "county" else None,
                    must_change_password=not settings.DEMO_MODE)
        if scope == "enterprise":
            user.enterprise = enterprise
        else:
            user.scope_region_code = scopes[scope]
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        created.append((username, roles, user.scope_display))
    return created


def is_loaded() -> bool:
    return Region.objects.filter(code=COUNTY_CODE).exists()


def clear() -> None:
    """Remove the domain data (accounts, organisations, regions and what apps hang on them). The audit trail
    is append-only and stays."""
    for attachment in Attachment.objects.all():
        attachment.file.delete(save=False)
    Attachment.objects.all().delete()
    ApiToken.objects.all().delete()
    UserRole.objects.all().delete()
    User.objects.all().delete()
    for module in reversed(generators()):
        module.clear()
    Contact.objects.all().delete()
    Organisation.member_units.through.objects.all().delete()
    Organisation.objects.update(parent=None, lead_unit=None)
    Organisation.objects.all().delete()
    for level in (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP, RegionLevel.COUNTY, RegionLevel.CITY):
        Region.objects.filter(level=level).delete()


def load_demo(reset: bool = False, seed: int = SEED) -> list[tuple[str, list[str], str]]:
    """Load the demo county (``reset`` clears existing data first). Returns the demo accounts created."""
    rng = random.Random(seed)
    with transaction.atomic():
        if reset:
            clear()
        elif is_loaded():
            raise RuntimeError("The demo county is already loaded; use --reset to reload it")
        townships = _regions(rng)
        _organisations(rng, townships)
        for module in generators():
            module.generate(rng)
        accounts = _accounts()
        for module in generators():
            # What needs the demo accounts (a draw made by the section, the inspector's certificate).
            if hasattr(module, "accounts_ready"):
                module.accounts_ready(rng)
        audit.record(AuditAction.CREATE, None, object_type="core.region", object_repr="演示县",
                     region_code=COUNTY_CODE, message=f"Demo county loaded (seed {seed}, reset={reset})")
    dbstats.refresh()  # the planner's statistics of the tables just filled (the sweeper keeps them after)
    return accounts


def simulate_city(counties: int) -> list[tuple[str, str]]:
    """Make the demo a city of ``counties`` counties (2-10): the demo county's records copied under the city's other
    counties (each copy's accounts are the demo's names with ``@<code>``, e.g. ``duty@410422``). For trying a city
    installation out and for the city dashboards' benchmark; the copies are copies, not generated counties."""
    from . import county_copy

    if not 2 <= counties <= len(CITY_COUNTIES) + 1:
        raise ValueError(f"A simulated city has 2 to {len(CITY_COUNTIES) + 1} counties")
    made = []
    for slot, (code, name, kind) in enumerate(CITY_COUNTIES[:counties - 1], start=1):
        county_copy.copy_county(COUNTY_CODE, code, name, slot=slot, kind=kind)
        ring = geo.county_ring(code)
        if ring:  # the base map has this neighbour's real boundary
            Region.objects.filter(code=code).update(boundary={"type": "Polygon", "coordinates": [ring]})
        made.append((code, name))
    dbstats.refresh()
    return made


# --- a demo clock: generators that go through the services record history at the time it happened ---

import contextlib  # noqa: E402
import datetime  # noqa: E402
import itertools  # noqa: E402


@contextlib.contextmanager
def demo_clock(moment: datetime.datetime):
    """Run demo steps as of ``moment``: ``timezone.now()`` and every model field defaulting to it (timeline events'
    and audit records' ``time``, ``created_at`` …) give ``moment`` (a microsecond later at each call, so the order
    of the steps is kept). For the demo generators only (single-threaded, inside ``load_demo``): the services then
    stamp records, timeline events and audit records with the historical time instead of today."""
    from django.apps import apps
    from django.utils import timezone as tz

    original = tz.now
    fields = [f for model in apps.get_models() for f in model._meta.concrete_fields if f.default is original]
    ticks = itertools.count()

    def now():
        return moment + datetime.timedelta(microseconds=next(ticks))

    tz.now = now
    for field in fields:
        field.get_default = now
    try:
        yield now
    finally:
        tz.now = original
        for field in fields:
            del field.get_default
