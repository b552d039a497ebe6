"""Writing the assessment's records (pages and API share these).

Rubrics: a draft is edited (its items added and changed), then published; the county's default rubric
(``standards/data/assessment_rubric.json``) is copied into a year's draft by :func:`copy_default_rubric` (the
``yingji manage assessment_rubric`` command and the rubric list's button). A published rubric opens one
assessment per township (or member unit) of the assessor's jurisdiction (:func:`open_assessments`).

An assessment's workflow (``WORKFLOW``, every step a compare-and-swap transition, audited):

    draft --score--> scored --publish--> published --appeal--> appealed --decide--> appeal_decided
                                          |                                           |
                                          +------------------finalize-----------------+--> final

``score`` fills the measured items from the records (``metrics``) and the veto items that have a metric; the
assessor then scores each assessed item (score, reason, evidence file) while it is ``scored``. ``publish`` needs
every assessed item scored and freezes the ranking of the rubric's published assessments. The assessed township's
staff (only their own township; a member unit's appeal is recorded by section staff from its written appeal)
``appeal`` on items with a reason; an assessor ``decide``s each appealed item: upheld (a new score, or a veto
finding lifted) re-totals and re-ranks; rejected keeps the score. A reason is required for either outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yingji.core import attachments, audit, policy
from yingji.core.choices import AuditAction, OrganisationKind, RegionLevel, Role
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import Organisation, Region
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow
from yingji.standards import assessment as scoring

from . import metrics
from .choices import AppealState, AssessmentState, ItemKind, RubricState, Target, VetoEffect
from .models import ASSESSORS, VISIBLE_TO_UNIT, Assessment, AssessmentItem, Rubric, RubricItem

S = AssessmentState
RANKED = VISIBLE_TO_UNIT


def _fields(errors: dict) -> None:
    if errors:
        raise ValidationFailed.from_dict(errors)


# --- rubrics ----------------------------------------------------------------------------------------------------

def _check_bands(bands) -> None:
    try:
        if not isinstance(bands, list) or not bands:
            raise ValueError
        scoring.grade(0, bands)
    except (ValueError, TypeError, KeyError):
        raise ValidationFailed.from_dict({"bands": [gettext(
            "Give each grade (excellent, good, pass, fail) with its lowest total")]}) from None


def create_rubric(actor, data: Mapping[str, Any]) -> Rubric:
    policy.require(actor, "add", Rubric)
    data = dict(data)
    data.setdefault("region_code", actor.scope_region_code or "")
    if not data.get("region_code"):
        data["region_code"] = actor.scope_region_code or ""
    if not data.get("bands"):
        data["bands"] = scoring.default_rubric()["bands"]
    _check_bands(data["bands"])
    if Rubric.objects.filter(region_code=data["region_code"], year=data.get("year"),
                             target=data.get("target")).exists():
        raise ValidationFailed.from_dict({"year": [gettext("A rubric of this year for these units exists")]})
    return create_object(actor, Rubric, data)


def _changes(obj, data: Mapping[str, Any]) -> dict:
    """The fields of ``data`` whose value differs from the object's (a form saved unchanged changes nothing)."""
    out = {}
    for key, value in data.items():
        current = getattr(obj, f"{key}_id", None) if hasattr(obj, f"{key}_id") else getattr(obj, key, None)
        given = getattr(value, "pk", value)
        if isinstance(current, Decimal) and given is not None:
            try:
                same = current == Decimal(str(given))
            except InvalidOperation:
                same = False
        else:
            same = current == given
        if not same:
            out[key] = value
    return out


def update_rubric(actor, rubric: Rubric, data: Mapping[str, Any]) -> Rubric:
    data = _changes(rubric, data)
    if not data:
        return update_object(actor, rubric, data)
    if rubric.state != RubricState.DRAFT:
        raise Conflict(gettext("A published rubric is not edited; copy it into next year's draft instead"))
    if "bands" in data:
        _check_bands(data["bands"])
    return update_object(actor, rubric, data)


def copy_default_rubric(actor, year: int, target: str) -> Rubric:
    """A draft rubric of ``year`` for ``target`` with the county's default items (source kept on the rubric)."""
    if target not in Target.values():
        raise ValidationFailed.from_dict({"target": [gettext("Choose township governments or member units")]})
    default = scoring.default_rubric()
    spec = default["targets"][target]
    with transaction.atomic():
        rubric = create_rubric(actor, {"year": year, "target": target, "title": f"{year}年度{spec['title']}",
                                       "bands": default["bands"], "source": default["source"]})
        for position, item in enumerate(spec["items"], start=1):
            RubricItem.objects.create(
                rubric=rubric, region_code=rubric.region_code, position=position, section=item["section"],
                name=item["name"], points=Decimal(str(item["points"])), kind=item["kind"],
                metric=item.get("metric", ""), rule=item.get("rule", {}), effect=item.get("effect", ""),
                evidence=item.get("evidence", ""),
                note=("" if item.get("verified") else "【未核实】") + item.get("note", ""))
    return rubric


def _check_item(rubric: Rubric, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind == ItemKind.MEASURED:
        if data.get("metric") not in metrics.METRICS or data.get("metric") in ("serious_accidents",
                                                                              "fatal_accidents"):
            errors["metric"] = [gettext("Choose a metric the platform measures")]
        elif rubric.target != Target.TOWNSHIP:
            errors["metric"] = [gettext("Metrics are kept by township; a member unit's items are assessed")]
        try:
            scoring.check_rule(data.get("rule") or {})
        except (ValueError, TypeError):
            errors["rule_kind"] = [gettext(
                "Complete the scoring rule: a rate needs 0 ≤ floor < target ≤ 1, a count a required number above 0, "
                "a deduction the points per occurrence above 0")]
        data["effect"] = ""
    elif kind == ItemKind.VETO:
        if data.get("effect") not in VetoEffect.values():
            errors["effect"] = [gettext("Choose what the veto does to the grade")]
        if data.get("metric") and data["metric"] not in ("serious_accidents", "fatal_accidents"):
            errors["metric"] = [gettext("A veto counts accidents, or is found by the assessor (no metric)")]
        data["points"] = 0
        data["rule"] = {}
    else:
        data.update(metric="", rule={}, effect="")
    _fields(errors)
    return data


def create_rubric_item(actor, data: Mapping[str, Any]) -> RubricItem:
    policy.require(actor, "add", RubricItem)
    rubric = policy.get_in_scope_or_field_error(Rubric, data.get("rubric"), actor, "rubric")
    if rubric.state != RubricState.DRAFT:
        raise Conflict(gettext("A published rubric is not edited"))
    data = _check_item(rubric, data)
    data["region_code"] = rubric.region_code
    if not data.get("position"):
        data["position"] = rubric.items.count() + 1
    return create_object(actor, RubricItem, data)


def update_rubric_item(actor, item: RubricItem, data: Mapping[str, Any]) -> RubricItem:
    data = _changes(item, data)
    if not data:
        return update_object(actor, item, data)
    if item.rubric.state != RubricState.DRAFT:
        raise Conflict(gettext("A published rubric is not edited"))
    merged = {f: getattr(item, f) for f in ("kind", "metric", "rule", "effect", "points")} | dict(data)
    checked = _check_item(item.rubric, merged)
    data = {k: v for k, v in checked.items() if k in data or k in ("rule", "effect", "metric", "points")}
    data.pop("rubric", None)
    return update_object(actor, item, data)


def _check_publish_rubric(rubric, actor, payload):
    items = list(rubric.items.all())
    points = sum((i.points for i in items if i.kind != ItemKind.VETO), Decimal(0))
    if not items or points <= 0 or points > 100:
        raise ValidationFailed.from_dict({"items": [gettext(
            "The items' points must add up to more than 0 and at most 100 (now %(n)s)") % {"n": points}]})
    return {}


RUBRIC_WORKFLOW = Workflow(Rubric, [
    Transition("publish", (RubricState.DRAFT,), RubricState.PUBLISHED, frozenset(ASSESSORS),
               _("Publish the rubric"), check=_check_publish_rubric),
])


def publish_rubric(actor, rubric: Rubric) -> Rubric:
    return RUBRIC_WORKFLOW.apply(actor, rubric, "publish")


def _units(actor, rubric: Rubric) -> list[tuple[str, Organisation]]:
    """(region code, organisation) of every unit the rubric assesses in the actor's jurisdiction: each township
    with its township government, or each active member unit."""
    scope = actor.scope_prefix or ""
    if rubric.target == Target.TOWNSHIP:
        governments = {o.region_code: o for o in Organisation.objects.filter(
            kind=OrganisationKind.TOWNSHIP_GOVERNMENT, region_code__startswith=scope)}
        codes = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=rubric.region_code) \
            .filter(code__startswith=scope).order_by("code").values_list("code", flat=True)
        return [(code, governments[code]) for code in codes if code in governments]
    return [(o.region_code, o) for o in Organisation.objects.filter(
        kind=OrganisationKind.MEMBER_UNIT, is_active=True, region_code__startswith=rubric.region_code)
        .filter(region_code__startswith=scope).order_by("name")]


def open_assessments(actor, rubric: Rubric) -> list[Assessment]:
    """One draft assessment (with a row per rubric item) for every unit not yet assessed under the rubric."""
    policy.require(actor, "add", Assessment)
    if rubric.state != RubricState.PUBLISHED:
        raise Conflict(gettext("Publish the rubric before opening its assessments"))
    items = list(rubric.items.all())
    opened = []
    with transaction.atomic():
        # Two assessors opening at once: the rubric's row lock (PostgreSQL) makes the second wait and then find
        # the first one's assessments; a twin written anyway (SQLite has no row locks) is skipped, never a 500.
        Rubric.objects.select_for_update().filter(pk=rubric.pk).first()
        done = set(rubric.assessments.values_list("organisation_id", flat=True))
        for code, unit in _units(actor, rubric):
            if unit.pk in done:
                continue
            try:
                with transaction.atomic():
                    assessment = Assessment.objects.create(rubric=rubric, region_code=code, organisation=unit)
            except IntegrityError:
                continue
            AssessmentItem.objects.bulk_create([AssessmentItem(assessment=assessment, rubric_item=i,
                                                               region_code=code) for i in items])
            audit.record(AuditAction.CREATE, assessment, actor=actor, after={"rubric": rubric.pk})
            opened.append(assessment)
    return opened


# --- scoring ------------------------------------------------------------------------------------------------------

def _retotal(assessment: Assessment) -> dict:
    """Total, veto and grade from the item rows (``standards.assessment``)."""
    rows = list(assessment.items.select_related("rubric_item"))
    total = scoring.total(r.score for r in rows if r.score is not None and r.rubric_item.kind != ItemKind.VETO)
    effects = [r.rubric_item.effect for r in rows if r.rubric_item.kind == ItemKind.VETO and r.triggered]
    grade = scoring.grade(total, assessment.rubric.bands, effects)
    return {"total": scoring.to_decimal(total), "grade": grade, "vetoed": bool(effects)}


def measure_items(actor, assessment: Assessment) -> None:
    """Fill the measured items and the metric-backed veto items from the records of the rubric's year."""
    rubric = assessment.rubric
    for row in assessment.items.select_related("rubric_item"):
        item = row.rubric_item
        if not item.metric or rubric.target != Target.TOWNSHIP:
            continue
        found = metrics.measure(item.metric, actor, rubric.year, assessment.region_code)
        row.value, row.value_text = found.value, found.detail[:200]
        if item.kind == ItemKind.MEASURED:
            row.score = scoring.to_decimal(scoring.item_score(item.points, item.rule, found.value))
        else:
            row.triggered = scoring.veto_triggered(found.value)
        row.save(update_fields=["value", "value_text", "score", "triggered"])


def score(actor, assessment: Assessment) -> Assessment:
    with transaction.atomic():
        assessment = WORKFLOW.apply(actor, assessment, "score", updates={"scored_at": timezone.now()})
        measure_items(actor, assessment)
        Assessment.objects.filter(pk=assessment.pk).update(**_retotal(assessment))
    assessment.refresh_from_db()
    return assessment


def assess_item(actor, row: AssessmentItem, data: Mapping[str, Any], upload=None) -> AssessmentItem:
    """An assessor scores an assessed item (``score`` 0..points, ``reason``) or finds a veto item without a
    metric (``triggered``, ``reason``), with an optional evidence file; only while the assessment is scored."""
    if not actor.role_keys & ASSESSORS:
        raise NotAllowed()
    item = row.rubric_item
    errors: dict[str, list[str]] = {}
    reason = str(data.get("reason") or "").strip()
    if not reason:
        errors["reason"] = [gettext("Give the reason for the score")]
    updates: dict[str, Any] = {"reason": reason, "scored_by": actor}
    if item.kind == ItemKind.ASSESSED:
        try:
            value = Decimal(str(data.get("score")))
            updates["score"] = scoring.to_decimal(scoring.check_assessed(item.points, value))
        except (InvalidOperation, ValueError, TypeError):
            errors["score"] = [gettext("Give a score between 0 and %(points)s") % {"points": item.points}]
    elif item.kind == ItemKind.VETO and not item.metric:
        updates["triggered"] = bool(data.get("triggered"))
    else:
        errors["score"] = [gettext("This item is measured from the records")]
    _fields(errors)
    with transaction.atomic():
        rows = AssessmentItem.objects.filter(pk=row.pk, assessment__state=S.SCORED).update(**updates)
        if not rows:
            raise Conflict(gettext("Items are scored only while the assessment is scored, before publication"))
        before = {"score": audit._json_value(row.score), "triggered": row.triggered}
        row.refresh_from_db()
        audit.record(AuditAction.UPDATE, row, actor=actor, before=before,
                     after={"score": audit._json_value(row.score), "triggered": row.triggered, "reason": reason})
        if upload is not None:
            attachments.attach(actor, row, upload, purpose="evidence")
        assessment = row.assessment
        Assessment.objects.filter(pk=assessment.pk).update(**_retotal(assessment))
    return row


def rerank(rubric: Rubric) -> None:
    """Competition ranks (1, 2, 2, 4) of the rubric's published assessments by total; others have none."""
    ranked = dict(rubric.assessments.filter(state__in=RANKED).values_list("pk", "total"))
    ranks = scoring.rank({pk: total or 0 for pk, total in ranked.items()})
    for pk, position in ranks.items():
        Assessment.objects.filter(pk=pk).update(rank=position)
    rubric.assessments.exclude(state__in=RANKED).update(rank=None)


def _check_publish(assessment, actor, payload):
    missing = assessment.items.filter(rubric_item__kind=ItemKind.ASSESSED, score__isnull=True).count()
    if missing:
        raise ValidationFailed.from_dict({"items": [gettext(
            "Score every assessed item first (%(n)s left)") % {"n": missing}]})
    return {"published_at": timezone.now()}


def _own_unit(assessment, actor) -> bool:
    """The assessed township's own staff; a member unit's written appeal is entered by section staff."""
    if Role.TOWNSHIP_STAFF in actor.role_keys and assessment.rubric.target == Target.TOWNSHIP:
        return assessment.region_code == actor.scope_region_code
    return Role.SECTION_STAFF in actor.role_keys and assessment.rubric.target == Target.MEMBER_UNIT


def _check_appeal(assessment, actor, payload):
    errors: dict[str, list[str]] = {}
    reason = str(payload.get("reason") or "").strip()
    if not reason:
        errors["reason"] = [gettext("Give the reason for the appeal")]
    ids = payload.get("items") or []
    if not ids or not isinstance(ids, list | tuple):
        errors["items"] = [gettext("Choose the items appealed")]
    elif assessment.items.filter(pk__in=ids).count() != len(set(ids)):
        errors["items"] = [gettext("Choose items of this assessment")]
    _fields(errors)
    return {"appeal_reason": reason, "appealed_at": timezone.now(), "appealed_by": actor}


def _check_decide(assessment, actor, payload):
    filed = {r.pk: r for r in assessment.items.filter(appeal_state=AppealState.FILED).select_related("rubric_item")}
    decisions = payload.get("decisions") or []
    errors: dict[str, list[str]] = {}
    given = {}
    for n, d in enumerate(decisions):
        pk = d.get("item")
        if pk not in filed:
            errors[f"decisions.{n}.item"] = [gettext("Not an appealed item of this assessment")]
            continue
        if d.get("outcome") not in (AppealState.UPHELD, AppealState.REJECTED):
            errors[f"decisions.{n}.outcome"] = [gettext("Uphold or reject the appeal")]
        if not str(d.get("reason") or "").strip():
            errors[f"decisions.{n}.reason"] = [gettext("Give the reason for the decision")]
        row = filed[pk]
        if d.get("outcome") == AppealState.UPHELD and row.rubric_item.kind != ItemKind.VETO:
            try:
                scoring.check_assessed(row.rubric_item.points, Decimal(str(d.get("score"))))
            except (InvalidOperation, ValueError, TypeError):
                errors[f"decisions.{n}.score"] = [gettext("Give the new score between 0 and %(points)s")
                                                  % {"points": row.rubric_item.points}]
        given[pk] = d
    if not errors and set(given) != set(filed):
        errors["decisions"] = [gettext("Decide every appealed item")]
    _fields(errors)
    return {"decided_at": timezone.now()}


WORKFLOW = Workflow(Assessment, [
    Transition("score", (S.DRAFT,), S.SCORED, frozenset(ASSESSORS), _("Compute the scores")),
    Transition("publish", (S.SCORED,), S.PUBLISHED, frozenset(ASSESSORS), _("Publish the assessment"),
               check=_check_publish),
    Transition("appeal", (S.PUBLISHED,), S.APPEALED, frozenset({Role.TOWNSHIP_STAFF, Role.SECTION_STAFF}),
               _("Appeal"), check=_check_appeal, allowed=_own_unit),
    Transition("decide", (S.APPEALED,), S.APPEAL_DECIDED, frozenset(ASSESSORS), _("Decide the appeal"),
               check=_check_decide),
    Transition("finalize", (S.PUBLISHED, S.APPEAL_DECIDED), S.FINAL, frozenset(ASSESSORS),
               _("Make final")),
])


def act(actor, assessment: Assessment, action: str, payload: Mapping[str, Any] | None = None) -> Assessment:
    """Take one workflow action (``score``, ``publish``, ``appeal``, ``decide``, ``finalize``)."""
    payload = dict(payload or {})
    if action == "score":
        return score(actor, assessment)
    with transaction.atomic():
        assessment = WORKFLOW.apply(actor, assessment, action, payload)
        if action == "appeal":
            reason = payload["reason"].strip()
            AssessmentItem.objects.filter(assessment=assessment, pk__in=payload["items"]).update(
                appeal_state=AppealState.FILED, appeal_reason=reason)
        elif action == "decide":
            for d in payload["decisions"]:
                row = AssessmentItem.objects.select_related("rubric_item").get(pk=d["item"])
                changes = {"appeal_state": d["outcome"], "decision_reason": str(d["reason"]).strip()}
                if d["outcome"] == AppealState.UPHELD:
                    changes["score_before_appeal"] = row.score
                    if row.rubric_item.kind == ItemKind.VETO:
                        changes["triggered"] = False
                    else:
                        changes["score"] = scoring.to_decimal(Decimal(str(d["score"])))
                AssessmentItem.objects.filter(pk=row.pk).update(**changes)
                audit.record(AuditAction.UPDATE, row, actor=actor, before={"score": audit._json_value(row.score)},
                             after={k: audit._json_value(v) for k, v in changes.items()})
            Assessment.objects.filter(pk=assessment.pk).update(**_retotal(assessment))
        if action in ("publish", "decide"):
            rerank(assessment.rubric)
    assessment.refresh_from_db()
    return assessment


def ranking(user, rubric: Rubric) -> list[Assessment]:
    """The rubric's published assessments the user may see, by rank (ties share a rank)."""
    return list(Assessment.objects.for_user(user).filter(rubric=rubric, state__in=RANKED)
                .select_related("organisation").order_by("rank", "region_code"))
