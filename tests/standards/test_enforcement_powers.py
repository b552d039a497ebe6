"""权责清单 seed (《安全生产法》 2021 第六十五、七十、九十三-一百一十四条): schema, figures, discretion."""

import copy
import json
from decimal import Decimal
from importlib.resources import files

import pytest

from yingji.standards import enforcement_powers as ep


@pytest.fixture(scope="module")
def raw():
    return json.loads(files("yingji.standards").joinpath("data", "enforcement_powers.json").read_text("utf-8"))


def test_seed_is_valid_and_large_enough():
    powers = ep.load_powers()
    assert len(powers.items) >= 25
    kinds = {k: [i for i in powers.items if i.kind == k] for k in ep.KINDS}
    assert len(kinds["penalty"]) >= 25 and kinds["coercion"] and kinds["inspection"]
    assert all(i.basis and i.acts and i.source for i in powers.items)
    assert all(i.verified or "[unverified]" in i.note for i in powers.items)


def test_articles_93_to_112_are_covered():
    articles = {b.article for i in ep.load_powers().items for b in i.basis if b.law == "中华人民共和国安全生产法"}
    text = " ".join(articles)
    for number in ("九十三", "九十四", "九十五", "九十六", "九十七", "九十八", "九十九", "一百零一", "一百零二",
                   "一百零三", "一百零四", "一百零五", "一百零六", "一百零八", "一百零九", "一百一十", "一百一十二"):
        assert f"第{number}条" in text, number
    assert "第六十五条第一款第（四）项" in articles  # 查封、扣押
    assert "第七十条" in articles  # 停止供电


def test_key_figures_of_the_2021_law():
    powers = ep.load_powers()
    f97 = ep.fine_range(powers.get("AQ-CF-097-03"), "unit")
    assert (f97.min, f97.max) == (None, 100_000)
    assert (ep.fine_range(powers.get("AQ-CF-097-03"), "unit", "overdue").max,
            ep.fine_range(powers.get("AQ-CF-097-03"), "responsible_persons", "overdue").min) == (200_000, 20_000)
    assert ep.fine_range(powers.get("AQ-CF-099-08"), "unit").max == 50_000
    assert ep.fine_range(powers.get("AQ-CF-098-04"), "unit", "overdue").max == 1_000_000
    assert ep.fine_range(powers.get("AQ-CF-094"), "principal").min == 20_000
    assert ep.fine_range(powers.get("AQ-CF-109"), "unit").min == 50_000
    accident = [f.min for t in powers.get("AQ-CF-114").tiers for f in t.fines if f.basis == "amount"]
    assert accident == [300_000, 1_000_000, 2_000_000, 10_000_000]
    assert ep.fine_range(powers.get("AQ-CF-114"), "unit", "accident").max == 1_000_000
    assert ep.fine_range(powers.get("AQ-CF-114"), "unit", "accident", "重大事故").max == 10_000_000
    severe = ep.propose_fine(powers.get("AQ-CF-114"), "unit", stage="accident", label="较大事故",
                             circumstance="severe")
    assert (severe.low, severe.high) == (Decimal("1800000.00"), Decimal("2000000.00"))
    with pytest.raises(ValueError, match="no fine"):
        ep.fine_range(powers.get("AQ-CF-114"), "unit", "accident", "轻微事故")
    with pytest.raises(ValueError, match="no fine"):
        ep.fine_range(powers.get("AQ-CF-093"), "unit")
    with pytest.raises(ValueError):
        powers.get("AQ-CF-999")


def test_propose_fine_uses_the_item_range_and_bands():
    item = ep.load_powers().get("AQ-CF-097-01")
    assert ep.propose_fine(item, "unit").low == Decimal("30000.00")
    severe = ep.propose_fine(item, "unit", stage="overdue", circumstance="severe")
    assert (severe.low, severe.high) == (Decimal("180000.00"), Decimal("200000.00"))
    lighter = ep.propose_fine(item, "responsible_persons", stage="overdue", adjustment="lighter")
    assert (lighter.low, lighter.high, lighter.high_exclusive) == (Decimal("20000.00"), Decimal("35000.00"), True)


def _problems(raw, mutate):
    doc = copy.deepcopy(raw)
    mutate(doc)
    with pytest.raises(ep.PowersError) as info:
        ep.parse_powers(doc)
    return " | ".join(info.value.problems)


def test_schema_problems_are_reported(raw):
    first = lambda d: d["items"][0]  # noqa: E731
    assert "duplicate code" in _problems(raw, lambda d: d["items"].append(copy.deepcopy(d["items"][0])))
    assert "bad code" in _problems(raw, lambda d: first(d).update(code="罚-1"))
    assert "unknown kind" in _problems(raw, lambda d: first(d).update(kind="license"))
    assert "basis" in _problems(raw, lambda d: first(d).update(basis=[]))
    assert "acts" in _problems(raw, lambda d: first(d).update(acts=[""]))
    assert "[unverified]" in _problems(raw, lambda d: first(d).update(note="checked"))
    assert "verified" in _problems(raw, lambda d: first(d).update(verified="yes"))
    assert "exactly" in _problems(raw, lambda d: first(d).pop("source"))
    assert "unknown stage" in _problems(raw, lambda d: first(d)["tiers"][0].update(stage="later"))
    bad_fine = {"party": "unit", "basis": "amount", "min": 50_000, "max": 10_000}
    assert "min ≤ max" in _problems(raw, lambda d: d["items"][1]["tiers"][0].update(fines=[bad_fine]))
    assert "unknown party" in _problems(
        raw, lambda d: d["items"][1]["tiers"][0]["fines"][0].update(party="mayor"))
    assert "contiguous" in _problems(raw, lambda d: d["items"][1]["discretion"][1].update(band=[0.35, 0.6]))
    assert "once each" in _problems(raw, lambda d: d["items"][1]["discretion"].pop())
    assert "items" in _problems(raw, lambda d: d.update(items=[]))
    with pytest.raises(ep.PowersError):
        ep.parse_powers([])


def test_a_valid_edit_still_parses(raw):
    doc = copy.deepcopy(raw)
    doc["version"] = "2026.2"
    doc["items"][0]["name"] = "改名后的事项"
    assert ep.parse_powers(doc).items[0].name == "改名后的事项"
