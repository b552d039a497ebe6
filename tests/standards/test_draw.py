"""双随机 draw (国办发〔2015〕58号; recusal 《行政处罚法》 第四十三条): reproducible, recusal-safe, uniform."""

import hashlib
import json
from collections import Counter
from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.standards import draw as draw_module
from yingji.standards.draw import ALGORITHM, DrawError, draw

ENTERPRISES = list(range(1, 21))
OFFICERS = [101, 102, 103, 104, 105]
#: χ² critical value for 9 degrees of freedom at p = 0.001; the seeds are fixed, so the test is deterministic.
CHI2_DF9_P001 = 27.877


def test_same_seed_and_pools_give_the_same_result_whatever_the_input_order():
    a = draw(ENTERPRISES, OFFICERS, 6, seed="2026年第1次", recusals=[(101, 4), (102, 7)])
    b = draw(list(reversed(ENTERPRISES)) + [3, 3], [105, 103, 101, 104, 102, 101], 6, seed="2026年第1次",
             recusals=[{"officer": 102, "enterprise": 7}, (101, 4), (101, 4)])
    assert a == b
    assert a.algorithm == ALGORITHM == "yingji-draw/1"
    assert a.seed == "2026年第1次"
    assert len(a.input_digest) == 64


def test_pinned_result_so_a_published_draw_stays_re_runnable():
    # Any change here breaks every draw already published: bump ALGORITHM instead.
    result = draw(ENTERPRISES, OFFICERS, 6, seed="2026-03 第1次")
    assert result.input_digest == "ffe423fde311bac1afcb830fb44a6f81868b43ded8a0e485fc274e995512b2a6"
    assert result.pairs == ((4, (101, 102)), (15, (103, 104)), (20, (101, 105)), (7, (102, 105)),
                            (17, (101, 105)), (14, (102, 104)))
    assert result.cap == 3


def _citizen_shuffle(digest: str, label: str, items: list) -> list:
    """Steps 2-4 of the module docstring, written again from the text alone."""
    def words():
        counter = 0
        while True:
            block = hashlib.sha256(digest.encode() + b"\x00" + label.encode() + b"\x00"
                                   + counter.to_bytes(8, "big")).digest()
            counter += 1
            yield from (int.from_bytes(block[i:i + 8], "big") for i in range(0, 32, 8))

    stream = words()

    def below(n):
        while (w := next(stream)) >= 2**64 - 2**64 % n:
            pass
        return w % n

    out = list(items)
    for i in range(len(out) - 1):
        j = i + below(len(out) - i)
        out[i], out[j] = out[j], out[i]
    return out


def test_the_documented_algorithm_reproduces_the_draw():
    result = draw(["E-3", "E-1", "E-2", "E-9", "E-5"], ["张", "李", "王"], 3, seed="公开种子", per_enterprise=1)
    text = json.dumps({"algorithm": "yingji-draw/1", "cap": 1, "count": 3,
                       "enterprises": ["E-1", "E-2", "E-3", "E-5", "E-9"], "officers": ["张", "李", "王"],
                       "per_enterprise": 1, "recusals": [], "seed": "公开种子"},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert sorted(["张", "李", "王"]) == ["张", "李", "王"]
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert result.input_digest == digest
    order = _citizen_shuffle(digest, "enterprises", ["E-1", "E-2", "E-3", "E-5", "E-9"])
    assert result.enterprises == tuple(order[:3])
    first = _citizen_shuffle(digest, 'officers:"' + order[0] + '"', ["张", "李", "王"])[0]
    assert result.pairs[0][1] == (first,)
    words = draw_module.iter_stream_words(digest, "enterprises")
    block = hashlib.sha256(digest.encode() + b"\x00enterprises\x00" + bytes(8)).digest()
    assert next(words) == int.from_bytes(block[:8], "big")


def test_different_seeds_give_different_draws():
    results = {draw(ENTERPRISES, OFFICERS, 6, seed=f"seed {i}").pairs for i in range(20)}
    assert len(results) == 20
    assert draw(ENTERPRISES, OFFICERS, 6, seed="a").input_digest != draw(ENTERPRISES, OFFICERS, 6,
                                                                          seed="b").input_digest


def test_default_cap_is_the_smallest_that_works_and_is_respected():
    result = draw(range(10), ["a", "b", "c", "d"], 10, seed="x")  # 20 slots / 4 officers
    assert result.cap == 5
    assert sorted(result.officer_load().values()) == [5, 5, 5, 5]
    result = draw(range(10), ["a", "b", "c", "d"], 3, seed="x", cap=3)
    assert max(result.officer_load().values()) <= 3
    assert all(len(set(o)) == 2 for _, o in result.pairs)


def test_a_valid_assignment_is_found_where_a_greedy_would_fail():
    # a and b are recused from enterprise 2; a greedy that gives 1 the first two free officers (a, b) when cap is
    # 1 leaves 2 with only c. The flow reroutes.
    for i in range(30):
        result = draw([1, 2], ["a", "b", "c", "d"], 2, seed=f"s{i}", recusals=[("a", 2), ("b", 2)])
        pairs = dict(result.pairs)
        assert pairs[2] == ("c", "d") and pairs[1] == ("a", "b")


def test_enterprises_that_cannot_be_staffed_are_skipped_and_published():
    result = draw([1, 2, 3], ["a", "b", "c"], 2, seed="s", recusals=[("a", 2), ("b", 2)])
    assert 2 not in result.enterprises
    assert set(result.enterprises) == {1, 3}
    assert result.skipped in ((), (2,))


@pytest.mark.parametrize("kwargs, field", [
    ({"count": 21}, "count"),
    ({"count": 0}, "count"),
    ({"count": 2.0}, "count"),
    ({"per_enterprise": 6}, "per_enterprise"),
    ({"per_enterprise": 0}, "per_enterprise"),
    ({"cap": 1, "count": 6}, "cap"),
    ({"seed": ""}, "seed"),
    ({"seed": None}, "seed"),
    ({"officers": []}, "officers"),
    ({"enterprises": []}, "enterprises"),
    ({"enterprises": [1, "2"]}, "enterprises"),
    ({"officers": [True, 2]}, "officers"),
    ({"recusals": [(101,)]}, "recusals"),
    ({"recusals": "101-4"}, "recusals"),
])
def test_bad_or_unsatisfiable_requests_name_the_field(kwargs, field):
    args = {"enterprises": ENTERPRISES, "officers": OFFICERS, "count": 3, "seed": "s"} | kwargs
    with pytest.raises(DrawError) as info:
        draw(args.pop("enterprises"), args.pop("officers"), args.pop("count"), **args)
    assert field in info.value.fields
    assert isinstance(info.value, ValueError)


def test_recusals_leaving_too_few_staffable_enterprises():
    with pytest.raises(DrawError) as info:
        draw([1, 2, 3], ["a", "b", "c"], 3, seed="s", recusals=[("a", 2), ("b", 2)])
    assert info.value.fields == ("recusals",)
    assert "2 of the 3" in str(info.value)


def test_recusals_outside_the_pools_are_ignored():
    a = draw(ENTERPRISES, OFFICERS, 4, seed="s")
    b = draw(ENTERPRISES, OFFICERS, 4, seed="s", recusals=[(999, 1), (101, 999)])
    assert a == b


def _feasible(enterprises, officers, per, cap, recused) -> bool:
    options = [[c for c in combinations(officers, per) if not any((o, e) in recused for o in c)]
               for e in enterprises]
    for choice in product(*options):
        load = Counter(o for c in choice for o in c)
        if all(v <= cap for v in load.values()):
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(
    n_ent=st.integers(1, 4), n_off=st.integers(1, 4), per=st.integers(1, 2), extra_cap=st.integers(0, 1),
    recusal_bits=st.integers(0, 2**16 - 1), seed=st.text(min_size=1, max_size=8).filter(str.strip),
)
def test_assignment_found_exactly_when_one_exists(n_ent, n_off, per, extra_cap, recusal_bits, seed):
    enterprises = list(range(n_ent))
    officers = [f"o{i}" for i in range(n_off)]
    recused = {(o, e) for k, (o, e) in enumerate(product(officers, enterprises)) if recusal_bits >> k & 1}
    if per > n_off:
        return
    cap = -(-n_ent * per // n_off) + extra_cap
    exists = _feasible(enterprises, officers, per, cap, recused)
    try:
        result = draw(enterprises, officers, n_ent, seed=seed, per_enterprise=per, recusals=recused, cap=cap)
    except DrawError as error:
        assert not exists
        assert error.fields == ("recusals",)
        return
    assert exists
    assert sorted(result.enterprises) == enterprises
    for enterprise, assigned in result.pairs:
        assert len(set(assigned)) == per
        assert not any((o, enterprise) in recused for o in assigned)
    assert max(result.officer_load().values()) <= cap


@settings(max_examples=100, deadline=None)
@given(
    pool=st.lists(st.integers(0, 60), min_size=1, max_size=30, unique=True),
    officers=st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=2, max_size=8, unique=True),
    data=st.data(),
)
def test_recusal_never_violated_and_cap_respected(pool, officers, data):
    count = data.draw(st.integers(1, len(pool)))
    recused = data.draw(st.sets(st.tuples(st.sampled_from(officers), st.sampled_from(pool)), max_size=40))
    try:
        result = draw(pool, officers, count, seed=data.draw(st.text(min_size=1).filter(str.strip)),
                      recusals=recused)
    except DrawError as error:
        assert error.fields == ("recusals",)
        return
    assert len(result.pairs) == count
    assert len(set(result.enterprises)) == count
    assert set(result.enterprises).isdisjoint(result.skipped)
    for enterprise, assigned in result.pairs:
        assert len(set(assigned)) == 2 and set(assigned) <= set(officers)
        assert all((o, enterprise) not in recused for o in assigned)
    assert max(result.officer_load().values()) <= result.cap == -(-count * 2 // len(officers))


def _chi_square(counter: Counter, categories) -> float:
    expected = sum(counter.values()) / len(categories)
    return sum((counter.get(c, 0) - expected) ** 2 / expected for c in categories)


def _subset_frequencies(runs=4000) -> Counter:
    return Counter(tuple(sorted(draw(range(5), ["a", "b", "c"], 2, seed=f"seed-{i}", per_enterprise=1).enterprises))
                   for i in range(runs))


SUBSETS = list(combinations(range(5), 2))


def test_drawn_sets_are_uniform_over_many_seeds():
    assert _chi_square(_subset_frequencies(), SUBSETS) < CHI2_DF9_P001


def test_each_officer_equally_likely():
    counts = Counter(draw([1], [f"o{i}" for i in range(10)], 1, seed=f"seed-{i}", per_enterprise=1).pairs[0][1][0]
                     for i in range(3000))
    assert _chi_square(counts, [f"o{i}" for i in range(10)]) < CHI2_DF9_P001


def test_the_uniformity_check_catches_a_naive_shuffle(monkeypatch):
    def naive(self, items):  # the classic bug: j drawn from the whole list at every step
        out = list(items)
        for i in range(len(out)):
            j = self.below(len(out))
            out[i], out[j] = out[j], out[i]
        return out

    monkeypatch.setattr(draw_module._Stream, "shuffled", naive)
    assert _chi_square(_subset_frequencies(), SUBSETS) > CHI2_DF9_P001


def test_the_uniformity_check_catches_modulo_bias(monkeypatch):
    monkeypatch.setattr(draw_module._Stream, "below", lambda self, n: (self.word() >> 61) % n)
    assert _chi_square(_subset_frequencies(), SUBSETS) > CHI2_DF9_P001


def test_seeded_order_is_the_same_shuffle_keyed_by_the_seed():
    items = list(range(10))
    key = hashlib.sha256("检查-1".encode()).hexdigest()
    assert draw_module.seeded_order("检查-1", "exam:worker", items) == _citizen_shuffle(key, "exam:worker", items)
    assert draw_module.seeded_order("检查-1", "exam:worker", items) != draw_module.seeded_order("检查-2", "exam:worker",
                                                                                             items)
    with pytest.raises(ValueError):
        draw_module.seeded_order("", "x", items)
