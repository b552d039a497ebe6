"""Demo enterprises of the demo county: plausible names, valid credit codes, located in their townships."""

from __future__ import annotations

import random
from decimal import Decimal

from yingji.core.choices import RegionLevel
from yingji.core.demo import COUNTY_CODE, COUNTY_NAME, mobile, person_name
from yingji.core.models import Region
from yingji.standards.gb32100 import CHARSET, make_credit_code

from .choices import EnterpriseStatus
from .models import Enterprise

#: (name stem, industry, employees range)
KINDS = [
    ("钢铁有限公司", "黑色金属冶炼和压延加工业", (300, 2500)),
    ("特钢制品有限公司", "金属制品业", (80, 600)),
    ("机械制造有限公司", "通用设备制造业", (50, 400)),
    ("新型建材有限公司", "非金属矿物制品业", (40, 300)),
    ("化工有限公司", "化学原料和化学制品制造业", (30, 250)),
    ("加油站", "机动车燃油零售", (6, 20)),
    ("矿业有限公司", "黑色金属矿采选业", (60, 500)),
    ("食品有限公司", "农副食品加工业", (20, 200)),
    ("纺织有限公司", "纺织业", (40, 350)),
    ("物流有限公司", "道路货物运输", (20, 150)),
    ("冷链仓储有限公司", "装卸搬运和仓储业", (10, 80)),
    ("燃气有限公司", "燃气生产和供应业", (30, 200)),
]
BRANDS = ["恒通", "鑫源", "华泰", "宏达", "金鼎", "天瑞", "永安", "中钢", "嘉禾", "顺发", "利民", "龙腾", "泰丰",
          "广源", "博远", "盛世", "瑞丰", "汇丰", "隆昌", "兴旺"]


def _org_body(rng: random.Random) -> str:
    # Most codes issued since 2015 start with "MA"; keep the rest from the GB 32100 character set.
    return "MA" + "".join(rng.choice(CHARSET) for _ in range(6))


def generate(rng: random.Random) -> None:
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    villages_by_township: dict[str, list[Region]] = {}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"):
        villages_by_township.setdefault(v.parent.code if v.parent_id else "", []).append(v)
    enterprises, used_names, used_codes = [], set(), set()
    for township in townships:
        for _ in range(rng.randrange(2, 5)):
            stem, industry, (lo, hi) = rng.choice(KINDS)
            while True:
                name = f"{COUNTY_NAME if rng.random() < 0.5 else '河南'}{rng.choice(BRANDS)}{stem}"
                if name not in used_names:
                    break
                name = f"{township.name[:2]}{rng.choice(BRANDS)}{stem}"
                if name not in used_names:
                    break
            used_names.add(name)
            while True:
                code = make_credit_code("91", COUNTY_CODE, _org_body(rng))
                if code not in used_codes:
                    break
            used_codes.add(code)
            village = rng.choice(villages_by_township.get(township.code) or [township])
            lat = float(village.lat) + rng.uniform(-0.006, 0.006)
            lon = float(village.lon) + rng.uniform(-0.006, 0.006)
            enterprises.append(Enterprise(
                name=name, credit_code=code, region_code=village.code, industry=industry,
                address=f"{COUNTY_NAME}{township.name}{village.name}{rng.randrange(1, 300)}号",
                lat=Decimal(f"{lat:.6f}"), lon=Decimal(f"{lon:.6f}"),
                legal_representative=person_name(rng), safety_manager=person_name(rng),
                safety_manager_phone=mobile(rng), employee_count=rng.randrange(lo, hi),
                status=EnterpriseStatus.OPERATING if rng.random() < 0.9 else EnterpriseStatus.SUSPENDED,
            ))
    Enterprise.objects.bulk_create(enterprises)


def clear() -> None:
    Enterprise.objects.all().delete()
