"""Administrative division codes (行政区划代码), stdlib only.

- GB/T 2260-2007 《中华人民共和国行政区划代码》 §4 (code structure): six digits; the first two name the
  province-level division, the third and fourth the prefecture level (地级: a city, 地区, 自治州, 盟), the fifth and
  sixth the county level (县级: a county, county-level city, district, 旗). A level written ``00`` means the division
  of the level above it itself: ``410000`` is 河南省, ``410400`` 平顶山市, ``410481`` 舞钢市 (a county-level
  city under 平顶山市).
- GB/T 10114-2003 《县级以下行政区划代码编制规则》 §4: a township-level division (乡、镇、街道) appends three
  digits to its county's six; the statistical division code (统计用区划代码) appends three more for a village or
  community (村、居委会), 12 digits in all.

Everything inside a division shares the division's *prefix*: the code without its trailing ``00`` levels at
province and prefecture level, the whole code below. A jurisdiction therefore selects its subtree by prefix.
"""

from __future__ import annotations

from collections.abc import Iterable

PROVINCE = "province"
CITY = "city"  # prefecture level (地级): 市、地区、自治州、盟
COUNTY = "county"
TOWNSHIP = "township"
VILLAGE = "village"

#: Levels from the top; the code length of each (a province and a city are written in six digits too).
LEVELS = (PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE)
_PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}


def is_code(code: object) -> bool:
    """Whether ``code`` is written as a division code: 6, 9 or 12 digits, with a non-zero province."""
    return (isinstance(code, str) and len(code) in (6, 9, 12) and code.isdigit() and code[:2] != "00")


def level(code: str) -> str:
    """The level of a division from its code (GB/T 2260-2007 §4; GB/T 10114-2003 §4).

    >>> level("410000"), level("410400"), level("410481"), level("410481001"), level("410481001001")
    ('province', 'city', 'county', 'township', 'village')
    """
    if not is_code(code):
        raise ValueError(f"{code!r} is not a division code of 6, 9 or 12 digits")
    if len(code) == 12:
        return VILLAGE
    if len(code) == 9:
        return TOWNSHIP
    if code[2:] == "0000":
        return PROVINCE
    if code[4:] == "00":
        return CITY
    return COUNTY


def prefix(code: str) -> str:
    """The prefix every code inside the division starts with: ``410400`` → ``4104``; a county or lower is its own
    prefix. Text that is not a division code is its own prefix (it matches only codes that start with it)."""
    if not is_code(code):
        return code or ""
    return code[:_PREFIX_LENGTH[level(code)]]


def contains(outer: str, inner: str) -> bool:
    """Whether division ``inner`` lies inside (or is) division ``outer``.

    >>> contains("410400", "410481001"), contains("410481", "410482"), contains("410400", "410400")
    (True, False, True)
    """
    if not outer or not inner:
        return False
    return inner == outer or inner.startswith(prefix(outer))


def ancestors(code: str) -> list[str]:
    """The codes of the divisions containing ``code``, from the province down to the division itself.

    >>> ancestors("410481001")
    ['410000', '410400', '410481', '410481001']
    """
    lvl = level(code)
    chain = [code[:2] + "0000"]
    if lvl != PROVINCE:
        chain.append(code[:4] + "00")
    if lvl in (COUNTY, TOWNSHIP, VILLAGE):
        chain.append(code[:6])
    if lvl in (TOWNSHIP, VILLAGE):
        chain.append(code[:9])
    if lvl == VILLAGE:
        chain.append(code)
    return list(dict.fromkeys(chain))


def county_of(code: str) -> str:
    """The county-level division a code lies in, or ``""`` for a province or a city."""
    return code[:6] if level(code) in (COUNTY, TOWNSHIP, VILLAGE) else ""


def child_prefix_length(code: str) -> int:
    """How many leading digits name the divisions one level below ``code``: a city's counties are told apart by 6,
    a county's townships by 9, a township's villages by 12; a province's cities by 4."""
    return {PROVINCE: 4, CITY: 6, COUNTY: 9, TOWNSHIP: 12}.get(level(code), 12)


def child_code(parent: str, code: str) -> str:
    """The code of the division one level below ``parent`` that contains ``code`` (``code`` must lie inside
    ``parent`` and below it): ``child_code("410400", "410481001001")`` → ``410481``."""
    if not contains(parent, code) or code == parent:
        raise ValueError(f"{code} does not lie below {parent}")
    n = child_prefix_length(parent)
    return code[:n] + "00" if n == 4 else code[:n]


def common(codes: Iterable[str]) -> str:
    """The narrowest division containing every code (``""`` for none): ``common(["410481001", "410482"])`` →
    ``410400``."""
    codes = [c for c in codes if c]
    if not codes:
        return ""
    chains = [ancestors(c) for c in codes]
    shared = ""
    for tier in zip(*chains, strict=False):
        if len(set(tier)) != 1:
            break
        shared = tier[0]
    return shared
