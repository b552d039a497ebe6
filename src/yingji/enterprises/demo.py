"""Demo enterprises of the demo county: about 300 enterprises across the supervised sectors (危化 production and
trade, 非煤矿山, 冶金, 建材, 机械, 涉氨制冷, 粉尘涉爆, 有限空间, 烟花爆竹经营), spread over the villages of the 14
townships, with valid credit codes, supervising departments, licences (some expired or expiring soon), and
production and storage units whose chemicals are assessed under GB 18218-2018 — major hazard sources of every
level among them.

Deterministic for a given ``random.Random`` (dates are relative to today). Everything is bulk-inserted.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from yingji.core.choices import OrganisationKind, RegionKind, RegionLevel
from yingji.core.demo import COUNTY_CODE, COUNTY_NAME, landline, mobile, person_name
from yingji.core.models import Organisation, Region
from yingji.standards import gb18218
from yingji.standards.gb32100 import CHARSET, make_credit_code

from . import industries
from .choices import AssessmentReason, EnterpriseScale, EnterpriseStatus, LicenceKind, Sector, UnitKind
from .models import (
    CustodianCheck,
    Enterprise,
    Licence,
    MajorHazardAssessment,
    MajorHazardFiling,
    Mine,
    TailingsPond,
    Unit,
    UnitChemical,
)
from .services import assessment_as_dict

TOTAL = 300

#: A chemical line of a unit template: (``name`` or ``category``, identifier, lowest t, highest t).
Line = tuple[str, str, float, float]


@dataclass(frozen=True)
class UnitTemplate:
    kind: str
    name: str
    lines: tuple[Line, ...]
    exposed: tuple[int, int] = (0, 80)


@dataclass(frozen=True)
class Profile:
    key: str
    weight: int
    sector: str
    supervisor: str
    divisions: tuple[str, ...]
    stems: tuple[str, ...]
    industries: tuple[str, ...]
    flags: frozenset[str]
    licences: tuple[str, ...]
    employees: tuple[int, int]
    units: tuple[UnitTemplate, ...] = ()
    units_per: tuple[int, int] = (0, 0)
    optional_flags: dict = field(default_factory=dict)


P, S = UnitKind.PRODUCTION, UnitKind.STORAGE
L = LicenceKind

#: Inventories that give a known GB 18218 level (checked by the tests): the first hazardous-chemical producers
#: get one each, so every level appears in the demo county.
ANCHORS: dict[int, UnitTemplate] = {
    1: UnitTemplate(S, "液氯储罐区", (("name", "氯", 66, 80),), (150, 600)),
    2: UnitTemplate(S, "液氨储罐区", (("name", "氨", 130, 240),), (120, 500)),
    3: UnitTemplate(S, "环氧乙烷储罐区", (("name", "环氧乙烷", 40, 80),), (55, 95)),
    4: UnitTemplate(S, "液化石油气球罐区", (("name", "液化石油气", 60, 140),), (5, 29)),
}

PROFILES: tuple[Profile, ...] = (
    Profile("hazchem_production", 24, Sector.HAZARDOUS_CHEMICALS, "应急管理局", ("26",),
            ("化工有限公司", "化学有限公司", "精细化工有限公司", "气体有限公司", "新材料科技有限公司"),
            ("基础化学原料制造", "工业气体生产", "涂料及助剂生产", "化学试剂生产", "聚合物添加剂生产"),
            frozenset({"hazchem_production", "hazchem_use"}),
            (L.SAFETY_PRODUCTION, L.STANDARDISATION, L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING),
            (40, 600),
            (UnitTemplate(P, "合成车间", (("name", "甲醇", 20, 180), ("name", "氢", 0.2, 3))),
             UnitTemplate(P, "精馏装置", (("name", "苯", 5, 40), ("name", "甲苯", 20, 150))),
             UnitTemplate(S, "甲醇储罐区", (("name", "甲醇", 100, 700),), (20, 160)),
             UnitTemplate(S, "液氨储罐", (("name", "氨", 3, 14),), (10, 200)),
             UnitTemplate(S, "氢气充装站", (("name", "氢", 0.5, 5.5),), (0, 60)),
             UnitTemplate(S, "原料仓库", (("category", "W5.3", 80, 600), ("name", "乙酸乙酯", 20, 300)))),
            (1, 3), {"confined_space": 0.6, "combustible_dust": 0.1}),
    Profile("hazchem_trade", 36, Sector.HAZARDOUS_CHEMICALS, "应急管理局", ("51", "52"),
            ("化工贸易有限公司", "危险化学品经营部", "加油站", "液化气站", "燃气有限公司"),
            ("危险化学品批发（无储存）", "成品油零售", "液化石油气充装", "工业气体经营", "危险化学品批发（带储存）"),
            frozenset({"hazchem_business"}),
            (L.HAZCHEM_BUSINESS, L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING),
            (5, 60),
            (UnitTemplate(S, "油罐区", (("name", "汽油", 30, 120), ("category", "W5.4", 30, 150)), (20, 300)),
             UnitTemplate(S, "液化石油气储罐", (("name", "液化石油气", 5, 60),), (10, 300)),
             UnitTemplate(S, "危险化学品仓库", (("name", "甲苯", 10, 120), ("name", "丙酮", 5, 80))),
             UnitTemplate(S, "气瓶库", (("name", "乙炔", 0.05, 1.1), ("name", "氧(压缩的或液化的)", 1, 20)))),
            (1, 2)),
    Profile("non_coal_mine", 18, Sector.NON_COAL_MINING, "应急管理局", ("08", "10"),
            ("矿业有限公司", "石料有限公司", "石英砂有限公司", "铁矿", "建筑石料厂"),
            ("铁矿采选", "建筑用石开采", "石英岩开采", "饰面石材开采"),
            frozenset({"non_coal_mine"}),
            (L.MINE_SAFETY, L.STANDARDISATION, L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING, L.SPECIAL_OPERATION),
            (30, 400),
            (UnitTemplate(S, "柴油储罐", (("category", "W5.4", 10, 80),)),
             UnitTemplate(S, "民用爆炸物品储存库", (("category", "W1.2", 0.5, 6),), (0, 10))),
            (0, 2), {"tailings_pond": 0.35, "confined_space": 0.3}),
    Profile("metallurgy", 22, Sector.METALLURGY, "工信局", ("31", "32", "33"),
            ("钢铁有限公司", "特钢有限公司", "铸造有限公司", "铁合金有限公司", "金属制品有限公司"),
            ("炼铁炼钢", "中厚板轧制", "铸件生产", "铁合金冶炼", "钢结构加工"),
            frozenset({"metallurgy"}),
            (L.STANDARDISATION, L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING, L.SPECIAL_OPERATION),
            (80, 2500),
            (UnitTemplate(S, "煤气柜", (("name", "煤气", 5, 30),), (0, 200)),
             UnitTemplate(P, "制氧站", (("name", "氧(压缩的或液化的)", 20, 220),), (0, 120)),
             UnitTemplate(S, "脱硝液氨储罐", (("name", "氨", 1, 10.5),), (0, 150))),
            (1, 3), {"confined_space": 0.8, "combustible_dust": 0.2, "hazchem_use": 0.6}),
    Profile("building_materials", 38, Sector.BUILDING_MATERIALS, "工信局", ("30",),
            ("水泥有限公司", "新型建材有限公司", "商砼有限公司", "耐火材料有限公司", "玻璃有限公司", "石材有限公司"),
            ("水泥熟料生产", "预拌混凝土", "加气混凝土砌块", "耐火材料制品", "平板玻璃", "石材加工"),
            frozenset(),
            (L.STANDARDISATION, L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING),
            (20, 500),
            (UnitTemplate(S, "天然气调压站", (("name", "天然气", 0.5, 12),)),
             UnitTemplate(S, "脱硝氨水储罐", (("name", "氨", 0.5, 6),))),
            (0, 1), {"combustible_dust": 0.35, "confined_space": 0.5}),
    Profile("machinery", 44, Sector.MACHINERY, "工信局", ("34", "35", "36", "38"),
            ("机械制造有限公司", "重工有限公司", "装备制造有限公司", "汽车配件有限公司", "阀门有限公司",
             "电机有限公司"),
            ("通用机械加工", "矿山机械制造", "汽车零部件", "阀门制造", "电机制造"),
            frozenset(),
            (L.STANDARDISATION, L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING, L.SPECIAL_OPERATION),
            (20, 800),
            (UnitTemplate(P, "喷漆车间", (("name", "甲苯", 0.5, 8), ("name", "乙酸乙酯", 0.5, 6))),
             UnitTemplate(S, "气瓶间", (("name", "乙炔", 0.05, 0.6), ("name", "氧(压缩的或液化的)", 0.5, 8)))),
            (0, 2), {"combustible_dust": 0.3, "confined_space": 0.3, "hazchem_use": 0.4}),
    Profile("ammonia_refrigeration", 30, Sector.LIGHT_INDUSTRY, "市场监管局", ("13", "14", "59"),
            ("冷链物流有限公司", "食品有限公司", "肉类加工有限公司", "冷藏有限公司", "乳业有限公司",
             "速冻食品有限公司"),
            ("冷库仓储", "肉类屠宰加工", "速冻食品", "乳制品", "果蔬保鲜"),
            frozenset({"ammonia_refrigeration"}),
            (L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING, L.SPECIAL_OPERATION),
            (15, 400),
            (UnitTemplate(P, "氨制冷机房", (("name", "氨", 1, 12),), (5, 300)),),
            (1, 1), {"confined_space": 0.5}),
    Profile("combustible_dust", 34, Sector.LIGHT_INDUSTRY, "工信局", ("13", "20", "21", "33"),
            ("木业有限公司", "面粉有限公司", "饲料有限公司", "铝制品有限公司", "家具有限公司", "淀粉有限公司"),
            ("人造板制造", "小麦粉加工", "配合饲料", "铝制品抛光", "木质家具", "淀粉生产"),
            frozenset({"combustible_dust"}),
            (L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING),
            (10, 300),
            (UnitTemplate(S, "导热油及燃料库", (("category", "W5.4", 2, 40),)),),
            (0, 1), {"confined_space": 0.3}),
    Profile("confined_space", 24, Sector.OTHER, "住建局", ("46", "15", "22"),
            ("污水处理有限公司", "酿酒有限公司", "纸业有限公司", "水务有限公司", "酒业有限公司"),
            ("污水处理", "白酒酿造", "纸制品生产", "城市供水"),
            frozenset({"confined_space"}),
            (L.PRINCIPAL_TRAINING, L.SAFETY_MANAGER_TRAINING),
            (10, 200),
            (UnitTemplate(S, "酒库", (("name", "乙醇", 20, 300),)),
             UnitTemplate(S, "加氯间", (("name", "氯", 0.5, 4),), (20, 200))),
            (0, 1), {"hazchem_use": 0.4}),
    Profile("fireworks", 20, Sector.FIREWORKS, "应急管理局", ("51", "52"),
            ("烟花爆竹批发有限公司", "烟花爆竹经营部", "烟花爆竹零售店"),
            ("烟花爆竹批发", "烟花爆竹零售"),
            frozenset({"fireworks"}),
            (L.FIREWORKS_BUSINESS, L.PRINCIPAL_TRAINING),
            (2, 30),
            (UnitTemplate(S, "烟花爆竹成品仓库", (("category", "W1.3", 3, 55), ("category", "W1.2", 0, 2)), (0, 60)),),
            (0, 1)),
)

#: The first enterprise of the first township (the demo account ``enterprise1`` belongs to it): an ordinary
#: machinery works with one small unit, not a major hazard source.
FIRST = ("machinery", UnitTemplate(P, "喷漆车间", (("name", "甲苯", 1.2, 1.2), ("name", "乙酸乙酯", 0.8, 0.8))))

BRANDS = [
    "恒通", "鑫源", "华泰", "宏达", "金鼎", "天瑞", "永安", "中原", "嘉禾", "顺发", "利民", "龙腾",
    "泰丰", "广源", "博远", "盛世", "瑞丰", "汇丰", "隆昌", "兴旺", "昌盛", "东方", "福源", "国泰",
    "海鑫", "恒丰", "华宇", "佳和", "金海", "聚源", "凯达", "康达", "立信", "联创", "明泰", "宁远",
    "鹏程", "启航", "荣盛", "润泽", "三和", "世纪", "舜天", "腾飞", "万通", "伟业", "祥和", "鑫泰",
    "亚星", "永盛", "远大", "正大", "中兴", "众鑫", "卓越", "豫丰", "平安", "银河", "鸿运", "天成",
]
ISSUERS = {
    L.SAFETY_PRODUCTION: "河南省应急管理厅", L.HAZCHEM_BUSINESS: "平顶山市应急管理局",
    L.HAZCHEM_USE: "平顶山市应急管理局", L.FIREWORKS_BUSINESS: f"{COUNTY_NAME}应急管理局",
    L.MINE_SAFETY: "河南省应急管理厅", L.STANDARDISATION: "平顶山市应急管理局",
    L.PRINCIPAL_TRAINING: "平顶山市应急管理局", L.SAFETY_MANAGER_TRAINING: "平顶山市应急管理局",
    L.SPECIAL_OPERATION: "平顶山市应急管理局",
}
NUMBER_FORMATS = {
    L.SAFETY_PRODUCTION: "(豫)WH安许证字[{year}]{n:06d}", L.HAZCHEM_BUSINESS: "豫平危化经字[{year}]{n:06d}",
    L.HAZCHEM_USE: "(豫)WH使许证字[{year}]{n:06d}", L.FIREWORKS_BUSINESS: "(豫)YH经许证字[{year}]{n:06d}",
    L.MINE_SAFETY: "(豫)FM安许证字[{year}]{n:06d}", L.STANDARDISATION: "平AQB{year}{n:06d}",
    L.PRINCIPAL_TRAINING: "豫安资主{year}{n:08d}", L.SAFETY_MANAGER_TRAINING: "豫安资管{year}{n:08d}",
    L.SPECIAL_OPERATION: "T4104{year}{n:08d}",
}
#: Licences valid for three years, except the personal certificates (also three) and standardisation (three).
VALIDITY_YEARS = 3


def _org_body(rng: random.Random) -> str:
    # Most codes issued since 2015 start with "MA"; keep the rest from the GB 32100 character set.
    return "MA" + "".join(rng.choice(CHARSET) for _ in range(6))


def _quantity(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.3f}") if high > low else Decimal(f"{low:.3f}")


def _township_counts(rng: random.Random, townships: list[Region]) -> dict[str, int]:
    weights = {RegionKind.STREET: 1.0, RegionKind.TOWN: 1.5, RegionKind.TOWNSHIP: 0.8}
    raw = {t.code: weights.get(t.kind, 1.0) * rng.uniform(0.8, 1.2) for t in townships}
    total = sum(raw.values())
    counts = {code: int(TOTAL * w / total) for code, w in raw.items()}
    for code in list(counts)[: TOTAL - sum(counts.values())]:
        counts[code] += 1
    return counts


class _Names:
    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def make(self, stem: str, township: Region) -> str:
        for _ in range(50):
            prefix = self.rng.choice([COUNTY_NAME, COUNTY_NAME, "河南", "平顶山", township.name[:2]])
            name = f"{prefix}{self.rng.choice(BRANDS)}{stem}"
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"{COUNTY_NAME}{township.name[:2]}{len(self.used)}号{stem}"
        self.used.add(name)
        return name


def _licences(rng: random.Random, enterprise: Enterprise, kinds, today: datetime.date, serial: list[int]) -> list:
    out = []
    for kind in kinds:
        roll = rng.random()
        if roll < 0.05:
            expires = today - datetime.timedelta(days=rng.randrange(5, 300))  # expired
        elif roll < 0.14:
            expires = today + datetime.timedelta(days=rng.randrange(3, 60))  # due for renewal
        else:
            expires = today + datetime.timedelta(days=rng.randrange(61, 3 * 365))
        issued = expires - datetime.timedelta(days=365 * VALIDITY_YEARS)
        serial[0] += 1
        holder = ""
        if kind == L.PRINCIPAL_TRAINING:
            holder = enterprise.principal
        elif kind == L.SAFETY_MANAGER_TRAINING:
            holder = enterprise.safety_manager
        elif kind == L.SPECIAL_OPERATION:
            holder = person_name(rng)
        out.append(Licence(
            enterprise=enterprise, kind=kind, number=NUMBER_FORMATS[kind].format(year=issued.year, n=serial[0]),
            issuer=ISSUERS[kind], holder=holder, issued_on=issued, expires_on=expires,
            licensed_scope=enterprise.industry if kind in (L.SAFETY_PRODUCTION, L.HAZCHEM_BUSINESS,
                                                           L.FIREWORKS_BUSINESS, L.MINE_SAFETY) else "",
        ))
    return out


def _unit(rng: random.Random, template: UnitTemplate, name: str):
    chemicals, items = [], []
    for key, identifier, low, high in template.lines:
        quantity = _quantity(rng, low, high)
        if quantity <= 0:
            continue
        chemicals.append(UnitChemical(**{key: identifier}, quantity_t=quantity))
        items.append({key: identifier, "quantity_t": quantity})
    exposed = rng.randrange(template.exposed[0], template.exposed[1] + 1)
    result = gb18218.assess(items, exposed)
    unit = Unit(kind=template.kind, name=name, exposed_population=exposed, sum_ratio=result.sum_ratio,
                is_major=result.is_major, r_value=result.r_value, level=result.level)
    return unit, chemicals, items, result


def generate(rng: random.Random) -> None:
    today = timezone.localdate()
    now = timezone.now()
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    villages: dict[str, list[Region]] = {}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent").order_by("code"):
        villages.setdefault(v.parent.code, []).append(v)
    supervisors = {o.short_name: o for o in Organisation.objects.filter(
        kind__in=[OrganisationKind.MEMBER_UNIT, OrganisationKind.BUREAU], region_code=COUNTY_CODE)}
    by_key = {p.key: p for p in PROFILES}
    profiles, weights = list(PROFILES), [p.weight for p in PROFILES]
    counts = _township_counts(rng, townships)
    names = _Names(rng)
    used_codes: set[str] = set()
    anchors = [1, 2, 3, 4, 1, 2, 3, 4, 2, 3]

    planned = []  # (enterprise, [(unit, chemicals, items, result)], licence kinds)
    for township in townships:
        for index in range(counts[township.code]):
            first = township is townships[0] and index == 0
            profile = by_key[FIRST[0]] if first else rng.choices(profiles, weights)[0]
            village = rng.choice(villages.get(township.code) or [township])
            while True:
                code = make_credit_code("91", COUNTY_CODE, _org_body(rng))
                if code not in used_codes:
                    used_codes.add(code)
                    break
            employees = rng.randrange(*profile.employees)
            legal = person_name(rng)
            principal = legal if rng.random() < 0.6 else person_name(rng)
            flags = set(profile.flags) | {f for f, p in profile.optional_flags.items() if rng.random() < p}
            roll = rng.random()
            status = (EnterpriseStatus.OPERATING if roll < 0.88 or first else
                      EnterpriseStatus.SUSPENDED if roll < 0.97 else EnterpriseStatus.CLOSED)
            lat = float(village.lat) + rng.uniform(-0.006, 0.006)
            lon = float(village.lon) + rng.uniform(-0.006, 0.006)
            industry_index = rng.randrange(len(profile.industries))
            enterprise = Enterprise(
                name=names.make(profile.stems[industry_index % len(profile.stems)], township),
                credit_code=code, region_code=village.code,
                address=f"{COUNTY_NAME}{township.name}{village.name}{rng.randrange(1, 300)}号",
                lat=Decimal(f"{lat:.6f}"), lon=Decimal(f"{lon:.6f}"),
                industry=profile.industries[industry_index], industry_division=rng.choice(profile.divisions),
                sector=profile.sector, supervising_unit=supervisors.get(profile.supervisor),
                scale=EnterpriseScale.ABOVE if employees >= 100 and rng.random() < 0.85 else EnterpriseScale.BELOW,
                legal_representative=legal, legal_representative_phone=rng.choice([mobile(rng), landline(rng)]),
                principal=principal, principal_phone=mobile(rng), safety_manager=person_name(rng),
                safety_manager_phone=mobile(rng), employee_count=employees, status=status,
                **{f: True for f in flags},
            )
            enterprise.industry_section = industries.SECTION_OF_DIVISION[enterprise.industry_division]
            templates = []
            if first:
                templates = [FIRST[1]]
            else:
                if profile.key == "hazchem_production" and anchors:
                    templates.append(ANCHORS[anchors.pop(0)])
                low, high = profile.units_per
                if profile.units and high:
                    n = rng.randint(low, high)
                    templates += rng.sample(profile.units, min(n, len(profile.units)))
            units, seen = [], set()
            for template in templates:
                if template.name in seen:
                    continue
                seen.add(template.name)
                units.append(_unit(rng, template, template.name))
            majors = [u for u, _c, _i, r in units if r.is_major]
            enterprise.major_hazard = bool(majors)
            enterprise.major_hazard_level = min(u.level for u in majors) if majors else None
            planned.append((enterprise, units, profile.licences))

    Enterprise.objects.bulk_create([e for e, _u, _l in planned])
    serial = [rng.randrange(100, 900)]
    licences, units, chemicals, assessments = [], [], [], []
    for enterprise, unit_rows, licence_kinds in planned:
        licences += _licences(rng, enterprise, licence_kinds, today, serial)
        for unit, _chemicals, _items, _result in unit_rows:
            unit.enterprise = enterprise
            unit.assessed_at = now
            units.append(unit)
    Licence.objects.bulk_create(licences)
    Unit.objects.bulk_create(units)
    for _enterprise, unit_rows, _l in planned:
        for unit, unit_chemicals, items, result in unit_rows:
            for chemical in unit_chemicals:
                chemical.unit = unit
            chemicals += unit_chemicals
            outcome = assessment_as_dict(result)
            assessments.append(MajorHazardAssessment(
                enterprise_id=unit.enterprise_id, unit=unit, unit_name=unit.name, computed_at=now,
                reason=AssessmentReason.CREATED, items=[{**i, "quantity_t": float(i["quantity_t"])} for i in items],
                exposed_population=unit.exposed_population, sum_ratio=result.sum_ratio, is_major=result.is_major,
                alpha=result.alpha, r_value=result.r_value, level=result.level, results=outcome["items"]))
    UnitChemical.objects.bulk_create(chemicals)
    MajorHazardAssessment.objects.bulk_create(assessments)
    # Their own generator, so the registers leave the rest of the county (drawn after) as it was.
    _registers(random.Random("yingji-demo-registers"), today)


MINERALS = ["建筑用石灰岩", "铁矿", "铝土矿", "耐火黏土", "萤石矿", "石英砂岩"]


def _registers(rng: random.Random, today: datetime.date) -> None:
    """The non-coal mines' register (one to two mines each) and the tailings ponds of the mines that keep one:
    mostly operating, some closed or closed out over the plan period, a few head-top ponds, online monitoring
    not yet everywhere."""
    mines, ponds = [], []
    for enterprise in Enterprise.objects.filter(non_coal_mine=True).order_by("pk"):
        for n in range(rng.choice((1, 1, 2))):
            started = today - datetime.timedelta(days=rng.randrange(400, 9000))
            mineral = rng.choice(MINERALS)
            mines.append(Mine(
                enterprise=enterprise, name=f"{enterprise.name[:12]}{'一二'[n]}号{mineral[:2]}矿", mineral=mineral,
                licence_no=f"C41000020{rng.randrange(10**8, 10**9)}",
                licence_expires=today + datetime.timedelta(days=rng.randrange(-40, 1800)),
                method=rng.choice(["open_pit", "open_pit", "underground", "both"]),
                scale=rng.choice(["small", "small", "medium", "large"]),
                design_output=Decimal(rng.choice([5, 10, 20, 30, 60, 100])), service_life_years=rng.choice(
                    [8, 10, 15, 20, 30]), production_started=started,
                status=rng.choice(["producing"] * 6 + ["construction", "suspended", "closed"]),
                online_monitoring=rng.random() < 0.8))
    for enterprise in Enterprise.objects.filter(Q(tailings_pond=True) | Q(non_coal_mine=True)).order_by("pk"):
        if not enterprise.tailings_pond and rng.random() < 0.6:
            continue
        registered = today - datetime.timedelta(days=rng.randrange(1500, 9000))
        status = rng.choice(["operating"] * 5 + ["stopped", "closed", "closed_out"])
        closed = registered + datetime.timedelta(days=rng.randrange(800, 1400)) if status in (
            "closed", "closed_out") else None
        capacity = Decimal(rng.choice([45, 80, 150, 320, 680, 1200, 2400]))
        village = rng.choice(["下游李庄", "下游王湾村", "下游张店村", "下游河东村", ""])
        pond = TailingsPond(
            enterprise=enterprise, name=f"{enterprise.name[:10]}尾矿库", design_capacity=capacity,
            current_capacity=(capacity * Decimal(rng.uniform(0.3, 0.95))).quantize(Decimal("0.01")),
            design_dam_height=Decimal(rng.choice([18, 26, 35, 48, 62, 75])),
            current_dam_height=Decimal(rng.choice([12, 20, 28, 40])), head_top=bool(village) and rng.random() < 0.3,
            downstream_villages=village.removeprefix("下游"), downstream_population=rng.randrange(0, 900) if village
            else 0, status=status, online_monitoring=rng.random() < 0.75, registered_on=registered,
            closed_on=closed,
            closed_out_on=min(today - datetime.timedelta(days=30), closed + datetime.timedelta(days=rng.randrange(
                200, 900))) if status == "closed_out" and closed else None)
        pond.apply_grade()
        ponds.append(pond)
    Mine.objects.bulk_create(mines)
    TailingsPond.objects.bulk_create(ponds)
    _custodians(rng, today)


FINDINGS = ["检查储罐液位、温度、压力监测及联锁投用情况，正常。", "紧急切断阀试验合格，可燃气体报警器运行正常。",
            "发现一处法兰轻微渗漏，已安排紧固。", "检查安全阀校验、防雷防静电检测报告，均在有效期内。",
            "巡检记录完整，应急物资齐全。"]


def _custodians(rng: random.Random, today: datetime.date) -> None:
    """Filings of the major hazard sources with their three custodians (one source not yet filed) and the
    custodians' checks of the last four months: weekly, monthly and quarterly, with the odd period missed."""
    filings, checks = [], []
    units = list(Unit.objects.filter(is_major=True).select_related("enterprise").order_by("pk"))
    for n, unit in enumerate(units[1:], start=1):
        filed_on = today - datetime.timedelta(days=rng.randrange(150, 1500))
        filings.append(MajorHazardFiling(
            enterprise=unit.enterprise, unit=unit, filing_no=f"舞应急危备〔{filed_on.year}〕{n}号", filed_on=filed_on,
            principal=unit.enterprise.principal or person_name(rng), principal_phone=mobile(rng),
            technical=person_name(rng), technical_phone=mobile(rng), operational=person_name(rng),
            operational_phone=mobile(rng)))
    MajorHazardFiling.objects.bulk_create(filings)
    start = today - datetime.timedelta(days=120)
    for filing in filings:
        diligent = rng.random() < 0.75
        for role, step in (("operational", 7), ("technical", 30), ("principal", 91)):
            day = start + datetime.timedelta(days=rng.randrange(0, step))
            while day <= today:
                if diligent or rng.random() < 0.7:
                    checks.append(CustodianCheck(
                        enterprise=filing.enterprise, filing=filing, role=role, date=day,
                        person={"principal": filing.principal, "technical": filing.technical,
                                "operational": filing.operational}[role],
                        findings=rng.choice(FINDINGS), hazards_found=1 if rng.random() < 0.15 else 0))
                day += datetime.timedelta(days=step)
    CustodianCheck.objects.bulk_create(checks)


def clear() -> None:
    CustodianCheck.objects.all().delete()
    MajorHazardFiling.objects.all().delete()
    TailingsPond.objects.all().delete()
    Mine.objects.all().delete()
    MajorHazardAssessment.objects.all().delete()
    UnitChemical.objects.all().delete()
    Unit.objects.all().delete()
    Licence.objects.all().delete()
    Enterprise.objects.all().delete()
