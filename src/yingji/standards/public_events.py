"""Public-health and social-security events are graded and reported by their own rules (issue 16 §0), not by the
work-safety accident rules (``accidents``) nor the disaster relief plan (``disasters``).

- 公共卫生事件: 《国家突发公共卫生事件应急预案》 (2006) §1.3 grades them Ⅰ 特别重大 … Ⅳ 一般. The conditions that are
  numbers (一次食物中毒 and 急性职业中毒: cases and deaths) are computed here from ``data/public_events.json``; the
  others (disease, spread, incubation periods) are the health authority's determination, taken as the declared
  grade, and the more severe of the two applies. Reporting: 《突发公共卫生事件应急条例》 第十九条、第二十条.
- 社会安全事件: not graded by 《突发事件应对法》 (2024) 第三条; the competent department's determination is the grade
  (一般 until one is made). Reporting: 《国家突发公共事件总体应急预案》 (2006) §4.2 (4 hours at the latest).

Grades use the same keys as the other schemes (``accidents.GRADES``) so an incident has one grade field; what a
grade means follows the incident's scheme. Numbers not read in a copy are marked ``verified: false`` in the data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from ._util import count, read_json

#: Grades from the most severe down (the four grades of 《突发事件应对法》 第三条 / the 2006 plans' Ⅰ-Ⅳ).
GRADES = ("especially_serious", "serious", "relatively_large", "ordinary")
#: Reporting levels bottom up, as ``accidents.REPORTING_LEVELS``.
REPORTING_LEVELS = ("county", "city", "province", "state_council")
#: Kinds of public-health event the grading distinguishes (those with numeric conditions first).
HEALTH_KINDS = ("food_poisoning", "occupational_poisoning", "infectious_disease", "other")

_CONDITION_KEYS = {"cases_min", "cases_over", "deaths_min"}


@cache
def _data() -> dict:
    data = read_json("public_events.json")
    for kind, spec in data["public_health"]["grading"]["kinds"].items():
        if kind not in HEALTH_KINDS:
            raise RuntimeError(f"Unknown public-health kind {kind!r} in public_events.json")
        for level in spec["levels"]:
            if level["grade"] not in GRADES:
                raise RuntimeError(f"Unknown grade {level['grade']!r} in public_events.json")
            for condition in level["any"]:
                if not condition or set(condition) - _CONDITION_KEYS:
                    raise RuntimeError(f"Bad condition {condition!r} in public_events.json")
    return data


def _grade(value: str | None, what: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in GRADES:
        raise ValueError(f"Unknown {what} {value!r}; known: {', '.join(GRADES)}")
    return value


def more_severe(a: str, b: str | None) -> str:
    """The more severe of two grades (``b`` may be None)."""
    if b is None:
        return a
    return a if GRADES.index(a) <= GRADES.index(b) else b


def health_kind_name(kind: str) -> str:
    return _data()["public_health"]["grading"]["kinds"][kind]["name_zh"]


def health_grade(kind: str | None, cases: int, deaths: int, declared: str | None = None
                 ) -> tuple[str, str | None]:
    """(grade, computed) of a public-health event, 《国家突发公共卫生事件应急预案》 (2006) §1.3.

    ``kind`` is one of :data:`HEALTH_KINDS` (None or "" for not yet known: nothing is computed); ``cases`` the
    people taken ill or poisoned in the one event (一次…人数), ``deaths`` the dead; a level is reached when any of
    its conditions holds (all parts of one condition together); the most severe level reached wins. ``declared``
    is the health authority's determination (认定级别), for the plan's qualitative conditions. Returns the more
    severe of the declared and the computed grade (一般 when neither exists, so the event keeps a clock) and the
    computed grade alone (None when no numeric condition is met)."""
    count(cases, "cases")
    count(deaths, "deaths")
    declared = _grade(declared, "declared grade")
    computed = None
    if kind not in (None, ""):
        if kind not in HEALTH_KINDS:
            raise ValueError(f"Unknown public-health kind {kind!r}; known: {', '.join(HEALTH_KINDS)}")
        for level in _data()["public_health"]["grading"]["kinds"][kind]["levels"]:
            if any(_holds(condition, cases, deaths) for condition in level["any"]):
                computed = level["grade"]
                break
    grade = more_severe(computed, declared) if computed else (declared or "ordinary")
    return grade, computed


def _holds(condition: dict[str, int], cases: int, deaths: int) -> bool:
    checks = {"cases_min": cases >= condition.get("cases_min", 0),
              "cases_over": cases > condition.get("cases_over", -1),
              "deaths_min": deaths >= condition.get("deaths_min", 0)}
    return all(checks[key] for key in condition)


def health_reporting_deadlines(known_at: datetime, grade: str) -> list[tuple[str, datetime]]:
    """Latest report time at each level, 《突发公共卫生事件应急条例》 第二十条 (2 h to the county health authority,
    2 h on to the county government, 2 h to the 设区的市, 2 h to the province) and 第十九条 (the province to the
    State Council health authority within 1 h), added up from when the event became known (``known_at``). The
    county level is the county health authority's report; 一般 and 较大 stop at the city, 重大 and 特别重大 go to
    the State Council level [unverified mapping, see the data file]."""
    grade = _grade(grade, "grade") or ""
    if not grade:
        raise ValueError("grade is required")
    if not isinstance(known_at, datetime):
        raise ValueError("known_at must be a datetime")
    rules = _data()["public_health"]["reporting"]
    hours = rules["steps_hours"]
    top = REPORTING_LEVELS.index(rules["up_to"][grade])
    due = known_at + timedelta(hours=hours["county"])
    chain = [("county", due)]
    due += timedelta(hours=hours["county_government"] + hours["city"])
    steps = [("city", due)]
    due += timedelta(hours=hours["province"])
    steps.append(("province", due))
    due += timedelta(hours=hours["state_council"])
    steps.append(("state_council", due))
    return chain + steps[:top]


def security_grade(declared: str | None = None) -> str:
    """The grade of a social-security event: the competent department's determination (认定级别), 一般 until one
    is made (《突发事件应对法》 (2024) 第三条 does not grade these events; the 2006 master plan's Ⅰ-Ⅳ apply as
    determined)."""
    return _grade(declared, "declared grade") or "ordinary"


def security_reporting_deadlines(known_at: datetime, grade: str) -> list[tuple[str, datetime]]:
    """Latest report time at each level of a social-security event: to the county duty office within 1 h and from
    the county to the city within 4 h of the event becoming known (《国家突发公共事件总体应急预案》 (2006) §4.2,
    "最迟不得超过4小时"); 一般 events stop at the county [unverified, see the data file]."""
    grade = _grade(grade, "grade") or ""
    if not grade:
        raise ValueError("grade is required")
    if not isinstance(known_at, datetime):
        raise ValueError("known_at must be a datetime")
    rules = _data()["social_security"]["reporting"]
    chain = [("county", known_at + timedelta(hours=rules["county_hours"]))]
    if rules["up_to"][grade] == "city":
        chain.append(("city", known_at + timedelta(hours=rules["city_hours"])))
    return chain


def rules_of(scheme: str) -> dict[str, Any]:
    """The data file's section of a scheme (for pages that show the rules and what is unverified)."""
    if scheme not in ("public_health", "social_security"):
        raise ValueError(f"No public-event rules for {scheme!r}")
    return _data()[scheme]
