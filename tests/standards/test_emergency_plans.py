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


# --- next evaluation by unit kind, the plan set, the filing checklist (issue 15 §1) ---


def test_next_evaluation_due_by_unit_kind_worked_examples():
    # 办法 第三十五条: a hazardous-chemicals store published 2023-04-18, never evaluated → due 2026-04-18.
    assert ep.next_evaluation_due(date(2023, 4, 18), ["hazardous_goods"]) == date(2026, 4, 18)
    # Evaluated 2025-11-03 since: the next is three years after that evaluation.
    assert ep.next_evaluation_due(date(2025, 11, 3), ["mine"]) == date(2028, 11, 3)
    # A medium-sized unit of another trade is named too; a small shop is not (no period, None).
    assert ep.next_evaluation_due(date(2024, 1, 1), ["medium_or_larger"]) == date(2027, 1, 1)
    assert ep.next_evaluation_due(date(2024, 1, 1), []) is None
    assert ep.next_evaluation_due(date(2024, 1, 1), ["crowded_place"]) is None  # files (第二十六条), no 第三十五条
    # Government plans: three years as well (国办发〔2024〕5号).
    assert ep.next_evaluation_due(date(2022, 6, 30), government=True) == date(2025, 6, 30)
    assert ep.next_evaluation_due(date(2024, 2, 29), ["fireworks"]) == date(2027, 2, 28)
    assert ep.next_evaluation_due(date(9998, 1, 1), government=True) == date.max
    with pytest.raises(ValueError):
        ep.next_evaluation_due(date(2024, 1, 1), ["bakery"])
    with pytest.raises(ValueError):
        ep.next_evaluation_due("2024-01-01", ["mine"])


def test_required_plan_kinds():
    assert ep.required_plan_kinds(["major_hazard"]) == ("comprehensive", "special", "on_site")
    assert ep.required_plan_kinds(["mine", "medium_or_larger"]) == ep.UNIT_PLAN_KINDS
    assert ep.required_plan_kinds(["crowded_place"]) == ()
    assert ep.required_plan_kinds([]) == ()


def test_filing_checklist_and_completeness():
    items = ep.filing_checklist("comprehensive")
    keys = [i["key"] for i in items]
    assert keys[:4] == ["materials.application_form", "materials.review_opinion", "materials.electronic_copy",
                        "materials.risk_and_resources"]
    assert "contents.organisation" in keys and "annex.contacts" in keys
    assert all(i["label"] and i["basis"] for i in items)
    assert "materials.review_opinion" not in [i["key"] for i in ep.filing_checklist("on_site",
                                                                                     review_required=False)]
    everything = set(keys)
    assert ep.missing_checklist_items(everything, "comprehensive") == []
    missing = ep.missing_checklist_items(everything - {"materials.application_form", "contents.aftermath"},
                                         "comprehensive")
    assert missing == ["materials.application_form", "contents.aftermath"]  # all at once, in order
    on_site = {i["key"] for i in ep.filing_checklist("on_site", review_required=False)}
    assert ep.missing_checklist_items(on_site, "on_site", review_required=False) == []
    with pytest.raises(ValueError):
        ep.missing_checklist_items(["contents.nonsense"], "special")
    with pytest.raises(ValueError):
        ep.filing_checklist("annex")
    data = ep.filing_checklist_data()
    assert "GB/T 29639-2020" in data["source"] and "第2号" in data["source"]
    assert any(not i["verified"] for i in items)  # unverified items are marked as such
