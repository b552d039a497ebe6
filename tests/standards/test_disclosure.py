"""standards.disclosure: what a published 行政处罚 decision shows of people (worked examples)."""

from __future__ import annotations

import pytest

from yingji.standards import disclosure


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张某"), ("王小明", "王某某"), ("欧阳明华", "欧阳某某"), ("欧阳", "欧某"), ("李", "某"), ("", ""),
    ("  赵敏 ", "赵某"),
])
def test_mask_name(name, masked):
    assert disclosure.mask_name(name) == masked


def test_redact_removes_ids_and_phones_and_masks_the_names_given():
    text = ("当事人李小明，身份证号410481198705061234，联系电话138 1234 5678，座机0375-8112350；"
            "旧证号410481870506123，法定代表人李小明之父李大山。统一社会信用代码91410481MA44XXXX3K。")
    out = disclosure.redact(text, ["李小明", "李大山", ""])
    assert "410481198705061234" not in out and "410481870506123" not in out
    assert "138 1234 5678" not in out and "0375-8112350" not in out
    assert out.count(disclosure.REMOVED) == 4
    assert "李某某" in out and "李小明" not in out and "李大山" not in out
    # A unit's credit code (letters inside) is not an ID number and stays.
    assert "91410481MA44XXXX3K" in out


def test_redact_handles_the_x_check_digit_and_plus86():
    out = disclosure.redact("身份证41048119870506123X，手机+86 13912345678。")
    assert out == f"身份证{disclosure.REMOVED}，手机{disclosure.REMOVED}。"


def test_longer_names_are_masked_before_the_shorter_ones_they_contain():
    assert disclosure.redact("欧阳明与欧阳明华", ["欧阳明", "欧阳明华"]) == "欧阳某与欧阳某某"
