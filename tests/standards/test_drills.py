"""Drill frequency (《生产安全事故应急预案管理办法》第三十三条): worked examples and the period boundaries."""

import datetime as dt
import inspect
import subprocess
import sys

import pytest

from yingji.standards import drills as rules
from yingji.standards.drills import COMPREHENSIVE, MET, MISSED, ON_SITE, PENDING, SPECIAL

D = dt.date


def _status(kind, held, today, year=2026):
    results = rules.check(rules.requirements(kind), held, year, today)
    return {(r.requirement.key, r.start.month): r.status for r in results}, rules.overall(results)


def test_a_general_unit_drills_a_plan_yearly_and_on_site_half_yearly():
    held = [(D(2026, 3, 10), COMPREHENSIVE), (D(2026, 5, 20), ON_SITE), (D(2026, 9, 1), ON_SITE)]
    by, result = _status(rules.GENERAL, held, D(2026, 12, 31))
    assert by == {("plan", 1): MET, ("on_site", 1): MET, ("on_site", 7): MET}
    assert result == MET


def test_a_general_unit_with_only_a_special_drill_missed_its_on_site_drills():
    by, result = _status(rules.GENERAL, [(D(2026, 10, 8), SPECIAL)], D(2027, 1, 5))
    assert by == {("plan", 1): MET, ("on_site", 1): MISSED, ("on_site", 7): MISSED}
    assert result == MISSED


def test_a_high_risk_unit_needs_the_plan_drill_every_half_year():
    held = [(D(2026, 3, 10), COMPREHENSIVE), (D(2026, 5, 20), ON_SITE), (D(2026, 9, 1), ON_SITE)]
    by, result = _status(rules.HAZARDOUS_GOODS, held, D(2026, 12, 31))
    assert by[("plan", 1)] == MET and by[("plan", 7)] == PENDING  # 31 Dec is still inside the half-year
    by, result = _status(rules.HAZARDOUS_GOODS, held, D(2027, 1, 1))
    assert by[("plan", 7)] == MISSED and result == MISSED


@pytest.mark.parametrize("kind", rules.HIGH_RISK_KINDS)
def test_every_kind_listed_in_paragraph_two_is_half_yearly(kind):
    assert {r.period for r in rules.requirements(kind)} == {rules.HALF_YEAR}


def test_half_year_boundaries_and_future_drills():
    # 30 June belongs to the first half; 1 July to the second.
    by, _ = _status(rules.GENERAL, [(D(2026, 6, 30), ON_SITE)], D(2026, 7, 1))
    assert by[("on_site", 1)] == MET and by[("on_site", 7)] == PENDING
    by, _ = _status(rules.GENERAL, [(D(2026, 7, 1), ON_SITE)], D(2026, 7, 1))
    assert by[("on_site", 1)] == MISSED and by[("on_site", 7)] == MET
    # A drill dated after "today" is not held yet; a half-year not begun is not judged.
    by, result = _status(rules.GENERAL, [(D(2026, 5, 1), ON_SITE)], D(2026, 4, 1))
    assert by == {("plan", 1): PENDING, ("on_site", 1): PENDING} and result == PENDING


def test_township_default_is_one_drill_a_year():
    results = rules.check(rules.township_requirements(), [(D(2026, 4, 1), ON_SITE)], 2026, D(2026, 12, 31))
    assert rules.overall(results) == MET
    assert rules.overall(rules.check(rules.township_requirements(), [], 2025, D(2026, 1, 1))) == MISSED
    assert rules.TOWNSHIP_VERIFIED is False


@pytest.mark.parametrize(("facts", "division", "text", "kind"), [
    ({"hazardous_chemicals"}, "26", "", rules.HAZARDOUS_GOODS),
    ({"machinery", "hazchem_business"}, "34", "", rules.HAZARDOUS_GOODS),
    ({"fireworks_business"}, "52", "", rules.HAZARDOUS_GOODS),  # hazardous goods before the shop
    ({"non_coal_mining"}, "10", "", rules.MINE),
    ({"other", "tailings_pond"}, "", "", rules.MINE),
    ({"metallurgy"}, "31", "", rules.METAL_SMELTING),
    ({"other"}, "47", "", rules.CONSTRUCTION),
    ({"other"}, "54", "城市轨道交通运营", rules.URBAN_RAIL),
    ({"commerce"}, "61", "", rules.CROWDED_PLACE),
    ({"commerce"}, "90", "", rules.CROWDED_PLACE),
    ({"hazchem_use", "machinery"}, "34", "", rules.GENERAL),  # using chemicals is not among the listed kinds
    (set(), "", "", rules.GENERAL),
])
def test_unit_kind_from_the_registry(facts, division, text, kind):
    assert rules.unit_kind(facts, division, text) == kind


def test_unknown_kind_and_period():
    with pytest.raises(ValueError):
        rules.requirements("bakery")
    with pytest.raises(ValueError):
        rules.periods(2026, "quarter")


def test_pure_and_cited():
    code = ("import sys, yingji.standards.drills\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] == 'django'"
            " or (m.startswith('yingji.') and not m.startswith('yingji.standards'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert "第三十三条" in rules.__doc__ and "第三十三条" in rules.SOURCE
    for name, fn in inspect.getmembers(rules, inspect.isfunction):
        if not name.startswith("_"):
            assert fn.__doc__, name
