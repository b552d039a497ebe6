"""GB 18218-2018 重大危险源辨识与分级: S = Σ q/Q, R = α Σ β q/Q, Tables 1-6."""

import csv
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.standards import gb18218

REFERENCE_CANDIDATES = [
    Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "gb18218_chemicals.csv",
    Path("/work/shared/reference/gb18218_chemicals.csv"),
]


def _reference_rows():
    for path in REFERENCE_CANDIDATES:
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as f:
                return list(csv.DictReader(f))
    pytest.skip("reference gb18218_chemicals.csv not present")


# --- worked examples -------------------------------------------------------------------------------------------

def test_worked_example_from_reference():
    # Liquid chlorine 20 t (Q 5, β 4) + liquid ammonia 50 t (Q 10, β 2), 120 people exposed (α 2):
    # S = 4 + 5 = 9; R = 2 × (4×4 + 2×5) = 52 → 二级.
    a = gb18218.assess([{"name": "氯", "quantity_t": 20}, {"name": "氨", "quantity_t": 50}], 120)
    assert a.sum_ratio == 9
    assert a.is_major
    assert a.alpha == 2.0
    assert a.r_value == 52
    assert a.level == 2
    chlorine, ammonia = a.items
    assert (chlorine.seq, chlorine.critical_t, chlorine.ratio, chlorine.beta, chlorine.beta_source) == (
        12, 5, 4, 4, "table3")
    assert (ammonia.seq, ammonia.critical_t, ammonia.ratio, ammonia.beta) == (1, 10, 5, 2)


def test_acetylene_takes_beta_from_its_w2_category():
    a = gb18218.assess([{"name": "乙炔", "quantity_t": 2}], 10)
    item = a.items[0]
    assert (item.category, item.beta, item.beta_source, item.critical_t) == ("W2", 1.5, "table4", 1)
    assert a.r_value == 1.0 * 1.5 * 2
    assert a.level == 4


def test_coal_gas_uses_co_beta_by_default_and_is_configurable(monkeypatch):
    item = {"name": "煤气", "quantity_t": 40}
    default = gb18218.assess([item], 100)
    assert default.items[0].beta == 2 and default.items[0].beta_source == "coal_gas_default"
    assert default.r_value == 2.0 * 2 * 2
    assert gb18218.assess([item], 100, coal_gas_beta=3).items[0].beta == 3
    off = gb18218.assess([item], 100, coal_gas_beta=None).items[0]
    assert (off.beta, off.beta_source) == (1.5, "table4")  # its W2 category
    monkeypatch.setattr(gb18218, "COAL_GAS_BETA", None)
    assert gb18218.assess([item], 100).items[0].beta == 1.5


def test_coal_gas_can_be_found_by_its_full_table_name():
    full = gb18218.chemical(seq=13).name_zh
    assert gb18218.chemical(name=full).seq == 13
    assert gb18218.chemical(name="煤气(CO,CO和H2、CH4的混合物等)").seq == 13  # ASCII digits, NFKC-equal


def test_category_item_uses_table2_quantity_and_table4_beta():
    a = gb18218.assess([{"category": "W5.3", "quantity_t": 1500}], 0)
    item = a.items[0]
    assert (item.source, item.seq, item.category, item.critical_t, item.beta) == ("table2", None, "W5.3", 1000, 1)
    assert a.sum_ratio == 1.5 and a.alpha == 0.5 and a.r_value == 0.75 and a.level == 4


def test_sulfur_trioxide_has_no_table2_class_and_takes_beta_one():
    item = gb18218.assess([{"name": "三氧化硫", "quantity_t": 75}], 0).items[0]
    assert (item.category, item.beta, item.beta_source) == (None, 1, "no_category")


def test_toxic_gas_not_in_table3_takes_j1_beta():
    item = gb18218.assess([{"name": "砷化氢", "quantity_t": 1}], 0).items[0]
    assert (item.category, item.beta) == ("J1", 4)


def test_overrides_of_q_and_beta():
    # Benzene handled above its boiling point is W5.1: the caller overrides β (and may override Q).
    a = gb18218.assess([{"name": "苯", "quantity_t": 25, "beta": 1.5, "critical_t": 10}], 30)
    item = a.items[0]
    assert (item.critical_t, item.ratio, item.beta, item.beta_source) == (10, 2.5, 1.5, "override")
    assert a.r_value == pytest.approx(1.2 * 1.5 * 2.5)


def test_lookup_by_cas():
    assert gb18218.assess([{"cas": "74-86-2", "quantity_t": 1}], 0).items[0].name_zh == "乙炔"
    # Rows listing several CAS numbers are found by each of them.
    assert gb18218.chemical(cas="74-98-6").seq == 52  # propane → 液化石油气
    assert gb18218.chemical(cas="8006-14-2").seq == 49  # natural gas


@pytest.mark.parametrize("cas, rows", [("9004-70-0", 6), ("6484-52-2", 2)])
def test_shared_cas_asks_for_the_name(cas, rows):
    with pytest.raises(ValueError, match=f"{cas} matches {rows} rows.*give the name"):
        gb18218.assess([{"cas": cas, "quantity_t": 1}], 0)


def test_aliases_and_names():
    assert gb18218.chemical(name="天然气").seq == 49
    assert gb18218.chemical(name="甲烷").seq == 49
    assert gb18218.chemical(name="液化石油气").seq == 52
    assert gb18218.chemical(name="光气").seq == 6
    assert gb18218.chemical(name="硝酸铵(含可燃物≤0.2%)").critical_t == 50
    assert gb18218.chemical(name="硝化纤维素［干的或含水(或乙醇)<25%］").critical_t == 1
    # A conditioned row is not reachable by its bare name: 甲醛 solution is not 甲醛(含量>90%).
    with pytest.raises(ValueError, match="甲醛"):
        gb18218.chemical(name="甲醛")


@pytest.mark.parametrize("item, message", [
    ({"name": "不存在的化学品", "quantity_t": 1}, "不存在的化学品"),
    ({"cas": "50-00-1", "quantity_t": 1}, "50-00-1"),
    ({"category": "W99", "quantity_t": 1}, "W99"),
    ({"name": "氯", "quantity_t": -1}, "negative"),
    ({"name": "氯", "quantity_t": True}, "number"),
    ({"name": "氯", "quantity_t": float("nan")}, "finite"),
    ({"name": "氯"}, "quantity_t"),
    ({"name": "氯", "cas": "7782-50-5", "quantity_t": 1}, "exactly one"),
    ({"quantity_t": 1}, "exactly one"),
    ({"name": "氯", "quantity_t": 1, "critical_t": 0}, "positive"),
    ({"name": "氯", "quantity_t": 1, "beta": -2}, "positive"),
])
def test_bad_items(item, message):
    with pytest.raises(ValueError, match=message):
        gb18218.assess([item], 0)


@pytest.mark.parametrize("population", [-1, True, 1.5, "10"])
def test_bad_population(population):
    with pytest.raises(ValueError):
        gb18218.assess([{"name": "氯", "quantity_t": 1}], population)


def test_items_must_be_a_list_of_mappings():
    with pytest.raises(ValueError):
        gb18218.assess({"name": "氯", "quantity_t": 1}, 0)
    with pytest.raises(ValueError):
        gb18218.assess([("氯", 1)], 0)


# --- boundaries ------------------------------------------------------------------------------------------------

def test_empty_unit_is_not_major():
    a = gb18218.assess([], 0)
    assert (a.sum_ratio, a.is_major, a.r_value, a.level) == (0, False, None, None)


def test_s_exactly_one_is_major_and_just_below_is_not():
    assert gb18218.assess([{"name": "氯", "quantity_t": 5}], 0).is_major
    below = gb18218.assess([{"name": "氯", "quantity_t": 4.999}], 0)
    assert not below.is_major and below.r_value is None and below.level is None
    two = gb18218.assess([{"name": "氯", "quantity_t": 2.5}, {"name": "氨", "quantity_t": 5}], 0)
    assert two.sum_ratio == 1 and two.is_major


def test_s_is_compared_exactly_not_in_binary_floats():
    # 0.7 + 0.2 + 0.1 = 0.9999999999999999 in floats; in tonnes it is exactly 1 t of a Q = 1 t explosive.
    items = [{"category": "W1.1", "quantity_t": q} for q in (0.7, 0.2, 0.1)]
    assert gb18218.assess(items, 0).is_major
    assert gb18218.assess([{"category": "W1.1", "quantity_t": Decimal("1.000")}], 0).is_major


@pytest.mark.parametrize("people, alpha", [
    (0, 0.5), (1, 1.0), (29, 1.0), (30, 1.2), (49, 1.2), (50, 1.5), (99, 1.5), (100, 2.0), (100_000, 2.0)])
def test_alpha_table5_boundaries(people, alpha):
    assert gb18218.alpha(people) == alpha
    assert gb18218.assess([], people).alpha == alpha


@pytest.mark.parametrize("r, level", [
    (1000, 1), (100, 1), (99.999, 2), (50, 2), (49.999, 3), (10, 3), (9.999, 4), (0, 4)])
def test_level_table6_boundaries(r, level):
    assert gb18218.level_for_r(r) == level


def test_level_boundaries_through_assess():
    # α 1 (1 person), chlorine β 4: R = 4 q/5 → q = 125 t gives R = 100 exactly (一级).
    assert gb18218.assess([{"name": "氯", "quantity_t": 125}], 1).level == 1
    assert gb18218.assess([{"name": "氯", "quantity_t": 124.9}], 1).level == 2
    # α 0.5, W1.1 (Q 1, β 2): R = q → 10 t is 三级, 9.9 t 四级.
    assert gb18218.assess([{"category": "W1.1", "quantity_t": 10}], 0).level == 3
    assert gb18218.assess([{"category": "W1.1", "quantity_t": 9.9}], 0).level == 4
    # α 1.2 (30 people), phosgene (Q 0.3, β 20): 0.625 t gives R = 1.2 × 20 × 0.625/0.3 = 50 exactly → 二级.
    phosgene = gb18218.assess([{"name": "碳酰氯", "quantity_t": 0.625}], 30)
    assert phosgene.r_value == pytest.approx(50) and phosgene.level == 2
    assert gb18218.assess([{"name": "碳酰氯", "quantity_t": 0.624}], 30).level == 3


# --- the shipped tables ----------------------------------------------------------------------------------------

def test_table1_has_85_rows_in_order():
    rows = gb18218.table1()
    assert len(rows) == 85
    assert [r.seq for r in rows] == list(range(1, 86))
    assert len({r.name_zh for r in rows}) == 85


def test_table1_matches_the_reference_csv():
    reference = _reference_rows()
    assert len(reference) == 85
    for ours, ref in zip(gb18218.table1(), reference, strict=True):
        assert ours.name_zh == ref["name_zh"]
        assert ours.name_en == ref["name_en"]
        assert ";".join(ours.cas) == ref["cas"]
        assert ours.critical_t == float(ref["critical_quantity_t"])
        assert ours.beta_table3 == (float(ref["beta"]) if ref["beta"] else None)


@pytest.mark.parametrize("name, q", [
    ("碳酰氯", 0.3), ("异氰酸甲酯", 0.75), ("叠氮化钡", 0.5), ("三氧化硫", 75), ("硝酸钾", 1000),
    ("乙炔", 1), ("氢", 5), ("汽油(乙醇汽油、甲醇汽油)", 200), ("甲醇", 500), ("硝酸铵肥料(含可燃物≤0.4%)", 200)])
def test_table1_sample(name, q):
    assert gb18218.chemical(name=name).critical_t == q


def test_every_row_gets_a_beta():
    symbols = {c.symbol for c in gb18218.hazard_categories()}
    for row in gb18218.table1():
        assert row.hazard_category is None or row.hazard_category in symbols, row
        if row.beta_table3 is None and row.hazard_category is None:
            assert row.name_zh == "三氧化硫"  # the one row in no Table 2 class


def test_table1_beta_column_agrees_with_table3():
    for row in gb18218.table1():
        if row.beta_table3 is not None:
            assert gb18218.table3_beta(row.name_zh.split("(")[0]) == row.beta_table3
    assert gb18218.table3_beta("一氧化碳") == 2  # the β 煤气 borrows
    with pytest.raises(ValueError):
        gb18218.table3_beta("乙炔")


def test_tables_2_and_4():
    cats = {c.symbol: c for c in gb18218.hazard_categories()}
    assert len(cats) == 24
    assert (cats["J1"].critical_t, cats["J1"].beta) == (5, 4)
    assert (cats["W2"].critical_t, cats["W2"].beta) == (10, 1.5)
    assert (cats["W3"].critical_t, cats["W3"].note) == (150, "net weight")
    assert (cats["W5.4"].critical_t, cats["W5.4"].beta) == (5000, 1)
    assert (cats["W7.1"].beta, cats["W6.1"].beta, cats["W5.1"].beta) == (1.5, 1.5, 1.5)
    assert cats["W11"].critical_t == 200
    with pytest.raises(ValueError, match="W12"):
        gb18218.hazard_category("W12")


def test_chemical_lookup_arguments():
    with pytest.raises(ValueError):
        gb18218.chemical()
    with pytest.raises(ValueError):
        gb18218.chemical(name="氯", seq=12)
    with pytest.raises(ValueError):
        gb18218.chemical(seq=86)


# --- properties ------------------------------------------------------------------------------------------------

NAMES = [row.name_zh for row in gb18218.table1()]
SYMBOLS = [c.symbol for c in gb18218.hazard_categories()]
quantities = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False, allow_infinity=False)
items_st = st.lists(
    st.one_of(
        st.builds(lambda n, q: {"name": n, "quantity_t": q}, st.sampled_from(NAMES), quantities),
        st.builds(lambda c, q: {"category": c, "quantity_t": q}, st.sampled_from(SYMBOLS), quantities),
    ),
    max_size=6,
)
population = st.integers(min_value=0, max_value=1000)


def _exact(x):
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


@settings(max_examples=200)
@given(items=items_st, people=population)
def test_formulas_hold(items, people):
    a = gb18218.assess(items, people)
    s = sum((_exact(i["quantity_t"]) / _exact(r.critical_t) for i, r in zip(items, a.items, strict=True)),
            Fraction(0))
    r_exact = _exact(a.alpha) * sum(
        (_exact(r.beta) * _exact(i["quantity_t"]) / _exact(r.critical_t) for i, r in zip(items, a.items, strict=True)),
        Fraction(0))
    assert a.sum_ratio == pytest.approx(float(s))
    assert a.is_major == (s >= 1)
    if a.is_major:
        assert a.r_value == pytest.approx(float(r_exact))
        assert a.level == (1 if r_exact >= 100 else 2 if r_exact >= 50 else 3 if r_exact >= 10 else 4)
    else:
        assert a.r_value is None and a.level is None


@given(items=items_st, people=population)
def test_order_does_not_matter(items, people):
    forward = gb18218.assess(items, people)
    backward = gb18218.assess(list(reversed(items)), people)
    assert forward.is_major == backward.is_major
    assert forward.level == backward.level
    assert forward.sum_ratio == pytest.approx(backward.sum_ratio)


@given(items=items_st, people=population, extra=st.integers(min_value=0, max_value=1000))
def test_more_people_or_more_stock_never_lowers_the_grade(items, people, extra):
    base = gb18218.assess(items, people)
    more_people = gb18218.assess(items, people + extra)
    more_stock = gb18218.assess(items + [{"category": "W2", "quantity_t": extra}], people)
    assert more_people.alpha >= base.alpha
    assert more_stock.sum_ratio >= base.sum_ratio
    for other in (more_people, more_stock):
        if base.is_major:
            assert other.is_major and other.level <= base.level
