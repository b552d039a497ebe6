"""生产安全事故应急预案管理办法 (2019): filing, filing check, evaluation and revision rules."""

from datetime import date

import pytest

from yingji.standards import emergency_plans as ep
from yingji.standards.penalty import WorkCalendar


def test_filing_deadline_is_twenty_working_days_after_publication():
    # Published Friday 2026-01-02 → 20 working days (4 full weeks) → Friday 2026-01-30.
    assert ep.filing_deadline(date(2026, 1, 2)) == date(2026, 1, 30)
    # A holiday inside the period pushes the end by one working day.
    calendar = WorkCalendar(holidays={date(2026, 1, 5)})
    assert ep.filing_deadline(date(2026, 1, 2), calendar) == date(2026, 2, 2)


def test_filing_check_is_five_working_days():
    assert ep.filing_check_deadline(date(2026, 3, 6)) == date(2026, 3, 13)  # Friday → next Friday


def test_deadlines_never_overflow():
    assert ep.filing_deadline(date.max) == date.max
    assert ep.filing_deadline(date(9999, 12, 20)) == date.max
    assert ep.evaluation_due(date(9998, 6, 1)) == date.max
    assert ep.evaluation_due(date.min) == date(4, 1, 1)


def test_evaluation_every_three_years():
    assert ep.evaluation_due(date(2023, 5, 10)) == date(2026, 5, 10)
    assert ep.evaluation_due(date(2024, 2, 29)) == date(2027, 2, 28)
    assert ep.days_overdue(date(2026, 5, 10), date(2026, 5, 10)) == 0
    assert ep.days_overdue(date(2026, 5, 10), date(2026, 5, 12)) == 2
    assert ep.days_overdue(date(2026, 5, 10), date(2026, 1, 1)) == 0


def test_which_units_are_obliged():
    assert ep.filing_required(["hazardous_goods"])
    assert ep.filing_required("crowded_place")
    assert not ep.filing_required(["medium_or_larger"])
    assert ep.evaluation_required(["medium_or_larger"])
    assert ep.evaluation_required(["fireworks", "mine"])
    assert not ep.evaluation_required(["crowded_place"])
    assert not ep.evaluation_required([])
    with pytest.raises(ValueError):
        ep.filing_required(["bakery"])


def test_revision_and_refiling():
    assert ep.revision_required(["risk_changed"])
    assert not ep.revision_required([])
    assert ep.refiling_required(["response_levels"])
    assert not ep.refiling_required([])
    with pytest.raises(ValueError):
        ep.revision_required(["whim"])
    assert len(ep.REVISION_TRIGGERS) == 6


def test_filing_materials_completeness():
    assert ep.missing_filing_materials([]) == ["application_form", "review_opinion", "electronic_copy",
                                               "risk_and_resources"]
    assert ep.missing_filing_materials(["application_form", "electronic_copy"], review_required=False) == [
        "risk_and_resources"]
    assert ep.missing_filing_materials(list(ep.FILING_MATERIALS)) == []
    with pytest.raises(ValueError):
        ep.missing_filing_materials(["photo"])


@pytest.mark.parametrize("bad", [None, "2026-01-01", 20260101])
def test_bad_dates_rejected(bad):
    with pytest.raises(ValueError):
        ep.filing_deadline(bad)
    with pytest.raises(ValueError):
        ep.evaluation_due(bad)


def test_imports_nothing_but_the_stdlib_and_documents_every_function():
    import inspect
    import subprocess
    import sys

    code = ("import sys, yingji.standards.emergency_plans\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'django'\n"
            "      or (m.startswith('yingji.') and not m.startswith('yingji.standards')))))\n")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == ""
    for name, obj in vars(ep).items():
        if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == ep.__name__:
            assert obj.__doc__ and "办法" in obj.__doc__, name
