"""GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》 and the GB 11714-1997 organisation code inside it."""

from __future__ import annotations

#: GB 32100-2015 §4.2: the 31 code characters (digits and capitals without I, O, Z, S, V), valued 0-30.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
#: GB 32100-2015 §5.3 / Annex: weights W_i = 3^(i-1) mod 31 for positions 1-17.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
#: GB 11714-1997 §5: weights of the 8 body characters of an organisation code; check is mod 11.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first17: str) -> str:
    """GB 32100-2015 §5.3: C18 = 31 - (Σ Ci×Wi mod 31), with 31 written as '0'."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _org_char_value(c: str) -> int:
    # GB 11714-1997: digits are their value, capital letters A-Z are 10-35.
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_check_character(body8: str) -> str:
    """GB 11714-1997 §5: C9 = 11 - (Σ Ci×Wi mod 11); 10 is written 'X', 11 is written '0'."""
    c9 = 11 - sum(_org_char_value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def validate_credit_code(code: str) -> None:
    """Validate a unified social credit code (GB 32100-2015 §4); raise ValueError naming what is wrong.

    Checks: 18 characters; all from the code character set; positions 3-8 (registration administrative
    division, GB/T 2260) are digits; positions 9-17 carry a GB 11714 organisation code whose own check
    character (position 17) is right; position 18 is the GB 32100 check character.
    """
    if not isinstance(code, str):
        raise ValueError("The credit code must be text")
    if len(code) != 18:
        raise ValueError(f"A unified social credit code has 18 characters, this one has {len(code)}")
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        raise ValueError("Characters not allowed in a credit code: " + " ".join(bad)
                         + " (only digits and capitals except I, O, Z, S, V)")
    if not code[2:8].isdigit():
        raise ValueError("Positions 3-8 must be the 6-digit administrative division code")
    org_body = code[8:16]
    if not all(c.isdigit() or "A" <= c <= "Z" for c in org_body):
        raise ValueError("Positions 9-16 must be digits or capital letters (organisation code body)")
    expected_org = org_check_character(org_body)
    if code[16] != expected_org:
        raise ValueError(f"The organisation code check character (position 17) should be {expected_org}, "
                         f"not {code[16]}")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValueError(f"The check character (position 18) should be {expected}, not {code[17]}")


def is_valid_credit_code(code: str) -> bool:
    try:
        validate_credit_code(code)
    except ValueError:
        return False
    return True


def make_credit_code(prefix2: str, division: str, org_body8: str) -> str:
    """Assemble a valid code from its parts (registration authority + category, division, org code body)."""
    first16 = prefix2 + division + org_body8
    first17 = first16 + org_check_character(org_body8)
    return first17 + check_character(first17)
