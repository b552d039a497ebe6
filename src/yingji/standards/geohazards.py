"""Geological hazard points and earthquake intensities.

险情等级 of a hazard point: 《地质灾害防治条例》 (国务院令第394号) 第四条 grades geological disasters
特大型/大型/中型/小型 by casualties and loss; the 群测群防 registers grade a hazard point's 险情 by the people
threatened and the potential loss, the higher of the two deciding (bands in ``data/geohazard_grades.json``, marked
UNVERIFIED there).

地震烈度: GB/T 17742-2020 《中国地震烈度表》, twelve degrees written Ⅰ–Ⅻ. The project opens a natural-disaster
incident from an intensity report at Ⅵ度 or more in a township, or magnitude 4.0 or more (project default, data).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from ._util import count, non_negative, read_json

ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ", "Ⅷ", "Ⅸ", "Ⅹ", "Ⅺ", "Ⅻ")
INCIDENT_MAGNITUDE = Decimal("4.0")


@cache
def table() -> dict:
    return read_json("geohazard_grades.json")


def threat_grade(people: Any, loss_wan: Any) -> str:
    """险情等级 key (huge/large/medium/small) of a point threatening ``people`` people and ``loss_wan`` 万元 of
    property: the highest grade either figure reaches ("以上" includes the bound)."""
    people = count(people, "people")
    loss = non_negative(loss_wan, "loss_wan")
    for grade in table()["grades"]:
        if people >= grade["people"] or loss >= grade["loss_wan"]:
            return grade["key"]
    raise AssertionError("the last grade must start at zero")


def grade_name(key: str) -> str:
    return next((g["name"] for g in table()["grades"] if g["key"] == key), key)


def intensity_label(degree: Any) -> str:
    degree = count(degree, "intensity")
    if not 1 <= degree <= 12:
        raise ValueError("intensity is a degree from 1 to 12 (GB/T 17742-2020)")
    return f"{ROMAN[degree - 1]}度"


def opens_incident(magnitude: Any, max_intensity: int | None) -> bool:
    """Whether an intensity report opens an incident: Ⅵ度 or more somewhere, or magnitude ≥ 4.0."""
    at = int(table()["intensity"]["incident_at"])
    return (max_intensity is not None and max_intensity >= at) or non_negative(magnitude, "magnitude") >= 4
