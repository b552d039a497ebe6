"""Demo training and exams: a year of courses, sessions, attendance, certificates (some expiring), the question
bank (the 逢查必考 bank of ``standards.exams`` plus industry questions) and exams taken, some during the demo
inspections — for the demo county's enterprises, officers and accounts.

Its own ``random.Random("yingji-demo-training")``; everything is made in ``accounts_ready`` (the officers and
inspections exist by then)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from yingji.core.demo import COUNTY_CODE
from yingji.core.models import User, enterprise_model
from yingji.standards import exams as exam_rules
from yingji.standards import training as training_rules

from .models import Attendance, Certificate, Course, ExamAttempt, ExamPaper, Question, Trainee, TrainingSession
from .services import exams, training
from .training_choices import AttendeeKind, ExamPurpose, QuestionKind, TraineeRole

COUNTY = COUNTY_CODE
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红海波宁辉鹏飞"
SPECIAL = ["电工作业", "焊接与热切割作业", "高处作业", "危险化学品安全作业", "烟花爆竹安全作业",
           "金属非金属矿山安全作业"]

#: Industry questions (written for the demo from the named rules; basis cited, wording not checked [unverified]).
INDUSTRY_QUESTIONS = [
    ("single", "危险化学品储罐区动火作业前，必须进行的是（ ）。", ["动火分析", "员工体检", "设备喷漆", "产品检验"], "A",
     "危险化学品", "hazardous_chemicals", "GB 30871《危险化学品企业特殊作业安全规范》"),
    ("true_false", "进入受限空间作业应当坚持“先通风、再检测、后作业”。", [], "true", "危险化学品",
     "hazardous_chemicals", "《工贸企业有限空间作业安全规定》"),
    ("multiple", "危险化学品重大危险源应当配备的安全监控设施包括（ ）。",
     ["温度、压力、液位等信息的不间断采集和监测系统", "可燃气体和有毒有害气体泄漏检测报警装置", "紧急切断装置",
      "员工考勤机"],
     "ABC", "危险化学品", "hazardous_chemicals", "《危险化学品重大危险源监督管理暂行规定》第十三条"),
    ("single", "烟花爆竹生产企业的药物总库、中转库必须设置（ ）。", ["防雷设施", "空调", "办公桌", "展示柜"], "A",
     "烟花爆竹", "fireworks", "GB 50161《烟花爆竹工程设计安全规范》"),
    ("true_false", "烟花爆竹生产企业可以在工（库）房内超员、超量作业。", [], "false", "烟花爆竹", "fireworks",
     "《烟花爆竹生产企业安全生产许可证实施办法》"),
    ("single", "非煤矿山井下作业人员入井前必须（ ）。", ["携带自救器并登记", "饮酒提神", "关闭矿灯", "独自进入盲巷"],
     "A", "非煤矿山", "non_coal_mine", "《金属非金属矿山安全规程》GB 16423"),
    ("true_false", "尾矿库应当按照设计要求设置排洪设施，汛前应当进行检查。", [], "true", "非煤矿山", "non_coal_mine",
     "《尾矿库安全监督管理规定》"),
    ("multiple", "冶金企业煤气区域作业应当做到（ ）。",
     ["携带一氧化碳检测报警仪", "两人以上作业", "设专人监护", "单人进入煤气设备内"],
     "ABC", "金属冶炼", "metal_smelting", "《工贸企业重大事故隐患判定标准》"),
    ("true_false", "熔融金属吊运应当使用冶金铸造起重机。", [], "true", "金属冶炼", "metal_smelting",
     "《工贸企业重大事故隐患判定标准》第五条"),
    ("single", "生产经营单位新上岗的从业人员，岗前安全培训时间不得少于（ ）学时。", ["24", "8", "12", "4"], "A",
     "安全培训", "", "《生产经营单位安全培训规定》第十三条"),
    ("single", "高危行业主要负责人和安全生产管理人员每年再培训时间不得少于（ ）学时。", ["16", "8", "12", "32"], "A",
     "安全培训", "", "《生产经营单位安全培训规定》第九条"),
    ("true_false", "特种作业人员必须经专门的安全技术培训并考核合格，取得相应资格，方可上岗作业。", [], "true",
     "安全培训", "", "《安全生产法》(2021)第三十条"),
]

COURSES = [
    # title, topic, hours, initial, audience, certificate months
    ("高危行业主要负责人安全生产知识和管理能力初次培训", "主要负责人", 48, True, ["principal"], 36),
    ("主要负责人和安全管理人员年度再培训", "再培训", 16, False, ["principal", "safety_manager"], None),
    ("安全生产管理人员初次培训", "安全管理人员", 48, True, ["safety_manager"], 36),
    ("新上岗从业人员岗前安全培训", "三级安全教育", 24, True, ["worker", "special_worker"], None),
    ("特种作业人员复审培训", "特种作业", 8, False, ["special_worker"], 12),
    ("执法人员业务能力培训", "行政执法", 16, False, ["officer", "bureau_staff"], None),
    ("乡镇应急管理业务培训", "应急管理", 8, False, ["township_staff"], None),
    ("应急预案编制培训", "应急预案", 8, False, ["bureau_staff", "township_staff", "safety_manager"], None),
]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def generate(rng: random.Random) -> None:
    """Nothing before the accounts exist (see ``accounts_ready``)."""


def _questions(section: User) -> None:
    bank = exam_rules.load_bank()
    for q in bank:
        answer = ("true" if q.answer else "false") if q.kind == QuestionKind.TRUE_FALSE else q.answer
        law = q.basis.split("》")[0].lstrip("《") if "》" in q.basis else "安全生产法"
        Question.objects.create(code=f"TK{int(q.id[1:]):04d}", kind=q.kind, text=q.text, options=list(q.options),
                                answer=answer, topic=law[:100], industry="", basis=q.basis[:200])
    start = Question.objects.count()
    for i, (kind, text, options, answer, topic, industry, basis) in enumerate(INDUSTRY_QUESTIONS, start=1):
        Question.objects.create(code=f"TK{start + i + 100:04d}", kind=kind, text=text, options=options,
                                answer=answer, topic=topic, industry=industry, basis=basis)


def _answers(rng: random.Random, questions: list[dict], right: float) -> dict:
    out = {}
    for q in questions:
        if rng.random() < right:
            out[q["code"]] = q["answer"]
        elif q["kind"] == QuestionKind.TRUE_FALSE:
            out[q["code"]] = "false" if q["answer"] == "true" else "true"
        else:
            wrong = [ch for ch in exams.LETTERS[:len(q["options"])] if ch != q["answer"]]
            out[q["code"]] = rng.choice(wrong) if wrong else "A"
    return out


def _take(rng: random.Random, actor, paper: ExamPaper, data: dict, when: datetime.datetime, right: float):
    when = min(when, timezone.now() - datetime.timedelta(minutes=30))  # an exam cannot start in the future
    attempt = exams.start_attempt(actor, paper, {**data, "started_at": when})
    key = f"{rng.getrandbits(128):032x}"
    key = f"{key[:8]}-{key[8:12]}-4{key[13:16]}-8{key[17:20]}-{key[20:32]}"
    exams.submit_attempt(actor, attempt, key, _answers(rng, attempt.questions, right),
                         now=when + datetime.timedelta(minutes=min(25, paper.minutes)))
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        submitted_at=when + datetime.timedelta(minutes=min(25, paper.minutes)))
    return attempt


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def accounts_ready(_shared: random.Random) -> None:
    from yingji.enforcement.choices import InspectionState
    from yingji.enforcement.models import Inspection, Officer
    from yingji.enterprises.choices import EnterpriseStatus

    rng = random.Random("yingji-demo-training")
    section = User.objects.filter(username="section").first()
    if section is None:
        return
    today = timezone.localdate()
    _questions(section)
    courses = [training.create_course(section, {
        "title": title, "topic": topic, "hours": Decimal(hours), "initial": initial, "audience": audience,
        "certificate_months": months, "region_code": COUNTY,
        "description": f"依据《生产经营单位安全培训规定》组织的{topic}培训。"})
        for title, topic, hours, initial, audience, months in COURSES]
    by_title = {c.title: c for c in courses}

    # The people of the enterprises: the principal and safety manager on the record, and a few workers.
    enterprises = list(enterprise_model().objects.filter(status=EnterpriseStatus.OPERATING).order_by("id"))
    used: set[str] = set()
    people: dict[int, list[Trainee]] = {}
    for e in enterprises:
        rows = []
        if e.principal:
            rows.append((e.principal, TraineeRole.PRINCIPAL, e.principal_phone if len(e.principal_phone) == 11
                         else ""))
        if e.safety_manager and e.safety_manager != e.principal:
            rows.append((e.safety_manager, TraineeRole.SAFETY_MANAGER, e.safety_manager_phone))
        for _ in range(rng.choice((0, 1, 1, 2))):
            role = TraineeRole.SPECIAL_WORKER if rng.random() < 0.4 else TraineeRole.WORKER
            rows.append((_name(rng, used), role, f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"))
        people[e.pk] = [Trainee.objects.create(
            enterprise=e, name=name, role=role, phone=phone or "", id_tail=f"{rng.randrange(1000):03d}"
            + rng.choice("0123456789X"), hired_on=today - datetime.timedelta(days=rng.randint(30, 2000)),
            special_operation=rng.choice(SPECIAL) if role == TraineeRole.SPECIAL_WORKER else "")
            for name, role, phone in rows]

    # Sessions over the past fifteen months (the initial training of last year, re-training this year).
    def session(course_title: str, days_ago: int, place: str, trainer: str) -> TrainingSession:
        course = by_title[course_title]
        start = today - datetime.timedelta(days=days_ago)
        length = max(1, int(course.hours) // 8)
        return training.create_session(section, {
            "course": course.pk, "title": f"{start.year}年{course.title}（第{rng.randint(1, 3)}期）",
            "start_date": start, "end_date": start + datetime.timedelta(days=length - 1), "place": place,
            "trainer": trainer, "organiser": "县应急管理局", "region_code": COUNTY})

    places = ["县应急管理局培训中心", "县行政服务中心三楼会议室", "县职业技术学校", "县安全生产宣教中心"]
    trainers = ["县应急管理局 李建华", "市安全生产专家 王立新", "县消防救援大队 周海涛", "注册安全工程师 陈晓燕"]

    def pick(lst):
        return rng.choice(lst)

    initial_p = session("高危行业主要负责人安全生产知识和管理能力初次培训", 420, pick(places), pick(trainers))
    initial_s = session("安全生产管理人员初次培训", 400, pick(places), pick(trainers))
    initial_w = session("新上岗从业人员岗前安全培训", 380, pick(places), pick(trainers))
    special_old = session("特种作业人员复审培训", 330, pick(places), pick(trainers))
    special_new = session("特种作业人员复审培训", 390, pick(places), pick(trainers))
    refresh = [session("主要负责人和安全管理人员年度再培训", d, pick(places), pick(trainers)) for d in (200, 90, 20)]
    officers_s = [session("执法人员业务能力培训", d, pick(places), pick(trainers)) for d in (300, 160, 45)]
    township_s = session("乡镇应急管理业务培训", 120, pick(places), pick(trainers))
    plans_s = session("应急预案编制培训", 60, pick(places), pick(trainers))

    def attend(s: TrainingSession, kind: str, *, trainee=None, user=None, hours=None) -> None:
        training.record_attendance(section, s, {"kind": kind, "trainee": trainee.pk if trainee else None,
                                                "user": user.pk if user else None, "attended": True,
                                                "passed": True, "hours": hours})

    for e in enterprises:
        sector = training.sector_of(e)
        for t in people[e.pk]:
            trained = rng.random() < 0.85  # some never took the initial training (the compliance page shows them)
            if t.role == TraineeRole.PRINCIPAL and trained:
                attend(initial_p, AttendeeKind.PRINCIPAL, trainee=t)
            elif t.role == TraineeRole.SAFETY_MANAGER and trained:
                attend(initial_s, AttendeeKind.SAFETY_MANAGER, trainee=t)
            elif t.role in (TraineeRole.WORKER, TraineeRole.SPECIAL_WORKER) and trained:
                # The high-risk sectors' 72 hours (article 13) are credited in the same session's extended course.
                attend(initial_w, AttendeeKind.WORKER if t.role == TraineeRole.WORKER else AttendeeKind.SPECIAL_WORKER,
                       trainee=t, hours=training_rules.required_hours("new_worker", sector)[0])
            if t.role in (TraineeRole.PRINCIPAL, TraineeRole.SAFETY_MANAGER) and trained:
                kind = AttendeeKind.PRINCIPAL if t.role == TraineeRole.PRINCIPAL else AttendeeKind.SAFETY_MANAGER
                for s in rng.sample(refresh, rng.choice((0, 1, 2, 2, 3))):
                    if s.start_date.year == today.year:
                        attend(s, kind, trainee=t)
            if t.role == TraineeRole.SPECIAL_WORKER:
                attend(rng.choice((special_old, special_new)), AttendeeKind.SPECIAL_WORKER, trainee=t)
            if t.role == TraineeRole.SAFETY_MANAGER and rng.random() < 0.3:
                attend(plans_s, AttendeeKind.SAFETY_MANAGER, trainee=t)

    # Officers (ten days a year: recorded through enforcement's training records), bureau and township staff.
    for officer in Officer.objects.filter(is_active=True).select_related("user"):
        for s in officers_s:
            if rng.random() < 0.8 and s.start_date.year == today.year:
                attend(s, AttendeeKind.OFFICER, user=officer.user)
    for username, kind, s in (("township1", AttendeeKind.TOWNSHIP_STAFF, township_s),
                              ("township2", AttendeeKind.TOWNSHIP_STAFF, township_s),
                              ("township1", AttendeeKind.TOWNSHIP_STAFF, plans_s),
                              ("duty", AttendeeKind.BUREAU_STAFF, plans_s)):
        account = User.objects.filter(username=username).first()
        if account is not None:
            attend(s, kind, user=account)

    # Papers and exams: the 逢查必考 paper at inspections, course exams after the initial courses.
    onsite = exams.create_paper(section, {
        "title": "逢查必考（通用）", "purpose": ExamPurpose.INSPECTION, "pass_mark": 80, "minutes": 15,
        "region_code": COUNTY, "rules": [{"kind": "single", "count": 5}, {"kind": "multiple", "count": 2},
                                         {"kind": "true_false", "count": 3}]})
    final = exams.create_paper(section, {
        "title": "主要负责人初次培训结业考试", "purpose": ExamPurpose.COURSE,
        "course": by_title["高危行业主要负责人安全生产知识和管理能力初次培训"].pk, "pass_mark": 80, "minutes": 40,
        "region_code": COUNTY, "rules": [{"kind": "single", "count": 10}, {"kind": "multiple", "count": 4},
                                         {"kind": "true_false", "count": 6}]})
    inspections = (Inspection.objects.filter(state__in=[InspectionState.RECORDED, InspectionState.CLOSED])
                   .exclude(started_at=None).select_related("enterprise").order_by("planned_on", "id"))
    for inspection in inspections:
        staff = [t for t in people.get(inspection.enterprise_id, [])
                 if t.role in (TraineeRole.PRINCIPAL, TraineeRole.SAFETY_MANAGER)]
        if not staff or rng.random() < 0.4:
            continue
        _take(rng, section, onsite, {"trainee": rng.choice(staff).pk, "inspection": inspection.pk},
              inspection.started_at + datetime.timedelta(hours=1), rng.choice((0.6, 0.8, 0.9, 0.95)))
    for a in Attendance.objects.filter(session=initial_p).select_related("trainee"):
        _take(rng, section, final, {"trainee": a.trainee_id, "session": initial_p.pk},
              _aware(initial_p.end_date, 14), rng.choice((0.7, 0.85, 0.9, 1.0)))
    # One exam drawn and not yet taken (to be taken on a phone).
    first = next((t for e in enterprises for t in people[e.pk] if t.role == TraineeRole.PRINCIPAL), None)
    if first is not None:
        exams.start_attempt(section, onsite, {"trainee": first.pk})
    # Certificate reminders as the periodic job would have sent them.
    training.remind_expiring_certificates(today)


def clear() -> None:
    ExamAttempt.objects.all().delete()
    ExamPaper.objects.all().delete()
    Question.objects.all().delete()
    Certificate.objects.all().delete()
    Attendance.objects.all().delete()
    Trainee.objects.all().delete()
    TrainingSession.objects.all().delete()
    Course.objects.all().delete()
