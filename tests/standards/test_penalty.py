"""行政处罚法 (2021) and the work-safety penalty rules: deadlines, hearing, review, surcharge, discretion."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import penalty
from yingji.standards.penalty import FineRange, WorkCalendar

# 2026: 国庆 1-7 October holidays, Sunday 27 September and Saturday 10 October 调休 working days (illustrative).
NATIONAL_DAY = WorkCalendar(holidays={date(2026, 10, d) for d in range(1, 8)},
                            extra_workdays={date(2026, 9, 27), date(2026, 10, 10)})


def test_working_days_skip_weekends_and_holidays():
    assert penalty.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday → Monday
    assert penalty.add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)
    assert penalty.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert penalty.add_working_days(date(2026, 9, 30), 1, NATIONAL_DAY) == date(2026, 10, 8)
    assert penalty.add_working_days(date(2026, 9, 25), 1, NATIONAL_DAY) == date(2026, 9, 27)  # 调休 Sunday
    assert NATIONAL_DAY.is_working_day(date(2026, 10, 10)) and not NATIONAL_DAY.is_working_day(date(2026, 10, 5))
    with pytest.raises(ValueError):
        WorkCalendar(holidays={date(2026, 1, 1)}, extra_workdays={date(2026, 1, 1)})


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 60))
def test_working_day_count_is_exact(start, n):
    end = penalty.add_working_days(start, n)
    between = [start.fromordinal(o) for o in range(start.toordinal() + 1, end.toordinal() + 1)]
    assert sum(d.weekday() < 5 for d in between) == n
    assert n == 0 or end.weekday() < 5


def test_decision_deadlines():
    filed = date(2026, 3, 2)
    assert penalty.decision_deadline(filed) == date(2026, 4, 1)  # 30 days
    assert penalty.decision_deadline(filed, extension="head") == date(2026, 5, 31)  # 90
    assert penalty.decision_deadline(filed, extension="higher_authority") == date(2026, 8, 29)  # 180
    assert penalty.decision_deadline(filed, regime="general") == date(2026, 5, 31)  # 第六十条
    # An end on a Saturday moves to Monday when a calendar is given.
    assert penalty.decision_deadline(date(2026, 2, 28), calendar=penalty.WEEKENDS_ONLY) == date(2026, 3, 30)
    assert penalty.decision_deadline(date(2026, 2, 27)) == date(2026, 3, 29)  # a Sunday, no calendar
    assert penalty.decision_deadline(date(2026, 2, 27), calendar=penalty.WEEKENDS_ONLY) == date(2026, 3, 30)
    assert penalty.decision_deadline(filed, limits={"none": 45, "head": 90, "higher_authority": 180}) == date(
        2026, 4, 16)
    for bad in ({"extension": "mayor"}, {"regime": "criminal"}, {"regime": "general", "extension": "head"}):
        with pytest.raises(ValueError):
            penalty.decision_deadline(filed, **bad)
    with pytest.raises(ValueError):
        penalty.decision_deadline("2026-03-02")


def test_service_hearing_and_disclosure_periods_are_working_days():
    decided = date(2026, 9, 28)  # Monday before 国庆
    assert penalty.service_deadline(decided) == date(2026, 10, 7)
    # 29, 30 September, 8, 9, 10 (调休 Saturday), 12, 13 October.
    assert penalty.service_deadline(decided, NATIONAL_DAY) == date(2026, 10, 13)
    assert penalty.disclosure_deadline(date(2026, 3, 2)) == date(2026, 3, 11)
    assert penalty.hearing_request_deadline(date(2026, 3, 6)) == date(2026, 3, 13)
    assert penalty.hearing_notice_latest(date(2026, 3, 13)) == date(2026, 3, 4)


def test_payment_due_and_surcharge():
    served = date(2026, 3, 2)
    due = penalty.payment_due(served)
    assert due == date(2026, 3, 17)
    assert penalty.late_payment_surcharge(50_000, due, due) == Decimal("0.00")
    assert penalty.late_payment_surcharge(50_000, due, date(2026, 3, 1)) == Decimal("0.00")
    assert penalty.late_payment_surcharge(50_000, due, date(2026, 3, 18)) == Decimal("1500.00")
    assert penalty.late_payment_surcharge(50_000, due, date(2026, 3, 27)) == Decimal("15000.00")
    assert penalty.late_payment_surcharge(50_000, due, date(2026, 4, 19)) == Decimal("49500.00")  # 33 days, 99%
    assert penalty.late_payment_surcharge(50_000, due, date(2026, 4, 20)) == Decimal("50000.00")  # capped
    assert penalty.late_payment_surcharge(50_000, due, date(2027, 1, 1)) == Decimal("50000.00")
    assert penalty.late_payment_surcharge(Decimal("1234.56"), due, date(2026, 3, 18)) == Decimal("37.04")
    assert penalty.surcharge_cap_reached_on(50_000, due) == date(2026, 4, 20)
    with pytest.raises(ValueError):
        penalty.late_payment_surcharge(-1, due, due)


@given(st.integers(0, 10_000_000), st.integers(-10, 400))
def test_surcharge_never_exceeds_the_fine(fine, late):
    due = date(2026, 1, 10)
    paid = date.fromordinal(due.toordinal() + late)
    surcharge = penalty.late_payment_surcharge(fine, due, paid)
    assert 0 <= surcharge <= fine
    assert surcharge == min(fine, Decimal(fine) * 3 * max(late, 0) / 100)


@pytest.mark.parametrize("party, fine, required", [
    ("unit", 49_999, False), ("unit", 50_000, True), ("unit", Decimal("49999.99"), False),
    ("individual", 19_999, False), ("individual", 20_000, True), ("individual", 0, False)])
def test_hearing_threshold_boundaries(party, fine, required):
    assert penalty.hearing_required(party=party, fine=fine).required is required


def test_hearing_for_measures_and_configurable_thresholds():
    result = penalty.hearing_required(party="unit", fine=0, measures=["suspend_production"])
    assert result.required and result.reasons == ("measure: suspend_production",)
    assert penalty.hearing_required(party="unit", fine=30_000, thresholds={"unit": 30_000, "individual": 10_000}
                                    ).required
    with pytest.raises(ValueError):
        penalty.hearing_required(party="company", fine=1)
    with pytest.raises(ValueError, match="no figure"):
        penalty.hearing_required(party="individual", fine=1, thresholds={"unit": 30_000})
    with pytest.raises(ValueError):
        penalty.hearing_required(party="unit", measures=["jail"])
    with pytest.raises(ValueError):
        penalty.hearing_required(party="unit", measures="close")


def test_legal_review_and_collective_discussion():
    small = {"party": "unit", "fine": 10_000}
    assert not penalty.legal_review_required(**small).required
    assert not penalty.collective_discussion_required(**small).required
    assert penalty.legal_review_required(**small, complex_case=True).required
    assert penalty.legal_review_required(**small, major_public_interest=True).required
    assert penalty.legal_review_required(**small, hearing_held=True).required
    assert penalty.legal_review_required(**small, required_by_rule=True).required
    assert penalty.collective_discussion_required(**small, complex_case=True).required
    big = {"party": "unit", "fine": 60_000}
    assert penalty.legal_review_required(**big).required
    assert penalty.collective_discussion_required(**big).required
    assert penalty.collective_discussion_required(party="individual", measures=["restrict_practice"]).required


def test_summary_procedure_limits():
    assert penalty.summary_procedure_allowed(party="individual", fine=200)
    assert not penalty.summary_procedure_allowed(party="individual", fine=201)
    assert penalty.summary_procedure_allowed(party="unit", fine=3000)
    assert not penalty.summary_procedure_allowed(party="unit", fine=Decimal("3000.01"))


def test_limitation_period():
    assert penalty.limitation_expires(date(2024, 5, 10)) == date(2026, 5, 10)
    assert penalty.limitation_expires(date(2024, 5, 10), life_health_harm=True) == date(2029, 5, 10)
    assert penalty.limitation_expires(date(2024, 2, 29)) == date(2026, 2, 28)
    assert not penalty.time_barred(date(2024, 5, 10), date(2026, 5, 10))
    assert penalty.time_barred(date(2024, 5, 10), date(2026, 5, 11))
    assert not penalty.time_barred(date(2024, 5, 10), date(2026, 5, 11), life_health_harm=True)
    with pytest.raises(ValueError):
        penalty.time_barred(date(2024, 5, 10), date(2024, 5, 9))


def test_no_penalty_grounds():
    assert penalty.no_penalty_ground(minor=True, corrected_in_time=True) == "mandatory"
    assert penalty.no_penalty_ground(no_fault_proven=True, harm="serious") == "mandatory"
    assert penalty.no_penalty_ground(first_offence=True, corrected_in_time=True, harm="minor") == "discretionary"
    assert penalty.no_penalty_ground(first_offence=True, corrected_in_time=False, harm="minor") is None
    assert penalty.no_penalty_ground(first_offence=True, corrected_in_time=True, harm="serious") is None
    assert penalty.no_penalty_ground(minor=True, corrected_in_time=True, harm="minor") is None
    with pytest.raises(ValueError):
        penalty.no_penalty_ground(harm="some")


def _range(r: FineRange):
    return (r.low, r.high, r.low_exclusive, r.high_exclusive)


def test_bands_of_a_full_range():
    assert _range(penalty.propose_fine_range(10_000, 50_000, circumstance="minor")) == (
        Decimal("10000.00"), Decimal("22000.00"), False, False)
    assert _range(penalty.propose_fine_range(10_000, 50_000)) == (Decimal("22000.00"), Decimal("34000.00"), False,
                                                                   False)
    assert penalty.propose_fine_range(10_000, 50_000, circumstance="serious").high == Decimal("42000.00")
    assert penalty.propose_fine_range(10_000, 50_000, circumstance="severe").high == Decimal("50000.00")


def test_adjustments_relative_to_the_midpoint():
    lighter = penalty.propose_fine_range(10_000, 50_000, adjustment="lighter")
    heavier = penalty.propose_fine_range(10_000, 50_000, adjustment="heavier")
    assert _range(lighter) == (Decimal("10000.00"), Decimal("30000.00"), False, True)
    assert _range(heavier) == (Decimal("30000.00"), Decimal("50000.00"), True, False)
    assert lighter.contains(29_999.99) and not lighter.contains(30_000)
    assert heavier.contains(30_000.01) and not heavier.contains(30_000) and heavier.contains(50_000)
    mitigated = penalty.propose_fine_range(10_000, 50_000, adjustment="mitigated")
    assert _range(mitigated) == (Decimal("0.00"), Decimal("10000.00"), False, True)
    assert penalty.propose_fine_range(10_000, 50_000, adjustment="mitigated", mitigation_floor=5000).low == 5000
    exempt = penalty.propose_fine_range(10_000, 50_000, adjustment="exempt")
    assert exempt.high == 0 and exempt.contains(0) and not exempt.contains(1)


def test_maximum_only_ranges():
    # "处十万元以下的罚款": span 0-100000.
    assert penalty.propose_fine_range(None, 100_000, circumstance="minor").high == Decimal("30000.00")
    assert penalty.propose_fine_range(None, 100_000, adjustment="lighter").high == Decimal("50000.00")
    with pytest.raises(ValueError, match="减轻"):
        penalty.propose_fine_range(None, 100_000, adjustment="mitigated")


def test_item_bands_and_rounding_inwards():
    bands = {"minor": (0, Fraction(1, 3)), "ordinary": (0, 1), "serious": (0, 1), "severe": (0, 1)}
    r = penalty.propose_fine_range(0, 10_000, circumstance="minor", bands=bands)
    assert r.high == Decimal("3333.33")  # floor, inside the band
    r = penalty.propose_fine_range(1, 2, adjustment="heavier")
    assert (r.low, r.high) == (Decimal("1.50"), Decimal("2.00"))


@pytest.mark.parametrize("args, kwargs", [
    ((50_000, 10_000), {}), ((10_000, 0), {}), ((-1, 10), {}), ((1, 10), {"circumstance": "huge"}),
    ((1, 10), {"adjustment": "double"}), ((1, 10), {"adjustment": "mitigated", "mitigation_floor": 1}),
    ((1, 10), {"bands": {"ordinary": (0.5, 0.2)}}), ((1, 10), {"bands": {"ordinary": (0, 1.5)}}),
])
def test_bad_benchmark_inputs(args, kwargs):
    with pytest.raises(ValueError):
        penalty.propose_fine_range(*args, **kwargs)


def test_fine_outside_range_needs_a_reason():
    proposed = penalty.propose_fine_range(10_000, 50_000, circumstance="minor")
    assert not penalty.fine_outside_range(15_000, proposed)
    assert not penalty.fine_outside_range(10_000, proposed)
    assert not penalty.fine_outside_range(22_000, proposed)
    assert penalty.fine_outside_range(22_000.01, proposed)
    assert penalty.fine_outside_range(9_999, proposed)
    assert penalty.fine_outside_range(30_000, penalty.propose_fine_range(10_000, 50_000, adjustment="lighter"))


@given(st.integers(0, 1_000_000), st.integers(1, 1_000_000), st.sampled_from(penalty.CIRCUMSTANCES))
def test_bands_stay_inside_the_legal_range(low, extra, circumstance):
    high = low + extra
    r = penalty.propose_fine_range(low, high, circumstance=circumstance)
    assert low <= r.low <= r.high <= high
    assert not penalty.fine_outside_range(r.low, r) and not penalty.fine_outside_range(r.high, r)


def test_filing_and_statement_deadlines():
    # 立案 within 7 days of discovery [unverified figure]; a Friday notice gives statements until Wednesday.
    assert penalty.filing_deadline(date(2026, 3, 2)) == date(2026, 3, 9)
    assert penalty.filing_deadline(date(2026, 3, 2), days=15) == date(2026, 3, 17)
    assert penalty.statement_deadline(date(2026, 3, 6)) == date(2026, 3, 11)
    holiday = penalty.WorkCalendar(holidays={date(2026, 3, 9)})
    assert penalty.statement_deadline(date(2026, 3, 6), holiday) == date(2026, 3, 12)
