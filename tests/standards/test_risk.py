"""LEC (D = L×E×C) and LS (R = L×S) risk grading with the project-default bands."""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import risk
from yingji.standards.risk import RiskGrade

L_VALUES = (10, 6, 3, 1, 0.5, 0.2, 0.1)
E_VALUES = (10, 6, 3, 2, 1, 0.5)
C_VALUES = (100, 40, 15, 7, 3, 1)


def test_lec_worked_examples():
    assert risk.lec(3, 6, 7) == RiskGrade(score=126.0, level=3, color="yellow", label_zh="一般风险",
                                          control_tier="车间")
    assert risk.lec(6, 6, 15) == RiskGrade(540.0, 1, "red", "重大风险", "公司")
    assert risk.lec(3, 6, 15) == RiskGrade(270.0, 2, "orange", "较大风险", "部门")
    assert risk.lec(1, 6, 7) == RiskGrade(42.0, 4, "blue", "低风险", "班组")
    assert risk.lec(0.1, 0.5, 1).score == pytest.approx(0.05)


def test_lec_lower_bounds_are_exclusive():
    # On the standard scales only D = 70 lands on a band edge (160 and 320 are not products of scale values).
    assert (risk.lec(10, 1, 7).score, risk.lec(10, 1, 7).level) == (70, 4)  # D = 70 is still 低
    assert risk.lec(1, 10, 7).level == 4
    assert risk.lec(0.5, 10, 15).level == 3  # 75
    assert risk.lec(10, 1, 15).level == 3  # 150
    assert risk.lec(6, 2, 15).level == 2  # 180
    assert risk.lec(10, 2, 15).level == 2  # 300
    assert risk.lec(3, 3, 40).level == 1  # 360
    # Edges placed on reachable products by custom bands: lower bounds stay exclusive.
    assert risk.lec(10, 1, 15, thresholds=(300, 150, 70)).level == 3  # 150 is not > 150
    assert risk.lec(10, 2, 15, thresholds=(300, 150, 70)).level == 2  # 300 is not > 300


def _expected_level(d: Fraction, t=(320, 160, 70)) -> int:
    return 1 if d > t[0] else 2 if d > t[1] else 3 if d > t[2] else 4


@pytest.mark.parametrize("l, e, c", list(itertools.product(L_VALUES, E_VALUES, C_VALUES)))
def test_lec_every_scale_combination(l, e, c):  # noqa: E741
    d = Fraction(str(l)) * Fraction(str(e)) * Fraction(str(c))
    grade = risk.lec(l, e, c)
    assert grade.score == pytest.approx(float(d))
    assert grade.level == _expected_level(d)


def test_lec_exact_products_at_boundaries():
    # 0.5 × 10 × 40 = 200 and 0.2 × 10 × 40 = 80 in exact arithmetic; custom bands placed exactly on them.
    assert risk.lec(0.5, 10, 40, thresholds=(300, 200, 80)).level == 3  # 200 is not > 200
    assert risk.lec(0.2, 10, 40, thresholds=(300, 200, 80)).level == 4  # 80 is not > 80
    assert risk.lec(Decimal("0.5"), 10, 40).level == 2


@pytest.mark.parametrize("l, e, c", [
    (4, 6, 7), (3, 5, 7), (3, 6, 50), (0, 6, 7), (True, 6, 7), (3, 6, "7"), (3, None, 7), (float("nan"), 6, 7)])
def test_lec_rejects_values_off_the_scale(l, e, c):  # noqa: E741
    with pytest.raises(ValueError):
        risk.lec(l, e, c)


@pytest.mark.parametrize("l, s", list(itertools.product(range(1, 6), range(1, 6))))
def test_ls_every_cell(l, s):  # noqa: E741
    r = l * s
    expected = 1 if r >= 20 else 2 if r >= 15 else 3 if r >= 9 else 4
    grade = risk.ls(l, s)
    assert (grade.score, grade.level) == (r, expected)


def test_ls_band_edges():
    assert risk.ls(4, 5).level == 1 and risk.ls(5, 5).level == 1  # 20, 25
    assert risk.ls(3, 5).level == 2 and risk.ls(4, 4).level == 2  # 15, 16
    assert risk.ls(3, 3).level == 3 and risk.ls(3, 4).level == 3  # 9, 12
    assert risk.ls(2, 4).level == 4 and risk.ls(1, 1).level == 4  # 8, 1
    assert risk.ls(2, 4, thresholds=(17, 13, 8)).level == 3  # a provincial variant


@pytest.mark.parametrize("l, s", [(0, 3), (6, 3), (3, 0), (2.0, 3), (True, 3), ("3", 3), (3, None)])
def test_ls_rejects_values_off_the_scale(l, s):  # noqa: E741
    with pytest.raises(ValueError):
        risk.ls(l, s)


@pytest.mark.parametrize("thresholds", [(9, 15, 20), (20, 20, 9), (20, 15), (20, 15, 9, 1), (), 20, "20,15,9"])
def test_bad_thresholds(thresholds):
    with pytest.raises(ValueError):
        risk.ls(3, 3, thresholds=thresholds)


def test_level_scheme():
    assert [(g.color, g.label_zh, g.control_tier) for g in (risk.grade_for_level(n, 0) for n in (1, 2, 3, 4))] == [
        ("red", "重大风险", "公司"), ("orange", "较大风险", "部门"),
        ("yellow", "一般风险", "车间"), ("blue", "低风险", "班组")]
    for bad in (0, 5, True, 1.0):
        with pytest.raises(ValueError):
            risk.grade_for_level(bad, 0)


def test_grade_is_frozen():
    grade = risk.ls(1, 1)
    with pytest.raises(AttributeError):
        grade.level = 1


@given(l=st.sampled_from(L_VALUES), e=st.sampled_from(E_VALUES), c=st.sampled_from(C_VALUES),
       l2=st.sampled_from(L_VALUES), e2=st.sampled_from(E_VALUES), c2=st.sampled_from(C_VALUES))
def test_lec_is_monotone(l, e, c, l2, e2, c2):  # noqa: E741
    low = risk.lec(min(l, l2), min(e, e2), min(c, c2))
    high = risk.lec(max(l, l2), max(e, e2), max(c, c2))
    assert high.score >= low.score
    assert high.level <= low.level  # a larger D is never a lower risk (level 1 is the highest)


@given(l=st.integers(1, 5), s=st.integers(1, 5), dl=st.integers(0, 4), ds=st.integers(0, 4))
def test_ls_is_monotone(l, s, dl, ds):  # noqa: E741
    assert risk.ls(min(l + dl, 5), min(s + ds, 5)).level <= risk.ls(l, s).level
