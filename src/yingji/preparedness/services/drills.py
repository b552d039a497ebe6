"""Drills (应急演练): planned drills, drill records, their problems' closed loop, the required frequency per unit,
and the figures of the year.

Who records what: an enterprise account its own enterprise's drills (the organiser is the enterprise); a
township's staff the township's own drills; the county bureau any level (county, industry/department, a township's
or an enterprise's). A drill is one record however many teams take part; the teams and equipment it used are
references to the resources registries, and a team's page lists the team's drills through
``yingji.resources.history``.

Problem workflow (``PROBLEM_WORKFLOW``; each a compare-and-swap on state and version, an audit record and a
timeline event; 409 when not allowed from the state or when someone else acted first):

=========  ======================  ===========================================================================
action     from → to               who may
=========  ======================  ===========================================================================
(record)   — → open                whoever may change the drill: :func:`add_problem`
submit     open → submitted        the owner's side: the enterprise (its drills), else staff over the place;
                                   needs the rectification text
accept     submitted → closed      staff over the place (township or county), not the one who submitted
return     submitted → open        as ``accept``; needs a reason; may set a later deadline
=========  ======================  ===========================================================================

Reminders (:func:`remind_problems`, a periodic job, idempotent): an open problem 3 days before its deadline
(level 1) and once past it (level 2, ``overdue_since``) tells its owner's side and the drill's recorder; the level
is raised by a compare-and-swap, so nobody is told twice; a return with a new deadline starts again from 0.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from yingji.core import attachments, audit, notifications, policy
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import NotAllowed, NotFound, ValidationFailed
from yingji.core.models import Region, User
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow
from yingji.enterprises.models import Enterprise, Licence
from yingji.standards import drills as rules

from ..choices_drills import DrillKind, OrganiserLevel, PlanType, ProblemAction, ProblemState
from ..models.drills import Drill, DrillPlan, DrillProblem, DrillProblemEvent

MAX_TEXT = 5000
REMIND_BEFORE = datetime.timedelta(days=3)
NOTIFY_KIND = "drill_problem"
#: The enterprise flags that name a kind of art. 33 §2 (the others say nothing about it).
_FLAG_FACTS = ("hazchem_production", "hazchem_business", "fireworks", "non_coal_mine", "tailings_pond",
               "metallurgy")


# --- input -----------------------------------------------------------------------------------------------------


def _fail(field: str, message) -> ValidationFailed:
    return ValidationFailed.from_dict({field: [str(message)]})


def _text(data: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    value = data.get(name)
    value = "" if value is None else value
    if not isinstance(value, str):
        raise _fail(name, gettext("Give text"))
    value = value.strip()
    if "\x00" in value:
        raise _fail(name, gettext("Must not contain NUL characters"))
    if required and not value:
        raise _fail(name, gettext("This field is required."))
    if len(value) > max_length:
        raise _fail(name, gettext("At most %(n)s characters") % {"n": max_length})
    return value


def _choice(data, name: str, choices) -> str:
    value = data.get(name)
    if value not in choices.values():
        raise _fail(name, gettext("Choose one of: %(keys)s") % {"keys": ", ".join(choices.values())})
    return value


def _date(data, name: str) -> datetime.date:
    value = data.get(name)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise _fail(name, gettext("Give a date (YYYY-MM-DD)"))
    return value


def _int(data, name: str, *, low: int, high: int, default: int | None = None) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
            if low <= value <= high:
                return value
        raise _fail(name, gettext("Give a whole number from %(low)s to %(high)s") % {"low": low, "high": high})
    return value


def _related(name: str):
    return Drill._meta.get_field(name).related_model


# --- organiser -------------------------------------------------------------------------------------------------


def is_county(actor) -> bool:
    return not actor.enterprise_id and len(actor.scope_region_code or "") == 6


def organiser_of(actor, data: Mapping[str, Any]) -> dict:
    """The organiser fields of a new drill or planned drill, by who records it: an enterprise account always its
    own enterprise; a township's staff always their township; the county bureau the level it names."""
    if actor.enterprise_id:
        enterprise = actor.enterprise
        return {"organiser_level": OrganiserLevel.ENTERPRISE, "region_code": enterprise.region_code,
                "enterprise": enterprise, "organiser": enterprise.name}
    code = actor.scope_region_code or ""
    if not code:
        raise NotAllowed(gettext("Your account has no jurisdiction"))
    if not is_county(actor):
        region = Region.objects.filter(code=code[:9]).first()
        return {"organiser_level": OrganiserLevel.TOWNSHIP, "region_code": code[:9], "enterprise": None,
                "organiser": _text(data, "organiser", max_length=200) or (region.name if region else code)}
    level = data.get("organiser_level") or OrganiserLevel.COUNTY
    if level not in OrganiserLevel.values():
        raise _fail("organiser_level",
                    gettext("Choose one of: %(keys)s") % {"keys": ", ".join(OrganiserLevel.values())})
    if level == OrganiserLevel.ENTERPRISE:
        enterprise = policy.get_in_scope_or_field_error(Enterprise, data.get("enterprise"), actor, "enterprise")
        return {"organiser_level": level, "region_code": enterprise.region_code, "enterprise": enterprise,
                "organiser": enterprise.name}
    if level == OrganiserLevel.TOWNSHIP:
        township = str(data.get("township") or "")
        region = Region.objects.filter(policy.scope_q(actor, Region), level="township", code=township).first()
        if region is None:
            raise policy.reference_error(Region, "township")
        return {"organiser_level": level, "region_code": region.code, "enterprise": None,
                "organiser": _text(data, "organiser", max_length=200) or region.name}
    organiser = _text(data, "organiser", required=level == OrganiserLevel.INDUSTRY, max_length=200)
    if not organiser:
        region = Region.objects.filter(code=code).first()
        organiser = region.name if region else code
    return {"organiser_level": level, "region_code": code, "enterprise": None, "organiser": organiser}


# --- planned drills --------------------------------------------------------------------------------------------


def _plan_values(actor, data: Mapping[str, Any], current: DrillPlan | None = None) -> dict:
    merged = {**({"year": current.year, "planned_month": current.planned_month, "kind": current.kind,
                  "plan_type": current.plan_type, "scenario": current.scenario, "notes": current.notes,
                  "emergency_plan": current.emergency_plan_id} if current else {}), **data}
    values = {
        "year": _int(merged, "year", low=2000, high=2100),
        "planned_month": _int(merged, "planned_month", low=1, high=12),
        "kind": _choice(merged, "kind", DrillKind),
        "plan_type": _choice(merged, "plan_type", PlanType),
        "scenario": _text(merged, "scenario", required=True, max_length=300),
        "notes": _text(merged, "notes"),
    }
    plan = merged.get("emergency_plan")
    values["emergency_plan"] = (policy.get_in_scope_or_field_error(_related("emergency_plan"), plan, actor,
                                                                   "emergency_plan") if plan else None)
    return values


def create_drill_plan(actor, data: Mapping[str, Any]) -> DrillPlan:
    """Add a drill to a unit's annual drill plan."""
    policy.require(actor, "add", DrillPlan)
    values = {**organiser_of(actor, data), **_plan_values(actor, data)}
    return create_object(actor, DrillPlan, values, check_scope=False)


def update_drill_plan(actor, plan: DrillPlan, data: Mapping[str, Any]) -> DrillPlan:
    policy.require(actor, "change", plan)
    values = _plan_values(actor, data, plan)
    return update_object(actor, plan, {k: v for k, v in values.items() if k in data})


# --- drills ----------------------------------------------------------------------------------------------------


DRILL_FIELDS = ("title", "drill_plan", "emergency_plan", "kind", "plan_type", "scenario", "date", "place",
                "participants", "participant_units", "teams", "equipment", "evaluation_worked",
                "evaluation_problems", "reported")


def _drill_values(actor, data: Mapping[str, Any], organiser: Mapping[str, Any], current: Drill | None) -> dict:
    if current is not None:
        stored = {"title": current.title, "drill_plan": current.drill_plan_id,
                  "emergency_plan": current.emergency_plan_id, "kind": current.kind, "plan_type": current.plan_type,
                  "scenario": current.scenario, "date": current.date, "place": current.place,
                  "participants": current.participants, "participant_units": current.participant_units,
                  "evaluation_worked": current.evaluation_worked,
                  "evaluation_problems": current.evaluation_problems, "reported": current.reported}
        merged = {**stored, **{k: v for k, v in data.items() if k in DRILL_FIELDS}}
    else:
        merged = dict(data)
    values: dict[str, Any] = {
        "title": _text(merged, "title", required=True, max_length=200),
        "kind": _choice(merged, "kind", DrillKind),
        "plan_type": _choice(merged, "plan_type", PlanType),
        "scenario": _text(merged, "scenario", required=True),
        "date": _date(merged, "date"),
        "place": _text(merged, "place", required=True, max_length=200),
        "participants": _int(merged, "participants", low=0, high=1_000_000, default=0),
        "participant_units": _text(merged, "participant_units"),
        "evaluation_worked": _text(merged, "evaluation_worked"),
        "evaluation_problems": _text(merged, "evaluation_problems"),
        "reported": bool(merged.get("reported") or False),
    }
    if values["date"] > timezone.localdate():
        raise _fail("date", gettext("A drill is recorded once held: the date cannot lie in the future"))
    plan = merged.get("emergency_plan")
    values["emergency_plan"] = (policy.get_in_scope_or_field_error(_related("emergency_plan"), plan, actor,
                                                                   "emergency_plan") if plan else None)
    planned = merged.get("drill_plan")
    if planned:
        planned = policy.get_in_scope_or_field_error(DrillPlan, planned, actor, "drill_plan")
        if (planned.region_code, planned.enterprise_id) != (organiser["region_code"],
                                                           getattr(organiser.get("enterprise"), "pk", None)):
            raise _fail("drill_plan", gettext("The planned drill belongs to another organiser"))
    values["drill_plan"] = planned or None
    for name in ("teams", "equipment"):
        if current is None or name in data:
            ids = data.get(name) or []
            values[name] = policy.get_many_in_scope_or_field_error(_related(name), ids, actor, name) if ids else []
    return values


def create_drill(actor, data: Mapping[str, Any]) -> Drill:
    """Record a drill held (one record however many teams took part)."""
    policy.require(actor, "add", Drill)
    organiser = organiser_of(actor, data)
    values = {**organiser, **_drill_values(actor, data, organiser, None), "created_by": actor}
    return create_object(actor, Drill, values, check_scope=False)


def update_drill(actor, drill: Drill, data: Mapping[str, Any]) -> Drill:
    """Change a drill's record (its organiser stays)."""
    policy.require(actor, "change", drill)
    organiser = {"region_code": drill.region_code, "enterprise": drill.enterprise}
    values = _drill_values(actor, data, organiser, drill)
    return update_object(actor, drill, {k: v for k, v in values.items() if k in data})


def add_photo(actor, drill: Drill, uploaded):
    """Attach a photo or document (the evaluation report as PDF) to a drill."""
    _ensure_visible(actor, drill, Drill)
    policy.require(actor, "attach", drill)
    return attachments.attach(actor, drill, uploaded, purpose="drill")


def _ensure_visible(actor, obj, model) -> None:
    if not policy.can(actor, "view", model) or not policy.in_scope(actor, obj):
        raise NotFound(f"{model._meta.model_name} {obj.pk} not found")


# --- problems ----------------------------------------------------------------------------------------------------


def add_problem(actor, drill: Drill, data: Mapping[str, Any]) -> DrillProblem:
    """Record a problem the drill found, with its owner and deadline (it starts open)."""
    _ensure_visible(actor, drill, Drill)
    policy.require(actor, "change", drill)
    description = _text(data, "description", required=True)
    owner = _text(data, "owner", required=True, max_length=100)
    deadline = _date(data, "deadline")
    if deadline < drill.date:
        raise _fail("deadline", gettext("The deadline cannot lie before the drill"))
    if deadline > timezone.localdate() + datetime.timedelta(days=366):
        raise _fail("deadline", gettext("The deadline must lie within a year"))
    owner_user = data.get("owner_user") or None
    if owner_user is not None:
        owner_user = policy.get_in_scope_or_field_error(User, owner_user, actor, "owner_user")
    with transaction.atomic():
        problem = DrillProblem.objects.create(drill=drill, region_code=drill.region_code,
                                              enterprise=drill.enterprise, description=description, owner=owner,
                                              owner_user=owner_user, deadline=deadline)
        audit.record_change(AuditAction.CREATE, problem, None, audit.snapshot(problem), actor=actor)
        _event(problem, actor, ProblemAction.CREATE, "", ProblemState.OPEN, description[:200],
               {"deadline": deadline.isoformat()})
        _notify(owners(problem), _msg(gettext_lazy("Drill problem to rectify by %(due)s: %(text)s"),
                                      due=deadline.isoformat(), text=description[:100]), problem, actor)
    return problem


def owner_side(problem: DrillProblem, actor) -> bool:
    """The enterprise rectifies its own drills' problems; staff over the place those of the others."""
    if problem.enterprise_id:
        return actor.enterprise_id == problem.enterprise_id
    return not actor.enterprise_id and problem.region_code.startswith(actor.scope_prefix or "-")


def verifier_side(problem: DrillProblem, actor) -> bool:
    """Staff over the problem's place verify it, never the account that reported the rectification."""
    if actor.enterprise_id or not problem.region_code.startswith(actor.scope_prefix or "-"):
        return False
    return problem.submitted_by_id != actor.pk


def _submit(problem, actor, payload) -> dict:
    return {"rectification": _text(payload, "rectification", required=True), "submitted_by_id": actor.pk,
            "submitted_at": timezone.now()}


def _accept(problem, actor, payload) -> dict:
    return {"verification": _text(payload, "note"), "closed_at": timezone.now()}


def _return(problem, actor, payload) -> dict:
    changes: dict[str, Any] = {"verification": _text(payload, "reason", required=True)}
    if payload.get("deadline"):
        deadline = _date(payload, "deadline")
        if deadline <= problem.deadline:
            raise _fail("deadline", gettext("A new deadline must be later than the old"))
        changes.update(deadline=deadline, reminder_level=0, overdue_since=None)
    return changes


_NOTE = {"submit": "rectification", "accept": "note", "return": "reason"}
OWNER_ROLES = frozenset({Role.ENTERPRISE_USER, Role.TOWNSHIP_STAFF, Role.SECTION_STAFF, Role.ADMIN})
VERIFIER_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.SECTION_STAFF, Role.ADMIN})


def _on_applied(problem: DrillProblem, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    note = str(payload.get(_NOTE[t.action]) or "").strip()
    params = {"deadline": problem.deadline.isoformat()} if t.action == "return" else {}
    _event(problem, actor, t.action, from_state, t.target, note, params)
    text = problem.description[:100]
    if t.action == "submit":
        _notify(verifiers(problem), _msg(gettext_lazy("Drill problem reported rectified, to verify: %(text)s"),
                                         text=text), problem, actor)
    else:
        message = (gettext_lazy("Drill problem closed: %(text)s") if t.action == "accept"
                   else gettext_lazy("Drill problem returned for more work: %(text)s"))
        _notify(owners(problem), _msg(message, text=text), problem, actor)


PROBLEM_WORKFLOW = Workflow(
    model=DrillProblem,
    transitions=[
        Transition("submit", (ProblemState.OPEN,), ProblemState.SUBMITTED, OWNER_ROLES,
                   label=gettext_lazy("Report rectified"), check=_submit, allowed=owner_side),
        Transition("accept", (ProblemState.SUBMITTED,), ProblemState.CLOSED, VERIFIER_ROLES,
                   label=gettext_lazy("Verify and close"), check=_accept, allowed=verifier_side),
        Transition("return", (ProblemState.SUBMITTED,), ProblemState.OPEN, VERIFIER_ROLES,
                   label=gettext_lazy("Return for more work"), check=_return, allowed=verifier_side),
    ],
    on_applied=_on_applied,
)


def act_on_problem(actor, problem: DrillProblem, action: str, payload: Mapping[str, Any] | None = None):
    _ensure_visible(actor, problem, DrillProblem)
    return PROBLEM_WORKFLOW.apply(actor, problem, action, payload)


def owners(problem: DrillProblem) -> list:
    """Who is told to rectify: the owner's account, else the enterprise's accounts, else the township's staff, else
    the county's section staff; and the drill's recorder."""
    found: list = []
    if problem.owner_user_id:
        found.append(problem.owner_user)
    elif problem.enterprise_id:
        found += list(User.objects.filter(is_active=True, enterprise_id=problem.enterprise_id))
    else:
        found += _staff(problem.region_code)
    recorder = problem.drill.created_by
    return found + ([recorder] if recorder is not None else [])


def verifiers(problem: DrillProblem) -> list:
    return _staff(problem.region_code) + ([problem.drill.created_by] if problem.drill.created_by_id else [])


def _staff(region_code: str) -> list:
    township = region_code[:9] if len(region_code) >= 9 else ""
    if township:
        found = list(User.objects.filter(is_active=True, enterprise__isnull=True, scope_region_code=township,
                                         roles__role=Role.TOWNSHIP_STAFF).distinct())
        if found:
            return found
    return list(User.objects.filter(is_active=True, enterprise__isnull=True,
                                    scope_region_code=region_code[:6] or settings.COUNTY_CODE,
                                    roles__role=Role.SECTION_STAFF).distinct())


def reminder_target(deadline: datetime.date, today: datetime.date) -> int:
    if deadline < today:
        return 2
    return 1 if deadline - today <= REMIND_BEFORE else 0


def remind_problems(today: datetime.date | None = None) -> int:
    """Remind the owners of open problems near their deadline and flag the overdue (idempotent: the level is kept
    on the problem and raised by a compare-and-swap)."""
    today = today or timezone.localdate()
    due = (DrillProblem.objects.filter(state=ProblemState.OPEN)
           .filter(Q(reminder_level__lt=1, deadline__lte=today + REMIND_BEFORE)
                   | Q(reminder_level__lt=2, deadline__lt=today))
           .select_related("drill__created_by", "owner_user").order_by("deadline", "pk"))
    told = 0
    for problem in due:
        old, target = problem.reminder_level, reminder_target(problem.deadline, today)
        if target <= old:
            continue
        with transaction.atomic():
            overdue = target == 2
            rows = DrillProblem.objects.filter(pk=problem.pk, state=ProblemState.OPEN, reminder_level=old,
                                               deadline=problem.deadline).update(
                reminder_level=target, overdue_since=today if overdue else None)
            if rows == 0:
                continue
            template = (gettext_lazy("Drill problem overdue (deadline %(due)s): %(text)s") if overdue
                        else gettext_lazy("Drill problem due by %(due)s: %(text)s"))
            message = _msg(template, due=problem.deadline.isoformat(), text=problem.description[:100])
            _notify(owners(problem) + (verifiers(problem) if overdue else []), message, problem)
            _event(problem, None, ProblemAction.OVERDUE if overdue else ProblemAction.REMIND, problem.state,
                   problem.state, message, {"reminder_level": target, "deadline": problem.deadline.isoformat()})
            audit.record(AuditAction.UPDATE, problem, before={"reminder_level": old},
                         after={"reminder_level": target}, message="drill problem reminder")
            told += 1
    return told


def _event(problem, actor, kind: str, from_state: str, to_state: str, note: str = "", params: dict | None = None):
    return DrillProblemEvent.objects.create(problem=problem, actor=actor, kind=kind, from_state=from_state,
                                            to_state=to_state, note=note[:2000], params=params or {})


def _msg(template, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (str(template) % params)[:200]


def _notify(recipients, message: str, problem: DrillProblem, actor=None) -> int:
    return len(notifications.notify(recipients, message, link=reverse("drill_problem_detail", args=[problem.pk]),
                                    obj=problem, kind=NOTIFY_KIND, exclude=actor))


# --- required frequency ----------------------------------------------------------------------------------------


def unit_kind_of(enterprise: Enterprise, licence_kinds: Iterable[str] = ()) -> str:
    """The art. 33 unit kind of an enterprise, from its supervision sector, flags, licences and industry."""
    facts = {enterprise.sector, *licence_kinds, *(f for f in _FLAG_FACTS if getattr(enterprise, f))}
    return rules.unit_kind(facts, enterprise.industry_division or "", enterprise.industry or "")


def _licence_kinds(enterprise_ids) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for eid, kind in Licence.objects.filter(enterprise_id__in=enterprise_ids).values_list("enterprise_id", "kind"):
        found[eid].add(kind)
    return found


def enterprise_compliance(user, year: int, today: datetime.date | None = None, *, enterprises=None) -> list[dict]:
    """Each enterprise in the user's scope: its unit kind, each requirement period's result and the overall
    result of ``year`` as seen on ``today``."""
    today = today or timezone.localdate()
    qs = enterprises if enterprises is not None else Enterprise.objects.filter(policy.scope_q(user, Enterprise))
    # The columns the unit kind and the rows' readers use (name, place), not the whole registry record.
    rows = list(qs.order_by("region_code", "name").only("id", "name", "region_code", "sector", "industry_division",
                                                        "industry", *_FLAG_FACTS))
    ids = qs.order_by().values("pk")  # a subquery: hundreds of ids as parameters cost more than the query
    held: dict[int, list] = defaultdict(list)
    for eid, date, plan_type in (Drill.objects.filter(enterprise_id__in=ids, date__year=year)
                                 .values_list("enterprise_id", "date", "plan_type")):
        held[eid].append((date, plan_type))
    licences = _licence_kinds(ids)
    result = []
    for enterprise in rows:
        kind = unit_kind_of(enterprise, licences.get(enterprise.pk, ()))
        periods = rules.check(rules.requirements(kind), held.get(enterprise.pk, []), year, today)
        result.append({"enterprise": enterprise, "unit_kind": kind, "unit_kind_name": rules.UNIT_KIND_NAMES[kind],
                       "periods": periods, "status": rules.overall(periods), "held": len(held.get(enterprise.pk, []))})
    return result


def township_compliance(user, year: int, today: datetime.date | None = None, *,
                        enterprise_rows: list[dict] | None = None) -> list[dict]:
    """Each township in the user's scope: its own drills against ``standards.drills.township_requirements`` and
    how many of its enterprises meet art. 33 (``enterprise_rows``: :func:`enterprise_compliance`'s answer for the
    same user, year and day, when the caller has it)."""
    today = today or timezone.localdate()
    if user.enterprise_id:
        return []
    townships = list(Region.objects.filter(policy.scope_q(user, Region), level="township").order_by("code"))
    held: dict[str, list] = defaultdict(list)
    for code, date, plan_type in (Drill.objects.filter(organiser_level=OrganiserLevel.TOWNSHIP, date__year=year)
                                  .filter(policy.scope_q(user, Drill)).values_list("region_code", "date",
                                                                                    "plan_type")):
        held[code[:9]].append((date, plan_type))
    by_township: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in enterprise_compliance(user, year, today) if enterprise_rows is None else enterprise_rows:
        by_township[row["enterprise"].region_code[:9]][row["status"]] += 1
    result = []
    for region in townships:
        periods = rules.check(rules.township_requirements(), held.get(region.code, []), year, today)
        counts = by_township.get(region.code, {})
        result.append({"township": region, "periods": periods, "status": rules.overall(periods),
                       "held": len(held.get(region.code, [])), "enterprises": sum(counts.values()),
                       "enterprises_met": counts.get(rules.MET, 0), "enterprises_pending": counts.get(rules.PENDING, 0),
                       "enterprises_missed": counts.get(rules.MISSED, 0)})
    return result


def minimum_drills(unit_kind: str) -> int:
    """The fewest drills a year that can meet art. 33 for the kind (one per requirement period)."""
    return sum(len(rules.periods(2000, r.period)) for r in rules.requirements(unit_kind))


def statistics(user, year: int, today: datetime.date | None = None, *, enterprise_rows: list[dict] | None = None,
               township_rows: list[dict] | None = None) -> dict:
    """The year's drills in the user's scope, for the statistics page: by organiser level the drills held, planned
    and required (enterprises: art. 33's minimum; townships: the default of one each), participants; the
    enterprises' and townships' compliance counts; problems open, overdue and closed. ``enterprise_rows`` and
    ``township_rows``: the two compliance answers for the same user, year and day, when the caller has them."""
    today = today or timezone.localdate()
    drills = Drill.objects.filter(policy.scope_q(user, Drill), date__year=year)
    held = {r["organiser_level"]: r for r in drills.values("organiser_level").annotate(
        n=Count("id"), people=Sum("participants")).order_by()}
    planned = dict(DrillPlan.objects.filter(policy.scope_q(user, DrillPlan), year=year)
                   .values_list("organiser_level").annotate(n=Count("id")).order_by())
    enterprises = enterprise_compliance(user, year, today) if enterprise_rows is None else enterprise_rows
    townships = (township_compliance(user, year, today, enterprise_rows=enterprises) if township_rows is None
                 else township_rows)
    required = {OrganiserLevel.ENTERPRISE: sum(minimum_drills(r["unit_kind"]) for r in enterprises),
                OrganiserLevel.TOWNSHIP: len(townships)}
    levels = []
    for level in OrganiserLevel.values():
        row = held.get(level, {})
        levels.append({"level": level, "label": OrganiserLevel.label(level), "held": row.get("n", 0),
                       "planned": planned.get(level, 0), "required": required.get(level),
                       "participants": row.get("people") or 0})

    def counts(rows):
        return {status: sum(1 for r in rows if r["status"] == status) for status in (rules.MET, rules.PENDING,
                                                                                      rules.MISSED)}

    problems = DrillProblem.objects.filter(policy.scope_q(user, DrillProblem), drill__date__year=year)
    return {
        "year": year, "by_level": levels, "held": sum(r["held"] for r in levels),
        "participants": sum(r["participants"] for r in levels),
        "teams": drills.values("teams").exclude(teams=None).distinct().count(),
        "enterprises": {"total": len(enterprises), **counts(enterprises)},
        "townships": {"total": len(townships), **counts(townships)},
        "problems": {"open": problems.exclude(state=ProblemState.CLOSED).count(),
                     "overdue": problems.filter(state=ProblemState.OPEN, deadline__lt=today).count(),
                     "closed": problems.filter(state=ProblemState.CLOSED).count()},
    }


# --- a team's history ------------------------------------------------------------------------------------------


def team_history(team, user) -> list:
    """The drills a team took part in, as the user may see them (registered with ``resources.history``)."""
    from yingji.resources.history import HistoryEntry

    if not policy.can(user, "view", Drill):
        return []
    rows = Drill.objects.filter(policy.scope_q(user, Drill), teams=team).order_by("-date", "-id")[:200]
    return [HistoryEntry(date=d.date, kind=gettext("Drill"), colour="info", title=d.title,
                         url=reverse("drill_detail", args=[d.pk]), note=d.organiser) for d in rows]

