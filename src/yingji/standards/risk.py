"""Risk grading for 双重预防 (风险分级管控): LEC (D = L×E×C) and the 5×5 LS matrix (R = L×S).

No national standard fixes the LEC or LS bands. The scales are the Graham-Kinney values every public
implementation agrees on; the bands are the project defaults in the reference README (configurable: pass
``thresholds``). Four levels and colours follow the usual 双重预防 wording derived from 安委办〔2016〕11号
[document number unverified]; the control tiers are common practice, not a national rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ._util import exact

#: LEC scale values (作业条件危险性评价法): L likelihood, E exposure frequency, C consequence.
LEC_L = (10, 6, 3, 1, 0.5, 0.2, 0.1)
LEC_E = (10, 6, 3, 2, 1, 0.5)
LEC_C = (100, 40, 15, 7, 3, 1)
#: Project default LEC bands, lower bound exclusive: D > 320 → 1, D > 160 → 2, D > 70 → 3, else 4.
LEC_THRESHOLDS = (320, 160, 70)
#: Project default LS bands, lower bound inclusive: R ≥ 20 → 1, R ≥ 15 → 2, R ≥ 9 → 3, else 4
#: (i.e. 20-25 重大, 15-16 较大, 9-12 一般, 1-8 低) [unverified: DB37/T 2882 style].
LS_THRESHOLDS = (20, 15, 9)
LS_SCALE = (1, 2, 3, 4, 5)

#: level → (colour, 中文标签, 管控层级). Level 1 = 重大 is the highest.
LEVELS = {
    1: ("red", "重大风险", "公司"),
    2: ("orange", "较大风险", "部门"),
    3: ("yellow", "一般风险", "车间"),
    4: ("blue", "低风险", "班组"),
}


@dataclass(frozen=True)
class RiskGrade:
    score: float | int
    level: int
    color: str
    label_zh: str
    control_tier: str


def grade_for_level(level: int, score: float | int) -> RiskGrade:
    """The four-level, four-colour scheme of 双重预防 (安委办〔2016〕11号 wording [unverified]) with the usual
    control tiers: 1 重大/red → 公司, 2 较大/orange → 部门, 3 一般/yellow → 车间, 4 低/blue → 班组."""
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise ValueError(f"Risk level must be 1-4, not {level!r}")
    color, label, tier = LEVELS[level]
    return RiskGrade(score=score, level=level, color=color, label_zh=label, control_tier=tier)


def _scale_value(value, scale, what: str) -> Fraction:
    number = exact(value, what)
    if number not in {Fraction(str(v)) for v in scale}:
        raise ValueError(f"{what} must be one of the LEC scale values {', '.join(map(str, scale))}; got {value!r}")
    return number


def _check_thresholds(thresholds, default) -> tuple[Fraction, ...]:
    if thresholds is None:
        thresholds = default
    if isinstance(thresholds, str) or not isinstance(thresholds, tuple | list):
        raise ValueError("thresholds must be a tuple of three numbers")
    values = tuple(exact(t, "threshold") for t in thresholds)
    if len(values) != 3 or not values[0] > values[1] > values[2]:
        raise ValueError("thresholds must be three strictly decreasing numbers (levels 1, 2, 3)")
    return values


def lec(l, e, c, *, thresholds=None) -> RiskGrade:  # noqa: E741 - L, E, C are the method's own letters
    """LEC / 作业条件危险性评价法 (Graham-Kinney): D = L × E × C.

    L ∈ {10, 6, 3, 1, 0.5, 0.2, 0.1}, E ∈ {10, 6, 3, 2, 1, 0.5}, C ∈ {100, 40, 15, 7, 3, 1}; anything else is a
    ValueError. Bands (project default, lower bound exclusive): D > 320 重大/red; 160 < D ≤ 320 较大/orange;
    70 < D ≤ 160 一般/yellow; D ≤ 70 低/blue. ``thresholds=(t1, t2, t3)`` replaces (320, 160, 70).
    """
    d = _scale_value(l, LEC_L, "L") * _scale_value(e, LEC_E, "E") * _scale_value(c, LEC_C, "C")
    t1, t2, t3 = _check_thresholds(thresholds, LEC_THRESHOLDS)
    level = 1 if d > t1 else 2 if d > t2 else 3 if d > t3 else 4
    return grade_for_level(level, float(d))


def ls(l, s, *, thresholds=None) -> RiskGrade:  # noqa: E741 - L, S are the method's own letters
    """LS 风险矩阵 (5×5): R = L × S with L and S integers 1-5.

    Bands (project default, lower bound inclusive): 20-25 重大/red; 15-16 较大/orange; 9-12 一般/yellow;
    1-8 低/blue. ``thresholds=(t1, t2, t3)`` replaces (20, 15, 9): R ≥ t1 → 1, R ≥ t2 → 2, R ≥ t3 → 3.
    """
    for name, value in (("L", l), ("S", s)):
        if isinstance(value, bool) or not isinstance(value, int) or value not in LS_SCALE:
            raise ValueError(f"{name} must be an integer 1-5, got {value!r}")
    r = l * s
    t1, t2, t3 = _check_thresholds(thresholds, LS_THRESHOLDS)
    level = 1 if r >= t1 else 2 if r >= t2 else 3 if r >= t3 else 4
    return grade_for_level(level, r)
