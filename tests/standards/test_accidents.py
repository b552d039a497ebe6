"""《生产安全事故报告和调查处理条例》 (国务院令第493号): 第三条 grades, 第九-十一条 deadlines, 第十三条 补报."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import accidents
from yingji.standards.accidents import GRADES

ES, S, RL, ORD = GRADES  # especially_serious, serious, relatively_large, ordinary


@pytest.mark.parametrize("deaths, grade", [(0, ORD), (1, ORD), (2, ORD), (3, RL), (9, RL), (10, S), (29, S), (30, ES),
                                           (300, ES)])
def test_deaths_boundaries(deaths, grade):
    assert accidents.grade(deaths, 0, 0) == grade


@pytest.mark.parametrize("injured, grade", [(0, ORD), (9, ORD), (10, RL), (49, RL), (50, S), (99, S), (100, ES)])
def test_serious_injury_boundaries(injured, grade):
    assert accidents.grade(0, injured, 0) == grade


@pytest.mark.parametrize("loss, grade", [
    (0, ORD), (9_999_999, ORD), (Decimal("9999999.99"), ORD), (10_000_000, RL), (1e7, RL), (49_999_999.99, RL),
    (50_000_000, S), (Decimal("99999999.99"), S), (100_000_000, ES), (Decimal("1E8"), ES), (5e9, ES)])
def test_direct_loss_boundaries(loss, grade):
    assert accidents.grade(0, 0, loss) == grade


def test_highest_criterion_wins():
    assert accidents.grade(1, 60, 0) == S  # deaths say 一般, injuries say 重大
    assert accidents.grade(2, 5, 120_000_000) == ES
    assert accidents.grade(12, 0, 1_000) == S
    assert accidents.grade(3, 9, 9_999_999) == RL


@pytest.mark.parametrize("args", [
    (-1, 0, 0), (0, -1, 0), (0, 0, -1), (1.0, 0, 0), (0, 2.0, 0), (True, 0, 0), (0, False, 0), (0, 0, True),
    ("3", 0, 0), (0, 0, "1000"), (0, 0, float("nan")), (0, 0, float("inf")), (None, 0, 0)])
def test_bad_inputs(args):
    with pytest.raises(ValueError):
        accidents.grade(*args)


T0 = datetime(2025, 7, 1, 10, 0)


def _hours(chain, start=T0):
    return [(level, (due - start) / timedelta(hours=1)) for level, due in chain]


def test_reporting_chain_by_grade():
    assert _hours(accidents.reporting_deadlines(T0, ORD)) == [("county", 1), ("city", 3)]
    assert _hours(accidents.reporting_deadlines(T0, RL)) == [("county", 1), ("city", 3), ("province", 5)]
    for grade in (S, ES):
        assert _hours(accidents.reporting_deadlines(T0, grade)) == [
            ("county", 1), ("city", 3), ("province", 5), ("state_council", 7)]


def test_clock_starts_when_the_unit_head_learns_of_it():
    learned = T0 + timedelta(minutes=45)
    chain = accidents.reporting_deadlines(T0, ORD, reported_to_unit_at=learned)
    assert chain == [("county", datetime(2025, 7, 1, 11, 45)), ("city", datetime(2025, 7, 1, 13, 45))]
    assert accidents.reporting_deadlines(T0, ORD, reported_to_unit_at=T0) == accidents.reporting_deadlines(T0, ORD)


def test_aware_datetimes_keep_their_zone():
    beijing = timezone(timedelta(hours=8))
    chain = accidents.reporting_deadlines(datetime(2025, 1, 1, 23, 30, tzinfo=beijing), RL)
    assert chain[-1] == ("province", datetime(2025, 1, 2, 4, 30, tzinfo=beijing))


@pytest.mark.parametrize("kwargs", [
    {"grade": "一般"}, {"grade": "minor"},
    {"grade": ORD, "reported_to_unit_at": T0 - timedelta(minutes=1)},
    {"grade": ORD, "reported_to_unit_at": datetime(2025, 7, 1, 11, 0, tzinfo=UTC)},
    {"grade": ORD, "reported_to_unit_at": "2025-07-01 11:00"},
])
def test_reporting_bad_inputs(kwargs):
    with pytest.raises(ValueError):
        accidents.reporting_deadlines(T0, **kwargs)
    with pytest.raises(ValueError):
        accidents.reporting_deadlines("2025-07-01", ORD)


def test_supplement_windows():
    assert accidents.supplement_window_days() == 30
    assert accidents.supplement_window_days("general") == 30
    assert accidents.supplement_window_days("road_traffic") == 7
    assert accidents.supplement_window_days("fire") == 7
    assert set(accidents.ACCIDENT_KINDS) == {"general", "road_traffic", "fire"}
    with pytest.raises(ValueError, match="general, road_traffic, fire"):
        accidents.supplement_window_days("mining")
    with pytest.raises(ValueError):
        accidents.supplement_window_days(["fire"])


counts = st.integers(min_value=0, max_value=500)
losses = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(d=counts, s=counts, loss=losses, dd=counts, ds=counts, dloss=losses)
def test_grade_never_drops_when_anything_grows(d, s, loss, dd, ds, dloss):
    before = GRADES.index(accidents.grade(d, s, loss))
    after = GRADES.index(accidents.grade(d + dd, s + ds, loss + dloss))
    assert after <= before  # index 0 is the highest grade


@given(d=counts, s=counts, loss=losses)
def test_grade_is_the_highest_of_the_three_criteria(d, s, loss):
    each = [accidents.grade(d, 0, 0), accidents.grade(0, s, 0), accidents.grade(0, 0, loss)]
    assert accidents.grade(d, s, loss) == min(each, key=GRADES.index)


@given(grade=st.sampled_from(GRADES), delay=st.integers(min_value=0, max_value=10_000))
def test_chain_is_one_hour_then_two_hour_steps(grade, delay):
    learned = T0 + timedelta(minutes=delay)
    chain = accidents.reporting_deadlines(T0, grade, reported_to_unit_at=learned)
    assert chain[0] == ("county", learned + timedelta(hours=1))
    assert [level for level, _ in chain] == list(accidents.REPORTING_LEVELS[:len(chain)])
    for (_, earlier), (_, later) in zip(chain, chain[1:], strict=False):
        assert later - earlier == timedelta(hours=2)
