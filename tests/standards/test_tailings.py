"""尾矿库等别 (GB 39496-2020 grading table, shipped as data): worked examples at every boundary, the combination rule
and a broken data file refused."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from yingji.standards import tailings
from yingji.standards._util import read_json


def test_the_data_file_names_its_source_and_is_marked_unverified():
    document = read_json("tailings_grades.json")
    assert "GB 39496-2020" in document["source"]
    assert document["verified"] is False and "【未核实】" in document["note"]
    assert tailings.GRADE_LIMITS == ((2, 10000, 100), (3, 1000, 60), (4, 100, 30))
    assert (tailings.LOWEST, tailings.MONITORED_FROM) == (5, 3)


@pytest.mark.parametrize("capacity, height, expected", [
    # both measures give the same grade, each lower limit belongs to its grade ("≥")
    (Decimal("99.99"), Decimal("29.9"), 5), (100, 30, 4), (999, 59, 4), (1000, 60, 3), (9999, 99, 3),
    (10000, 100, 2), (25000, 150, 2),
    # one grade apart: the higher counts
    (1000, 30, 3), (100, 60, 3), (10000, 60, 2), (50, 30, 4),
    # more than one apart: one below the higher
    (10000, 29, 3), (20, 100, 3), (10000, 30, 3), (100, 100, 3), (1000, 10, 4),
])
def test_worked_examples(capacity, height, expected):
    assert tailings.grade(capacity, height) == expected


def test_only_a_grade_2_pond_is_raised_to_grade_1():
    assert tailings.grade(12000, 110, severe_downstream=True) == 1
    assert tailings.grade(1200, 65, severe_downstream=True) == 3
    assert tailings.grade(10000, 29, severe_downstream=True) == 3  # V 二等 but H 五等 → 三等, not raised


def test_floats_at_the_boundary_are_read_exactly_and_bad_values_refused():
    assert tailings.grade(99.99, 29.99) == 5 and tailings.grade(100.0, 30.0) == 4
    for capacity, height in ((-1, 10), (10, -0.1)):
        with pytest.raises(ValueError):
            tailings.grade(capacity, height)
    with pytest.raises(ValueError):
        tailings.grade(True, 10)


@pytest.mark.parametrize("breakage", [
    lambda d: d["grades"].pop(),
    lambda d: d["grades"][2].update(min_capacity=20000),  # limits must fall with the grade
    lambda d: d["grades"][3].pop("min_height") and d["grades"][3].pop("min_capacity"),
])
def test_a_broken_table_is_refused(breakage):
    document = copy.deepcopy(read_json("tailings_grades.json"))
    breakage(document)
    with pytest.raises((ValueError, KeyError)):
        tailings._load(document)
