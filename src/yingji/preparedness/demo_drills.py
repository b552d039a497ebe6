"""Demo drills of the demo county this year so far and the whole of last year (order 90, after resources and
incidents; random generators of their own, one per year, so no other demo figure changes). The platform has kept the
county's records since late 2024: last year's drills are what the annual statistics' five-year trend, last year's
township assessment (drills held) and last year's art. 33 compliance read.

- County drills organised by the bureau with the county's and the townships' teams (the 防汛, 森林防灭火, 危化品 and
  地震 special plans), two by departments (industry level), one drill per township (a few townships none), and the
  enterprises' own drills: most meet art. 33, some lack the second half-year's on-site drill, a few have none.
- Each unit's drill plan for the year; a held drill names the planned drill it carried out.
- Problems found, with owners and deadlines: older ones verified and closed, some reported and awaiting
  verification, some open, a few overdue (flagged as the reminder job would).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from yingji.core.choices import OrganisationKind
from yingji.core.demo import COUNTY_CODE
from yingji.core.models import Organisation, Region
from yingji.enterprises.models import Enterprise
from yingji.incidents.models import Plan
from yingji.resources.models import Equipment, Team

from .choices_drills import DrillKind, OrganiserLevel, PlanType, ProblemAction, ProblemState
from .models.drills import Drill, DrillPlan, DrillProblem, DrillProblemEvent

COUNTY_DRILLS = [
    ("防汛抢险综合应急演练", "汛前", "flood", "水库溢洪道漫溢、下游村庄群众紧急转移", DrillKind.COMPREHENSIVE, 4),
    ("森林火灾扑救实战演练", "春季防火期", "forest_fire", "山林火情蔓延，多支队伍协同扑救", DrillKind.LIVE, 3),
    ("危险化学品泄漏事故应急演练", "安全生产月", "hazchem", "储罐区液氯泄漏，企业与消防联合处置", DrillKind.LIVE, 6),
    ("地震灾害应急桌面推演", "防灾减灾日", "earthquake", "5.0级地震后城区建筑受损、人员被困", DrillKind.TABLETOP, 5),
]
INDUSTRY_DRILLS = [
    ("建筑施工坍塌事故应急演练", "县住房和城乡建设局", "施工现场脚手架坍塌，人员被埋压"),
    ("旅游景区游客疏散应急演练", "县文化广电和旅游局", "景区突发暴雨，游客滞留需紧急疏散"),
]
TOWNSHIP_SCENARIOS = [
    ("山洪灾害避险转移演练", "flood", "强降雨引发山洪，沿河村组群众转移安置"),
    ("森林防灭火实战演练", "forest_fire", "林区火情初起，乡镇半专业扑火队扑救"),
    ("地质灾害避险演练", "geological", "隐患点出现裂缝，受威胁群众撤离"),
]
ENTERPRISE_PLAN_DRILLS = ["火灾事故专项应急预案演练", "综合应急预案演练", "危险化学品泄漏专项演练",
                          "有限空间作业事故专项演练"]
ENTERPRISE_ON_SITE = ["车间火灾现场处置演练", "触电事故现场处置演练", "机械伤害现场处置演练",
                      "高处坠落现场处置演练", "灼烫事故现场处置演练"]
PROBLEMS = [
    "通讯联络不畅，现场指挥部与各小组对讲机信道不统一",
    "部分队员个人防护装备穿戴不规范",
    "疏散路线指示标识缺失，群众集结耗时过长",
    "应急物资清点不及时，发放登记不完整",
    "预案中职责分工与实际岗位不一致，需修订",
    "医疗救护组到场时间超过预案要求",
    "警戒区域设置过小，无关人员进入现场",
]
OWNERS = ["综合协调组", "抢险救援组", "后勤保障组", "安全管理部", "生产技术部", "乡镇应急办"]


def _on(today: datetime.date, month: int, rng: random.Random, year: int) -> datetime.date | None:
    """A day in ``month`` of ``year``, if it has passed."""
    day = datetime.date(year, month, rng.randint(3, 26))
    return day if day < today else None


def _plan_for(plans: list[Plan], key: str) -> Plan | None:
    matching = [p for p in plans if key in (p.event_types or [])]
    return matching[0] if matching else (plans[0] if plans else None)


def generate(rng: random.Random) -> None:
    today = timezone.localdate()
    _generate_year(random.Random("yingji-demo-drills"), today, today.year)
    _generate_year(random.Random("yingji-demo-drills-last-year"), today, today.year - 1)


def _generate_year(local: random.Random, today: datetime.date, year: int) -> None:
    """The drills held in ``year`` up to ``today``, their plans and the problems they found."""
    county = Region.objects.get(code=COUNTY_CODE)
    townships = list(Region.objects.filter(level="township").order_by("code"))
    teams = list(Team.objects.order_by("id"))
    equipment_by_team: dict[int, list] = {}
    for e in Equipment.objects.filter(team__isnull=False).order_by("id"):
        equipment_by_team.setdefault(e.team_id, []).append(e)
    plans = list(Plan.objects.filter(region_code=COUNTY_CODE).order_by("id"))
    bureau = Organisation.objects.filter(kind=OrganisationKind.BUREAU, region_code=COUNTY_CODE).first()
    bureau_name = bureau.name if bureau else f"{county.name}应急管理局"
    county_teams = [t for t in teams if len(t.region_code) == 6]
    made: list[tuple[Drill, list, list]] = []
    planned: list[DrillPlan] = []

    def add(drill: Drill, with_teams: list, month: int, notes: str = "") -> None:
        plan_row = DrillPlan(organiser_level=drill.organiser_level, region_code=drill.region_code,
                             enterprise=drill.enterprise, organiser=drill.organiser, year=drill.date.year,
                             planned_month=month, kind=drill.kind, plan_type=drill.plan_type,
                             emergency_plan=drill.emergency_plan, scenario=drill.title, notes=notes)
        planned.append(plan_row)
        drill.drill_plan = plan_row
        gear = [e for t in with_teams for e in equipment_by_team.get(t.pk, [])][:6]
        made.append((drill, with_teams, gear))

    # County drills: the county's teams and two or three townships' teams each.
    for title, season, key, scenario, kind, month in COUNTY_DRILLS:
        day = _on(today, month, local, year)
        if day is None:
            continue
        township_teams = local.sample([t for t in teams if len(t.region_code) == 9], k=3)
        with_teams = local.sample(county_teams, k=min(3, len(county_teams))) + township_teams
        drill = Drill(organiser_level=OrganiserLevel.COUNTY, region_code=COUNTY_CODE, organiser=bureau_name,
                      title=f"{day.year}年{season}{title}", emergency_plan=_plan_for(plans, key), kind=kind,
                      plan_type=PlanType.SPECIAL, scenario=scenario, date=day,
                      place=f"{local.choice(townships).name}{local.choice(['水库', '林场', '工业园区', '中心广场'])}",
                      participants=sum(t.headcount for t in with_teams) + local.randint(30, 120),
                      participant_units="、".join([bureau_name, *(t.name for t in with_teams)][:8]),
                      evaluation_worked="指挥体系运转顺畅，队伍集结迅速，部门协同基本到位。",
                      evaluation_problems="见下列问题清单。", reported=True)
        add(drill, with_teams, month, notes=f"{season}组织")
    # Industry (department) drills.
    for n, (title, organiser, scenario) in enumerate(INDUSTRY_DRILLS):
        day = _on(today, 6 + 3 * n, local, year)
        if day is None:
            continue
        drill = Drill(organiser_level=OrganiserLevel.INDUSTRY, region_code=COUNTY_CODE, organiser=organiser,
                      title=f"{day.year}年{title}", kind=DrillKind.LIVE, plan_type=PlanType.SPECIAL,
                      scenario=scenario, date=day, place=f"{local.choice(townships).name}",
                      participants=local.randint(40, 150), participant_units=organiser,
                      evaluation_worked="响应程序清楚，处置措施得当。", reported=True)
        add(drill, [], 6 + 3 * n)
    # Township drills: one each with the township's own team; the last two townships held none in the year.
    for i, township in enumerate(townships):
        if i >= len(townships) - 2 and len(townships) > 3:
            planned.append(DrillPlan(organiser_level=OrganiserLevel.TOWNSHIP, region_code=township.code,
                                     organiser=township.name, year=year, planned_month=11,
                                     kind=DrillKind.LIVE, plan_type=PlanType.SPECIAL,
                                     scenario="冬春森林防灭火演练（计划）"))
            continue
        title, key, scenario = TOWNSHIP_SCENARIOS[i % len(TOWNSHIP_SCENARIOS)]
        month = local.choice([4, 5, 6, 7, 9])
        day = _on(today, month, local, year)
        if day is None:
            continue
        own = [t for t in teams if t.region_code.startswith(township.code)][:2]
        drill = Drill(organiser_level=OrganiserLevel.TOWNSHIP, region_code=township.code, organiser=township.name,
                      title=f"{day.year}年{township.name}{title}", emergency_plan=_plan_for(plans, key),
                      kind=DrillKind.LIVE,
                      plan_type=PlanType.SPECIAL, scenario=scenario, date=day, place=f"{township.name}",
                      participants=sum(t.headcount for t in own) + local.randint(20, 80),
                      participant_units="、".join([township.name, *(t.name for t in own)]),
                      evaluation_worked="群众转移有序，乡村两级联动到位。")
        add(drill, own, month)
    # Enterprise drills: a plan drill and two on-site drills for most; some miss the second half-year; a few none.
    enterprises = list(Enterprise.objects.order_by("id"))
    for n, enterprise in enumerate(enterprises):
        roll = local.random()
        if roll < 0.1 and n > 0:
            continue
        schedule = [(local.choice([3, 4, 5, 6]), PlanType.COMPREHENSIVE if local.random() < 0.5 else PlanType.SPECIAL),
                    (local.choice([2, 3, 4, 5]), PlanType.ON_SITE)]
        if roll > 0.3 or n == 0:
            schedule.append((local.choice([8, 9, 10, 11]), PlanType.ON_SITE))
        if roll > 0.6 and (enterprise.hazchem_production or enterprise.hazchem_business or enterprise.non_coal_mine
                           or enterprise.metallurgy or enterprise.fireworks):
            schedule.append((local.choice([9, 10, 11]), PlanType.SPECIAL))
        for month, plan_type in schedule:
            day = _on(today, month, local, year)
            if day is None:
                continue
            title = local.choice(ENTERPRISE_ON_SITE if plan_type == PlanType.ON_SITE else ENTERPRISE_PLAN_DRILLS)
            drill = Drill(organiser_level=OrganiserLevel.ENTERPRISE, region_code=enterprise.region_code,
                          enterprise=enterprise, organiser=enterprise.name, title=title,
                          kind=DrillKind.TABLETOP if plan_type == PlanType.COMPREHENSIVE and local.random() < 0.4
                          else DrillKind.SINGLE if plan_type == PlanType.ON_SITE else DrillKind.LIVE,
                          plan_type=plan_type, scenario=title.removesuffix("演练"), date=day,
                          place=enterprise.address or enterprise.name, participants=local.randint(8, 60),
                          participant_units=enterprise.name, evaluation_worked="员工熟悉报警和初期处置程序。",
                          reported=plan_type != PlanType.ON_SITE)
            add(drill, [], month)
    DrillPlan.objects.bulk_create(planned)
    for drill, _teams, _gear in made:
        drill.drill_plan_id = drill.drill_plan.pk
    Drill.objects.bulk_create([d for d, _t, _g in made])
    Drill.teams.through.objects.bulk_create([Drill.teams.through(drill_id=d.pk, team_id=t.pk)
                                             for d, ts, _g in made for t in ts])
    Drill.equipment.through.objects.bulk_create([Drill.equipment.through(drill_id=d.pk, equipment_id=e.pk)
                                                 for d, _t, gear in made for e in gear])
    _problems(local, today, [d for d, _t, _g in made])


def _problems(rng: random.Random, today: datetime.date, drills: list[Drill]) -> None:
    events = []
    for drill in drills:
        chance = 0.9 if drill.organiser_level in (OrganiserLevel.COUNTY, OrganiserLevel.TOWNSHIP) else 0.25
        if rng.random() > chance:
            continue
        for description in rng.sample(PROBLEMS, k=rng.randint(1, 2)):
            deadline = drill.date + datetime.timedelta(days=rng.choice([15, 30, 45, 60]))
            age = (today - drill.date).days
            if deadline < today and age > 90 and rng.random() < 0.8:
                state = ProblemState.CLOSED
            elif deadline < today:
                state = rng.choice([ProblemState.OPEN, ProblemState.SUBMITTED])
            else:
                state = rng.choice([ProblemState.OPEN, ProblemState.OPEN, ProblemState.SUBMITTED])
            overdue = state == ProblemState.OPEN and deadline < today
            submitted = deadline - datetime.timedelta(days=rng.randint(1, 10))
            problem = DrillProblem.objects.create(
                drill=drill, region_code=drill.region_code, enterprise=drill.enterprise, description=description,
                owner=drill.organiser if drill.enterprise_id else rng.choice(OWNERS), deadline=deadline, state=state,
                rectification="已完成整改并组织复训。" if state != ProblemState.OPEN else "",
                submitted_at=_aware(submitted) if state != ProblemState.OPEN else None,
                verification="经复核，整改到位。" if state == ProblemState.CLOSED else "",
                closed_at=_aware(deadline) if state == ProblemState.CLOSED else None,
                reminder_level=2 if overdue else 0, overdue_since=deadline + datetime.timedelta(days=1)
                if overdue else None, version={ProblemState.OPEN: 0, ProblemState.SUBMITTED: 1,
                                               ProblemState.CLOSED: 2}[state],
                created_at=_aware(drill.date + datetime.timedelta(days=1)))
            events.append(DrillProblemEvent(problem=problem, kind=ProblemAction.CREATE, actor_name="演练组织单位",
                                            to_state=ProblemState.OPEN, note=description,
                                            time=_aware(drill.date + datetime.timedelta(days=1)),
                                            params={"deadline": deadline.isoformat()}))
            if state != ProblemState.OPEN:
                events.append(DrillProblemEvent(problem=problem, kind=ProblemAction.SUBMIT, actor_name=problem.owner,
                                                from_state=ProblemState.OPEN, to_state=ProblemState.SUBMITTED,
                                                note=problem.rectification, time=_aware(submitted)))
            if state == ProblemState.CLOSED:
                events.append(DrillProblemEvent(problem=problem, kind=ProblemAction.ACCEPT, actor_name="应急管理局",
                                                from_state=ProblemState.SUBMITTED, to_state=ProblemState.CLOSED,
                                                note=problem.verification, time=_aware(deadline)))
            if overdue:
                events.append(DrillProblemEvent(problem=problem, kind=ProblemAction.OVERDUE, actor_name="",
                                                from_state=state, to_state=state,
                                                note=f"整改期限{deadline.isoformat()}已过",
                                                time=_aware(deadline + datetime.timedelta(days=1)),
                                                params={"reminder_level": 2, "deadline": deadline.isoformat()}))
    DrillProblemEvent.objects.bulk_create(events)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def clear() -> None:
    DrillProblem.objects.all().delete()
    Drill.objects.all().delete()
    DrillPlan.objects.all().delete()
