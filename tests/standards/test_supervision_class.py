"""Supervision class (分类分级): worked examples, boundaries and the spread of visits over the year."""

from __future__ import annotations

import pytest

from yingji.standards import documents
from yingji.standards import supervision_class as sc
from yingji.standards.supervision_class import ClassInputs, grade


def test_nothing_known_is_the_lightest_class():
    result = grade(ClassInputs())
    assert result.supervision_class == "D" and result.reason == "无较高风险因素"
    assert (result.key_visits, result.random_visits) == (0, 1)


@pytest.mark.parametrize(("level", "expected"), [(1, "A"), (2, "A"), (3, "B"), (4, "B")])
def test_major_hazard_level_boundaries(level, expected):
    result = grade(ClassInputs(major_hazard_level=level))
    assert result.supervision_class == expected
    assert result.reasons == (f"存在{sc.LEVEL_NAMES[level]}重大危险源",)


@pytest.mark.parametrize(("colour", "expected"), [("red", "A"), ("orange", "B"), ("yellow", "C"), ("blue", "D")])
def test_risk_colour_grades(colour, expected):
    assert grade(ClassInputs(risk_colour=colour)).supervision_class == expected


def test_worked_example_hazardous_chemicals_plant_with_a_level_three_source():
    # A plant trading in hazardous chemicals, a 三级 source, orange at worst, a clean record: B, and the reason
    # names every criterion that called for B (not the yellow or sector-C ones).
    result = grade(ClassInputs(risk_colour="orange", major_hazard_level=3,
                               sectors=frozenset({"hazardous_chemicals", "confined_space"})))
    assert result.supervision_class == "B"
    assert result.reason == "存在三级重大危险源；最高风险等级为橙色（较大风险）；属危险化学品重点行业领域"
    assert (result.key_visits, result.random_visits) == (2, 0)


def test_worked_example_workshop_with_dust_and_an_accident_last_year():
    result = grade(ClassInputs(risk_colour="yellow", sectors=frozenset({"combustible_dust"}), accidents=1))
    assert result.supervision_class == "A" and result.reasons == ("近一年发生生产安全事故1起",)
    assert result.visits == 4


def test_record_thresholds_are_at_least_one():
    assert grade(ClassInputs(major_hazards=0)).supervision_class == "D"
    assert grade(ClassInputs(major_hazards=1)).supervision_class == "A"
    assert grade(ClassInputs(penalties=1)).supervision_class == "B"
    assert grade(ClassInputs(penalties=1)).reasons == ("近一年受到行政处罚1次",)


def test_industry_and_trade_key_areas_are_at_least_c():
    assert grade(ClassInputs(sectors=frozenset({"confined_space"}))).supervision_class == "C"
    assert grade(ClassInputs(sectors=frozenset({"fireworks"}))).supervision_class == "B"


@pytest.mark.parametrize("bad", [
    ClassInputs(major_hazard_level=0), ClassInputs(major_hazard_level=5), ClassInputs(risk_colour="green"),
    ClassInputs(sectors=frozenset({"bakery"})), ClassInputs(accidents=-1), ClassInputs(penalties=1.0),
])
def test_bad_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        grade(bad)


def test_frequencies_come_from_the_data_file_and_are_marked_unverified():
    assert sc.CLASSES == ("A", "B", "C", "D")
    assert [sc.frequency(c) for c in sc.CLASSES] == [(4, 0), (2, 0), (1, 1), (0, 1)]
    assert sc.VERIFIED is False and "unverified" in sc.SOURCE
    assert sc.label("A") == "A类（重点监管）"
    assert sc.stricter("C", "A") == "A" and sc.stricter("B", "D") == "B"
    with pytest.raises(ValueError):
        sc.frequency("E")


@pytest.mark.parametrize(("visits", "offset", "months"), [
    (0, 0, []), (1, 0, [1]), (1, 5, [6]), (1, 11, [12]), (1, 12, [1]), (2, 0, [1, 7]), (2, 1, [2, 8]),
    (4, 0, [1, 4, 7, 10]), (4, 2, [3, 6, 9, 12]), (4, 3, [1, 4, 7, 10]),
])
def test_visits_are_spread_over_the_year(visits, offset, months):
    assert sc.spread_months(visits, offset) == months


def test_spread_stays_in_the_year_for_any_offset_and_count():
    for visits in range(0, 15):
        for offset in range(0, 30):
            months = sc.spread_months(visits, offset)
            assert len(months) == visits and all(1 <= m <= 12 for m in months) and months == sorted(months)
            if 0 < visits <= 12:
                assert len(set(months)) == visits  # never two in one month while the months suffice
    assert sc.spread_months(2, 0, first_month=7) == [7, 10]
    with pytest.raises(ValueError):
        sc.spread_months(1, 0, first_month=13)


def test_distribution_counts_every_class():
    assert sc.distribution(["B", "A", "B"]) == {"A": 1, "B": 2, "C": 0, "D": 0}


def test_order_numbers_have_their_own_series():
    number = documents.format_number("舞钢应急", "supervision", 2026, 7, series=documents.ORDER_SERIES)
    assert number == "舞钢应急督办〔2026〕第7号"
    parsed = documents.parse_number("舞钢应急交办〔2026〕第12号", series=documents.ORDER_SERIES)
    assert (parsed.prefix, parsed.kind, parsed.year, parsed.n) == ("舞钢应急", "assignment", 2026, 12)
    with pytest.raises(ValueError):
        documents.format_number("舞钢应急", "supervision", 2026, 1)  # not a 文书式样 series
