"""重大事故隐患判定标准 as data: the shipped lists validate, say where they come from and whether they were checked,
apply to the right sectors, and a matching hazard can never be general."""

from __future__ import annotations

import copy

import pytest

from yingji.standards import major_hazards
from yingji.standards._util import read_json

TRADE = ("metallurgy", "nonferrous", "building_materials", "machinery", "light_industry", "textile", "tobacco",
         "commerce")


def test_every_list_names_its_source_and_verification_state():
    lists = major_hazards.all_lists()
    assert {lst.key for lst in lists} >= {"chemicals", "fireworks", "trade_general", "dust", "confined_space",
                                          "tailings"}
    for lst in lists:
        assert lst.title and lst.document and lst.note
        if not lst.verified:
            assert "【未核实】" in lst.note
    codes = [item.code for lst in lists for item in lst.items]
    assert len(codes) == len(set(codes))


def test_the_2017_lists_hold_their_twenty_items():
    by_key = {lst.key: lst for lst in major_hazards.all_lists()}
    for key in ("chemicals", "fireworks"):
        assert len(by_key[key].items) == 20 and by_key[key].complete
        assert by_key[key].items[-1].clause == "第二十项"
    assert by_key["chemicals"].items[1].text == "特种作业人员未持证上岗"


def test_lists_apply_by_sector():
    assert [lst.key for lst in major_hazards.lists_for("hazardous_chemicals")] == ["chemicals"]
    for sector in TRADE:
        keys = {lst.key for lst in major_hazards.lists_for(sector)}
        assert {"trade_general", "dust", "ammonia", "confined_space"} <= keys
        assert "chemicals" not in keys
    assert "metallurgy" in {lst.key for lst in major_hazards.lists_for("metallurgy")}
    assert "metallurgy" not in {lst.key for lst in major_hazards.lists_for("machinery")}
    assert major_hazards.lists_for("other") == ()
    assert major_hazards.applies("HX-01", "hazardous_chemicals")
    assert not major_hazards.applies("HX-01", "fireworks")


def test_a_matching_hazard_is_major_and_only_lowering_is_refused():
    item = major_hazards.get("YH-05")
    message = major_hazards.level_error("general", "YH-05")
    assert message is not None and item.clause in message and "安监总管三〔2017〕121号" in message
    assert major_hazards.level_error("major", "YH-05") is None
    assert major_hazards.level_error("general", "") is None
    assert major_hazards.level_error("major", "") is None  # raising by judgement is always allowed
    assert item.citation == ("《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"
                             "第五项")


@pytest.mark.parametrize("breakage, problem", [
    (lambda d: d["lists"][1]["items"].append(dict(d["lists"][0]["items"][0])), "repeated"),
    (lambda d: d["lists"][0].update(document=""), "document is missing"),
    (lambda d: d["lists"][0].update(sectors=[]), "no sectors"),
    (lambda d: d["lists"][0]["items"][0].update(clause=""), "clause and text are required"),
])
def test_a_broken_file_is_refused(breakage, problem):
    document = copy.deepcopy(read_json("major_hazard_criteria.json"))
    breakage(document)
    with pytest.raises(major_hazards.CriteriaError, match=problem):
        major_hazards.parse(document)


def _every_item():
    return [(lst, item) for lst in major_hazards.all_lists() for item in lst.items]


@pytest.mark.parametrize("lst, item", _every_item(), ids=lambda v: getattr(v, "code", None) or getattr(v, "key", ""))
def test_every_shipped_item_makes_a_hazard_of_its_sectors_major(lst, item):
    """From the lists' own items: each applies to every sector its list names and to no other, makes a hazard
    major, and refuses the general level with the item cited."""
    for sector in lst.sectors:
        assert major_hazards.applies(item.code, sector)
        assert major_hazards.citation_errors([item.code], sector) == []
    assert major_hazards.is_major([item.code])
    assert major_hazards.is_major(["", item.code])
    assert item.clause in major_hazards.level_error("general", item.code)
    foreign = [s for s in ("hazardous_chemicals", "fireworks", "non_coal_mining", "machinery", "commerce", "other")
               if not any(item.code == i.code for i in major_hazards.criteria_for(s))]
    for sector in foreign:
        assert sector not in lst.sectors
        assert major_hazards.citation_errors([item.code], sector)


def test_nothing_cited_or_unknown_codes_decide_nothing():
    assert not major_hazards.is_major([])
    assert not major_hazards.is_major(["", "XX-99"])
    assert major_hazards.citation_errors(["XX-99"], "fireworks") == ["XX-99：不是已收录的重大事故隐患判定标准条目。"]


def test_each_trade_sector_with_an_article_has_its_own_list():
    own = {"metallurgy": "第四条", "nonferrous": "第五条", "building_materials": "第六条", "machinery": "第七条",
           "light_industry": "第八条", "textile": "第九条", "tobacco": "第十条"}
    for sector, article in own.items():
        clauses = {item.clause for item in major_hazards.criteria_for(sector)}
        assert any(c.startswith(article) for c in clauses), sector
        assert not any(c.startswith(a) for s, a in own.items() if s != sector for c in clauses), sector
    assert {item.clause[:3] for item in major_hazards.criteria_for("commerce")} == {"第三条", "第十一", "第十二",
                                                                                   "第十三"}


def test_the_data_file_states_the_sector_mapping():
    document = read_json("major_hazard_criteria.json")
    for lst in major_hazards.all_lists():
        for sector in lst.sectors:
            assert sector in document["sector_field"]
