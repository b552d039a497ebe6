"""Demo places of the flood-season and public-place checks (汛前大排查) and their hazards, and the enterprises the
county named in its dual-prevention programme (创建, 试点, 示范).

Each township keeps a few places no registered enterprise answers for (a dike section, a pond, a flash-flood gully,
a landslide point, a village road, a culvert), with the village committee, the township or the water bureau
responsible. Township staff found hazards there in this spring's pre-flood check; most are closed, a few are being
rectified, one is overdue and one (a dike seepage) is major and listed for county supervision. Drawn from its own
generator, so the rest of the demo county stays as it was.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from yingji.core.choices import RegionLevel
from yingji.core.demo import person_name
from yingji.core.models import Region
from yingji.enterprises.choices import EnterpriseStatus
from yingji.enterprises.models import Enterprise

from .choices import HazardAction, HazardLevel, HazardSource, HazardState, PlaceKind, ProgrammeStage
from .models import Hazard, HazardEvent, HazardPlace, ProgrammeStep

DAY = datetime.timedelta(days=1)
#: (kind, name pattern, responsible unit pattern, findings the check may record there)
TEMPLATES = [
    (PlaceKind.DIKE, "{village}河段堤防", "{township}水利站",
     ["堤身背水坡出现散浸渗水", "堤顶路面裂缝未修补", "穿堤涵管闸门启闭不灵活"]),
    (PlaceKind.RESERVOIR, "{village}山塘", "{village}{committee}",
     ["溢洪道被杂物堵塞", "坝体白蚁危害未治理", "山塘未设警示标志和水位标尺"]),
    (PlaceKind.FLASH_FLOOD_GULLY, "{village}山洪沟", "{township}人民政府",
     ["沟道内违规堆放建筑垃圾阻碍行洪", "危险区警示牌缺失", "沟口预警广播无法使用"]),
    (PlaceKind.GEOHAZARD, "{village}后山滑坡隐患点", "{township}自然资源所",
     ["坡体后缘出现新裂缝", "群测群防监测记录不连续", "坡脚居民转移路线未标识"]),
    (PlaceKind.VILLAGE_LANE, "{village}道路急弯路段", "{village}{committee}",
     ["临水临崖路段未设防护栏", "急弯处缺少减速和警示标志"]),
    (PlaceKind.CULVERT, "{village}过路涵洞", "{township}交通管理站",
     ["涵洞淤积过水断面不足", "涵洞进口无拦污设施"]),
]
MAJOR_FINDING = "堤防背水坡管涌险情，堤身存在渗透破坏隐患"


def _lat_lon(region: Region, rng: random.Random):
    if region.lat is None:
        return None, None
    return (Decimal(str(round(float(region.lat) + rng.uniform(-0.01, 0.01), 6))),
            Decimal(str(round(float(region.lon) + rng.uniform(-0.01, 0.01), 6))))


def _events(hazard: Hazard, state: str, staff: str, rng: random.Random, now) -> list[HazardEvent]:
    """The hazard's loop up to ``state``, acted by the township's staff and the responsible unit."""
    events = []

    def add(time, actor, action, from_state, to_state, note="", data=None):
        events.append(HazardEvent(hazard=hazard, time=time, actor_name=actor, kind=action, from_state=from_state,
                                  to_state=to_state, note=note, params=data or {}))
        if action != HazardAction.REPORT:
            hazard.version += 1
        return time

    unit_person = hazard.responsible_person
    add(hazard.found_at, hazard.reporter_name, HazardAction.REPORT, "", HazardState.REPORTED,
        data={"source": hazard.source})
    order = [HazardState.REPORTED, HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.RECTIFIED,
             HazardState.VERIFIED, HazardState.CLOSED]
    target = order.index(state)
    t = hazard.found_at
    if target >= 1:
        t += datetime.timedelta(hours=rng.uniform(2, 24))
        hazard.confirmed_at = add(t, staff, HazardAction.CONFIRM, HazardState.REPORTED, HazardState.CONFIRMED,
                                  data={"level": hazard.level, "due_at": hazard.due_at.isoformat()})
    if target >= 2:
        t += datetime.timedelta(hours=rng.uniform(4, 48))
        add(t, unit_person, HazardAction.START, HazardState.CONFIRMED, HazardState.RECTIFYING)
    if target >= 3:
        t += DAY * rng.uniform(2, 12)
        hazard.rectification = "已组织人员清理整治，附整改前后照片。"
        hazard.rectified_at = add(t, unit_person, HazardAction.RECTIFY, HazardState.RECTIFYING,
                                  HazardState.RECTIFIED, note=hazard.rectification)
    if target >= 4:
        t += DAY * rng.uniform(1, 4)
        hazard.verified_at = add(t, staff, HazardAction.VERIFY, HazardState.RECTIFIED, HazardState.VERIFIED)
    if target >= 5:
        t += DAY * rng.uniform(0.5, 3)
        hazard.closed_at = add(t, staff, HazardAction.CLOSE, HazardState.VERIFIED, HazardState.CLOSED)
    if events[-1].time > now:  # a very recent finding: squeeze its steps into the time since
        step = (now - hazard.found_at) / (len(events) + 1)
        for i, event in enumerate(events):
            event.time = hazard.found_at + step * i
        for field, action in (("confirmed_at", HazardAction.CONFIRM), ("rectified_at", HazardAction.RECTIFY),
                              ("verified_at", HazardAction.VERIFY), ("closed_at", HazardAction.CLOSE)):
            times = [e.time for e in events if e.kind == action]
            if times:
                setattr(hazard, field, times[-1])
    hazard.state = state
    return events


def generate(rng: random.Random | None = None) -> None:
    rng = random.Random("yingji-demo-hazard-places")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    villages: dict[str, list[Region]] = {}
    for village in Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"):
        villages.setdefault(village.code[:9], []).append(village)
    # This year's pre-flood check ran in April and May; before then, last year's.
    season_year = now.year if now.month >= 6 else now.year - 1
    check_start = timezone.make_aware(datetime.datetime(season_year, 4, 10, 9))
    places, plans = [], []
    for township in townships:
        # Dikes, ponds and gullies are rural: villages (村) first, urban communities only where there are none.
        local = ([v for v in villages.get(township.code, []) if v.name.endswith("村")]
                 or villages.get(township.code) or [township])
        staff = "乡镇应急办" + person_name(rng)
        for kind, name, unit, findings in rng.sample(TEMPLATES, k=min(len(TEMPLATES), rng.randrange(2, 5))):
            village = rng.choice(local)
            lat, lon = _lat_lon(village, rng)
            place = HazardPlace(
                kind=kind, name=name.format(village=village.name, township=township.name)[:200],
                region_code=village.code, lat=lat, lon=lon, address=f"{township.name}{village.name}",
                responsible_unit=unit.format(village=village.name, township=township.name,
                                             committee="居民委员会" if village.name.endswith("社区") else "村民委员会"),
                responsible_person=person_name(rng), responsible_phone=f"139{rng.randrange(10**8):08d}")
            places.append(place)
            plans.append((place, staff, findings))
    HazardPlace.objects.bulk_create(places)
    hazards, event_lists = [], []
    major_done = overdue_done = False
    for index, (place, staff, findings) in enumerate(plans):
        for finding in rng.sample(findings, k=rng.randrange(0, min(2, len(findings)) + 1)):
            found_at = check_start + DAY * rng.uniform(0, 45)
            level = HazardLevel.GENERAL
            state = HazardState.CLOSED  # the spring check's findings were chased to zero before the flood season
            due_at = found_at + DAY * rng.randrange(7, 30)
            if not major_done and place.kind == PlaceKind.DIKE:
                major_done, level, finding = True, HazardLevel.MAJOR, MAJOR_FINDING
                found_at, state = now - DAY * 20, HazardState.RECTIFYING
                due_at = now + DAY * 40
            elif not overdue_done and index % 3 == 1:
                overdue_done, state = True, HazardState.RECTIFYING
                found_at = now - DAY * 35
                due_at = now - DAY * 6
            hazard = Hazard(
                place=place, region_code=place.region_code, title=finding, source=HazardSource.TOWNSHIP,
                description=f"{place.name}：{finding}，汛前检查发现，需在主汛期前整改到位。",
                location=place.name[:200], found_at=found_at, created_at=found_at, level=level,
                supervised=level == HazardLevel.MAJOR, due_at=due_at, reporter_name=staff,
                responsible_person=place.responsible_person, responsible_phone=place.responsible_phone,
                version=0)
            if level == HazardLevel.MAJOR:
                hazard.measures = "抢险队伍巡堤查险，设置反滤围井；汛后实施堤身防渗加固。"
                hazard.funds = Decimal(450_000)
                hazard.interim_measures = "24小时巡堤值守，备足砂石袋和土工布，下游群众转移预案就位。"
            events = _events(hazard, state, staff, rng, now)
            if hazard.due_at < now and state not in HazardState.DEADLINE_RUNNING:
                hazard.due_at = max(hazard.due_at, hazard.confirmed_at + DAY)
            if state in HazardState.DEADLINE_RUNNING and hazard.due_at < now:
                hazard.overdue_since = hazard.due_at
                hazard.escalation_level = 1
            hazards.append(hazard)
            event_lists.append(events)
    Hazard.objects.bulk_create(hazards)
    events = []
    for hazard, hazard_events in zip(hazards, event_lists, strict=True):
        for event in hazard_events:
            event.hazard_id = hazard.pk
            events.append(event)
    HazardEvent.objects.bulk_create(events)
    _programme(random.Random("yingji-demo-dual-prevention-programme"), now.date())


#: The sectors the county started its programme with (the high-risk ones first).
PILOT_SECTORS = ("hazardous_chemicals", "metallurgy", "non_coal_mining", "fireworks", "building_materials")


def _programme(rng: random.Random, today: datetime.date) -> None:
    """Two years ago the county named enterprises to build the mechanism; last year it picked pilots among them
    (accepted months later) and this year a few demonstration enterprises among the pilots."""
    enterprises = list(Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).order_by("id"))
    steps = []
    start = datetime.date(today.year - 2, 3, 15)
    for enterprise in enterprises:
        high_risk = enterprise.sector in PILOT_SECTORS
        if rng.random() > (0.7 if high_risk else 0.2):
            continue
        steps.append(ProgrammeStep(enterprise=enterprise, stage=ProgrammeStage.CREATING,
                                   named_on=start + datetime.timedelta(days=rng.randrange(0, 60)),
                                   accepted_on=start + datetime.timedelta(days=rng.randrange(200, 300)),
                                   note="县双重预防机制建设首批企业"))
        if high_risk and rng.random() < 0.45:
            pilot_on = datetime.date(today.year - 1, 4, 1) + datetime.timedelta(days=rng.randrange(0, 30))
            accepted = pilot_on + datetime.timedelta(days=rng.randrange(150, 240))
            steps.append(ProgrammeStep(enterprise=enterprise, stage=ProgrammeStage.PILOT, named_on=pilot_on,
                                       accepted_on=accepted if accepted < today else None,
                                       note="双重预防机制建设试点企业"))
            if rng.random() < 0.35:
                steps.append(ProgrammeStep(
                    enterprise=enterprise, stage=ProgrammeStage.DEMONSTRATION,
                    named_on=min(today, datetime.date(today.year, 6, 16)), note="“安全生产月”命名示范企业"))
    ProgrammeStep.objects.bulk_create(steps)


def clear() -> None:
    ProgrammeStep.objects.all().delete()
    Hazard.objects.filter(place__isnull=False).delete()
    HazardPlace.objects.all().delete()
