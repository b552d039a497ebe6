"""Public-health and social-security events by their own rules (issue 16 §0): worked examples from the 2006
national public-health plan's conditions and the 《突发公共卫生事件应急条例》 reporting hours."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from yingji.standards import public_events as pe

T0 = datetime(2026, 6, 1, 12, 0)


@pytest.mark.parametrize(("cases", "deaths", "grade"), [
    (29, 0, None),                  # below 30 people, no death: not a 突发公共卫生事件 by the plan
    (30, 0, "ordinary"),            # Ⅳ 30-99 人，未出现死亡病例
    (99, 0, "ordinary"),
    (100, 0, "ordinary"),           # "超过100人" means more than 100
    (101, 0, "relatively_large"),   # Ⅲ 超过100人
    (5, 1, "relatively_large"),     # Ⅲ 出现死亡病例
    (101, 1, "serious"),            # Ⅱ 超过100人并出现死亡病例
    (20, 10, "serious"),            # Ⅱ 10例以上死亡病例
    (20, 9, "relatively_large"),
])
def test_food_poisoning_grades(cases, deaths, grade):
    computed_grade, computed = pe.health_grade("food_poisoning", cases, deaths)
    assert computed == grade
    assert computed_grade == (grade or "ordinary")


@pytest.mark.parametrize(("cases", "deaths", "grade"), [
    (9, 0, "ordinary"), (10, 0, "relatively_large"), (49, 4, "relatively_large"), (50, 0, "serious"),
    (3, 5, "serious"), (0, 0, None),
])
def test_occupational_poisoning_grades(cases, deaths, grade):
    assert pe.health_grade("occupational_poisoning", cases, deaths)[1] == grade


def test_declared_grade_and_the_more_severe_wins():
    # An infectious-disease outbreak has no numeric conditions: the health authority's determination decides.
    assert pe.health_grade("infectious_disease", 500, 0) == ("ordinary", None)
    assert pe.health_grade("infectious_disease", 3, 0, "serious") == ("serious", None)
    # Determined 较大, computed 重大 (10 deaths): 重大. Determined 重大, computed 一般: 重大.
    assert pe.health_grade("food_poisoning", 40, 10, "relatively_large")[0] == "serious"
    assert pe.health_grade("food_poisoning", 40, 0, "serious")[0] == "serious"
    assert pe.health_grade(None, 400, 30) == ("ordinary", None)  # kind not known yet: nothing computed


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        pe.health_grade("food_poisoning", -1, 0)
    with pytest.raises(ValueError):
        pe.health_grade("food_poisoning", 1.0, 0)
    with pytest.raises(ValueError):
        pe.health_grade("snake_bite", 1, 0)
    with pytest.raises(ValueError):
        pe.health_grade("food_poisoning", 1, 0, "grave")
    with pytest.raises(ValueError):
        pe.security_grade("grave")
    with pytest.raises(ValueError):
        pe.health_reporting_deadlines("2026-06-01", "ordinary")


def test_public_health_reporting_hours():
    # 条例 第二十条: 2 h to the county health authority, +2 h to the county government, +2 h to the city,
    # +2 h to the province; 第十九条: +1 h to the State Council health authority.
    assert pe.health_reporting_deadlines(T0, "ordinary") == [
        ("county", T0 + timedelta(hours=2)), ("city", T0 + timedelta(hours=6))]
    assert pe.health_reporting_deadlines(T0, "relatively_large") == pe.health_reporting_deadlines(T0, "ordinary")
    assert pe.health_reporting_deadlines(T0, "serious") == [
        ("county", T0 + timedelta(hours=2)), ("city", T0 + timedelta(hours=6)),
        ("province", T0 + timedelta(hours=8)), ("state_council", T0 + timedelta(hours=9))]


def test_social_security_grade_and_hours():
    assert pe.security_grade() == "ordinary"
    assert pe.security_grade("serious") == "serious"
    assert pe.security_reporting_deadlines(T0, "ordinary") == [("county", T0 + timedelta(hours=1))]
    # 总体预案 §4.2: 特别重大 and 重大 within 4 hours at the latest.
    assert pe.security_reporting_deadlines(T0, "especially_serious") == [
        ("county", T0 + timedelta(hours=1)), ("city", T0 + timedelta(hours=4))]


def test_data_file_marks_what_is_unverified():
    kinds = pe.rules_of("public_health")["grading"]["kinds"]
    assert kinds["occupational_poisoning"]["verified"] is False
    assert pe.rules_of("social_security")["reporting"]["verified"] is False
    assert set(kinds) == set(pe.HEALTH_KINDS)
    assert pe.health_kind_name("food_poisoning") == "食物中毒"
