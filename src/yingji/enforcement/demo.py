"""Demo supervision and enforcement: the bureau's enforcement brigade (officers with certificates and this year's
training, two declared conflicts of interest) and a year of monthly 双随机 draws made by the section."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from yingji.core.choices import Role
from yingji.core.demo import COUNTY_CODE, person_name
from yingji.core.models import Organisation, User, UserRole, enterprise_model

from . import services
from .models import EnforcementItem, Officer, RandomDraw, Recusal, TrainingRecord

BRIGADE = "综合行政执法大队"
OFFICERS = 8
TRAININGS = [
    ("新《安全生产法》及配套规章专题培训", "市应急管理局", Decimal("3")),
    ("危险化学品企业安全检查实务", "省应急管理厅培训中心", Decimal("5")),
    ("行政处罚法与执法文书规范", "市司法局", Decimal("2")),
    ("工贸行业重点领域执法检查", "市应急管理局", Decimal("2.5")),
    ("执法全过程记录与证据固定", "市应急管理局", Decimal("1.5")),
    ("非煤矿山与尾矿库监管执法", "省应急管理厅培训中心", Decimal("3")),
]


def _certificate_no(rng: random.Random) -> str:
    return f"豫应急执{rng.randint(10_000_000, 99_999_999)}"


def generate(rng: random.Random) -> None:
    services.load_powers()
    today = timezone.localdate()
    brigade = Organisation.objects.filter(name=BRIGADE, region_code=COUNTY_CODE).first()
    unusable = make_password(None)
    officers = []
    for n in range(1, OFFICERS + 1):
        name = person_name(rng)
        user = User.objects.create(username=f"officer{n:02d}", display_name=name, password=unusable,
                                   scope_region_code=COUNTY_CODE, organisation=brigade,
                                   must_change_password=not settings.DEMO_MODE)
        UserRole.objects.create(user=user, role=Role.INSPECTOR)
        # One certificate lapses next month and one lapsed last month: the list shows who must renew.
        expires = (today + datetime.timedelta(days=30) if n == 2 else
                   today - datetime.timedelta(days=20) if n == 5 else
                   today.replace(year=today.year + rng.randint(1, 4), month=12, day=31))
        officers.append(Officer(user=user, name=name, region_code=COUNTY_CODE, organisation=brigade,
                                certificate_no=_certificate_no(rng), certificate_expires=expires))
    Officer.objects.bulk_create(officers)
    records = []
    for officer in Officer.objects.order_by("id"):
        for topic, provider, days in rng.sample(TRAININGS, rng.randint(1, 4)):
            day = today - datetime.timedelta(days=rng.randint(5, max(6, today.timetuple().tm_yday - 1)))
            records.append(TrainingRecord(officer=officer, date=day, days=days, topic=topic, provider=provider))
    TrainingRecord.objects.bulk_create(records)
    enterprises = list(enterprise_model().objects.order_by("id")[:40])
    pairs = rng.sample([(o, e) for o in officers[:4] for e in enterprises], 2)
    Recusal.objects.bulk_create([Recusal(officer=o, enterprise=e, reason=reason) for (o, e), reason in
                                 zip(pairs, ("近亲属在该企业任职", "曾在该企业任安全管理人员"), strict=True)])


#: The legal name of the demo inspector account's officer.
INSPECTOR_NAME = "李文博"


def accounts_ready(rng: random.Random) -> None:
    """The demo inspector holds a certificate too, and the section has drawn every month this year."""
    today = timezone.localdate()
    inspector = User.objects.filter(username="inspector").first()
    if inspector is not None:
        # The officer's legal name, as on the enforcement certificate and every document the officer signs (the
        # account's display name is its role label, 执法人员, which read as a person's name in the officer lists).
        Officer.objects.create(user=inspector, name=INSPECTOR_NAME,
                               region_code=COUNTY_CODE, organisation=inspector.organisation,
                               certificate_no=_certificate_no(rng),
                               certificate_expires=today.replace(year=today.year + 2, month=6, day=30))
    section = User.objects.filter(username="section").first()
    if section is None:
        return
    pool = list(enterprise_model().objects.for_user(section).order_by("id").values_list("pk", flat=True))
    officer_ids = list(services.certified_officers(section).values_list("user_id", flat=True))
    for month in range(1, today.month + 1):
        seed = f"{today.year}-{month:02d}-{rng.randrange(10**6):06d}"
        draw = services.make_draw(section, {
            "title": f"{today.year}年{month}月双随机抽查", "enterprises": pool, "officers": officer_ids,
            "count": min(6, len(pool)), "per_enterprise": 2, "seed": seed})
        made = timezone.make_aware(datetime.datetime(today.year, month, 5, 9, 30))
        RandomDraw.objects.filter(pk=draw.pk).update(created_at=min(made, timezone.now()))


def clear() -> None:
    RandomDraw.objects.all().delete()
    Recusal.objects.all().delete()
    TrainingRecord.objects.all().delete()
    Officer.objects.all().delete()
    EnforcementItem.objects.all().delete()
