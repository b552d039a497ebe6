"""尾矿库 (tailings ponds): the design grade (等别) from total capacity and dam height, and which ponds must carry
online safety monitoring.

Grade: 《尾矿库安全规程》 GB 39496-2020, its grading table (the same as 《尾矿设施设计规范》 GB 50863-2013 §3.3.1 and
Table 3.3.1), shipped in ``data/tailings_grades.json`` with its source (``verified: false``: the clause numbers of
GB 39496-2020 were not checked against the text; the limits agree across editions). Each of the total capacity V and
the dam height H gives a grade —

=====  ============================  ==================
grade  total capacity V (10⁴ m³)     dam height H (m)
=====  ============================  ==================
二等    V ≥ 10000                      H ≥ 100
三等    1000 ≤ V < 10000               60 ≤ H < 100
四等    100 ≤ V < 1000                 30 ≤ H < 60
五等    V < 100                        H < 30
=====  ============================  ==================

When the two differ by one grade the higher counts; by more than one, one below the higher. A 二等 pond whose
failure would bring severe disaster to important towns, works or trunk railways downstream is raised to 一等.

Online monitoring: 《尾矿库安全监测技术规范》 AQ 2030-2010 §4 requires online monitoring of 三等 and higher ponds;
the 2020 national campaign against 头顶库 (ponds with people or important facilities within 1 km downstream) extended
it to every 头顶库. [unverified: the clause numbers are as commonly cited and were not checked against the texts.]
"""

from __future__ import annotations

from ._util import exact, read_json


def _load(document: dict) -> tuple[tuple[tuple[int, int, int], ...], int, int]:
    """The limits (grade, minimum V, minimum H) from the highest graded by size, the lowest grade and the grade
    from which online monitoring is required, checked: grades 1–5 in order, limits falling with the grade."""
    grades = document["grades"]
    if [g["grade"] for g in grades] != [1, 2, 3, 4, 5]:
        raise ValueError("tailings grades must be 1 to 5 in order")
    limits = tuple((g["grade"], g["min_capacity"], g["min_height"]) for g in grades if "min_capacity" in g)
    if [g for g, _v, _h in limits] != [2, 3, 4]:
        raise ValueError("limits are given for grades 2 to 4")
    for (_g1, v1, h1), (_g2, v2, h2) in zip(limits, limits[1:], strict=False):
        if not (v1 > v2 > 0 and h1 > h2 > 0):
            raise ValueError("limits must fall with the grade")
    return limits, grades[-1]["grade"], document["online_monitoring"]["from_grade"]


#: (grade, minimum V in 10⁴ m³, minimum H in m) from the highest, for grades 二等 to 四等; below them 五等.
GRADE_LIMITS, LOWEST, MONITORED_FROM = _load(read_json("tailings_grades.json"))


def _grade_of(value, limits) -> int:
    for grade, minimum in limits:
        if value >= minimum:
            return grade
    return LOWEST


def grade(capacity, dam_height, *, severe_downstream: bool = False) -> int:
    """The design grade (1 = 一等, the highest … 5 = 五等) of a pond of total capacity ``capacity`` (10⁴ m³) and dam
    height ``dam_height`` (m). GB 50863-2013 §3.3.1."""
    v = exact(capacity, "capacity")
    h = exact(dam_height, "dam height")
    if v < 0 or h < 0:
        raise ValueError("capacity and dam height cannot be negative")
    by_v = _grade_of(v, [(g, exact(m, "limit")) for g, m, _h in GRADE_LIMITS])
    by_h = _grade_of(h, [(g, exact(m, "limit")) for g, _v, m in GRADE_LIMITS])
    higher, lower = min(by_v, by_h), max(by_v, by_h)
    result = higher if lower - higher <= 1 else higher + 1
    if result == 2 and severe_downstream:
        result = 1
    return result


def online_monitoring_required(pond_grade: int, *, head_top: bool) -> bool:
    """Whether the pond must have online monitoring: 三等 or higher (AQ 2030-2010 §4), or a 头顶库."""
    return pond_grade <= MONITORED_FROM or head_top
