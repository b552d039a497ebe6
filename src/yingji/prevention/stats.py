"""Read-side figures of dual prevention, shared by the pages and the API: the four-colour risk distribution and
hazard statistics (found, closed, overdue, closure rate). Callers pass querysets already cut to the user's
scope (``Model.objects.for_user``), so every figure stays inside it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from yingji.core.choices import RegionLevel
from yingji.core.models import Region
from yingji.enterprises import industries
from yingji.enterprises.choices import EnterpriseStatus, Sector
from yingji.enterprises.models import Enterprise

from .choices import HazardSource, HazardState, PlaceKind, RiskColour
from .models import Hazard, ProgrammeStep, RiskPoint

RISK_GROUPS = ("township", "industry", "enterprise")
HAZARD_GROUPS = ("township", "industry", "source", "subject", "month", "quarter")
#: The group key of places' hazards where an enterprise's attribute groups (industry), and of enterprises' hazards
#: where the subject's kind does.
PLACE_KEY = "place"
ENTERPRISE_KEY = "enterprise"
COLOURS = tuple(RiskColour.values())
TOWNSHIP_CODE_LENGTH = 9


def _township_names() -> dict[str, str]:
    return dict(Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("code", "name"))


def _labels(group_by: str, keys) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if group_by == "township":
        names = _township_names()
        return {k: names.get(k, k) for k in keys}
    if group_by == "industry":
        return {k: (_("Places (no enterprise)") if k == PLACE_KEY else industries.label(k)) for k in keys}
    if group_by == "subject":
        return {k: (_("Enterprises") if k == ENTERPRISE_KEY else PlaceKind.label(k)) for k in keys}
    if group_by == "enterprise":
        return dict(Enterprise.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group_by == "source":
        return {k: HazardSource.label(k) for k in keys}
    return {}


def _key_expression(group_by: str, enterprise_path: str = "enterprise", hazards: bool = False):
    if group_by == "township":
        return Substr("region_code", 1, TOWNSHIP_CODE_LENGTH)
    if group_by == "industry":
        if enterprise_path == "enterprise" and hazards:
            return Case(When(place__isnull=False, then=Value(PLACE_KEY)),
                        default=F(f"{enterprise_path}__industry_division"))
        return F(f"{enterprise_path}__industry_division")
    if group_by == "subject":
        return Coalesce(F("place__kind"), Value(ENTERPRISE_KEY))
    if group_by == "enterprise":
        return F(f"{enterprise_path}_id")
    if group_by == "source":
        return F("source")
    if group_by == "month":
        return TruncMonth("found_at")
    if group_by == "quarter":
        return TruncQuarter("found_at")
    raise ValueError(group_by)


def _period_key(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%Y-%m") if value else ""


def _quarter_key(value) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}-Q{(value.month - 1) // 3 + 1}" if value else ""


@dataclass
class Table:
    group_by: str
    rows: list[dict]
    total: dict


def risk_distribution(points: QuerySet, group_by: str) -> Table:
    """Risk points counted by colour (red/orange/yellow/blue) per township, industry or enterprise."""
    if group_by not in RISK_GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(RISK_GROUPS)}")
    counts = {c: Count("id", filter=Q(colour=c)) for c in COLOURS}
    grouped = (points.order_by().annotate(group_key=_key_expression(group_by)).values("group_key")
               .annotate(total=Count("id"), **counts))
    rows = [dict(r) for r in grouped]
    labels = _labels(group_by, [r["group_key"] for r in rows])
    result = []
    for r in rows:
        key = r["group_key"]
        result.append({"key": "" if key is None else str(key),
                       "label": labels.get(key) or (str(key) if key not in (None, "") else _("Unclassified")),
                       **{c: r[c] for c in COLOURS}, "total": r["total"]})
    result.sort(key=lambda r: (-r["red"], -r["orange"], -r["total"], r["label"]))
    total = {c: sum(r[c] for r in result) for c in (*COLOURS, "total")}
    return Table(group_by, result, total)


def colour_totals(points: QuerySet) -> dict:
    """Risk points counted by colour, plus ``total``."""
    return points.order_by().aggregate(total=Count("id"), **{c: Count("id", filter=Q(colour=c)) for c in COLOURS})


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """Hazards whose rectification deadline has passed while they are still confirmed or being rectified."""
    return Q(state__in=HazardState.DEADLINE_RUNNING, due_at__lt=now or timezone.now())


#: What each figure of the hazard statistics counts (shown on the page and in the API's documentation). Every
#: figure is of the hazards *found* in the period (a cohort), so the rates compare like with like.
HAZARD_FIGURES = {
    "found": "hazards found (reported) in the period",
    "rectified": "of those, rectified or further on (rectified, verified or closed) now",
    "closed": "of those, closed (销号) now",
    "overdue": "of those, past their rectification deadline now while confirmed or being rectified",
    "major": "of those, major hazards (重大事故隐患)",
    "major_closed": "of those, major hazards closed (eliminated) now",
    "funds": "rectification funds of those hazards, CNY (as set at confirmation)",
    "closure_rate": "closed / found",
}
COUNTED = ("found", "rectified", "closed", "overdue", "major", "major_closed")
RECTIFIED_OR_LATER = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)


def hazard_statistics(hazards: QuerySet, group_by: str, since: datetime.datetime | None = None,
                      until: datetime.datetime | None = None, now: datetime.datetime | None = None) -> Table:
    """Hazards found in [since, until) grouped by township, industry, source, month or quarter (of finding), with
    the figures of ``HAZARD_FIGURES``."""
    if group_by not in HAZARD_GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(HAZARD_GROUPS)}")
    qs = hazards.order_by()
    if since is not None:
        qs = qs.filter(found_at__gte=since)
    if until is not None:
        qs = qs.filter(found_at__lt=until)
    grouped = (qs.annotate(group_key=_key_expression(group_by, hazards=True)).values("group_key").annotate(
        found=Count("id"),
        rectified=Count("id", filter=Q(state__in=RECTIFIED_OR_LATER)),
        closed=Count("id", filter=Q(state=HazardState.CLOSED)),
        overdue=Count("id", filter=overdue_q(now)),
        major=Count("id", filter=Q(level="major")),
        major_closed=Count("id", filter=Q(level="major", state=HazardState.CLOSED)),
        funds=Sum("funds"),
    ))
    rows = [dict(r) for r in grouped]
    for r in rows:
        r["funds"] = r["funds"] or Decimal(0)
    if group_by in ("month", "quarter"):
        fmt = _period_key if group_by == "month" else _quarter_key
        merged: dict[str, dict] = {}
        for r in rows:
            key = fmt(r["group_key"])
            slot = merged.setdefault(key, {"group_key": key, "funds": Decimal(0), **dict.fromkeys(COUNTED, 0)})
            for name in (*COUNTED, "funds"):
                slot[name] += r[name]
        rows = list(merged.values())
    labels = _labels(group_by, [r["group_key"] for r in rows])
    result = []
    for r in rows:
        key = r["group_key"]
        result.append({"key": "" if key is None else str(key),
                       "label": labels.get(key) or (str(key) if key not in (None, "") else _("Unclassified")),
                       **{name: r[name] for name in COUNTED}, "funds": r["funds"],
                       "closure_rate": _rate(r["closed"], r["found"])})
    if group_by in ("month", "quarter"):
        result.sort(key=lambda r: r["key"])
    else:
        result.sort(key=lambda r: (-r["found"], r["label"]))
    total = {name: sum(r[name] for r in result) for name in COUNTED}
    total["funds"] = sum((r["funds"] for r in result), Decimal(0))
    total["closure_rate"] = _rate(total["closed"], total["found"])
    return Table(group_by, result, total)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def hazard_dashboard(hazards: QuerySet, now: datetime.datetime | None = None) -> dict:
    """Counts for the hazard list's header: open, overdue, major open (挂牌督办), awaiting verification."""
    return hazards.order_by().aggregate(
        open=Count("id", filter=Q(state__in=HazardState.OPEN)),
        overdue=Count("id", filter=overdue_q(now)),
        supervised=Count("id", filter=Q(supervised=True, state__in=HazardState.OPEN)),
        awaiting_confirmation=Count("id", filter=Q(state=HazardState.REPORTED)),
        awaiting_verification=Count("id", filter=Q(state=HazardState.RECTIFIED)),
    )


# --- the dual-prevention programme: coverage and operating quality ----------------------------------------------

#: How the programme's figures are defined (shown on the page and in the API's documentation).
PROGRAMME_DEFINITIONS = {
    "obliged": _l("Obliged: every operating enterprise in scope (the Work Safety Law, art. 41, requires every "
                  "production unit to grade its risks and run a hazard loop)."),
    "identified": _l("Risks identified: the enterprise has at least one graded risk point."),
    "working": _l("Working loop: risks identified, at least one hazard found by the enterprise's own check in the "
                  "period, and none overdue now."),
    "coverage": _l("Coverage: enterprises with a working loop ÷ obliged enterprises."),
    "reviews_overdue": _l("Risk reviews overdue: risk points whose next review date has passed."),
    "on_time": _l("Closed on time: hazards closed in the period by their deadline ÷ hazards closed in the period "
                  "that had a deadline."),
}


@dataclass
class EnterpriseQuality:
    id: int
    name: str
    region_code: str
    sector: str
    stage: str
    risk_points: int
    reviews_overdue: int
    self_checks: int
    found: int
    closed: int
    closed_on_time: int
    overdue: int

    @property
    def identified(self) -> bool:
        return self.risk_points > 0

    @property
    def working(self) -> bool:
        return self.identified and self.self_checks > 0 and self.overdue == 0

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.closed_on_time, self.closed)


def programme_quality(enterprises: QuerySet, since: datetime.datetime, until: datetime.datetime,
                      today: datetime.date | None = None, now: datetime.datetime | None = None
                      ) -> list[EnterpriseQuality]:
    """Per operating enterprise of ``enterprises`` (already cut to the viewer's scope): its risk points and
    overdue reviews, and of the hazards found in [since, until) how many it found itself, found in all, closed,
    closed by the deadline; hazards overdue now. One grouped query per relation, never a query per enterprise."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    operating = enterprises.filter(status=EnterpriseStatus.OPERATING).order_by()
    ids = operating.values("pk")
    risks = {row["enterprise"]: row for row in RiskPoint.objects.filter(enterprise__in=ids).order_by()
             .values("enterprise").annotate(points=Count("id"),
                                            overdue=Count("id", filter=Q(review_date__lt=today)))}
    in_period = Q(found_at__gte=since, found_at__lt=until)
    closed_in_period = Q(state=HazardState.CLOSED, closed_at__gte=since, closed_at__lt=until)
    hazards = {row["enterprise"]: row for row in Hazard.objects.filter(enterprise__in=ids).order_by()
               .values("enterprise").annotate(
                   self_checks=Count("id", filter=in_period & Q(source=HazardSource.SELF_CHECK)),
                   found=Count("id", filter=in_period),
                   closed=Count("id", filter=closed_in_period & Q(due_at__isnull=False)),
                   on_time=Count("id", filter=closed_in_period & Q(due_at__isnull=False, closed_at__lte=F("due_at"))),
                   overdue=Count("id", filter=overdue_q(now)))}
    stages: dict[int, str] = {}
    for enterprise_id, stage in (ProgrammeStep.objects.filter(enterprise__in=ids).order_by("named_on", "id")
                                 .values_list("enterprise", "stage")):
        stages[enterprise_id] = stage  # the latest step wins
    rows = []
    for e in operating.order_by("region_code", "name").values("pk", "name", "region_code", "sector"):
        r, h = risks.get(e["pk"], {}), hazards.get(e["pk"], {})
        rows.append(EnterpriseQuality(
            id=e["pk"], name=e["name"], region_code=e["region_code"], sector=e["sector"],
            stage=stages.get(e["pk"], ""), risk_points=r.get("points", 0), reviews_overdue=r.get("overdue", 0),
            self_checks=h.get("self_checks", 0), found=h.get("found", 0), closed=h.get("closed", 0),
            closed_on_time=h.get("on_time", 0), overdue=h.get("overdue", 0)))
    return rows


PROGRAMME_GROUPS = ("township", "sector")


def programme_period(since: datetime.date | None, until: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The period the programme's figures cover, both days included: the twelve months up to today unless
    given."""
    until = until or timezone.localdate()
    since = since or until - datetime.timedelta(days=365)
    return since, until


def programme_coverage(rows: list[EnterpriseQuality], group_by: str) -> Table:
    """The enterprises' figures summed by township or supervision sector: obliged, risks identified, working loop,
    coverage, and how many are in each programme stage."""
    if group_by not in PROGRAMME_GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(PROGRAMME_GROUPS)}")
    names = _township_names() if group_by == "township" else {}
    groups: dict[str, dict] = {}
    for row in rows:
        key = row.region_code[:TOWNSHIP_CODE_LENGTH] if group_by == "township" else row.sector
        slot = groups.setdefault(key, {"key": key, "obliged": 0, "identified": 0, "working": 0, "creating": 0,
                                       "pilot": 0, "demonstration": 0})
        slot["obliged"] += 1
        slot["identified"] += row.identified
        slot["working"] += row.working
        if row.stage:
            slot[row.stage] += 1
    result = []
    for key, slot in groups.items():
        label = names.get(key, key) if group_by == "township" else (Sector.label(key) if key else "")
        result.append({**slot, "label": label or _("Unclassified"),
                       "coverage": _rate(slot["working"], slot["obliged"])})
    result.sort(key=lambda r: (r["coverage"] if r["coverage"] is not None else 2, r["label"]))
    counted = ("obliged", "identified", "working", "creating", "pilot", "demonstration")
    total = {name: sum(r[name] for r in result) for name in counted}
    total["coverage"] = _rate(total["working"], total["obliged"])
    return Table(group_by, result, total)
