"""GB 32100-2015 credit codes, with the GB 11714 organisation code inside (positions 9-17)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.standards import gb32100

# Worked examples: codes printed on real business licences / the standard's sample.
VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    gb32100.validate_credit_code(code)
    assert gb32100.is_valid_credit_code(code)


def test_weights_are_powers_of_three_mod_31():
    assert gb32100.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code, reason", [
    ("91350100M000100Y4", "18 characters"),
    ("91350100M000100Y43X", "18 characters"),
    ("91350100M000100I43", "not allowed"),
    ("91350100m000100Y43", "not allowed"),
    ("913501A0M000100Y43", "administrative division"),
    ("91350100M000100Y44", "position 18"),
    ("91350100M000101Y43", "position 17"),
])
def test_invalid_codes_say_why(code, reason):
    with pytest.raises(ValueError, match=reason):
        gb32100.validate_credit_code(code)
    assert not gb32100.is_valid_credit_code(code)


def test_org_check_character_worked_example():
    # GB 11714-1997's textbook example: D2143569 → 13·3+2·7+1·9+4·10+3·5+5·8+6·4+9·2 = 199; 11 − 199 mod 11 = 10 → X.
    assert gb32100.org_check_character("D2143569") == "X"
    assert gb32100.org_check_character("M000100Y") == "4"  # positions 9-17 of 91350100M000100Y43
    assert gb32100.org_check_character("60003734") == "1"  # positions 9-17 of 91110000600037341L


body_chars = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=6, max_size=6)


@given(body=body_chars, division=st.from_regex(r"\A[0-9]{6}\Z"))
def test_made_codes_validate_and_any_single_substitution_is_caught(body, division):
    code = gb32100.make_credit_code("91", division, "MA" + body)
    gb32100.validate_credit_code(code)
    last = code[17]
    replacement = "0" if last != "0" else "1"
    assert not gb32100.is_valid_credit_code(code[:17] + replacement)


def test_not_text_is_rejected():
    with pytest.raises(ValueError):
        gb32100.validate_credit_code(12345)
