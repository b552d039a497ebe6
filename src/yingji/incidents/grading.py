"""Which rules grade an incident and set its reporting clock, by category (issue 16 §0): work-safety accidents
by 《生产安全事故报告和调查处理条例》 (``standards.accidents``, unchanged), natural disasters by the county disaster
relief plan's levels and the disaster statistics deadlines (``standards.disasters``), public-health events by the
public-health plan's conditions and the 《突发公共卫生事件应急条例》 hours, social-security events by the competent
department's determination and the master plan's 4 hours (``standards.public_events``). The county's own disaster
thresholds are data of a higher app (disasters), which registers a provider here; without one the data file's
example applies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yingji.standards import accidents, disasters, public_events

#: provider(region_code) -> {level: {indicator: min}} of the county relief plan (registered by disasters).
_thresholds_provider: list[Callable[[str], dict]] = []
#: provider(incident) -> extra disaster indicators of the incident (the county's latest disaster report).
_indicators_provider: list[Callable[[Any], dict]] = []


def register_thresholds(provider: Callable[[str], dict]) -> None:
    _thresholds_provider[:] = [provider]


def register_indicators(provider: Callable[[Any], dict]) -> None:
    _indicators_provider[:] = [provider]


def scheme(category: str | None) -> str:
    """The grading scheme of a category (work_safety when unknown, as before)."""
    try:
        return disasters.grading_scheme(category or "")
    except ValueError:
        return "work_safety"


def is_natural_disaster(category: str | None) -> bool:
    return scheme(category) == "natural_disaster"


def grade_and_chain(category: str | None, figures: dict, occurred_at, region_code: str = "", incident=None):
    """(grade, [(level, due)]) by the category's rules. ValueError on bad figures (the service maps it).
    ``figures`` holds deaths, serious_injuries, missing, direct_loss_yuan and, for public-health and
    social-security events, cases, health_kind and declared_grade (the competent department's determination)."""
    kind = scheme(category)
    if kind == "public_health":
        grade, _computed = public_events.health_grade(figures.get("health_kind") or None, figures.get("cases", 0),
                                                      figures["deaths"], figures.get("declared_grade") or None)
        return grade, public_events.health_reporting_deadlines(occurred_at, grade)
    if kind == "social_security":
        grade = public_events.security_grade(figures.get("declared_grade") or None)
        return grade, public_events.security_reporting_deadlines(occurred_at, grade)
    if kind != "natural_disaster":
        grade = accidents.grade(figures["deaths"], figures["serious_injuries"], figures["direct_loss_yuan"])
        return grade, accidents.reporting_deadlines(occurred_at, grade)
    extra = _indicators_provider[0](incident) if (_indicators_provider and incident is not None) else {}
    values = disasters.incident_figures(figures["deaths"], figures.get("missing", 0), figures["direct_loss_yuan"],
                                        extra)
    thresholds = _thresholds_provider[0](region_code) if _thresholds_provider else None
    grade, _level = disasters.incident_grade(values, thresholds or None)
    return grade, disasters.incident_reporting_deadlines(occurred_at)


def chain_for(category: str | None, occurred_at, grade: str):
    """The reporting chain of an incident whose grade is known."""
    kind = scheme(category)
    if kind == "natural_disaster":
        return disasters.incident_reporting_deadlines(occurred_at)
    if kind == "public_health":
        return public_events.health_reporting_deadlines(occurred_at, grade)
    if kind == "social_security":
        return public_events.security_reporting_deadlines(occurred_at, grade)
    return accidents.reporting_deadlines(occurred_at, grade)
