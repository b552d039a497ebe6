"""GB/T 2260-2007 §4 and GB/T 10114-2003 §4: levels, prefixes and containment of division codes, with real codes
of 河南省 平顶山市."""

import pytest

from yingji.standards import gb2260


@pytest.mark.parametrize(("code", "level", "prefix"), [
    ("410000", "province", "41"),        # 河南省
    ("410400", "city", "4104"),          # 平顶山市
    ("410481", "county", "410481"),      # 舞钢市 (a county-level city)
    ("410402", "county", "410402"),      # 新华区 (a district of the city)
    ("410481001", "township", "410481001"),
    ("410481001001", "village", "410481001001"),
])
def test_level_and_prefix(code, level, prefix):
    assert gb2260.level(code) == level
    assert gb2260.prefix(code) == prefix


@pytest.mark.parametrize("bad", ["", "4104", "41040", "0000001", "000000", "41048100", "41048a", None, 410481])
def test_not_a_code(bad):
    assert not gb2260.is_code(bad)
    if bad:
        with pytest.raises(ValueError):
            gb2260.level(bad)


def test_text_that_is_not_a_code_is_its_own_prefix():
    assert gb2260.prefix("4104") == "4104" and gb2260.prefix("") == ""


def test_contains():
    assert gb2260.contains("410400", "410481001001")
    assert gb2260.contains("410000", "410481")
    assert gb2260.contains("410481", "410481")
    assert not gb2260.contains("410481", "410482")       # a sibling county
    assert not gb2260.contains("410400", "410500")       # another city (安阳市)
    assert not gb2260.contains("410481001", "410481")    # the township does not contain its county
    assert not gb2260.contains("", "410481")


def test_ancestors_and_county():
    assert gb2260.ancestors("410481001001") == ["410000", "410400", "410481", "410481001", "410481001001"]
    assert gb2260.ancestors("410400") == ["410000", "410400"]
    assert gb2260.ancestors("410000") == ["410000"]
    assert gb2260.county_of("410481001") == "410481"
    assert gb2260.county_of("410400") == ""


def test_children():
    assert gb2260.child_prefix_length("410400") == 6
    assert gb2260.child_prefix_length("410481") == 9
    assert gb2260.child_code("410400", "410481001001") == "410481"
    assert gb2260.child_code("410000", "410481") == "410400"
    assert gb2260.child_code("410481", "410481002003") == "410481002"
    with pytest.raises(ValueError):
        gb2260.child_code("410481", "410482001")
    with pytest.raises(ValueError):
        gb2260.child_code("410481", "410481")


def test_common():
    assert gb2260.common(["410481001", "410481002001"]) == "410481"
    assert gb2260.common(["410481001", "410422"]) == "410400"      # two counties of 平顶山市
    assert gb2260.common(["410481", "410522"]) == "410000"         # 平顶山 and 安阳
    assert gb2260.common(["410481001001"]) == "410481001001"
    assert gb2260.common(["410481", "420100"]) == ""               # two provinces
    assert gb2260.common([]) == ""
