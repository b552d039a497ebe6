"""Natural-disaster grading and statistics rules (standards.disasters): worked examples and boundaries."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from yingji.standards import accidents
from yingji.standards import disasters as d

T0 = datetime(2026, 7, 10, 3, 40)


def figs(**kw):
    return d.clean_figures(kw)


def test_schemes_separate_disasters_from_accidents():
    assert d.grading_scheme("accident_disaster") == "work_safety"
    assert d.grading_scheme("natural_disaster") == "natural_disaster"
    assert d.grading_scheme("public_health") == "public_health"
    assert d.grading_scheme("social_security") == "social_security"
    with pytest.raises(ValueError):
        d.grading_scheme("flood")
    # The work-safety rules are untouched: 3 deaths is still 较大.
    assert accidents.grade(3, 0, 0) == "relatively_large"


def test_indicators_cover_the_table():
    keys = d.indicator_keys()
    for key in ("affected_people", "deaths", "missing", "evacuated", "needs_relief", "collapsed_households",
                "collapsed_rooms", "severe_households", "severe_rooms", "minor_households", "minor_rooms",
                "crop_affected_ha", "crop_damaged_ha", "crop_lost_ha", "loss_total"):
        assert key in keys
    assert len(d.sector_keys()) >= 5


def test_clean_figures():
    f = figs(affected_people=10, crop_affected_ha="1.5", loss_total=2.25)
    assert f["deaths"] == 0 and f["crop_affected_ha"] == Decimal("1.5") and f["loss_total"] == Decimal("2.25")
    for bad in ({"deaths": -1}, {"deaths": 1.0}, {"deaths": True}, {"crop_affected_ha": "x"}, {"nope": 1},
                {"loss_total": -0.01}):
        with pytest.raises(ValueError):
            d.clean_figures(bad)


def test_consistent_report_passes():
    f = figs(affected_people=1200, deaths=1, missing=1, evacuated=300, needs_relief=200, collapsed_households=3,
             collapsed_rooms=8, severe_households=5, severe_rooms=12, minor_households=20, minor_rooms=30,
             crop_affected_ha="80", crop_damaged_ha="50", crop_lost_ha="10", loss_total="500",
             loss_agriculture="200", loss_housing="100")
    assert d.validate(f, named_dead=1, named_missing=1) == {}


@pytest.mark.parametrize("kw,field", [
    ({"crop_affected_ha": "10", "crop_damaged_ha": "10.01"}, "crop_damaged_ha"),
    ({"crop_affected_ha": "10", "crop_damaged_ha": "5", "crop_lost_ha": "5.1"}, "crop_lost_ha"),
    ({"affected_people": 1, "deaths": 1, "missing": 1}, "deaths"),
    ({"affected_people": 5, "evacuated": 6}, "evacuated"),
    ({"affected_people": 5, "needs_relief": 6}, "needs_relief"),
    ({"collapsed_households": 3, "collapsed_rooms": 2}, "collapsed_rooms"),
    ({"severe_rooms": 2}, "severe_households"),
    ({"minor_households": 2, "minor_rooms": 1}, "minor_rooms"),
    ({"loss_total": "10", "loss_agriculture": "6", "loss_industry": "4.01"}, "loss_total"),
])
def test_each_rule(kw, field):
    assert field in d.validate(figs(**kw))


def test_boundaries_are_allowed():
    f = figs(affected_people=2, deaths=1, missing=1, evacuated=2, needs_relief=2, crop_affected_ha="5",
             crop_damaged_ha="5", crop_lost_ha="5", collapsed_households=2, collapsed_rooms=2, loss_total="10",
             loss_agriculture="6", loss_industry="4")
    assert d.validate(f) == {}


def test_casualty_list_must_name_every_death_and_missing():
    f = figs(affected_people=10, deaths=2, missing=1)
    errors = d.validate(f, named_dead=1, named_missing=0)
    assert "deaths" in errors and "missing" in errors
    assert d.validate(f, named_dead=2, named_missing=1) == {}


def test_sum_of_children():
    a = figs(affected_people=100, loss_total="1.5")
    b = figs(affected_people=50, loss_total="2")
    total = d.sum_figures([a, b])
    assert total["affected_people"] == 150 and total["loss_total"] == Decimal("3.5")
    assert d.validate(total, children=[a, b]) == {}
    wrong = dict(total, affected_people=149)
    assert "affected_people" in d.validate(wrong, children=[a, b])


def test_initial_deadlines_by_tier():
    assert d.initial_due(T0, "330100") == T0 + timedelta(hours=2)
    assert d.initial_due(T0, "330100200") == T0 + timedelta(hours=1)
    assert d.initial_due(T0, "330100200001") == T0 + timedelta(minutes=30)
    with pytest.raises(ValueError):
        d.tier("3301")


def test_follow_up_daily_at_nine_for_major():
    dues = d.follow_up_dues(T0, datetime(2026, 7, 12, 9, 0), major=True)
    assert dues == [datetime(2026, 7, 11, 9), datetime(2026, 7, 12, 9)]
    assert d.follow_up_dues(T0, datetime(2026, 7, 11, 8, 59), major=True) == []


def test_follow_up_weekly_otherwise():
    assert d.follow_up_dues(T0, T0 + timedelta(days=14), major=False) == [T0 + timedelta(days=7),
                                                                          T0 + timedelta(days=14)]


def test_final_five_days_after_end():
    end = datetime(2026, 7, 13, 18)
    assert d.final_due(end) == datetime(2026, 7, 18, 18)


def test_next_due_sequence():
    now = datetime(2026, 7, 10, 5)
    assert d.next_due(T0, None, "330100", major=True, stages_done={}, now=now) == ("initial", T0 + timedelta(hours=2))
    assert d.next_due(T0, None, "330100", major=True, stages_done={"initial": 1}, now=now) == (
        "follow_up", datetime(2026, 7, 11, 9))
    assert d.next_due(T0, None, "330100", major=True, stages_done={"initial": 1, "follow_up": 1},
                      now=datetime(2026, 7, 11, 10)) == ("follow_up", datetime(2026, 7, 12, 9))
    end = datetime(2026, 7, 13, 18)
    assert d.next_due(T0, end, "330100", major=True, stages_done={"initial": 1}, now=now) == (
        "final", datetime(2026, 7, 18, 18))
    assert d.next_due(T0, end, "330100", major=True, stages_done={"initial": 1, "final": 1}, now=now) is None


def test_response_levels_county_example():
    table = d.relief_level_table()
    assert d.response_level(figs(), table) == (None, [])
    # Boundary: one dead reaches Ⅳ (以上 includes the number).
    assert d.response_level(figs(affected_people=1, deaths=1), table) == ("IV", ["dead_and_missing"])
    # 2 dead + 1 missing = 3 → Ⅲ.
    assert d.response_level(figs(affected_people=3, deaths=2, missing=1), table)[0] == "III"
    # The larger of evacuated / needs relief counts.
    level, reached = d.response_level(figs(affected_people=20000, evacuated=9999, needs_relief=10000), table)
    assert level == "II" and reached == ["evacuated_or_needs_relief"]
    # Collapsed + severely damaged rooms add up.
    assert d.response_level(figs(collapsed_households=100, collapsed_rooms=150, severe_households=100,
                                 severe_rooms=150), table)[0] == "III"


def test_response_levels_national():
    table = d.relief_level_table("national")
    assert d.response_level(figs(affected_people=1000, deaths=19), table) == (None, [])
    assert d.response_level(figs(affected_people=1000, deaths=20), table)[0] == "IV"
    assert d.response_level(figs(affected_people=3_000_000, evacuated=2_000_000), table)[0] == "I"
    with pytest.raises(ValueError):
        d.response_level(figs(), {"I": {"rain": 1}})
