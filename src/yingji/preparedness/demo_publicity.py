"""Demo publicity (宣传教育): the twelve months up to today in the demo county, and the whole of last year.

- 安全生产月 in June: the county's launch and its 安全宣传咨询日 in the square, and one activity in every township;
- 5·12 防灾减灾日: the county's day of drills and stands, and activities in about half the townships;
- 11·9 消防日: the fire brigade's open day with the bureau, and activities in some townships;
- 宣传"五进" all year round in every township: into enterprises (addressed to the township's enterprises' industries),
  villages (towns and townships) or communities (streets), schools and families;
- media reports on the county's events (no photos: the demo county ships no uploaded files but the inspection
  signatures).

Drawn with its own ``random.Random("yingji-demo-publicity")`` so the other generators' output stays the same;
recorded through the service as the section's account (the first two townships' as their own accounts)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from yingji.core.choices import OrganisationKind, RegionKind, RegionLevel
from yingji.core.demo import COUNTY_CODE, COUNTY_NAME, demo_scopes
from yingji.core.models import Organisation, Region, User
from yingji.enterprises.models import Enterprise

from .models.publicity import PublicityActivity, PublicityKind
from .services import publicity as services

K = PublicityKind
OUTLETS = ["舞钢市融媒体中心", "舞钢电视台", "平顶山日报", "平顶山应急管理微信公众号", "舞钢应急管理"]
MATERIALS = ["宣传册", "折页", "宣传海报", "应急知识手册", "安全生产法律法规汇编", "应急包", "灭火器使用指南",
             "防汛避险明白卡"]


def generate(rng: random.Random) -> None:
    """Nothing before the accounts exist: the activities are recorded by the demo accounts."""


def _materials(rng: random.Random, count: int) -> tuple[int, str]:
    return count, "、".join(rng.sample(MATERIALS, rng.randint(2, 4)))


def _media(rng: random.Random, day: datetime.date, title: str, n: int) -> list[dict]:
    return [{"outlet": outlet, "title": title, "link": f"https://news.example.cn/wugang/{day:%Y%m%d}/{i + 1}.html",
             "date": (day + datetime.timedelta(days=rng.randint(0, 2))).isoformat()}
            for i, outlet in enumerate(rng.sample(OUTLETS, n))]


class _Year:
    """The twelve months up to today (a date of ``month``/``day`` falls in the last year's window), or with
    ``year`` that calendar year."""

    def __init__(self, today: datetime.date, year: int | None = None):
        self.today, self.year = today, year

    def on(self, month: int, day: int) -> datetime.date:
        if self.year is not None:
            return datetime.date(self.year, month, day)
        candidate = datetime.date(self.today.year, month, day)
        return candidate if candidate <= self.today else candidate.replace(year=self.today.year - 1)

    def any_day(self, rng: random.Random) -> datetime.date:
        if self.year is not None:
            return datetime.date(self.year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        return self.today - datetime.timedelta(days=rng.randint(0, 364))


def accounts_ready(_shared: random.Random) -> None:
    section = User.objects.filter(username="section").first()
    if section is None:
        return
    today = timezone.localdate()
    scopes = demo_scopes()
    recorders = {code: User.objects.filter(username=name).first()
                 for code, name in ((scopes["township"], "township1"), (scopes["township2"], "township2"))}
    orgs = {o.short_name: o for o in Organisation.objects.filter(region_code=COUNTY_CODE)}
    bureau = Organisation.objects.get(kind=OrganisationKind.BUREAU, region_code=COUNTY_CODE)
    governments = {o.region_code: o for o in Organisation.objects.filter(kind=OrganisationKind.TOWNSHIP_GOVERNMENT)}
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=COUNTY_CODE).order_by("code"))

    def record(region_code: str, data: dict) -> PublicityActivity:
        actor = recorders.get(region_code[:9]) or section
        return services.create_activity(actor, {"region_code": region_code, **data})

    def run(rng: random.Random, year: _Year) -> None:
        # --- the county's own events ---
        june = year.on(6, 16)
        count, kinds = _materials(rng, 12000)
        record(COUNTY_CODE, {
            "title": f"{COUNTY_NAME}“安全生产月”活动启动仪式暨安全宣传咨询日", "kind": K.SAFETY_MONTH, "held_on": june,
            "place": f"{COUNTY_NAME}人民广场", "organiser": bureau.pk,
            "co_organisers": "市安委会各成员单位、市消防救援大队", "audience": "市民群众、企业从业人员",
            "participants": 2600, "materials_count": count, "materials_kinds": kinds,
            "description": "设置咨询台38个，展出展板120块，开展应急救护、消防器材使用现场演示，发放宣传资料。",
            "media": _media(rng, june, "我市启动“安全生产月”活动", 3)})
        may = year.on(5, 12)
        count, kinds = _materials(rng, 6000)
        record(COUNTY_CODE, {
            "title": "“5·12”全国防灾减灾日主题宣传活动", "kind": K.DISASTER_DAY, "held_on": may,
            "place": f"{COUNTY_NAME}石漫湖文化广场", "organiser": bureau.pk,
            "co_organisers": "市自然资源和规划局、市气象局、市地震办", "audience": "市民群众",
            "participants": 1500, "materials_count": count, "materials_kinds": kinds,
            "description": "开展地震、地质灾害避险知识宣讲和应急疏散演示，展示应急装备。",
            "media": _media(rng, may, "我市开展防灾减灾日宣传活动", 2)})
        november = year.on(11, 9)
        count, kinds = _materials(rng, 5000)
        record(COUNTY_CODE, {
            "title": "“11·9”消防宣传日暨消防救援站开放日", "kind": K.FIRE_DAY, "held_on": november,
            "place": f"{COUNTY_NAME}消防救援站", "organiser": orgs.get("消防大队", bureau).pk,
            "co_organisers": "市应急管理局、市教育局", "audience": "中小学生、市民群众",
            "participants": 900, "materials_count": count, "materials_kinds": kinds,
            "description": "开放消防站营区，开展灭火器、消防水带使用体验和火场逃生演示。",
            "media": _media(rng, november, "消防救援站开放日迎来市民参观", 2)})
        school_day = year.on(9, 8)
        record(COUNTY_CODE, {
            "title": "“开学安全第一课”进校园活动", "kind": K.INTO_SCHOOLS, "held_on": school_day,
            "place": f"{COUNTY_NAME}第一实验小学", "organiser": orgs.get("教育局", bureau).pk,
            "co_organisers": "市应急管理局", "audience": "师生", "participants": 1200, "materials_count": 1500,
            "materials_kinds": "安全知识读本、防溺水明白卡",
            "description": "讲授防溺水、防火、防震知识，组织疏散演练。",
            "media": _media(rng, school_day, "开学安全第一课", 1)})

        # --- every township ---
        for township in townships:
            government = governments.get(township.code)
            if government is None:
                continue
            villages = list(Region.objects.filter(parent=township).order_by("code").values_list("code", "name"))
            enterprises = list(Enterprise.objects.filter(region_code__startswith=township.code)
                               .exclude(industry_division="").values_list("name", "industry_division")[:20])
            street = township.kind == RegionKind.STREET
            day = year.on(6, rng.randint(3, 28))
            count, kinds = _materials(rng, rng.randrange(300, 1500, 50))
            record(township.code, {
                "title": f"{township.name}“安全生产月”宣传咨询活动", "kind": K.SAFETY_MONTH, "held_on": day,
                "place": f"{township.name}{'文化广场' if street else '集贸市场'}", "organiser": government.pk,
                "audience": "辖区群众、企业从业人员", "participants": rng.randrange(150, 800, 10),
                "materials_count": count, "materials_kinds": kinds,
                "description": "悬挂横幅、设置咨询台，讲解安全生产法律法规和隐患举报渠道。"})
            if rng.random() < 0.55:
                day = year.on(5, rng.randint(10, 14))
                count, kinds = _materials(rng, rng.randrange(200, 800, 50))
                record(township.code, {
                    "title": f"{township.name}防灾减灾日应急避险宣传", "kind": K.DISASTER_DAY, "held_on": day,
                    "place": f"{township.name}应急避难场所", "organiser": government.pk, "audience": "辖区群众",
                    "participants": rng.randrange(100, 500, 10), "materials_count": count, "materials_kinds": kinds,
                    "description": "开展避险转移路线宣传和应急疏散演练。"})
            if rng.random() < 0.4:
                day = year.on(11, rng.randint(7, 12))
                record(township.code, {
                    "title": f"{township.name}“11·9”消防安全宣传", "kind": K.FIRE_DAY, "held_on": day,
                    "place": f"{township.name}政府院内", "organiser": government.pk,
                    "audience": "辖区群众、九小场所负责人",
                    "participants": rng.randrange(80, 400, 10), "materials_count": rng.randrange(100, 600, 50),
                    "materials_kinds": "灭火器使用指南、消防安全明白卡",
                    "description": "讲解家庭防火和电动自行车充电安全。"})
            for _ in range(rng.randint(3, 6)):
                kind = rng.choice([K.INTO_ENTERPRISES, K.INTO_COMMUNITIES if street else K.INTO_VILLAGES,
                                   K.INTO_SCHOOLS, K.INTO_FAMILIES, K.INTO_ENTERPRISES])
                day = year.any_day(rng)
                region_code, industry = township.code, ""
                if kind == K.INTO_ENTERPRISES and enterprises:
                    name, industry = rng.choice(enterprises)
                    title, place, audience = f"安全宣传进企业：{name}", name, "企业负责人、从业人员"
                elif kind == K.INTO_ENTERPRISES:
                    kind = K.INTO_FAMILIES
                if kind in (K.INTO_VILLAGES, K.INTO_COMMUNITIES, K.INTO_FAMILIES) and villages:
                    region_code, village = rng.choice(villages)
                    if kind == K.INTO_FAMILIES:
                        title, place, audience = f"安全宣传进家庭：{village}入户宣传", village, "居民家庭"
                    else:
                        setting = "社区" if street else "农村"
                        title, place, audience = f"安全宣传进{setting}：{village}", village, "村（居）民"
                elif kind == K.INTO_SCHOOLS:
                    school = f"{township.name.removesuffix('街道').removesuffix('镇').removesuffix('乡')}中心小学"
                    title, place, audience = f"安全宣传进学校：{school}", school, "师生"
                elif kind in (K.INTO_VILLAGES, K.INTO_COMMUNITIES, K.INTO_FAMILIES):
                    title, place, audience = f"{township.name}安全宣传入户", township.name, "辖区群众"
                participants = rng.randrange(20, 300, 5)
                record(region_code, {
                    "title": title, "kind": kind, "held_on": day, "place": place, "organiser": government.pk,
                    "audience": audience, "participants": participants,
                    "materials_count": participants * rng.randint(1, 3), "materials_kinds": "、".join(
                        rng.sample(MATERIALS, 2)), "industry_division": industry,
                    "description": "宣讲安全生产、防灾减灾和应急避险常识，排查身边隐患。"})


    run(random.Random("yingji-demo-publicity"), _Year(today))
    # Last year's, with a generator of its own (this year's are what they were when only they were made).
    run(random.Random("yingji-demo-publicity-last-year"), _Year(today, today.year - 1))

def clear() -> None:
    PublicityActivity.objects.all().delete()
