"""Demo incidents: a few closed ones from past weeks and one open accident whose reporting clock is running."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from yingji.core.choices import RegionLevel
from yingji.core.models import Region
from yingji.standards import events

from . import grading
from .choices import EventKind, IncidentState, InformationSource, PlanKind, ReportingLevel, ReportKind
from .models import Activation, Incident, IncidentEvent, IncidentReport, Plan, ReportingDeadline, Task

#: Special plans of the 11 command HQs: HQ name → incident types covered.
HQ_PLANS = {
    "市防汛抗旱指挥部": ["flood_drought", "meteorological"],
    "市森林防灭火指挥部": ["forest_grassland_fire"],
    "市抗震救灾指挥部": ["earthquake"],
    "市地质灾害应急指挥部": ["geological"],
    "市安全生产事故应急救援指挥部": ["industrial_commercial_accident", "public_facility_accident"],
    "市道路交通事故应急指挥部": ["traffic_accident"],
    "市火灾事故应急指挥部": ["public_facility_accident", "industrial_commercial_accident"],
    "市突发公共卫生事件应急指挥部": ["infectious_disease", "unexplained_mass_illness", "other_public_health"],
    "市食品药品安全事故应急指挥部": ["food_safety_occupational_hazard"],
    "市突发环境事件应急指挥部": ["environmental_pollution"],
    "市城镇燃气和特种设备事故应急指挥部": ["public_facility_accident"],
}

#: Activation conditions shared by the demo plans (the county starts at level IV for any casualty).
CONDITIONS = {
    "I": [{"field": "grade", "min": "especially_serious"}, {"field": "deaths", "min": 30}],
    "II": [{"field": "grade", "min": "serious"}, {"field": "deaths", "min": 10}],
    "III": [{"field": "grade", "min": "relatively_large"}, {"field": "deaths", "min": 3},
            {"field": "trapped", "min": 10}],
    "IV": [{"field": "deaths", "min": 1}, {"field": "serious_injuries", "min": 1}, {"field": "trapped", "min": 1},
           {"field": "missing", "min": 1}],
}
#: Plans for natural hazards watched by the monitoring network also start on the alarm colour they are opened from
#: (yellow → IV, orange → III, red → II, as flood-control plans commonly tie response levels to warning colours).
ALARM_PLAN_TYPES = {"flood_drought", "meteorological", "geological"}
ALARM_CONDITIONS = {"II": [{"field": "alarm_level", "min": "red"}], "III": [{"field": "alarm_level", "min": "orange"}],
                    "IV": [{"field": "alarm_level", "min": "yellow"}]}
TASK_TITLES = ["现场警戒和交通管制", "人员搜救和医疗救治", "现场监测和次生灾害防范", "信息报送和舆情应对"]
#: Who does each standard task (member units' short names): the police (its traffic brigade) hold the cordon and
#: control traffic, the fire and rescue brigade searches (health authorities in a public-health event), the
#: department of the hazard watches for secondary disasters, the bureau (or the lead department) reports.
MONITORING_UNIT = {
    "市防汛抗旱指挥部": "水利局", "市森林防灭火指挥部": "林业局", "市抗震救灾指挥部": "住建局",
    "市地质灾害应急指挥部": "自然资源局", "市安全生产事故应急救援指挥部": "应急管理局",
    "市道路交通事故应急指挥部": "交通局", "市火灾事故应急指挥部": "消防大队",
    "市突发公共卫生事件应急指挥部": "卫健委", "市食品药品安全事故应急指挥部": "市场监管局",
    "市突发环境事件应急指挥部": "生态环境分局", "市城镇燃气和特种设备事故应急指挥部": "市场监管局",
}
HEALTH_LED = {"市突发公共卫生事件应急指挥部": "卫健委", "市食品药品安全事故应急指挥部": "市场监管局"}


def _task_units(hq_name: str) -> list[str]:
    lead = HEALTH_LED.get(hq_name)
    return ["公安局", "卫健委" if lead else "消防大队", MONITORING_UNIT.get(hq_name, "应急管理局"),
            lead or "应急管理局"]

#: (event type, title, deaths, serious injuries, direct loss, days ago, open?)
INCIDENTS = [
    ("industrial_commercial_accident", "钢铁公司轧钢车间机械伤害事故", 1, 0, 800_000, 0, True),
    ("traffic_accident", "省道S331货车侧翻事故", 0, 2, 150_000, 6, False),
    ("public_facility_accident", "居民楼电动车充电起火", 0, 0, 40_000, 12, False),
    ("geological", "山区村道路边坡小型滑塌", 0, 0, 90_000, 20, False),
    ("food_safety_occupational_hazard", "乡镇中心小学食堂集体食物中毒", 0, 0, 0, 45, False),
]
#: What grades the public-health and social-security incidents besides the figures (grading.grade_and_chain).
CLASSIFICATION = {"乡镇中心小学食堂集体食物中毒": {"cases": 36, "health_kind": "food_poisoning"}}


def _plans(rng: random.Random) -> None:
    from yingji.core.choices import OrganisationKind
    from yingji.core.demo import COUNTY_CODE, COUNTY_NAME
    from yingji.core.models import Organisation

    hqs = {o.short_name: o for o in Organisation.objects.filter(kind=OrganisationKind.COMMAND_HQ)
           .select_related("lead_unit").prefetch_related("member_units")}
    plans = [Plan(region_code=COUNTY_CODE, name="舞钢市突发事件总体应急预案", kind=PlanKind.OVERALL,
                  level="county", doc_kind="overall", published_on=date(2024, 3, 1), last_evaluated_on=None,
                  event_types=[t.key for t in events.types()], conditions={
                      "I": CONDITIONS["I"], "II": CONDITIONS["II"], "III": CONDITIONS["III"]})]
    for name, types in HQ_PLANS.items():
        hq = hqs.get(name.removeprefix("市"))
        tasks = [{"title": title, "unit": unit, "due_minutes": rng.choice([30, 60, 120])}
                 for title, unit in zip(TASK_TITLES, _task_units(name), strict=True)]
        short = name.removeprefix("市").removesuffix("指挥部")
        plans.append(Plan(region_code=COUNTY_CODE, name=f"{COUNTY_NAME}{short}专项应急预案",
                          kind=PlanKind.SPECIAL, event_types=types, hq=hq,
                          level="county", doc_kind="special", published_on=date(2023, 5, 1), owner=hq,
                          conditions={level: CONDITIONS[level] + (ALARM_CONDITIONS.get(level, [])
                                                                   if ALARM_PLAN_TYPES & set(types) else [])
                                      for level in CONDITIONS},
                          standard_tasks=tasks))
    Plan.objects.bulk_create(plans)


def generate(rng: random.Random) -> None:
    _plans(rng)

    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    now = timezone.now().replace(second=0, microsecond=0)
    incidents = []
    for event_type, title, deaths, serious, loss, days, is_open in INCIDENTS:
        township = rng.choice(townships)
        occurred = now - timedelta(days=days, minutes=rng.randint(20, 40) if is_open else rng.randint(60, 600))
        category = events.type_info(event_type).category
        extra = CLASSIFICATION.get(title, {})
        grade, _chain = grading.grade_and_chain(category, {"deaths": deaths, "serious_injuries": serious,
                                                           "missing": 0, "direct_loss_yuan": loss, **extra},
                                                occurred, township.code)
        incidents.append(Incident(**extra,
            region_code=township.code, category=category, event_type=event_type,
            title=title, occurred_at=occurred, received_at=occurred + timedelta(minutes=rng.randint(5, 15)),
            address=f"{township.name}", lat=township.lat, lon=township.lon, deaths=deaths, serious_injuries=serious,
            direct_loss_yuan=Decimal(loss), grade=grade,
            source=rng.choice([InformationSource.PHONE, InformationSource.SUBORDINATE]),
            description=title, reporter_name="值班员", state=IncidentState.RESPONDING if is_open else
            IncidentState.CLOSED, summary="" if is_open else "现场处置完毕，善后工作移交属地。",
            closed_at=None if is_open else occurred + timedelta(hours=6)))
    Incident.objects.bulk_create(incidents)
    reports, deadlines, timeline = [], [], []
    for incident in incidents:
        figures = {"deaths": incident.deaths, "missing": 0, "serious_injuries": incident.serious_injuries,
                   "minor_injuries": 0, "trapped": 0, "direct_loss_yuan": incident.direct_loss_yuan,
                   "cases": incident.cases}
        reports.append(IncidentReport(incident=incident, seq=1, kind=ReportKind.INITIAL,
                                      reported_at=incident.received_at, grade=incident.grade, **figures))
        chain = grading.chain_for(incident.category, incident.occurred_at, incident.grade)
        for position, (level, due) in enumerate(chain):
            done = level == ReportingLevel.COUNTY or not incident.is_open
            deadlines.append(ReportingDeadline(
                incident=incident, level=level, position=position, due_at=due,
                reported_at=min(due, incident.received_at if level == ReportingLevel.COUNTY else due) if done
                else None, method="电话" if done else "", reported_to="上级应急管理部门值班室" if done else ""))
        timeline.append(IncidentEvent(incident=incident, time=incident.received_at, kind=EventKind.CREATED,
                                      actor_name="值班员", note=incident.title, params={"grade": incident.grade}))
        if not incident.is_open:
            timeline.append(IncidentEvent(incident=incident, time=incident.closed_at, kind=EventKind.TRANSITION,
                                          actor_name="指挥长", note=incident.summary,
                                          params={"action": "close", "from": "responding", "to": "closed"}))
    IncidentReport.objects.bulk_create(reports)
    ReportingDeadline.objects.bulk_create(deadlines)
    IncidentEvent.objects.bulk_create(timeline)


def clear() -> None:
    Task.objects.all().delete()
    Activation.objects.all().delete()
    Plan.objects.all().delete()
    IncidentReport.objects.all().delete()
    ReportingDeadline.objects.all().delete()
    Incident.objects.all().delete()
