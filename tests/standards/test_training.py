"""《生产经营单位安全培训规定》 第九条 and 第十三条: the rule's own numbers, every person × sector."""

import pytest

from yingji.standards import training

HIGH_RISK = ["coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "metal_smelting"]


@pytest.mark.parametrize("person", ["principal", "safety_manager"])
def test_article_9_ordinary_units_32_initial_12_yearly(person):
    assert training.required_hours(person, "other") == (32, 12)
    assert training.basis(person, "other") == "第九条第一款"


@pytest.mark.parametrize("sector", HIGH_RISK)
@pytest.mark.parametrize("person", ["principal", "safety_manager"])
def test_article_9_high_risk_units_48_initial_16_yearly(person, sector):
    assert training.required_hours(person, sector) == (48, 16)
    assert training.basis(person, sector) == "第九条第二款"


def test_article_13_new_workers_24_hours_and_no_yearly_figure():
    assert training.required_hours("new_worker", "other") == (24, None)


@pytest.mark.parametrize("sector", HIGH_RISK)
def test_article_13_high_risk_new_workers_72_hours_and_20_a_year(sector):
    assert training.required_hours("new_worker", sector) == (72, 20)
    assert training.basis("new_worker", sector) == "第十三条第二款"


def test_high_risk_is_exactly_the_five_sectors_named():
    assert [s for s in training.SECTORS if training.is_high_risk(s)] == HIGH_RISK


@pytest.mark.parametrize(("person", "sector"), [("worker", "other"), ("principal", "mining"), ("", "other"),
                                                ("principal", "")])
def test_unknown_person_or_sector_is_refused(person, sector):
    with pytest.raises(ValueError):
        training.required_hours(person, sector)


def test_unverified_rows_are_marked():
    assert training.is_verified("principal", "coal_mine")
    assert not training.is_verified("new_worker", "other")


def test_imports_nothing_but_the_stdlib():
    import subprocess
    import sys

    code = ("import sys\nimport yingji.standards.training\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'django'\n"
            "      or (m.startswith('yingji.') and not m.startswith('yingji.standards')))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
