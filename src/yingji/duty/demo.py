"""Demo duty desk: the county roster for this week and next (and the Sunday before, whose night shift runs into
Monday morning), and some log entries of the last day."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from yingji.core.demo import COUNTY_CODE, person_name
from yingji.incidents.services import InformationSource

from .choices import EntryKind, EntryState, Shift
from .models import DutyLogEntry, DutyShift, Handover, HandoverItem
from .services import shift_bounds

LOG_ITEMS = [
    (InformationSource.PHONE, EntryKind.CALL, "群众来电：龙泉街道建设路一处广告牌松动，请求处置。", EntryState.FILED),
    (InformationSource.SUPERIOR, EntryKind.MESSAGE, "市应急局通知：今夜至明日有中到大雨，请做好防汛值守。",
     EntryState.FILED),
    (InformationSource.MONITORING, EntryKind.MESSAGE, "石门镇水库水位监测报警，已通知乡镇核实。", EntryState.OPEN),
    (InformationSource.SUBORDINATE, EntryKind.CALL, "枫林镇报告：一处农房墙体开裂，已转移2人。", EntryState.OPEN),
    (InformationSource.PHONE, EntryKind.ACTION, "已电话通知带班领导和防汛指挥部办公室。", EntryState.FILED),
]


def generate(rng: random.Random) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    leaders = [person_name(rng) for _ in range(4)]
    officers = [person_name(rng) for _ in range(8)]
    shifts = []
    for day in range(14):
        date = monday + timedelta(days=day)
        for shift in (Shift.DAY, Shift.NIGHT):
            starts_at, ends_at = shift_bounds(date, shift)
            shifts.append(DutyShift(
                region_code=COUNTY_CODE, date=date, shift=shift, starts_at=starts_at, ends_at=ends_at,
                leader_name=leaders[day % len(leaders)], leader_phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                officer_names="、".join(rng.sample(officers, 2))))
    # The night shift of the Sunday before runs until 08:00 on Monday: without it nobody would be on duty in the
    # first hours of a Monday (a demo loaded then showed an empty duty desk). Its own random source, so the rest
    # of the demo stays as it was.
    before = random.Random(monday.toordinal())
    sunday = monday - timedelta(days=1)
    for shift in (Shift.DAY, Shift.NIGHT):
        starts_at, ends_at = shift_bounds(sunday, shift)
        shifts.append(DutyShift(
            region_code=COUNTY_CODE, date=sunday, shift=shift, starts_at=starts_at, ends_at=ends_at,
            leader_name=leaders[-1], leader_phone=f"139{before.randint(10_000_000, 99_999_999)}",
            officer_names="、".join(before.sample(officers, 2))))
    DutyShift.objects.bulk_create(shifts)
    now = timezone.now().replace(second=0, microsecond=0)
    DutyLogEntry.objects.bulk_create([
        DutyLogEntry(region_code=COUNTY_CODE,
                     received_at=now - timedelta(hours=len(LOG_ITEMS) - i, minutes=rng.randint(0, 50)),
                     source=source, kind=kind, content=content, state=state, caller_name=person_name(rng))
        for i, (source, kind, content, state) in enumerate(LOG_ITEMS)])


def clear() -> None:
    HandoverItem.objects.all().delete()
    Handover.objects.all().delete()
    DutyLogEntry.objects.all().delete()
    DutyShift.officers.through.objects.all().delete()
    DutyShift.objects.all().delete()
