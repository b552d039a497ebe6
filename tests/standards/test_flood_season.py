"""The flood season's figures: 距平百分率, its classes, normals prorated by days, levels against their marks."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from yingji.standards import flood_season as fs


def test_anomaly_percent_worked_examples():
    assert fs.anomaly_percent(360, 300) == 20          # 3.6 against 3.0 dm: 偏多 2 成
    assert fs.anomaly_percent(150, 300) == -50
    assert fs.anomaly_percent(0, 80) == -100
    with pytest.raises(ValueError):
        fs.anomaly_percent(10, 0)
    with pytest.raises(ValueError):
        fs.anomaly_percent(-1, 10)


@pytest.mark.parametrize(("percent", "key"), [(120, "much_more"), (50, "much_more"), (49.9, "more"), (20, "more"),
                                              (19.9, "normal"), (-20, "normal"), (-20.1, "less"), (-50, "less"),
                                              (-50.1, "much_less"), (-100, "much_less")])
def test_anomaly_classes_include_their_lower_bound(percent, key):
    assert fs.anomaly_class(percent) == key


def test_normals_prorated_by_days():
    normals = [17, 22, 42, 58, 84, 108, 186, 161, 96, 62, 33, 14]
    assert fs.normal_rain(date(2026, 6, 1), date(2026, 6, 30)) == normals[5]
    assert fs.normal_rain(date(2026, 6, 1), date(2026, 7, 31)) == normals[5] + normals[6]
    assert fs.normal_rain(date(2026, 6, 1), date(2026, 6, 15)) == Fraction(108 * 15, 30)
    assert fs.normal_rain(date(2026, 12, 31), date(2027, 1, 1)) == Fraction(14, 31) + Fraction(17, 31)
    with pytest.raises(ValueError):
        fs.normal_rain(date(2026, 7, 1), date(2026, 6, 1))


def test_season_from_the_data_file():
    assert fs.season(2026) == (date(2026, 6, 1), date(2026, 9, 30))


def test_levels_against_their_marks():
    assert fs.level_state(4.49, warning=4.5, guarantee=5.6) == "normal"
    assert fs.level_state(4.5, warning=4.5, guarantee=5.6) == "over_warning"
    assert fs.level_state(5.6, warning=4.5, guarantee=5.6) == "over_guarantee"
    assert fs.level_state(101.2, flood_limit=101.0) == "over_flood_limit"
    assert fs.level_state(None, warning=4.5) == "unknown"
    assert fs.level_state(3.0) == "unknown"
    assert fs.margin(4.2, 4.5) == Fraction(-3, 10)
    assert fs.margin(None, 4.5) is None
