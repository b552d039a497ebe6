"""The measured metrics of a township's year, read from the platform's records through each area's own scoped
queries (the annual statistics' functions where they exist), as the assessor (``user``) may see them.

Each metric answers a :class:`Metric`: ``value`` (a share in [0, 1] for rates, a count otherwise; ``None`` when
nothing was due, which a rate rule scores full) and a ``detail`` text shown beside it. Definitions (also shown on
the assessment page, ``DEFINITIONS``):

- ``hazard_closure_rate``: of the hazards found in the township in the year, the share closed (the hazard
  statistics' cohort: ``closed / found``; ``statistics.annual.hazards``).
- ``overdue_hazards``: of those hazards, the number overdue now (past their rectification deadline, not closed).
- ``drills_held``: drills held in the township in the year (the drill statistics' query,
  ``statistics.annual.drills``). The number *required* is the rule's ``target`` in the rubric (the default rubric:
  two a year per township, county practice), not a figure of the records.
- ``training_compliance``: of the township's operating enterprises, the share whose every principal, safety
  manager and registered trainee met the required training hours at the year's end
  (``preparedness.services.training.compliance``, the training compliance page).
- ``warning_confirmation_rate``: of the people the year's published warnings in the township reached, the share
  who confirmed (``statistics.annual.warnings``: confirmed / recipients).
- ``incident_report_timeliness``: of the reporting deadlines (逐级报告时限) of incidents in the township that
  occurred in the year and are due or reported, the share reported by their deadline.
- ``inspection_plan_completion``: inspections done in the year against the visits of the year's approved annual
  inspection plans in the township (``statistics.annual.inspections``: done / planned, at most 1).
- ``disaster_reports_on_time``: of the township's submitted disaster reports (灾情报告) of the year that had a
  deadline, the share submitted by it.
- ``serious_accidents`` (veto): work-safety accidents (category 事故灾难) graded 较大 or worse that occurred in the
  township in the year.
- ``fatal_accidents`` (veto): ordinary-grade work-safety accidents with at least one death in the year.

Member units: the records above are kept by place (township), not by the department that supervises an industry,
so no metric applies to a member unit; its rubric's items are assessed instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core import periods
from yingji.disasters.choices_reports import ReportState
from yingji.disasters.models import DisasterReport
from yingji.enterprises.choices import EnterpriseStatus
from yingji.enterprises.models import Enterprise
from yingji.incidents.choices import AccidentGrade
from yingji.incidents.models import Incident, ReportingDeadline
from yingji.preparedness.services import training as training_services
from yingji.statistics import annual

ACCIDENT_CATEGORY = "accident_disaster"
SERIOUS_GRADES = (AccidentGrade.RELATIVELY_LARGE, AccidentGrade.SERIOUS, AccidentGrade.ESPECIALLY_SERIOUS)


@dataclass(frozen=True)
class Metric:
    value: Decimal | None
    detail: str


def _share(part: int, whole: int, text: str) -> Metric:
    value = min(Decimal(part) / Decimal(whole), Decimal(1)).quantize(Decimal("0.0001")) if whole else None
    return Metric(value, text % {"part": part, "whole": whole})


def hazard_closure_rate(user, year: int, township: str) -> Metric:
    h = annual.hazards(user, year, township)
    return _share(h["closed"], h["found"], "闭环 %(part)s / 发现 %(whole)s")


def overdue_hazards(user, year: int, township: str) -> Metric:
    h = annual.hazards(user, year, township)
    return Metric(Decimal(h["overdue"]), f"逾期 {h['overdue']} 条（当年发现 {h['found']} 条）")


def drills_held(user, year: int, township: str) -> Metric:
    count = annual.drills(user, year, township)["count"]
    return Metric(Decimal(count), f"开展 {count} 次")


def training_compliance(user, year: int, township: str) -> Metric:
    enterprises = Enterprise.objects.for_user(user).filter(region_code__startswith=township,
                                                           status=EnterpriseStatus.OPERATING)
    rows = training_services.compliance(user, datetime.date(year, 12, 31), enterprises=enterprises)
    met = sum(1 for r in rows if r["compliant"])
    return _share(met, len(rows), "达标企业 %(part)s / 在营企业 %(whole)s")


def warning_confirmation_rate(user, year: int, township: str) -> Metric:
    w = annual.warnings(user, year, township)
    return _share(w["confirmed"], w["recipients"], "签收 %(part)s / 送达 %(whole)s 人次")


def incident_report_timeliness(user, year: int, township: str) -> Metric:
    since, until = periods.year_bounds(year)
    incidents = Incident.objects.for_user(user).filter(region_code__startswith=township, occurred_at__gte=since,
                                                       occurred_at__lt=until)
    deadlines = ReportingDeadline.objects.filter(incident__in=incidents.values("pk")).filter(
        Q(reported_at__isnull=False) | Q(due_at__lt=timezone.now())).order_by()
    on_time = deadlines.filter(reported_at__lte=F("due_at")).count()
    return _share(on_time, deadlines.count(), "按时 %(part)s / 应报 %(whole)s 次")


def inspection_plan_completion(user, year: int, township: str) -> Metric:
    figures = annual.figures(user, year, township, sections=("inspections",))["inspections"]
    if figures is None:
        return Metric(None, "—")
    return _share(figures["done"], figures["planned"], "完成检查 %(part)s / 计划 %(whole)s 家次")


def disaster_reports_on_time(user, year: int, township: str) -> Metric:
    since, until = periods.year_bounds(year)
    reports = DisasterReport.objects.for_user(user).filter(
        region_code__startswith=township, state=ReportState.SUBMITTED, due_at__isnull=False,
        submitted_at__gte=since, submitted_at__lt=until).order_by()
    on_time = reports.filter(submitted_at__lte=F("due_at")).count()
    return _share(on_time, reports.count(), "按时 %(part)s / 报送 %(whole)s 份")


def _accidents(user, year: int, township: str):
    since, until = periods.year_bounds(year)
    return Incident.objects.for_user(user).filter(region_code__startswith=township, category=ACCIDENT_CATEGORY,
                                                  occurred_at__gte=since, occurred_at__lt=until).order_by()


def serious_accidents(user, year: int, township: str) -> Metric:
    count = _accidents(user, year, township).filter(grade__in=SERIOUS_GRADES).count()
    return Metric(Decimal(count), f"较大及以上事故 {count} 起")


def fatal_accidents(user, year: int, township: str) -> Metric:
    count = _accidents(user, year, township).filter(grade=AccidentGrade.ORDINARY, deaths__gt=0).count()
    return Metric(Decimal(count), f"亡人一般事故 {count} 起")


METRICS = {
    "hazard_closure_rate": hazard_closure_rate,
    "overdue_hazards": overdue_hazards,
    "drills_held": drills_held,
    "training_compliance": training_compliance,
    "warning_confirmation_rate": warning_confirmation_rate,
    "incident_report_timeliness": incident_report_timeliness,
    "inspection_plan_completion": inspection_plan_completion,
    "disaster_reports_on_time": disaster_reports_on_time,
    "serious_accidents": serious_accidents,
    "fatal_accidents": fatal_accidents,
}

DEFINITIONS = {
    "hazard_closure_rate": _("Of the hazards found in the township in the year, the share closed."),
    "overdue_hazards": _("Of those hazards, the number past their rectification deadline and not closed."),
    "drills_held": _("Drills held in the township in the year; the number required is the rule's target."),
    "training_compliance": _("Of the township's operating enterprises, the share whose principals, safety "
                             "managers and registered trainees all met the required training hours."),
    "warning_confirmation_rate": _("Of the people the year's published warnings reached, the share who "
                                   "confirmed."),
    "incident_report_timeliness": _("Of the reporting deadlines of the year's incidents that are due or "
                                    "reported, the share reported by the deadline."),
    "inspection_plan_completion": _("Inspections done in the year against the visits of the approved annual "
                                    "inspection plans."),
    "disaster_reports_on_time": _("Of the submitted disaster reports with a deadline, the share submitted by it."),
    "serious_accidents": _("Work-safety accidents graded relatively large or worse in the year."),
    "fatal_accidents": _("Ordinary work-safety accidents with at least one death in the year."),
}


def measure(key: str, user, year: int, township: str) -> Metric:
    return METRICS[key](user, year, township)
