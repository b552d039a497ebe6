"""森林火险等级 (LY/T 1172-1995 index, season raises) and the geological hazard 险情 grade, worked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from yingji.standards import forest_fire, geohazards

DRY = {"max_temp_c": 24, "min_humidity_pct": 28, "dry_days": 6, "wind_force": 4}


def test_weather_index_worked_example():
    # A: 24 °C → band ≤25 → 10; B: 28 % → ≤30 → 25; C: 6 days → ≤7 → 30; D: force 4 → 20; E: dormant 0.
    index, scores = forest_fire.weather_index(**DRY)
    assert scores == {"A": 10, "B": 25, "C": 30, "D": 20, "E": 0}
    assert index == 85 and forest_fire.level_of_index(index) == 4


@pytest.mark.parametrize(("index", "level"), [(0, 1), (25, 1), (26, 2), (50, 2), (51, 3), (72, 3), (73, 4),
                                              (90, 4), (91, 5), (150, 5)])
def test_level_bounds_are_inclusive(index, level):
    assert forest_fire.level_of_index(index) == level


def test_bands_are_inclusive_at_the_upper_bound():
    assert forest_fire.weather_index(max_temp_c=25, min_humidity_pct=30, dry_days=0, wind_force=0)[1]["A"] == 10
    assert forest_fire.weather_index(max_temp_c=Decimal("25.1"), min_humidity_pct=Decimal("30.1"), dry_days=0,
                                     wind_force=0)[1] == {"A": 12, "B": 20, "C": 0, "D": 0, "E": 0}


def test_summer_day_is_not_raised():
    result = forest_fire.danger(datetime.date(2026, 7, 10), **DRY)
    assert (result.weather_level, result.level, result.reasons) == (4, 4, ())


def test_high_risk_period_raises_one_level():
    result = forest_fire.danger(datetime.date(2026, 3, 20), max_temp_c=18, min_humidity_pct=45, dry_days=3,
                                wind_force=2)
    # 8 + 15 + 15 + 10 = 48 → level 2; 高火险期 → 3.
    assert (result.index, result.weather_level, result.level) == (48, 2, 3)
    assert result.reasons == ("高火险期",)


def test_key_date_raises_again_and_the_level_stops_at_five():
    qingming = forest_fire.danger(datetime.date(2026, 4, 5), **DRY)
    assert qingming.level == 5 and "重点时段：清明节" in qingming.reasons
    # 冬至 2026-12-22: within the window (3 days) on the 19th, not on the 18th; December is 高火险期 too.
    mild = {"max_temp_c": 5, "min_humidity_pct": 75, "dry_days": 0, "wind_force": 0}
    assert forest_fire.danger(datetime.date(2026, 12, 19), **mild).level == 3
    assert forest_fire.danger(datetime.date(2026, 12, 18), **mild).level == 2
    assert forest_fire.key_date_near(datetime.date(2026, 2, 17)) == "春节"


def test_green_vegetation_and_snow_lower_the_level():
    assert forest_fire.weather_index(**DRY, phenology="green")[0] == 70
    assert forest_fire.danger(datetime.date(2026, 4, 5), **DRY, phenology="snow").level == 1


@pytest.mark.parametrize("bad", [{"max_temp_c": 80}, {"min_humidity_pct": 101}, {"min_humidity_pct": -1},
                                 {"wind_force": 13}, {"dry_days": "x"}, {"max_temp_c": float("nan")}])
def test_bad_weather_is_a_value_error(bad):
    with pytest.raises(ValueError):
        forest_fire.weather_index(**{**DRY, **bad})
    with pytest.raises(ValueError):
        forest_fire.weather_index(**DRY, phenology="autumn")


def test_table_declares_its_source_and_what_is_unverified():
    table = forest_fire.table()
    assert "LY/T 1172" in table["source"] and table["verified"] is False
    assert all("verified" in table[k] for k in ("max_temperature_c", "min_humidity_pct", "dry_days", "wind_force",
                                                "levels", "key_dates"))


@pytest.mark.parametrize(("people", "loss", "grade"), [
    (0, 0, "small"), (99, 499, "small"), (100, 0, "medium"), (0, 500, "medium"), (499, 4999, "medium"),
    (500, 0, "large"), (10, 5000, "large"), (1000, 0, "huge"), (0, Decimal("10000"), "huge")])
def test_geohazard_threat_grade(people, loss, grade):
    assert geohazards.threat_grade(people, loss) == grade


def test_intensity_and_incident_threshold():
    assert geohazards.intensity_label(6) == "Ⅵ度" and geohazards.intensity_label(12) == "Ⅻ度"
    with pytest.raises(ValueError):
        geohazards.intensity_label(13)
    assert geohazards.opens_incident(Decimal("3.4"), 6) and geohazards.opens_incident(Decimal("4.0"), None)
    assert not geohazards.opens_incident(Decimal("3.9"), 5)
