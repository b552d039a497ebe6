"""Demo annual plan, campaigns and supervision orders (runs after the enforcement brigade, order 85).

- This year's county plan, drawn up by the section in January with two classes set by hand, approved and published.
- A 安全生产大检查 for the whole county and a 危险化学品和有限空间 专项整治, each with tasks to the demo townships (and
  one department); the reports the township accounts sent carry the figures of the hazards prevention holds for the
  enterprises in scope, some on time and some late; the other townships' first reports are overdue.
- A handful of 交办单 / 督办单 in every state, one about a major hazard listed for county supervision, one escalated.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from yingji.core.demo import COUNTY_CODE, demo_clock
from yingji.core.models import Organisation, Region, User
from yingji.prevention.choices import HazardLevel, HazardState
from yingji.prevention.models import Hazard

from .choices import CampaignKind, OrderKind
from .models import (
    AnnualInspectionPlan,
    Campaign,
    CampaignReport,
    CampaignTask,
    PlanItem,
    SupervisionClass,
    SupervisionOrder,
)
from .services import campaigns as campaign_services
from .services import orders as order_services
from .services import plans as plan_services

RECTIFIED = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)


def generate(rng: random.Random) -> None:
    """Nothing before the accounts exist: every record here is made by the section's account."""


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _plan(section: User, today: datetime.date) -> None:
    plan = plan_services.create_plan(section, {"year": today.year, "region_code": COUNTY_CODE,
                                               "note": "依据分类分级结果编制，A、B类企业实施重点检查，"
                                                       "C、D类企业纳入双随机抽查。"})
    overrides = [("D", "A", "去年发生一般事故，群众举报线索较多，提级监管"),
                 ("B", "C", "已完成安全生产标准化二级达标，主要装置停用，降级监管")]
    for computed, wanted, reason in overrides:
        record = (SupervisionClass.objects.filter(year=today.year, computed_class=computed, override_class="")
                  .order_by("enterprise_id").first())
        if record is not None:
            plan_services.override_class(section, record, {"override_class": wanted, "override_reason": reason})
    plan_services.act_on_plan(section, plan, "approve")
    plan_services.act_on_plan(section, plan, "publish")
    january = datetime.date(today.year, 1, 1)
    AnnualInspectionPlan.objects.filter(pk=plan.pk).update(
        created_at=_aware(january + datetime.timedelta(days=9)),
        approved_at=_aware(january + datetime.timedelta(days=19), 15),
        published_at=_aware(january + datetime.timedelta(days=20), 10))


def _figures(task: CampaignTask, campaign: Campaign, until: datetime.date) -> dict:
    """A township's report carries the hazards prevention holds for its enterprises in the campaign's scope."""
    enterprises = campaign_services.scope_enterprises(campaign).filter(region_code__startswith=task.region_code)
    hazards = Hazard.objects.filter(enterprise__in=enterprises, found_at__date__gte=campaign.starts_on,
                                    found_at__date__lte=until)
    found = hazards.count()
    return {"enterprises_checked": max(enterprises.count(), found and 1), "hazards_found": found,
            "hazards_rectified": hazards.filter(state__in=RECTIFIED).count(),
            "major_hazards": hazards.filter(level=HazardLevel.MAJOR).count()}


def _report(user: User, task: CampaignTask, campaign: Campaign, *, late_days: int | None, text: str) -> None:
    """Send the task's next report as ``user``; ``late_days`` None: on time (the day before the deadline)."""
    due = task.due_on
    figures = _figures(task, campaign, due)
    report = campaign_services.submit_report(user, task, {**figures, "text": text,
                                                          "period": f"截至{due.month}月{due.day}日"})
    sent = due - datetime.timedelta(days=1) if late_days is None else due + datetime.timedelta(days=late_days)
    CampaignReport.objects.filter(pk=report.pk).update(submitted_at=_aware(sent, 16), late=late_days is not None)
    task.refresh_from_db()


def _campaigns(section: User, township1: User | None, township2: User | None, today: datetime.date) -> None:
    bureau = Organisation.objects.filter(region_code=COUNTY_CODE, kind="bureau").first()
    housing = Organisation.objects.filter(region_code=COUNTY_CODE, short_name="住建局").first()
    townships = list(Region.objects.filter(level="township", code__startswith=COUNTY_CODE).order_by("code")[:4])
    start = today - datetime.timedelta(days=75)
    general = campaign_services.create_campaign(section, {
        "title": f"{today.year}年安全生产大检查", "kind": CampaignKind.GENERAL_INSPECTION,
        "basis": f"舞钢市安全生产委员会关于开展{today.year}年安全生产大检查的通知（舞安委〔{today.year}〕3号）",
        "starts_on": start, "ends_on": today + datetime.timedelta(days=30), "lead_org": bureau.pk if bureau else None,
        "description": "全面排查各行业领域重大风险和事故隐患，落实企业主体责任和属地监管责任，每月10日前报送进展。"})
    deadlines = [start + datetime.timedelta(days=30 * n) for n in (1, 2, 3)]
    for region in townships:
        campaign_services.add_task(section, general, {
            "township": region.code, "deadlines": deadlines,
            "content": f"组织{region.name}辖区企业全面自查，乡镇对重点企业检查全覆盖，建立问题隐患和整改责任清单。"})
    if housing is not None:
        campaign_services.add_task(section, general, {
            "organisation": housing.pk, "deadlines": deadlines,
            "content": "开展建筑施工和城镇燃气行业安全检查，按月报送检查企业数和隐患整改情况。"})
    chem_start = today - datetime.timedelta(days=45)
    special = campaign_services.create_campaign(section, {
        "title": "危险化学品和有限空间作业安全专项整治", "kind": CampaignKind.SPECIAL_RECTIFICATION,
        "basis": f"舞钢市应急管理局关于开展危险化学品和有限空间作业安全专项整治的通知（舞钢应急〔{today.year}〕21号）",
        "starts_on": chem_start, "ends_on": today + datetime.timedelta(days=45),
        "industries": ["hazardous_chemicals", "confined_space"], "townships": [r.code for r in townships[:3]],
        "lead_org": bureau.pk if bureau else None,
        "description": "重点整治危险化学品储存使用、有限空间作业审批和通风检测、应急救援装备配备等问题。"})
    for region in townships[:3]:
        campaign_services.add_task(section, special, {
            "township": region.code,
            "deadlines": [chem_start + datetime.timedelta(days=20 * n) for n in (1, 2, 3, 4)],
            "content": f"对{region.name}涉危险化学品和有限空间作业企业逐一检查，建立整治台账，每20天报送进展。"})
    users = {township1.scope_region_code: township1} if township1 else {}
    if township2:
        users[township2.scope_region_code] = township2
    for campaign, texts in ((general, ["已完成企业自查部署，乡镇检查组对重点企业开展检查。",
                                       "重点企业检查完成，隐患正在督促整改。"]),
                            (special, ["完成涉化企业和有限空间作业单位摸底，逐企检查。",
                                       "对发现问题下达整改通知，跟踪复查。",
                                       "复查整改情况，建立整治台账。"])):
        for task in campaign.tasks.order_by("region_code", "pk"):
            user = users.get(task.region_code) or (section if task.organisation_id else None)
            if user is None:
                continue
            n = 0
            while task.due_on is not None and task.due_on < today and n < len(texts):
                # The first township reports on time; the second is late with its latest report.
                late = 3 if (task.region_code == (township2.scope_region_code if township2 else "") and
                             n == len(texts) - 1) else None
                _report(user, task, campaign, late_days=late, text=texts[n])
                n += 1
    campaign_services.flag_overdue_tasks(today)


def _orders(section: User, township1: User | None, township2: User | None, today: datetime.date) -> None:
    if township1 is None or township2 is None:
        return
    now = timezone.now()
    in_days = lambda n: now + datetime.timedelta(days=n)  # noqa: E731
    major = (Hazard.objects.filter(supervised=True, region_code__startswith=township1.scope_region_code,
                                   state__in=(HazardState.CONFIRMED, HazardState.RECTIFYING)).order_by("pk").first()
             or Hazard.objects.filter(supervised=True).order_by("pk").first())
    hazard_ref = {"hazard": major.pk} if major is not None else {"township": township1.scope_region_code}
    issue, act = order_services.issue_order, order_services.act_on_order

    def ago(days: float) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    # Each step runs on the demo clock at the time it happened, so the orders' fields, timelines and audit records
    # carry those times (not the day the demo was loaded), and in the order it happened, so the orders' numbers
    # follow their issue dates.
    orders: dict[str, object] = {}

    def issue_as(key: str, data: dict):
        return lambda: orders.__setitem__(key, issue(section, data))

    def act_as(user, key: str, action: str, data: dict):
        return lambda: act(user, orders[key], action, data)

    steps: list[tuple[datetime.datetime, object]] = [
        (ago(30), issue_as("closed", {
            "kind": OrderKind.ASSIGNMENT, "title": "节前烟花爆竹零售点安全检查",
            "matter": "请对辖区烟花爆竹零售点开展节前安全检查，反馈检查情况。",
            "township": township2.scope_region_code, "deadline": ago(26)})),
        (ago(28), act_as(township2, "closed", "reply", {"reply": "检查零售点6家，责令整改2家，已复查合格。"})),
        (ago(27), act_as(section, "closed", "accept", {"note": "同意。"})),
        (ago(27), act_as(section, "closed", "close", {"note": "办结归档。"})),
        (ago(20), issue_as("verified", {
            "kind": OrderKind.ASSIGNMENT, "title": "汛前尾矿库和危化企业防汛检查",
            "matter": "请对辖区企业防汛准备开展检查，重点检查排水设施和应急物资。",
            "township": township1.scope_region_code, "deadline": ago(13)})),
        (ago(16), act_as(township1, "verified", "reply", {"reply": "已检查企业9家，发现问题3处，均已整改。"})),
        (ago(15), act_as(section, "verified", "accept", {"note": "反馈属实，同意。"})),
        # The township did not answer in time: issued fifteen days ago, due eight days ago, escalated by the job
        # as each step of the ladder passed.
        (ago(15), issue_as("late", {
            "kind": OrderKind.ASSIGNMENT, "title": "核查群众举报小作坊违规存放液化气钢瓶",
            "matter": "接群众举报，辖区某商户违规存放液化气钢瓶，请核查处置并反馈结果。",
            "township": township2.scope_region_code, "deadline": ago(8)})),
        (ago(12), issue_as("replied", {
            "kind": OrderKind.ASSIGNMENT, "title": "排查辖区有限空间作业单位底数",
            "matter": "请摸清辖区涉有限空间作业单位底数，建立台账，反馈名单和负责人。",
            "township": township1.scope_region_code, "deadline": in_days(10)})),
        (ago(10), issue_as("returned", {
            "kind": OrderKind.SUPERVISION, "title": "督办粉尘涉爆企业除尘系统整改",
            "matter": "检查发现粉尘涉爆企业除尘系统未按规定设置泄爆和锁气卸灰装置，请督促企业限期整改。",
            "township": township1.scope_region_code, "deadline": in_days(7)})),
        (ago(9), act_as(township1, "replied", "reply", {
            "reply": "已完成排查，辖区涉有限空间作业单位12家，台账已建立，名单附后。"})),
        (ago(6), act_as(township1, "returned", "reply", {"reply": "已通知企业整改，正在采购泄爆片。"})),
        (ago(6), issue_as("major", {
            "kind": OrderKind.SUPERVISION, "title": "重大事故隐患挂牌督办整改",
            "matter": "该重大事故隐患已挂牌督办，请乡镇督促企业落实治理方案、资金和临时安全措施，"
                      "按期整改并报送整改报告。",
            "deadline": in_days(20), **hazard_ref})),
        (ago(4), act_as(section, "returned", "return", {
            "reason": "未提供整改完成的照片和验收记录，请整改到位后再反馈。", "deadline": in_days(14)})),
    ]
    late_deadline = ago(8)
    steps += [(late_deadline + after + datetime.timedelta(hours=1), order_services.escalate_overdue)
              for _level, after in order_services.ESCALATION_STEPS
              if late_deadline + after + datetime.timedelta(hours=1) < now]
    # A stable sort: steps of the same moment keep the order written above.
    for moment, step in sorted(steps, key=lambda pair: pair[0]):
        with demo_clock(moment) as clock:
            if step is order_services.escalate_overdue:
                step(clock())
            else:
                step()


def accounts_ready(rng: random.Random) -> None:
    section = User.objects.filter(username="section").first()
    if section is None:
        return
    township1 = User.objects.filter(username="township1").first()
    township2 = User.objects.filter(username="township2").first()
    today = timezone.localdate()
    _plan(section, today)
    _campaigns(section, township1, township2, today)
    _orders(section, township1, township2, today)


def clear() -> None:
    SupervisionOrder.objects.all().delete()  # its timeline goes with it (the database cascade)
    CampaignReport.objects.all().delete()
    CampaignTask.objects.all().delete()
    Campaign.objects.all().delete()
    PlanItem.objects.all().delete()
    AnnualInspectionPlan.objects.all().delete()
    SupervisionClass.objects.all().delete()
