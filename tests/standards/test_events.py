"""突发事件: four categories (突发事件应对法 第二条), types (2006 master plan), severity levels (第三条)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import events


def test_four_categories_in_statutory_order():
    assert [(c.key, c.name_zh) for c in events.categories()] == [
        ("natural_disaster", "自然灾害"), ("accident_disaster", "事故灾难"),
        ("public_health", "公共卫生事件"), ("social_security", "社会安全事件")]
    graded = {c.key: c.graded for c in events.categories()}
    assert graded == {"natural_disaster": True, "accident_disaster": True, "public_health": True,
                      "social_security": False}


def test_types_by_category():
    natural = {t.key for t in events.types("natural_disaster")}
    assert {"flood_drought", "meteorological", "earthquake", "geological", "marine", "biological",
            "forest_grassland_fire"} == natural
    accident = {t.name_zh for t in events.types("accident_disaster")}
    assert "交通运输事故" in accident and "核与辐射事故" in accident
    assert len(events.types()) == sum(len(events.types(c.key)) for c in events.categories())
    assert all(t.key.isascii() and t.key == t.key.lower() and " " not in t.key for t in events.types())
    with pytest.raises(ValueError, match="natural_disaster"):
        events.types("weather")


def test_type_info():
    info = events.type_info("earthquake")
    assert (info.name_zh, info.category, info.verified) == ("地震灾害", "natural_disaster", True)
    assert events.type_info("infectious_disease").verified is False  # not in the reference copy
    for bad in ("volcano", None, ["earthquake"]):
        with pytest.raises(ValueError):
            events.type_info(bad)


@pytest.mark.parametrize("level, roman, label, color", [
    (1, "I", "特别重大", "red"), (2, "II", "重大", "orange"), (3, "III", "较大", "yellow"), (4, "IV", "一般", "blue")])
def test_severity_labels(level, roman, label, color):
    got = events.severity_label(level)
    assert (got.level, got.roman, got.label_zh, got.color) == (level, roman, label, color)


@pytest.mark.parametrize("bad", [0, 5, -1, True, 1.0, "1", "I", None])
def test_unknown_severity_level(bad):
    with pytest.raises(ValueError):
        events.severity_label(bad)


@given(key=st.sampled_from([t.key for t in events.types()]))
def test_every_type_round_trips(key):
    info = events.type_info(key)
    assert info.key == key
    assert info in events.types(info.category)
    assert info.name_zh and info.name_en
