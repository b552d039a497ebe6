"""Demo responsibility system of the demo county (舞钢市): the 安委会 with its office and five professional
committees, the 防指 and 森防指 (the command headquarters already on record as organisations, linked, not
duplicated) and the 减灾委, each with its office and members; the seven key areas with their lead and partner
units; each member unit's duty list of the year; this year's meetings (the 安委会 plenary in January, the flood
season topical meeting, consultations); the recent meetings' decisions assigned as 交办单 through the enforcement
app (one replied and accepted, one awaiting the reply); a responsibility letter of the year with every township
and member unit; notices and talks with an enterprise and a township after an accident and a failure.

The orders are issued after the enforcement app's demo orders (the last four days), so their numbers follow their
issue dates."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from yingji.core.choices import OrganisationKind
from yingji.core.demo import COUNTY_CODE, COUNTY_NAME, demo_clock, person_name
from yingji.core.models import Organisation, User
from yingji.enforcement.services import orders as order_services
from yingji.enterprises.models import Enterprise

from . import services
from .choices import BodyKind, FollowUp, MeetingKind, MemberPost, NoticeKind, TalkReason
from .models import Body, Decision, DutyList, KeyArea, Meeting, Member, Notice, ResponsibilityLetter, Talk

#: The safety committee's professional committees: name, host unit (short name).
COMMITTEES = [
    ("危险化学品安全专业委员会", "应急管理局"),
    ("道路交通安全专业委员会", "公安局"),
    ("建筑施工安全专业委员会", "住建局"),
    ("消防安全专业委员会", "消防大队"),
    ("特种设备安全专业委员会", "市场监管局"),
]

#: The seven key areas (重点领域): name, lead unit, partner units (short names), scope.
KEY_AREAS = [
    ("危险化学品", "应急管理局", ["工信局", "公安局", "市场监管局", "交通局", "生态环境分局"],
     "危险化学品生产、储存、使用、经营、运输和废弃处置全链条安全"),
    ("非煤矿山和尾矿库", "应急管理局", ["自然资源局", "生态环境分局", "水利局"],
     "非煤矿山开采、尾矿库运行和闭库安全"),
    ("道路交通", "公安局", ["交通局", "住建局", "教育局", "城管局"], "道路交通安全、客货运输、校车安全"),
    ("建筑施工", "住建局", ["自然资源局", "交通局", "水利局", "城管局"], "房屋市政、交通水利工程施工安全"),
    ("消防", "消防大队", ["住建局", "教育局", "文旅局", "民政局", "卫健委"],
     "人员密集场所、高层建筑、养老机构消防安全"),
    ("城镇燃气", "住建局", ["市场监管局", "消防大队", "应急管理局"], "燃气经营、输配和餐饮等用户端安全"),
    ("工贸行业", "应急管理局", ["工信局", "市场监管局", "消防大队"],
     "冶金、建材、机械等工贸企业粉尘涉爆、有限空间作业安全"),
]

INDICATORS = ("杜绝较大及以上生产安全事故|30\n一般事故起数和死亡人数较上年下降|15\n"
              "隐患排查整改率≥95%|15\n重大事故隐患按期整改率100%|10\n应急预案演练完成率100%|10\n"
              "安全生产培训覆盖率100%|10\n防汛和森林防火责任落实|10")


def generate(rng: random.Random) -> None:
    """The structure (bodies, members, key areas, duty lists, letters); the meetings, orders and talks follow
    when the accounts exist."""
    today = timezone.localdate()
    orgs = {o.short_name: o for o in Organisation.objects.filter(region_code=COUNTY_CODE)}
    bureau = orgs.get("应急管理局")
    if bureau is None:
        return
    county = COUNTY_NAME

    def body(name, kind, **kw):
        return Body.objects.create(name=name, kind=kind, region_code=COUNTY_CODE, **kw)

    safety = body(f"{county}安全生产委员会", BodyKind.SAFETY_COMMITTEE, host_unit=bureau,
                  established_on=datetime.date(2019, 3, 12),
                  duties="研究部署、指导协调全市安全生产工作，分析安全生产形势，研究解决重大问题，"
                         "落实党政同责、一岗双责、齐抓共管、失职追责")
    flood_org = Organisation.objects.filter(kind=OrganisationKind.COMMAND_HQ, short_name="防汛抗旱指挥部").first()
    forest_org = Organisation.objects.filter(kind=OrganisationKind.COMMAND_HQ, short_name="森林防灭火指挥部").first()
    flood = body(f"{county}防汛抗旱指挥部", BodyKind.FLOOD_HQ, organisation=flood_org,
                 host_unit=flood_org.lead_unit if flood_org else bureau,
                 duties="组织领导全市防汛抗旱工作，统一指挥调度洪涝和干旱灾害防御和抢险救灾")
    forest = body(f"{county}森林防灭火指挥部", BodyKind.FOREST_HQ, organisation=forest_org,
                  host_unit=forest_org.lead_unit if forest_org else orgs.get("林业局"),
                  duties="组织领导全市森林防灭火工作，指挥森林火灾扑救")
    relief = body(f"{county}减灾委员会", BodyKind.DISASTER_COMMITTEE, host_unit=bureau,
                  duties="研究制定减灾工作方针政策，协调开展重大减灾活动，指导综合减灾示范社区创建")
    sections = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.SECTION)}
    for parent, host in ((safety, sections.get("安全生产综合协调股")), (flood, sections.get("防汛抗旱股")),
                         (forest, sections.get("森林防火股")), (relief, sections.get("救灾和物资保障股"))):
        body(f"{parent.name}办公室", BodyKind.OFFICE, parent=parent, host_unit=host or bureau,
             duties=f"承担{parent.name.removeprefix(county)}日常工作，督促落实会议议定事项")
    for name, host in COMMITTEES:
        body(f"{county}安委会{name}", BodyKind.PROFESSIONAL_COMMITTEE, parent=safety, host_unit=orgs.get(host),
             duties=f"指导协调{name.removesuffix('安全专业委员会')}领域安全生产工作")

    units = list(Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).order_by("pk"))
    members = [Member(body=safety, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.DIRECTOR,
                      title="市长"),
               Member(body=safety, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.DEPUTY,
                      title="常务副市长"),
               Member(body=safety, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.DEPUTY,
                      title="分管安全生产副市长"),
               Member(body=safety, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.OFFICE_DIRECTOR,
                      title="应急管理局局长", unit=bureau)]
    members += [Member(body=safety, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.MEMBER,
                       title="局长" if "局" in u.short_name else "主要负责人", unit=u) for u in units]
    for hq, lead_title in ((flood, "分管水利副市长"), (forest, "分管林业副市长"), (relief, "分管民政副市长")):
        members.append(Member(body=hq, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.DIRECTOR,
                              title=lead_title))
        members.append(Member(body=hq, region_code=COUNTY_CODE, name=person_name(rng),
                              post=MemberPost.OFFICE_DIRECTOR, title="办公室主任", unit=hq.host_unit))
        hq_units = list(hq.organisation.member_units.all()) if hq.organisation else units[:6]
        members += [Member(body=hq, region_code=COUNTY_CODE, name=person_name(rng), post=MemberPost.MEMBER,
                           title="分管副局长", unit=u) for u in hq_units]
    Member.objects.bulk_create(members)

    for name, lead, partners, scope in KEY_AREAS:
        area = KeyArea.objects.create(body=safety, region_code=COUNTY_CODE, name=name, lead_unit=orgs[lead],
                                      scope=scope)
        area.partner_units.set([orgs[p] for p in partners if p in orgs])

    year = today.year
    DutyList.objects.bulk_create([DutyList(
        unit=u, region_code=u.region_code, year=year,
        industry_duties=f"按照管行业必须管安全，负责{u.duties}行业领域安全生产监督管理，制定年度工作计划",
        business_duties="在业务审批、项目建设和日常管理中同步落实安全要求",
        production_duties="督促行业内生产经营单位落实主体责任，开展隐患排查治理和应急演练",
        leaders_duties="主要负责人为第一责任人，班子成员落实一岗双责，对分管领域安全生产负领导责任")
        for u in units])

    signers = units + list(Organisation.objects.filter(kind=OrganisationKind.TOWNSHIP_GOVERNMENT).order_by("pk"))
    signed = datetime.date(year, 2, 20) if today >= datetime.date(year, 2, 20) else None
    ResponsibilityLetter.objects.bulk_create([ResponsibilityLetter(
        unit=u, region_code=u.region_code, year=year, signed_on=signed, signed_by=person_name(rng),
        indicators=INDICATORS if u.kind == OrganisationKind.TOWNSHIP_GOVERNMENT else INDICATORS.replace(
            "防汛和森林防火责任落实", "行业领域专项整治任务完成"),
        remarks=f"{year}年度安全生产目标管理责任书，于全市安全生产工作会议上签订")
        for u in signers])


def accounts_ready(_rng: random.Random) -> None:
    section = User.objects.filter(username="section").first()
    township1 = User.objects.filter(username="township1").first()
    safety = Body.objects.filter(kind=BodyKind.SAFETY_COMMITTEE).first()
    if section is None or safety is None:
        return
    today = timezone.localdate()
    now = timezone.now()
    flood = Body.objects.filter(kind=BodyKind.FLOOD_HQ).first()
    forest = Body.objects.filter(kind=BodyKind.FOREST_HQ).first()
    orgs = {o.short_name: o for o in Organisation.objects.filter(region_code=COUNTY_CODE)}
    units = list(Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).order_by("pk"))

    def meeting(body, kind, title, held_on, chair, minutes, unit_count=10):
        m = Meeting.objects.create(body=body, region_code=COUNTY_CODE, kind=kind, title=title, held_on=held_on,
                                   place="市政府三楼会议室", chair=chair, minutes=minutes,
                                   attendees="市安委会成员单位主要负责人，各乡镇（街道）分管负责人")
        m.attendee_units.set(units[:unit_count])
        return m

    year = today.year
    plenary = meeting(safety, MeetingKind.PLENARY, f"{year}年市安委会全体会议", datetime.date(year, 1, 18), "市长",
                      "总结上年安全生产工作，部署本年度重点任务，签订目标责任书。", len(units))
    Decision.objects.bulk_create([
        Decision(meeting=plenary, region_code=COUNTY_CODE, unit=orgs.get("住建局"),
                 text="开展城镇燃气安全专项整治，年底前完成餐饮场所燃气报警器安装"),
        Decision(meeting=plenary, region_code=COUNTY_CODE, unit=orgs.get("交通局"),
                 text="加强“两客一危”车辆动态监控，月度通报违法违规情况")])
    if flood is not None and today >= datetime.date(year, 5, 20):
        meeting(flood, MeetingKind.TOPICAL, f"{year}年防汛工作专题会", datetime.date(year, 5, 20), "指挥长",
                "部署汛前检查、预案修订、抢险队伍和物资准备。", 8)
    if flood is not None and today >= datetime.date(year, 7, 28):
        meeting(flood, MeetingKind.CONSULTATION, "强降雨天气防汛会商", datetime.date(year, 7, 28), "副指挥长",
                "气象局通报未来三天强降雨过程，水利局通报水库水位，部署转移避险和巡查值守。", 6)

    moment = now - datetime.timedelta(days=3)
    if forest is None or township1 is None:
        return
    with demo_clock(moment):
        cons = meeting(forest, MeetingKind.CONSULTATION, "秋冬季森林防火形势会商", moment.date(), "指挥长",
                       "林业局、气象局通报火险形势，部署野外火源管控和重点时段巡查。", 6)
        first = Decision.objects.create(meeting=cons, region_code=COUNTY_CODE, township=township1.scope_region_code,
                                        deadline=moment + datetime.timedelta(days=2),
                                        text="在林区入山口设置检查卡点，落实护林员巡护，反馈卡点设置情况")
        second = Decision.objects.create(meeting=cons, region_code=COUNTY_CODE, unit=orgs.get("林业局"),
                                         deadline=moment + datetime.timedelta(days=10),
                                         text="组织开展林区防火隔离带清理，完成后报送清理长度和影像资料")
        services.assign_decision(section, first)
        services.assign_decision(section, second)
    with demo_clock(moment + datetime.timedelta(days=1)):
        first.refresh_from_db()
        order_services.act_on_order(township1, first.order, "reply", {
            "reply": "已在3个入山口设置检查卡点，护林员12人分片巡护，卡点登记表附后。"})
    with demo_clock(moment + datetime.timedelta(days=2)):
        first.refresh_from_db()
        order_services.act_on_order(section, first.order, "accept", {"note": "卡点设置到位，同意。"})

    enterprise = Enterprise.objects.filter(region_code__startswith=township1.scope_region_code).order_by("pk").first()
    gov = Organisation.objects.filter(kind=OrganisationKind.TOWNSHIP_GOVERNMENT).order_by("pk")[1:2].first()
    if enterprise is not None:
        Talk.objects.create(
            held_on=today - datetime.timedelta(days=40), reason=TalkReason.ACCIDENT, enterprise=enterprise,
            region_code=enterprise.region_code, interviewees="企业主要负责人、分管安全负责人",
            interviewers="市应急管理局局长、分管副局长", recorded_by=section,
            cause="企业发生一起机械伤害事故，造成1人受伤，暴露出安全培训和设备防护缺失问题",
            requirements="全面排查设备防护装置，30日内完成全员安全再培训，报送整改报告",
            follow_up_due=today - datetime.timedelta(days=10), follow_up_state=FollowUp.DONE,
            follow_up="企业已加装防护罩16处，培训员工132人次，经复查合格")
        Notice.objects.create(
            region_code=COUNTY_CODE, kind=NoticeKind.CRITICISM, number=f"舞安委〔{year}〕12号",
            title="关于一起机械伤害事故的通报", issued_on=today - datetime.timedelta(days=35),
            enterprise=enterprise, content="通报事故经过、原因和暴露的问题，要求各单位举一反三。",
            requirement="各乡镇（街道）、各行业部门开展机械设备防护专项检查", follow_up_state=FollowUp.RECTIFYING,
            follow_up="已有9个乡镇（街道）报送检查情况")
    if gov is not None:
        Talk.objects.create(
            held_on=today - datetime.timedelta(days=12), reason=TalkReason.FAILURE, unit=gov,
            region_code=gov.region_code, interviewees="乡镇（街道）党政主要负责人、分管负责人",
            interviewers="分管安全生产副市长", recorded_by=section,
            cause="交办的隐患整改事项逾期未反馈，督办后仍未落实",
            requirements="10日内完成整改并书面报告，建立交办事项台账",
            follow_up_due=today + datetime.timedelta(days=5), follow_up_state=FollowUp.RECTIFYING,
            follow_up="已提交整改方案，正在落实")
    Notice.objects.create(
        region_code=COUNTY_CODE, kind=NoticeKind.SITUATION, number=f"舞安委办〔{year}〕30号",
        title=f"关于{year}年第三季度安全生产形势的通报", issued_on=today - datetime.timedelta(days=60),
        content="通报三季度事故起数、隐患排查整改和执法检查情况，点名通报整改滞后单位。",
        follow_up_state=FollowUp.DONE, follow_up="被点名单位均已书面说明整改情况")
    notice = Notice.objects.create(
        region_code=COUNTY_CODE, kind=NoticeKind.PRAISE, number=f"舞安委〔{year}〕8号",
        title=f"关于表扬{year}年防汛工作先进单位的通报", issued_on=today - datetime.timedelta(days=90),
        content="对防汛抢险中表现突出的单位予以通报表扬。", follow_up_state=FollowUp.DONE)
    notice.units.set([o for o in (orgs.get("水利局"), orgs.get("消防大队")) if o])


def clear() -> None:
    Talk.objects.all().delete()
    Notice.objects.all().delete()
    Decision.objects.all().delete()
    Meeting.objects.all().delete()
    ResponsibilityLetter.objects.all().delete()
    DutyList.objects.all().delete()
    KeyArea.objects.all().delete()
    Member.objects.all().delete()
    Body.objects.filter(parent__isnull=False).delete()
    Body.objects.all().delete()
