"""权责清单 (list of enforcement powers) of a county 应急管理局: the seed in ``data/enforcement_powers.json``.

Items are 行政处罚 (``penalty``), 行政强制 (``coercion``) and 行政检查 (``inspection``), mostly from the legal-
liability chapter of 《中华人民共和国安全生产法》 (2021 修正, 第九十三条-第一百一十四条) and its 第六十五、七十条
(inspection powers, 查封扣押, 停止供电). Each item carries its legal basis, the acts it covers, its fine tiers (first
instance, 逾期未改正, 拒不改正, accident …) and 情节 discretion bands for :func:`penalty.propose_fine_range`. Items
whose text was not checked against an official copy say so: ``verified: false`` and "[unverified]" in ``note``.
The bureau adjusts the list over time; :func:`load_powers` validates any version passed to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from . import penalty
from ._util import read_json

KINDS = ("penalty", "coercion", "inspection")
STAGES = ("first", "overdue", "refused", "aggravated", "accident")
#: Who a fine falls on: the unit, its 主要负责人, other 负责人 and 安全生产管理人员, 直接负责的主管人员和其他直接
#: 责任人员, or the 个人经营的投资人.
PARTIES = ("unit", "principal", "managers", "responsible_persons", "investor")
#: ``amount`` in yuan; the others are multipliers of something the case supplies (see the data file's note).
FINE_BASES = ("amount", "income_percent", "gains_multiple", "fine_multiple", "original_fine_per_day")
_CODE = re.compile(r"^[A-Z]+(-[A-Z]+)?-[A-Z]{2}-\d{3}(-\d{2})?$")


class PowersError(ValueError):
    """The powers list is malformed; ``problems`` lists every problem found, each naming the item."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class LegalBasis:
    law: str
    version: str
    article: str


@dataclass(frozen=True)
class Fine:
    party: str
    basis: str
    min: Fraction | None
    max: Fraction | None


@dataclass(frozen=True)
class Tier:
    stage: str
    label: str
    measures: tuple[str, ...]
    fines: tuple[Fine, ...]


@dataclass(frozen=True)
class DiscretionTier:
    circumstance: str
    facts: str
    band: tuple[Fraction, Fraction]


@dataclass(frozen=True)
class PowerItem:
    code: str
    kind: str
    name: str
    basis: tuple[LegalBasis, ...]
    acts: tuple[str, ...]
    tiers: tuple[Tier, ...]
    discretion: tuple[DiscretionTier, ...]
    source: str
    verified: bool
    note: str

    def bands(self) -> dict[str, tuple[Fraction, Fraction]] | None:
        return {d.circumstance: d.band for d in self.discretion} or None


@dataclass(frozen=True)
class PowersList:
    title: str
    version: str
    items: tuple[PowerItem, ...]

    def get(self, code: str) -> PowerItem:
        for item in self.items:
            if item.code == code:
                return item
        raise ValueError(f"Unknown power item {code!r}")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _fine(raw: Any, where: str, problems: list[str]) -> Fine | None:
    if not isinstance(raw, dict) or set(raw) != {"party", "basis", "min", "max"}:
        problems.append(f"{where}: a fine has exactly party, basis, min, max")
        return None
    if raw["party"] not in PARTIES:
        problems.append(f"{where}: unknown party {raw['party']!r}")
    if raw["basis"] not in FINE_BASES:
        problems.append(f"{where}: unknown fine basis {raw['basis']!r}")
    try:
        low = None if raw["min"] is None else _number(raw["min"])
        high = _number(raw["max"])
    except ValueError:
        problems.append(f"{where}: min must be a number or null and max a number")
        return None
    if high is None or high <= 0 or (low is not None and not 0 <= low <= high):
        problems.append(f"{where}: need 0 ≤ min ≤ max and max > 0")
        return None
    return Fine(raw["party"], raw["basis"], low, high)


def _tier(raw: Any, where: str, problems: list[str]) -> Tier | None:
    if not isinstance(raw, dict) or set(raw) != {"stage", "label", "measures", "fines"}:
        problems.append(f"{where}: a tier has exactly stage, label, measures, fines")
        return None
    if raw["stage"] not in STAGES:
        problems.append(f"{where}: unknown stage {raw['stage']!r}")
    if not _text(raw["label"]):
        problems.append(f"{where}: label is empty")
    if not isinstance(raw["measures"], list) or not all(_text(m) for m in raw["measures"]):
        problems.append(f"{where}: measures must be a list of texts")
        return None
    if not isinstance(raw["fines"], list):
        problems.append(f"{where}: fines must be a list")
        return None
    fines = [_fine(f, f"{where} fine {i}", problems) for i, f in enumerate(raw["fines"])]
    if not raw["measures"] and not raw["fines"]:
        problems.append(f"{where}: a tier needs a measure or a fine")
    return Tier(raw["stage"], raw["label"], tuple(raw["measures"]), tuple(f for f in fines if f))


def _discretion(raw: Any, where: str, problems: list[str]) -> tuple[DiscretionTier, ...]:
    if not isinstance(raw, list):
        problems.append(f"{where}: discretion must be a list")
        return ()
    out = []
    for i, d in enumerate(raw):
        if not isinstance(d, dict) or set(d) != {"circumstance", "facts", "band"}:
            problems.append(f"{where} discretion {i}: has exactly circumstance, facts, band")
            continue
        try:
            start, end = (_number(v) for v in d["band"])
        except (ValueError, TypeError):
            problems.append(f"{where} discretion {i}: band is two numbers")
            continue
        if not 0 <= start <= end <= 1:
            problems.append(f"{where} discretion {i}: band must satisfy 0 ≤ start ≤ end ≤ 1")
        if not _text(d["facts"]):
            problems.append(f"{where} discretion {i}: facts are empty")
        out.append(DiscretionTier(d["circumstance"], d["facts"], (start, end)))
    if out and [d.circumstance for d in out] != list(penalty.CIRCUMSTANCES):
        problems.append(f"{where}: discretion must list {', '.join(penalty.CIRCUMSTANCES)} once each, in order")
    for low, high in zip(out, out[1:], strict=False):
        if low.band[1] != high.band[0]:
            problems.append(f"{where}: discretion bands must be contiguous ({low.circumstance} → {high.circumstance})")
    if out and (out[0].band[0] != 0 or out[-1].band[1] != 1):
        problems.append(f"{where}: discretion bands must cover 0 to 1")
    return tuple(out)


_ITEM_KEYS = {"code", "kind", "name", "basis", "acts", "tiers", "discretion", "source", "verified", "note"}


def _item(raw: Any, index: int, problems: list[str]) -> PowerItem | None:
    where = f"item {index}"
    if not isinstance(raw, dict) or set(raw) != _ITEM_KEYS:
        problems.append(f"{where}: an item has exactly {', '.join(sorted(_ITEM_KEYS))}")
        return None
    code = raw["code"]
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"{where}: bad code {code!r}")
    else:
        where = f"item {code}"
    if raw["kind"] not in KINDS:
        problems.append(f"{where}: unknown kind {raw['kind']!r}")
    for key in ("name", "source"):
        if not _text(raw[key]):
            problems.append(f"{where}: {key} is empty")
    if not isinstance(raw["verified"], bool):
        problems.append(f"{where}: verified must be true or false")
    if not isinstance(raw["note"], str):
        problems.append(f"{where}: note must be a text")
    elif raw["verified"] is False and "[unverified]" not in raw["note"]:
        problems.append(f"{where}: an unverified item must say what is [unverified] in its note")
    basis = raw["basis"]
    if not isinstance(basis, list) or not basis or not all(
            isinstance(b, dict) and set(b) == {"law", "version", "article"} and all(_text(v) for v in b.values())
            for b in basis):
        problems.append(f"{where}: basis must list law, version and article")
        basis = []
    acts = raw["acts"]
    if not isinstance(acts, list) or not acts or not all(_text(a) for a in acts):
        problems.append(f"{where}: acts must be a non-empty list of texts")
        acts = []
    if not isinstance(raw["tiers"], list) or not raw["tiers"]:
        problems.append(f"{where}: tiers must be a non-empty list")
        tiers = []
    else:
        tiers = [_tier(t, f"{where} tier {i}", problems) for i, t in enumerate(raw["tiers"])]
    if raw["kind"] == "penalty" and not any(t and t.fines for t in tiers) and not any(
            t and t.measures for t in tiers):
        problems.append(f"{where}: a penalty item needs a fine or a measure")
    discretion = _discretion(raw["discretion"], where, problems)
    if discretion and not any(f.basis == "amount" and f.min != f.max for t in tiers if t for f in t.fines):
        problems.append(f"{where}: discretion bands need a fine range in yuan to apply to")
    return PowerItem(
        code=code, kind=raw["kind"], name=raw["name"],
        basis=tuple(LegalBasis(**b) for b in basis), acts=tuple(acts), tiers=tuple(t for t in tiers if t),
        discretion=discretion, source=raw["source"], verified=raw["verified"], note=raw["note"])


def parse_powers(data: Any) -> PowersList:
    """Validate a 权责清单 document (the schema of ``data/enforcement_powers.json``; the fine figures follow the
    cited articles of 《安全生产法》 (2021)) and return it; :class:`PowersError` lists every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or set(data) != {"title", "version", "note", "items"}:
        raise PowersError(["the document has exactly title, version, note, items"])
    if not _text(data["title"]) or not _text(data["version"]):
        problems.append("title and version must be texts")
    if not isinstance(data["items"], list) or not data["items"]:
        raise PowersError([*problems, "items must be a non-empty list"])
    items = [_item(raw, i, problems) for i, raw in enumerate(data["items"])]
    codes = [i.code for i in items if i]
    problems.extend(f"duplicate code {c}" for c in sorted({c for c in codes if codes.count(c) > 1}))
    if problems:
        raise PowersError(problems)
    return PowersList(title=data["title"], version=data["version"], items=tuple(i for i in items if i))


@cache
def load_powers() -> PowersList:
    """The shipped seed 权责清单 (``data/enforcement_powers.json``: 《安全生产法》 (2021) 第六十五、七十条 and
    第九十三-一百一十四条, 《安全生产许可证条例》 第十九、二十条), validated by :func:`parse_powers`."""
    return parse_powers(read_json("enforcement_powers.json"))


def fine_range(item: PowerItem, party: str, stage: str = "first", label: str | None = None) -> Fine:
    """The first yuan fine range of ``item`` for ``party`` at ``stage`` (a tier of the item's article, e.g.
    《安全生产法》 第九十七条 first instance ≤ 10万, 逾期未改正 10万-20万); ``label`` picks one of several tiers of a
    stage (第一百一十四条: "一般事故" … "特别重大事故"). ValueError when the article sets none."""
    for tier in item.tiers:
        if tier.stage != stage or (label is not None and tier.label != label):
            continue
        for f in tier.fines:
            if f.party == party and f.basis == "amount":
                return f
    raise ValueError(f"{item.code} sets no fine in yuan for {party!r} at stage {stage!r}")


def propose_fine(item: PowerItem, party: str, *, stage: str = "first", label: str | None = None,
                 circumstance: str = "ordinary", adjustment: str | None = None) -> penalty.FineRange:
    """The discretion benchmark (应急管理部令第12号) for one power item: :func:`penalty.propose_fine_range` on the
    item's legal range for ``party`` at ``stage`` (and tier ``label``), with the item's own 情节 bands."""
    f = fine_range(item, party, stage, label)
    return penalty.propose_fine_range(f.min, f.max, circumstance=circumstance, adjustment=adjustment,
                                      bands=item.bands())
