"""Demo pre-flood checks (汛前大排查), on the demo's hazard places and their hazards (``prevention.demo_places``).

- This year's spring round (April 10 to May 31 of the last flood season): every registered place checked by its
  township, the problems found there are the place hazards of those weeks, all closed before the flood season
  (every township cleared), so the bulletin reads as the summary tells it.
- A follow-up round (回头看) running now: the dike's major seepage and the overdue problem found in its weeks are
  linked to its checks, about a third of the places were checked again without problems, and the county pressed
  the overdue problem with a 督办单.

Records are written at their own dates on the demo clock, so their audit trail and the hazards' links agree.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from yingji.core.choices import RegionLevel
from yingji.core.demo import demo_clock, person_name
from yingji.core.models import Region, User
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard, HazardPlace

from .flood_check_choices import CheckResult
from .models.flood_checks import FloodCheckRecord, FloodCheckRound
from .services import flood_checks as services

RNG_SEED = "yingji-demo-flood-checks"
DAY = datetime.timedelta(days=1)
NOTES = ["检查堤身、堤脚、穿堤建筑物及防汛物资储备情况", "检查溢洪道、放水设施、警示标志和水位标尺",
         "检查沟道行洪、预警广播和危险区标识", "检查坡体裂缝、监测记录和转移路线", "检查临水临崖防护和警示标志",
         "检查涵洞过水断面和拦污设施"]


def generate(_shared_rng: random.Random) -> None:
    """Nothing before the accounts: the rounds are called and the checks recorded by the demo's staff."""


def _local(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _checker_unit(place: HazardPlace, townships: dict[str, str]) -> str:
    return f"{townships.get(place.region_code[:9], '')}应急管理办公室"


def _record(check_round, place, day, hazards, townships, rng) -> FloodCheckRecord:
    record = FloodCheckRecord.objects.create(
        round=check_round, place=place, region_code=place.region_code, checked_on=day,
        checked_by_unit=_checker_unit(place, townships),
        checkers=(hazards[0].reporter_name if hazards else "") or f"乡镇应急办{person_name(rng)}",
        result=CheckResult.PROBLEMS if hazards else CheckResult.PASSED,
        note=rng.choice(NOTES), recorded_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(17))))
    if hazards:
        record.hazards.add(*hazards)
    return record


def accounts_ready(_shared_rng: random.Random) -> None:
    section = User.objects.filter(username="section").first()
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    places = list(HazardPlace.objects.order_by("region_code", "pk"))
    if section is None or county is None or not places:
        return
    rng = random.Random(RNG_SEED)
    now = timezone.now()
    today = timezone.localdate()
    townships = dict(Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("code", "name"))
    season_year = today.year if today.month >= 6 else today.year - 1
    spring_start, spring_end = datetime.date(season_year, 4, 10), datetime.date(season_year, 5, 31)
    with demo_clock(timezone.make_aware(datetime.datetime.combine(spring_start - 5 * DAY, datetime.time(9)))):
        spring = services.create_round(section, {
            "title": f"{season_year}年汛前安全隐患大排查", "starts_on": spring_start, "ends_on": spring_end,
            "basis": f"县防汛抗旱指挥部关于开展{season_year}年汛前安全隐患大排查的通知",
            "rectify_days": 15, "region_code": county.code,
            "description": "各乡镇（街道）和成员单位对辖区堤防、水库山塘、涵闸、山洪沟、地质灾害隐患点、"
                           "在建工地逐处检查，发现问题建立台账，明确责任人和整改时限，主汛期前动态清零。"})
    follow_start = today - 40 * DAY
    with demo_clock(timezone.make_aware(datetime.datetime.combine(follow_start - 2 * DAY, datetime.time(9)))):
        follow = services.create_round(section, {
            "title": f"{follow_start.year}年防汛隐患“回头看”专项排查", "starts_on": follow_start,
            "ends_on": today + 30 * DAY, "rectify_days": 10, "region_code": county.code,
            "basis": "县防汛抗旱指挥部办公室关于开展防汛隐患“回头看”的通知",
            "description": "对汛前大排查发现问题的整改情况和重点部位开展回头看，新发现问题限期整改，"
                           "逾期未改的挂牌督办。"})
    found: dict[tuple[int, int], dict[datetime.date, list[Hazard]]] = defaultdict(lambda: defaultdict(list))
    for hazard in Hazard.objects.filter(place__isnull=False).order_by("found_at", "pk"):
        day = _local(hazard.found_at)
        for check_round in (spring, follow):
            if check_round.starts_on <= day <= min(check_round.ends_on, today):
                found[(check_round.pk, hazard.place_id)][day].append(hazard)
    for check_round, share in ((spring, 1.0), (follow, 0.35)):
        last_day = min(check_round.ends_on, today)
        span = (last_day - check_round.starts_on).days
        for place in places:
            days = found.get((check_round.pk, place.pk))
            if days:
                for day, hazards in sorted(days.items()):
                    _record(check_round, place, day, hazards, townships, rng)
            elif rng.random() < share:
                day = check_round.starts_on + DAY * rng.randrange(0, max(span, 1))
                _record(check_round, place, day, [], townships, rng)
    # The county presses the follow-up round's overdue problem with a 督办单 (a day ago: after the enforcement
    # demo's orders, so the numbers keep their dates' order).
    overdue = [i["hazard"] for i in services.outstanding(section, follow, now) if i["overdue"]
               and i["hazard"].state != HazardState.CLOSED and not i["orders"]]
    if overdue:
        with demo_clock(now - DAY):
            services.press(section, follow, overdue[0], {"deadline": now + 10 * DAY})


def clear() -> None:
    FloodCheckRecord.objects.all().delete()
    FloodCheckRound.objects.all().delete()
