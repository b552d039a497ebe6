"""Scoring of the annual work-safety and emergency-management assessment (安全生产和应急管理工作考核) of townships
and member units against a rubric, from the county's default rubric in ``data/assessment_rubric.json``.

The rubric's shape follows provincial and municipal practice (《地方党政领导干部安全生产责任制规定》 第二十条 on
assessment and 一票否决; the provinces' 安全生产和消防工作考核巡查办法 and the municipal 安全生产目标责任考核细则):
a 100-point table of items, some measured from records, some assessed from evidence, and veto items. The exact
points, thresholds and bands are county practice, not a national table; rows not read in an issued document are
``"verified": false`` in the data file [unverified].

Rules of an item (``rule`` in the data):

- ``rate``: ``{"kind": "rate", "full_at": 0.95, "zero_at": 0.6}`` — a share in [0, 1]: full points at or above
  ``full_at``, nothing at or below ``zero_at``, linear in between. A share of nothing (``None``: nothing was due)
  scores full points: a township cannot be marked down for what it was never asked to do.
- ``count``: ``{"kind": "count", "target": 2}`` — things done against a required number: points × min(done /
  target, 1).
- ``deduct``: ``{"kind": "deduct", "per": 1}`` — occurrences: ``per`` points off each, never below 0.

A veto item (``kind`` ``veto``) is triggered by a count above zero (or an assessor's finding). Its ``effect`` is
``fail`` (一票否决: the grade is 不合格 whatever the points) or ``no_excellent`` (the grade cannot be 优秀: it is
capped at the band below). Grades come from the bands (``{"grade", "min"}``: the highest band whose ``min`` the total
reaches). Ranking is competition ranking: equal totals share a rank and the next rank skips (1, 2, 2, 4).

Scores are exact (fractions) and rounded half up to two decimals only at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from ._util import exact, non_negative, read_json

KINDS = ("measured", "assessed", "veto")
RULE_KINDS = ("rate", "count", "deduct")
EFFECTS = ("fail", "no_excellent")
GRADES = ("excellent", "good", "pass", "fail")
CENT = Decimal("0.01")


@cache
def default_rubric() -> dict:
    """The county's default rubric (``data/assessment_rubric.json``): ``{source, verified, note, bands, targets:
    {township: {title, items}, member_unit: {...}}}``."""
    return read_json("assessment_rubric.json")


def to_decimal(value: Fraction | int) -> Decimal:
    """Round half up to two decimals (the score shown and stored)."""
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def check_rule(rule: Mapping[str, Any]) -> None:
    """ValueError naming what is wrong with a measured item's rule."""
    kind = rule.get("kind") if isinstance(rule, Mapping) else None
    if kind not in RULE_KINDS:
        raise ValueError(f"rule kind must be one of {', '.join(RULE_KINDS)}")
    if kind == "rate":
        full, zero = exact(rule.get("full_at"), "full_at"), exact(rule.get("zero_at"), "zero_at")
        if not 0 <= zero < full <= 1:
            raise ValueError("a rate rule needs 0 ≤ zero_at < full_at ≤ 1")
    elif kind == "count":
        if non_negative(rule.get("target"), "target") <= 0:
            raise ValueError("a count rule needs a target above 0")
    elif non_negative(rule.get("per"), "per") <= 0:
        raise ValueError("a deduct rule needs per above 0")


def item_score(points, rule: Mapping[str, Any], value) -> Fraction:
    """The score of a measured item worth ``points`` whose metric is ``value`` under ``rule`` (see the module)."""
    full = non_negative(points, "points")
    check_rule(rule)
    kind = rule["kind"]
    if kind == "rate":
        if value is None:
            return full
        share = non_negative(value, "value")
        high, low = exact(rule["full_at"], "full_at"), exact(rule["zero_at"], "zero_at")
        if share >= high:
            return full
        if share <= low:
            return Fraction(0)
        return full * (share - low) / (high - low)
    count = non_negative(value or 0, "value")
    if kind == "count":
        return full * min(count / exact(rule["target"], "target"), Fraction(1))
    return max(full - count * exact(rule["per"], "per"), Fraction(0))


def check_assessed(points, score) -> Fraction:
    """An assessor's score: between 0 and the item's points."""
    full, given = non_negative(points, "points"), non_negative(score, "score")
    if given > full:
        raise ValueError(f"the score {score} exceeds the item's {points} points")
    return given


def veto_triggered(value) -> bool:
    """A veto item is triggered by one occurrence or more (or an assessor's finding, ``True``)."""
    if value is True:
        return True
    if value in (None, False):
        return False
    return non_negative(value, "value") > 0


def grade(total, bands: Sequence[Mapping[str, Any]], effects: Iterable[str] = ()) -> str:
    """The grade of ``total`` from ``bands`` (highest ``min`` reached), then the triggered vetoes' ``effects``:
    ``fail`` makes it ``fail`` (一票否决); ``no_excellent`` lowers ``excellent`` to the next band."""
    ordered = sorted(bands, key=lambda b: exact(b["min"], "min"), reverse=True)
    if not ordered or any(b["grade"] not in GRADES for b in ordered):
        raise ValueError(f"bands name grades among {', '.join(GRADES)}")
    amount = exact(total, "total")
    found = next((b["grade"] for b in ordered if amount >= exact(b["min"], "min")), ordered[-1]["grade"])
    effects = set(effects)
    if unknown := effects - set(EFFECTS):
        raise ValueError(f"unknown veto effect {sorted(unknown)}")
    if "fail" in effects:
        return "fail"
    if "no_excellent" in effects and found == "excellent":
        names = [b["grade"] for b in ordered]
        return names[1] if len(names) > 1 else found
    return found


def total(scores: Iterable) -> Fraction:
    return sum((exact(s, "score") for s in scores), Fraction(0))


def rank(totals: Mapping[Any, Any]) -> dict[Any, int]:
    """Competition ranking of ``{key: total}``: highest first; equal totals share a rank and the next rank skips
    the places they take (totals 95, 90, 90, 80 rank 1, 2, 2, 4)."""
    ordered = sorted(totals.items(), key=lambda kv: exact(kv[1], "total"), reverse=True)
    ranks: dict[Any, int] = {}
    previous = None
    for position, (key, value) in enumerate(ordered, start=1):
        amount = exact(value, "total")
        if previous is None or amount != previous[0]:
            previous = (amount, position)
        ranks[key] = previous[1]
    return ranks
