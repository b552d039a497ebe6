"""Pure scoring of the assessment (``yingji.standards.assessment``) from worked examples."""

from __future__ import annotations

from fractions import Fraction

import pytest

from yingji.standards import assessment as s

RATE = {"kind": "rate", "full_at": 0.95, "zero_at": 0.6}
BANDS = s.default_rubric()["bands"]


@pytest.mark.parametrize(("value", "expected"), [
    (1, 15), (0.95, 15), (0.6, 0), (0.5, 0),
    # 15 × (0.8 − 0.6) / (0.95 − 0.6) = 15 × 0.2 / 0.35 = 60/7 ≈ 8.57
    (0.8, Fraction(60, 7)),
    (None, 15),  # nothing was due: full points
])
def test_rate_rule_is_linear_between_floor_and_target(value, expected):
    assert s.item_score(15, RATE, value) == expected


def test_rounding_half_up_to_cents():
    assert str(s.to_decimal(s.item_score(15, RATE, 0.8))) == "8.57"
    assert str(s.to_decimal(Fraction(1, 200))) == "0.01"


def test_count_rule_against_required_drills():
    rule = {"kind": "count", "target": 2}
    assert s.item_score(10, rule, 0) == 0
    assert s.item_score(10, rule, 1) == 5
    assert s.item_score(10, rule, 3) == 10


def test_deduct_rule_per_occurrence_up_to_the_points():
    rule = {"kind": "deduct", "per": 1}
    assert s.item_score(10, rule, 3) == 7
    assert s.item_score(10, rule, 12) == 0


@pytest.mark.parametrize("rule", [{"kind": "rate", "full_at": 0.5, "zero_at": 0.6}, {"kind": "count", "target": 0},
                                  {"kind": "deduct", "per": -1}, {"kind": "other"}, {}])
def test_bad_rules_are_refused(rule):
    with pytest.raises(ValueError):
        s.check_rule(rule)


def test_assessed_score_within_points():
    assert s.check_assessed(8, 7.5) == Fraction(15, 2)
    with pytest.raises(ValueError):
        s.check_assessed(8, 9)


def test_grade_bands_from_the_data():
    assert [s.grade(t, BANDS) for t in (95, 90, 89.99, 80, 60, 59.5)] == [
        "excellent", "excellent", "good", "good", "pass", "fail"]


def test_veto_fail_overrides_any_total():
    assert s.grade(98, BANDS, ["fail"]) == "fail"


def test_veto_no_excellent_caps_at_the_next_band_only():
    assert s.grade(96, BANDS, ["no_excellent"]) == "good"
    assert s.grade(70, BANDS, ["no_excellent"]) == "pass"


def test_veto_triggered_by_one_occurrence_or_a_finding():
    assert s.veto_triggered(1) and s.veto_triggered(True)
    assert not s.veto_triggered(0) and not s.veto_triggered(None)


def test_ranking_ties_share_a_rank_and_the_next_skips():
    ranks = s.rank({"a": 95, "b": 90, "c": 90, "d": 80, "e": 80, "f": 70})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": 4, "f": 6}


def test_default_rubric_adds_up_to_100_and_marks_unverified_rows():
    data = s.default_rubric()
    for target in data["targets"].values():
        assert sum(i["points"] for i in target["items"] if i["kind"] != "veto") == 100
        for item in target["items"]:
            assert "verified" in item and (item["verified"] or "note" in item)
            if item["kind"] == "measured":
                s.check_rule(item["rule"])
            if item["kind"] == "veto":
                assert item["effect"] in s.EFFECTS
