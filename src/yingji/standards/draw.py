"""双随机 random draw (随机抽取检查对象、随机选派执法检查人员): reproducible, verifiable, recusal-safe.

Basis: 国办发〔2015〕58号 《关于推广随机抽查规范事中事后监管的通知》 (random selection of targets and inspectors
from 名录库, results published); 国发〔2019〕5号 (部门联合"双随机、一公开"); recusal of an inspector with an interest
in the case: 《行政处罚法》 (2021) 第四十三条 [article number unverified]. Neither text fixes an algorithm; the one
below is the project's, versioned as :data:`ALGORITHM` so a published draw can be re-run by anyone.

Algorithm ``yingji-draw/1`` (everything a citizen needs to re-run a published draw):

1. **Canonical inputs.** Enterprise and officer ids are integers or strings (one kind per pool); each pool is
   deduplicated and sorted (integers numerically, strings by code point). Recusal pairs naming an id outside the
   pools are dropped; the rest are deduplicated and sorted. ``cap`` is the per-officer limit actually used (the
   default ``ceil(count × per_enterprise / officers)`` filled in). The canonical text is the JSON object
   ``{"algorithm", "cap", "count", "enterprises", "officers", "per_enterprise", "recusals", "seed"}`` with sorted
   keys, separators ``(",", ":")``, non-ASCII kept (``ensure_ascii=False``), recusals as ``[officer, enterprise]``
   lists; UTF-8 encoded. ``input_digest`` is the hex SHA-256 of that text.
2. **Random streams.** Stream *label* yields the 32-byte blocks SHA-256(``input_digest`` ‖ 0x00 ‖ label ‖ 0x00 ‖
   counter as 8 bytes big-endian) for counter = 0, 1, 2 …; each block is read as four 64-bit big-endian words, in
   order. Label ``enterprises`` orders the enterprises; label ``officers:<canonical JSON of the enterprise id>``
   (e.g. ``officers:17`` or ``officers:"E-17"``) orders the officers for that enterprise.
3. **Unbiased integers.** ``below(n)``: take the next word w; if w ≥ 2⁶⁴ − (2⁶⁴ mod n) discard it and take the
   next (rejection sampling), else return w mod n.
4. **Shuffle.** Fisher–Yates on a copy of the sorted list: for i = 0 … len−2, j = i + below(len − i), swap items
   i and j.
5. **Enterprises.** Shuffle the enterprise pool with stream ``enterprises``. Walk the shuffled list and accept an
   enterprise when the accepted ones plus it can still all be staffed (step 6); stop at ``count`` accepted.
   Enterprises passed over are published as ``skipped`` (in practice: too many recusals against them). When the
   walk ends short of ``count`` the request is refused.
6. **Officers.** Staffing is a max-flow: source → enterprise (capacity ``per_enterprise``) → officer (capacity 1,
   absent when the officer is recused from that enterprise) → sink (capacity ``cap``). Each accepted enterprise
   pushes ``per_enterprise`` units, one at a time, along an augmenting path found by depth-first search: an
   enterprise takes the first officer in its shuffle order (stream ``officers:…``) who is not recused, not yet
   paired with it and below the cap; only when none is left does it take, in the same order, a full officer whose
   slot another enterprise gives up by the same search (enterprises holding that officer tried in acceptance
   order; no officer or enterprise is visited twice in one search). Augmenting from a maximum flow gives a maximum flow,
   so an enterprise is refused only when no valid assignment of the accepted set plus it exists. An officer's
   assignment may move to another enterprise by a later augmenting path; the published pairs are the final flow.
7. **Result.** Pairs in acceptance order, each enterprise with its officers sorted.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

ALGORITHM = "yingji-draw/1"
#: Fields a refusal can name; an API maps them to 422 field errors.
FIELDS = ("enterprises", "officers", "count", "per_enterprise", "seed", "recusals", "cap")

Id = int | str


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DrawError(ValueError):
    """The request is malformed or the pools cannot satisfy it; ``errors`` names the fields (see :data:`FIELDS`)."""

    def __init__(self, errors: Iterable[FieldError]):
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.field for e in self.errors))


@dataclass(frozen=True)
class DrawResult:
    seed: str
    algorithm: str
    pairs: tuple[tuple[Id, tuple[Id, ...]], ...]
    input_digest: str
    cap: int
    skipped: tuple[Id, ...]

    @property
    def enterprises(self) -> tuple[Id, ...]:
        return tuple(e for e, _ in self.pairs)

    def officer_load(self) -> dict[Id, int]:
        """How many enterprises each drawn officer was paired with."""
        counts: dict[Id, int] = {}
        for _, officers in self.pairs:
            for o in officers:
                counts[o] = counts.get(o, 0) + 1
        return counts


class _Stream:
    def __init__(self, key: bytes, label: str):
        self._prefix = key + b"\x00" + label.encode("utf-8") + b"\x00"
        self._counter = 0
        self._words: list[int] = []

    def word(self) -> int:
        if not self._words:
            block = hashlib.sha256(self._prefix + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._words = [int.from_bytes(block[i:i + 8], "big") for i in (24, 16, 8, 0)]
        return self._words.pop()

    def below(self, n: int) -> int:
        limit = 2**64 - (2**64 % n)
        while True:
            w = self.word()
            if w < limit:
                return w % n

    def shuffled(self, items: list) -> list:
        out = list(items)
        for i in range(len(out) - 1):
            j = i + self.below(len(out) - i)
            out[i], out[j] = out[j], out[i]
        return out


def _canonical_pool(values, field: str, errors: list[FieldError]) -> list[Id]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        errors.append(FieldError(field, "must be a list of ids"))
        return []
    pool = list(values)
    if any(isinstance(v, bool) or not isinstance(v, int | str) for v in pool):
        errors.append(FieldError(field, "ids must be integers or strings"))
        return []
    if len({type(v) for v in pool}) > 1:
        errors.append(FieldError(field, "ids must be all integers or all strings"))
        return []
    return sorted(set(pool))


def _positive_int(value, field: str, errors: list[FieldError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        errors.append(FieldError(field, "must be a whole number ≥ 1"))
        return 0
    return value


def canonical_text(enterprises, officers, count, per_enterprise, seed, recusals, cap) -> str:
    """The canonical input text of step 1 of algorithm ``yingji-draw/1`` (module docstring; basis 国办发〔2015〕58号
    publication of draws): pools already canonical, ``cap`` the one used. Its SHA-256 is the ``input_digest``."""
    return json.dumps({
        "algorithm": ALGORITHM, "cap": cap, "count": count, "enterprises": enterprises, "officers": officers,
        "per_enterprise": per_enterprise, "recusals": [list(p) for p in recusals], "seed": seed,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class _Flow:
    """Residual network of step 6; enterprises and officers are indices."""

    def __init__(self, officers: int, cap: int):
        self.cap = cap
        self.load = [0] * officers                      # flow officer → sink
        self.assigned: dict[int, set[int]] = {}         # enterprise → officers carrying flow
        self.allowed: dict[int, list[int]] = {}         # enterprise → officers in seeded order
        self.holders: list[set[int]] = [set() for _ in range(officers)]  # officer → enterprises

    def copy(self) -> _Flow:
        other = _Flow(0, self.cap)
        other.load = list(self.load)
        other.assigned = {e: set(s) for e, s in self.assigned.items()}
        other.allowed = dict(self.allowed)
        other.holders = [set(h) for h in self.holders]
        return other

    def _augment(self, enterprise: int, seen_officers: set[int], seen_enterprises: set[int]) -> bool:
        seen_enterprises.add(enterprise)
        taken = self.assigned[enterprise]
        candidates = [o for o in self.allowed[enterprise] if o not in seen_officers and o not in taken]
        for o in candidates:
            if self.load[o] < self.cap:
                seen_officers.add(o)
                self.load[o] += 1
                self._move(enterprise, o)
                return True
        for o in candidates:
            if o in seen_officers:
                continue
            seen_officers.add(o)
            # Every candidate is full: free a slot of this one by rerouting an enterprise that holds it.
            for other in sorted(self.holders[o]):
                if other in seen_enterprises:
                    continue
                if self._augment(other, seen_officers, seen_enterprises):
                    self.assigned[other].discard(o)
                    self.holders[o].discard(other)
                    self._move(enterprise, o)
                    return True
        return False

    def _move(self, enterprise: int, officer: int) -> None:
        self.assigned[enterprise].add(officer)
        self.holders[officer].add(enterprise)

    def add(self, enterprise: int, order: list[int], per: int) -> bool:
        self.allowed[enterprise] = order
        self.assigned[enterprise] = set()
        return all(self._augment(enterprise, set(), set()) for _ in range(per))


def draw(enterprises, officers, count, *, seed, per_enterprise=2, recusals=(), cap=None) -> DrawResult:
    """双随机 draw per 国办发〔2015〕58号 (random targets, random inspectors) with recusal per 《行政处罚法》 第四十三条
    [article unverified]: ``count`` enterprises, ``per_enterprise`` officers each, algorithm ``yingji-draw/1``
    (module docstring).

    ``recusals`` are ``(officer, enterprise)`` pairs (or ``{"officer": …, "enterprise": …}`` objects, as the API
    receives them) that are never drawn together. ``cap`` limits how many
    enterprises one officer gets; by default the smallest that can work, ``ceil(count × per_enterprise / officers)``.
    Input order and duplicates do not matter. Raises :class:`DrawError` naming the fields when the request is
    malformed or cannot be met: ``count`` (more than the pool), ``per_enterprise`` (more than the officers),
    ``cap`` (too small for count × per_enterprise), ``recusals`` (the recusals leave too few enterprises
    staffable).
    """
    errors: list[FieldError] = []
    ent_pool = _canonical_pool(enterprises, "enterprises", errors)
    off_pool = _canonical_pool(officers, "officers", errors)
    n = _positive_int(count, "count", errors)
    per = _positive_int(per_enterprise, "per_enterprise", errors)
    if not isinstance(seed, str) or not seed.strip():
        errors.append(FieldError("seed", "must be a non-empty text"))
    if cap is not None:
        cap = _positive_int(cap, "cap", errors)
    pairs = []
    if isinstance(recusals, str | bytes) or not isinstance(recusals, Iterable):
        errors.append(FieldError("recusals", "must be a list of (officer, enterprise) pairs"))
    else:
        for pair in recusals:
            if isinstance(pair, dict):
                pair = (pair.get("officer"), pair.get("enterprise"))
            if isinstance(pair, str | bytes) or not isinstance(pair, Iterable) or len(pair := tuple(pair)) != 2:
                errors.append(FieldError("recusals", "each recusal is an (officer, enterprise) pair"))
                break
            pairs.append(pair)
    if errors:
        raise DrawError(errors)
    if not ent_pool:
        errors.append(FieldError("enterprises", "the enterprise pool is empty"))
    if not off_pool:
        errors.append(FieldError("officers", "the officer pool is empty"))
    if ent_pool and n > len(ent_pool):
        errors.append(FieldError("count", f"only {len(ent_pool)} enterprises in the pool, {n} requested"))
    if off_pool and per > len(off_pool):
        errors.append(FieldError("per_enterprise", f"only {len(off_pool)} officers in the pool, {per} needed"))
    if errors:
        raise DrawError(errors)
    if cap is None:
        cap = math.ceil(n * per / len(off_pool))
    elif cap * len(off_pool) < n * per:
        raise DrawError([FieldError("cap", f"{len(off_pool)} officers × cap {cap} cannot cover {n} × {per} slots")])
    ent_set, off_set = set(ent_pool), set(off_pool)
    recused = sorted({p for p in pairs if p[0] in off_set and p[1] in ent_set})
    text = canonical_text(ent_pool, off_pool, n, per, seed, recused, cap)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = digest.encode("ascii")

    blocked: dict[Id, set[Id]] = {}
    for officer, enterprise in recused:
        blocked.setdefault(enterprise, set()).add(officer)
    off_index = {o: i for i, o in enumerate(off_pool)}
    flow = _Flow(len(off_pool), cap)
    accepted: list[Id] = []
    skipped: list[Id] = []
    for enterprise in _Stream(key, "enterprises").shuffled(ent_pool):
        if len(accepted) == n:
            break
        label = "officers:" + json.dumps(enterprise, ensure_ascii=False)
        order = [off_index[o] for o in _Stream(key, label).shuffled(off_pool) if o not in blocked.get(enterprise, ())]
        trial = flow.copy()
        if len(order) >= per and trial.add(len(accepted), order, per):
            flow = trial
            accepted.append(enterprise)
        else:
            skipped.append(enterprise)
    if len(accepted) < n:
        raise DrawError([FieldError(
            "recusals", f"with these recusals and a cap of {cap} per officer only {len(accepted)} of the "
            f"{n} enterprises can be staffed")])
    result_pairs = tuple(
        (e, tuple(sorted(off_pool[o] for o in flow.assigned[i]))) for i, e in enumerate(accepted))
    return DrawResult(seed=seed, algorithm=ALGORITHM, pairs=result_pairs, input_digest=digest, cap=cap,
                      skipped=tuple(skipped))


def seeded_order(seed: str, label: str, items: Iterable) -> list:
    """``items`` (in the order given) shuffled by steps 2-4 of ``yingji-draw/1`` with the stream key
    SHA-256(UTF-8 ``seed``) in hex instead of an input digest: the same reproducible, unbiased shuffle for other
    public draws (e.g. 逢查必考 exam questions). Callers sort ``items`` first so that input order does not matter."""
    if not isinstance(seed, str) or not seed:
        raise ValueError("seed must be a non-empty text")
    key = hashlib.sha256(seed.encode("utf-8")).hexdigest().encode("ascii")
    return _Stream(key, label).shuffled(list(items))


def iter_stream_words(input_digest: str, label: str) -> Iterator[int]:
    """The 64-bit words of stream ``label`` (step 2 of ``yingji-draw/1``, module docstring), for anyone checking a
    published draw by hand against 国办发〔2015〕58号's publication duty."""
    stream = _Stream(input_digest.encode("ascii"), label)
    while True:
        yield stream.word()
