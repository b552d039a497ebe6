"""Demo risk points and hazards of the demo county's enterprises.

Deterministic from the shared ``random.Random`` (dates are relative to the current hour): every enterprise gets a
few risk points graded by ``yingji.standards.risk`` and hazards found over the last two years, in every state of
the closed loop, including overdue and major (挂牌督办) ones, each with its timeline. Written with bulk_create, so
loading stays fast. Demo accounts do not exist yet when this runs, so actors are recorded by name only.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from yingji.core.demo import person_name
from yingji.core.models import Attachment, Notification
from yingji.enterprises.models import Enterprise
from yingji.standards import major_hazards

from . import services
from .choices import AccidentType as A
from .choices import AssessmentMethod, HazardAction, HazardLevel, HazardSource, HazardState, SampleState
from .models import Hazard, HazardEvent, HazardSample, RiskPoint, SamplingRun

#: Risk point templates: (name, location / unit, accident type).
COMMON_POINTS = [
    ("低压配电室", "配电室", A.ELECTRIC_SHOCK), ("厂内机动车辆作业", "厂区道路", A.VEHICLE),
    ("叉车装卸作业", "成品仓库", A.VEHICLE), ("高处检修作业", "生产厂房", A.FALL_FROM_HEIGHT),
    ("物料堆垛", "原料仓库", A.STRUCK_BY_OBJECT), ("动火作业", "维修车间", A.FIRE),
    ("员工食堂燃气灶具", "食堂", A.FIRE), ("消防水池", "厂区东侧", A.DROWNING),
    ("污水处理站有限空间", "污水处理站", A.POISONING), ("空压机储气罐", "动力车间", A.VESSEL_EXPLOSION),
    ("砂轮机", "机修间", A.STRUCK_BY_OBJECT), ("办公楼消防", "办公楼", A.FIRE),
]
POINTS_BY_KIND = {
    "chemical": [("液氯储罐区", "罐区", A.POISONING), ("氯化反应釜", "合成车间", A.OTHER_EXPLOSION),
                 ("甲醇储罐", "罐区", A.FIRE), ("危险化学品仓库", "甲类仓库", A.FIRE),
                 ("装卸栈台", "装卸区", A.POISONING), ("导热油炉", "动力车间", A.BOILER_EXPLOSION)],
    "metallurgy": [("钢水吊运", "炼钢车间", A.SCALD), ("转炉炉前作业", "炼钢车间", A.SCALD),
                   ("高炉煤气管网", "能源中心", A.POISONING), ("桥式起重机", "轧钢车间", A.LIFTING),
                   ("轧机", "轧钢车间", A.MACHINERY), ("余热锅炉", "动力车间", A.BOILER_EXPLOSION)],
    "machinery": [("冲压机", "冲压车间", A.MACHINERY), ("喷漆房", "涂装车间", A.FIRE),
                  ("抛丸打磨除尘系统", "打磨车间", A.OTHER_EXPLOSION), ("行车吊运", "装配车间", A.LIFTING),
                  ("电焊作业", "焊接车间", A.SCALD)],
    "building": [("回转窑", "烧成车间", A.SCALD), ("煤磨袋式除尘器", "煤磨车间", A.OTHER_EXPLOSION),
                 ("筒仓清库作业", "原料筒仓", A.COLLAPSE), ("破碎机", "破碎车间", A.MACHINERY)],
    "fuel": [("油罐卸油作业", "卸油区", A.FIRE), ("加油作业区", "加油岛", A.FIRE),
             ("埋地油罐", "罐区", A.OTHER_EXPLOSION), ("站房配电箱", "站房", A.ELECTRIC_SHOCK)],
    "mine": [("露天采场边坡", "采场", A.COLLAPSE), ("爆破作业", "采场", A.BLASTING),
             ("尾矿库坝体", "尾矿库", A.COLLAPSE), ("矿用卡车运输", "运输道路", A.VEHICLE),
             ("破碎站", "选矿车间", A.MACHINERY)],
    "cold": [("液氨制冷机房", "制冷车间", A.POISONING), ("速冻间", "速冻车间", A.POISONING),
             ("冷库货架", "冷库", A.STRUCK_BY_OBJECT)],
    "food": [("蒸汽锅炉", "锅炉房", A.BOILER_EXPLOSION), ("油炸设备", "炸制车间", A.SCALD),
             ("淀粉粉尘", "包装车间", A.OTHER_EXPLOSION), ("切割设备", "加工车间", A.MACHINERY)],
    "textile": [("梳棉机", "前纺车间", A.MACHINERY), ("棉尘除尘系统", "清花车间", A.OTHER_EXPLOSION),
                ("棉花仓库", "原料仓库", A.FIRE)],
    "gas": [("燃气门站调压区", "门站", A.OTHER_EXPLOSION), ("LNG储罐", "储配站", A.FIRE),
            ("燃气管网巡检", "市政管网", A.POISONING)],
    "logistics": [("货车装卸", "装卸平台", A.VEHICLE), ("高位货架", "仓库", A.STRUCK_BY_OBJECT)],
}
KIND_KEYWORDS = [("化工", "chemical"), ("钢", "metallurgy"), ("冶", "metallurgy"), ("机械", "machinery"),
                 ("建材", "building"), ("加油", "fuel"), ("矿", "mine"), ("冷链", "cold"), ("冷库", "cold"),
                 ("食品", "food"), ("纺织", "textile"), ("燃气", "gas"), ("物流", "logistics")]

#: LEC and LS inputs per target level (1 重大 … 4 低); the grade itself is computed by ``standards.risk``.
LEC_INPUTS = {1: [(6, 6, 15), (3, 6, 40), (10, 6, 7)], 2: [(3, 6, 15), (6, 6, 7), (1, 6, 40), (3, 10, 7)],
              3: [(3, 6, 7), (1, 6, 15), (3, 3, 15), (6, 2, 7)], 4: [(1, 6, 7), (3, 3, 3), (1, 3, 15), (0.5, 6, 15)]}
LS_INPUTS = {1: [(4, 5), (5, 5)], 2: [(3, 5), (4, 4)], 3: [(3, 3), (3, 4), (2, 5)], 4: [(2, 3), (1, 5), (2, 2), (2, 4)]}
LEVEL_WEIGHTS = [(1, 5), (2, 15), (3, 35), (4, 45)]
MEASURES = {
    "engineering": ["设置可燃/有毒气体检测报警装置并与通风联锁", "加装防护罩和急停装置", "设置防火堤和泄漏收集池",
                    "配电设施接地、漏电保护", "设置防坠落护栏和安全网"],
    "management": ["执行作业票证制度，专人监护", "每班巡检并记录", "严格执行操作规程和交接班制度",
                   "定期检测检验，建立台账"],
    "ppe": ["佩戴安全帽、防护手套", "佩戴正压式空气呼吸器", "穿戴防静电工作服", "系挂安全带"],
    "emergency": ["配备应急救援器材，每半年演练一次", "制定现场处置方案并张贴", "设置洗眼器和喷淋装置"],
}

GENERAL_TITLES = [
    "配电箱未可靠接地", "消防通道被物料堵塞", "灭火器压力不足、超期未检", "安全出口指示灯损坏",
    "有限空间作业未办理审批", "气体检测报警器失效", "平台防护栏缺失", "安全阀未按期校验",
    "叉车驾驶员超速行驶", "应急预案未按期演练", "液氨管道锈蚀", "防火堤破损", "电缆沟积水",
    "安全警示标识缺失", "安全培训记录不全", "作业人员未佩戴劳保用品", "动火作业无人监护",
    "设备传动部位防护罩缺失", "危化品仓库通风不良", "起重机限位器失灵",
]
MAJOR_TITLES = [
    "可燃有毒气体泄漏场所未设置检测报警装置", "特种作业人员未持证上岗",
    "重点监管危险化工工艺装置未实现自动化控制", "干式除尘系统未采取泄爆、惰化、抑爆措施",
    "快速冻结装置未设在单独作业间且作业人员超过9人", "有限空间作业未落实先通风、再检测、后作业",
    "熔融金属吊运跨内设置休息室", "危险化学品未按规定分区分类储存",
]
SOURCE_WEIGHTS = [(HazardSource.SELF_CHECK, 45), (HazardSource.INSPECTOR, 20), (HazardSource.TOWNSHIP, 15),
                  (HazardSource.GRID, 12), (HazardSource.INSPECTION, 8)]
REPORTER_TITLE = {HazardSource.SELF_CHECK: "企业安全员", HazardSource.INSPECTOR: "执法人员",
                  HazardSource.TOWNSHIP: "乡镇应急办", HazardSource.GRID: "网格员",
                  HazardSource.INSPECTION: "专项检查组"}
#: Hazards every demo county shows, placed first so small test counties have them too: (state, level, overdue).
REQUIRED = [
    (HazardState.REPORTED, "", False), (HazardState.CONFIRMED, HazardLevel.GENERAL, False),
    (HazardState.RECTIFYING, HazardLevel.GENERAL, False), (HazardState.RECTIFIED, HazardLevel.GENERAL, False),
    (HazardState.VERIFIED, HazardLevel.GENERAL, False), (HazardState.CLOSED, HazardLevel.GENERAL, False),
    (HazardState.RECTIFYING, HazardLevel.GENERAL, True), (HazardState.CONFIRMED, HazardLevel.GENERAL, True),
    (HazardState.RECTIFYING, HazardLevel.MAJOR, False), (HazardState.RECTIFYING, HazardLevel.MAJOR, True),
    (HazardState.VERIFIED, HazardLevel.MAJOR, False), (HazardState.CLOSED, HazardLevel.MAJOR, False),
]
#: State mix by age of the hazard in days: (max age, [(state, weight), ...]).
STATE_MIX = [
    (3, [(HazardState.REPORTED, 60), (HazardState.CONFIRMED, 30), (HazardState.RECTIFYING, 10)]),
    (30, [(HazardState.REPORTED, 5), (HazardState.CONFIRMED, 15), (HazardState.RECTIFYING, 30),
          (HazardState.RECTIFIED, 15), (HazardState.VERIFIED, 10), (HazardState.CLOSED, 25)]),
    (120, [(HazardState.CONFIRMED, 4), (HazardState.RECTIFYING, 8), (HazardState.RECTIFIED, 4),
           (HazardState.VERIFIED, 4), (HazardState.CLOSED, 80)]),
    (10_000, [(HazardState.RECTIFYING, 2), (HazardState.CLOSED, 98)]),
]
ORDER = [HazardState.REPORTED, HazardState.CONFIRMED, HazardState.RECTIFYING, HazardState.RECTIFIED,
         HazardState.VERIFIED, HazardState.CLOSED]
DAY = datetime.timedelta(days=1)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _kind(enterprise: Enterprise) -> str | None:
    text = f"{enterprise.name}{enterprise.industry}"
    return next((kind for word, kind in KIND_KEYWORDS if word in text), None)


def _risk_points(rng: random.Random, enterprise: Enterprise, now: datetime.datetime) -> list[RiskPoint]:
    pool = POINTS_BY_KIND.get(_kind(enterprise) or "", []) + COMMON_POINTS
    points = []
    for name, location, accident_type in rng.sample(pool, k=min(len(pool), rng.randrange(2, 7))):
        target = _weighted(rng, LEVEL_WEIGHTS)
        point = RiskPoint(enterprise=enterprise, region_code=enterprise.region_code, name=name, location=location,
                          accident_type=accident_type, responsible_person=person_name(rng),
                          review_date=(now + rng.randrange(-30, 365) * DAY).date(),
                          engineering_measures=rng.choice(MEASURES["engineering"]),
                          management_measures=rng.choice(MEASURES["management"]),
                          ppe_measures=rng.choice(MEASURES["ppe"]),
                          emergency_measures=rng.choice(MEASURES["emergency"]))
        if rng.random() < 0.7:
            l_value, e_value, c_value = rng.choice(LEC_INPUTS[target])
            point.method = AssessmentMethod.LEC
            point.likelihood, point.exposure, point.consequence = (Decimal(str(v)) for v in (l_value, e_value, c_value))
        else:
            l_value, s_value = rng.choice(LS_INPUTS[target])
            point.method, point.likelihood, point.severity = AssessmentMethod.LS, Decimal(l_value), s_value
        point.apply_grade()
        point.responsible_tier = point.control_tier
        point.created_at = point.updated_at = now - rng.randrange(30, 700) * DAY
        points.append(point)
    return points


class _Timeline:
    """Builds a hazard's fields and events step by step up to its target state."""

    def __init__(self, hazard: Hazard, rng: random.Random, township_staff: str):
        self.hazard, self.rng, self.events = hazard, rng, []
        self.inspector = "执法人员" + person_name(rng)
        self.township_staff = township_staff
        self.enterprise_staff = hazard.enterprise.safety_manager or person_name(rng)
        #: The enterprise's own verifier: someone other than the safety manager who rectifies.
        self.enterprise_head = getattr(hazard.enterprise, "principal", "") or "企业负责人"

    def add(self, time, actor, action, from_state, to_state, note="", data=None):
        self.events.append(HazardEvent(hazard=self.hazard, time=time, actor_name=actor, kind=action,
                                       from_state=from_state, to_state=to_state, note=note, params=data or {}))
        self.hazard.version += 1 if action not in (HazardAction.REPORT, HazardAction.ATTACH) else 0
        return time


def _hazard(rng: random.Random, enterprise: Enterprise, points: list[RiskPoint], now: datetime.datetime,
            township_staff: str, required: tuple | None) -> tuple[Hazard, list[HazardEvent]]:
    if required:
        state, level, overdue = required
        age_days = rng.uniform(40, 90) if overdue or state == HazardState.CLOSED else rng.uniform(5, 25)
    else:
        age_days = rng.uniform(0, 730)
        state = _weighted(rng, next(mix for limit, mix in STATE_MIX if age_days < limit))
        level = HazardLevel.MAJOR if rng.random() < 0.08 else HazardLevel.GENERAL
        overdue = None
    found_at = now - datetime.timedelta(days=age_days)
    source = _weighted(rng, SOURCE_WEIGHTS)
    point = rng.choice(points) if points and rng.random() < 0.5 else None
    title = rng.choice(MAJOR_TITLES if level == HazardLevel.MAJOR else GENERAL_TITLES)
    criteria = major_hazards.criteria_for(enterprise.sector) if level == HazardLevel.MAJOR else ()
    criterion = None
    if criteria:
        # A major hazard of a sector with a standard matches one of its items and cites it. Chosen by its own
        # generator, so the shared one (and everything drawn after it) stays as it was.
        criterion = random.Random(f"{enterprise.pk}:{found_at.isoformat()}").choice(criteria)
        title = criterion.text if len(criterion.text) <= 40 else criterion.text.split("，")[0].split("；")[0]
    hazard = Hazard(
        enterprise=enterprise, region_code=enterprise.region_code, risk_point=point, title=title[:200],
        criterion=criterion.code if criterion else "",
        location=point.location if point else rng.choice(["生产车间", "仓库", "厂区", "罐区", "配电室"]),
        source=source, found_at=found_at, created_at=found_at, state=HazardState.REPORTED,
        reporter_name=f"{REPORTER_TITLE[source]}{person_name(rng)}", version=0,
    )
    hazard.description = (f"{hazard.location}：{criterion.text}。符合{criterion.citation}，判定为重大事故隐患。"
                          if criterion else f"{hazard.location}：{hazard.title}，存在安全风险，需整改。")
    line = _Timeline(hazard, rng, township_staff)
    line.add(found_at, hazard.reporter_name, HazardAction.REPORT, "", HazardState.REPORTED,
             data={"source": source})
    target_index = ORDER.index(state)
    if target_index >= 1:
        t = found_at + datetime.timedelta(hours=rng.uniform(2, 48))
        confirmer = line.inspector if rng.random() < 0.6 else line.township_staff
        hazard.level = level or HazardLevel.GENERAL
        if services.self_closed_loop(hazard):  # the enterprise's own loop: it classifies, verifies and closes
            confirmer = line.enterprise_staff
        hazard.supervised = hazard.level == HazardLevel.MAJOR
        span = rng.randrange(60, 180) if hazard.is_major else rng.randrange(7, 30)
        hazard.due_at = t + span * DAY
        if overdue:
            hazard.due_at = now - rng.randrange(2, 40) * DAY
        elif overdue is False and state in HazardState.DEADLINE_RUNNING:
            hazard.due_at = max(hazard.due_at, now + rng.randrange(3, 30) * DAY)
        hazard.responsible_person = hazard.enterprise.principal if hazard.is_major and getattr(
            hazard.enterprise, "principal", "") else line.enterprise_staff
        if hazard.is_major:
            hazard.measures = "制定治理方案：停产整改，加装检测报警与联锁装置，专家论证后复产。"
            hazard.funds = Decimal(rng.randrange(5, 80) * 10_000)
            hazard.interim_measures = "撤出危险区域作业人员，设置警戒区，停止相关作业。"
        hazard.confirmed_at = line.add(t, confirmer, HazardAction.CONFIRM, HazardState.REPORTED,
                                       HazardState.CONFIRMED, data={"level": hazard.level,
                                                                    "due_at": hazard.due_at.isoformat()})
    if target_index >= 2:
        t = hazard.confirmed_at + datetime.timedelta(hours=rng.uniform(1, 72))
        line.add(t, line.enterprise_staff, HazardAction.START, HazardState.CONFIRMED, HazardState.RECTIFYING)
    if target_index >= 3:
        rejected = rng.random() < 0.1
        for attempt in range(2 if rejected else 1):
            t += datetime.timedelta(days=rng.uniform(1, 10))
            hazard.rectification = "已按要求完成整改，附整改后照片。"
            hazard.rectified_at = line.add(t, line.enterprise_staff, HazardAction.RECTIFY, HazardState.RECTIFYING,
                                           HazardState.RECTIFIED, note=hazard.rectification)
            if attempt == 0 and rejected:
                t += datetime.timedelta(days=rng.uniform(1, 5))
                line.add(t, line.inspector, HazardAction.REJECT, HazardState.RECTIFIED, HazardState.RECTIFYING,
                         note="整改不彻底，请重新整改。")
    if target_index >= 4:
        t += datetime.timedelta(days=rng.uniform(1, 7))
        verifier = line.enterprise_head if services.self_closed_loop(hazard) else line.inspector
        hazard.verified_at = line.add(t, verifier, HazardAction.VERIFY, HazardState.RECTIFIED,
                                      HazardState.VERIFIED)
    if target_index >= 5:
        t += datetime.timedelta(days=rng.uniform(0.5, 5))
        closer = "应急管理局" + person_name(rng) if hazard.is_major else line.inspector
        if services.self_closed_loop(hazard):
            closer = line.enterprise_head
        hazard.closed_at = line.add(t, closer, HazardAction.CLOSE, HazardState.VERIFIED, HazardState.CLOSED)
    hazard.state = state
    if any(e.time > now for e in line.events):
        # Compressed timelines of very recent hazards: keep every step in the past, in order.
        step = (now - found_at) / (len(line.events) + 1)
        for i, event in enumerate(line.events):
            event.time = found_at + step * i
        for field, action in (("confirmed_at", HazardAction.CONFIRM), ("rectified_at", HazardAction.RECTIFY),
                              ("verified_at", HazardAction.VERIFY), ("closed_at", HazardAction.CLOSE)):
            times = [e.time for e in line.events if e.kind == action]
            if times:
                setattr(hazard, field, times[-1])
    return hazard, line.events


def generate(rng: random.Random) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    enterprises = list(Enterprise.objects.order_by("id"))
    points_by_enterprise: dict[int, list[RiskPoint]] = {}
    all_points: list[RiskPoint] = []
    for enterprise in enterprises:
        points = _risk_points(rng, enterprise, now)
        points_by_enterprise[enterprise.pk] = points
        all_points += points
    RiskPoint.objects.bulk_create(all_points, batch_size=500)
    hazards, events_by_hazard = [], []
    required = list(REQUIRED)
    township_staff = {}
    for enterprise in enterprises:
        township = enterprise.region_code[:9]
        staff = township_staff.setdefault(township, "乡镇应急办" + person_name(rng))
        for _ in range(rng.randrange(1, 8)):
            hazard, events = _hazard(rng, enterprise, points_by_enterprise[enterprise.pk], now, staff,
                                     required.pop(0) if required else None)
            hazards.append(hazard)
            events_by_hazard.append(events)
    Hazard.objects.bulk_create(hazards, batch_size=500)
    events = []
    for hazard, hazard_events in zip(hazards, events_by_hazard, strict=True):
        for event in hazard_events:
            event.hazard_id = hazard.pk
            events.append(event)
    HazardEvent.objects.bulk_create(events, batch_size=1000)
    # Its own generator, so adding the sample checks left the rest of the county (drawn after) as it was.
    _sample_checks(random.Random("yingji-demo-hazard-samples"), now)


def _sample_checks(rng: random.Random, now: datetime.datetime) -> None:
    """A year of the regulators' sample checks of the enterprises' own loop: a monthly draw of a tenth of each
    month's self-closed hazards, mostly passed; one failed check reopened its hazard; the latest month's draw is
    still to be checked."""
    own_loop = (Hazard.objects.filter(source=HazardSource.SELF_CHECK, state=HazardState.CLOSED, criterion="")
                .exclude(level=HazardLevel.MAJOR).select_related("enterprise").order_by("closed_at"))
    by_month: dict[str, list[Hazard]] = {}
    for hazard in own_loop:
        by_month.setdefault(f"{timezone.localtime(hazard.closed_at):%Y-%m}", []).append(hazard)
    current = f"{timezone.localtime(now):%Y-%m}"
    samples, runs, events = [], [], []
    failed_one = None
    months = [(period, hazards) for period, hazards in sorted(by_month.items()) if period != current][-12:]
    for period, hazards in months:
        drawn = rng.sample(hazards, max(1, round(len(hazards) * 0.1)))
        month_end = max(h.closed_at for h in hazards)
        drawn_at = min(now - DAY, month_end + rng.uniform(2, 5) * DAY)
        runs.append(SamplingRun(period=period, share=Decimal("0.100"), population=len(hazards), drawn=len(drawn),
                                ran_at=drawn_at))
        for hazard in drawn:
            checked_at = min(now - datetime.timedelta(hours=2), drawn_at + rng.uniform(3, 15) * DAY)
            recent = period == months[-1][0]  # the latest month's draw is still being checked
            sample = HazardSample(hazard=hazard, period=period, drawn_at=drawn_at)
            events.append(HazardEvent(hazard=hazard, time=drawn_at, actor_name="", kind=HazardAction.SAMPLED,
                                      from_state=HazardState.CLOSED, to_state=HazardState.CLOSED,
                                      params={"period": period}))
            if recent:
                samples.append(sample)  # still to be checked
                continue
            checker = "乡镇应急办" + person_name(rng)
            sample.checked_at, sample.checker_name = checked_at, checker
            sample.note = "现场核查，整改措施落实到位。"
            sample.state = SampleState.PASSED
            if failed_one is None and hazard.closed_at < now - 40 * DAY and rng.random() < 0.5:
                failed_one, sample.state = hazard, SampleState.FAILED
                sample.note = "现场核查发现整改不到位，问题复现。"
                hazard.due_at = now + rng.randrange(7, 20) * DAY
                events.append(HazardEvent(hazard=hazard, time=checked_at, actor_name=checker, kind=HazardAction.REOPEN,
                                          from_state=HazardState.CLOSED, to_state=HazardState.RECTIFYING,
                                          note=sample.note, params={"due_at": hazard.due_at.isoformat()}))
            else:
                events.append(HazardEvent(hazard=hazard, time=checked_at, actor_name=checker,
                                          kind=HazardAction.SAMPLE_PASSED, from_state=HazardState.CLOSED,
                                          to_state=HazardState.CLOSED, note=sample.note))
            samples.append(sample)
    SamplingRun.objects.bulk_create(runs)
    HazardSample.objects.bulk_create(samples)
    HazardEvent.objects.bulk_create(events)
    if failed_one is not None:
        Hazard.objects.filter(pk=failed_one.pk).update(
            state=HazardState.RECTIFYING, due_at=failed_one.due_at, closed_at=None, verified_at=None,
            rectified_at=None, version=failed_one.version + 1)


def clear() -> None:
    Notification.objects.filter(object_type=Hazard._meta.label_lower).delete()
    Attachment.objects.filter(object_type=Hazard._meta.label_lower).delete()
    SamplingRun.objects.all().delete()
    Hazard.objects.all().delete()
    RiskPoint.objects.all().delete()
