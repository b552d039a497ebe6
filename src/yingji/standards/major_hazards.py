"""重大事故隐患判定标准 (the sector criteria that make a hazard major), shipped in
``data/major_hazard_criteria.json``.

《安全生产事故隐患排查治理暂行规定》 (原国家安全生产监督管理总局令第16号) 第三条 divides hazards into general and
major; the sector standards list the situations that are major by definition:
- 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》 and 《烟花爆竹生产经营单位重大生产安全事故隐患
  判定标准（试行）》 (安监总管三〔2017〕121号), twenty items each;
- 《工贸企业重大事故隐患判定标准》 (应急管理部令第10号, 2023): 第三条 for every industry-and-trade enterprise, 第四–十条
  per sector (metallurgy, non-ferrous, building materials, machinery, light industry, textiles, tobacco; commerce
  has no article of its own), 第十一–十三条 for dust explosion, ammonia refrigeration and confined spaces wherever
  they occur;
- 《金属非金属矿山重大事故隐患判定标准》 (矿安〔2022〕88号): underground, open-pit and tailings ponds.

Which lists an enterprise meets is decided by its supervision sector (``Enterprise.sector``); the data file states
the mapping in ``sector_field`` and each list's ``sectors``. 《煤矿重大事故隐患判定标准》 (应急管理部令第4号) is not
shipped: the county has no coal mine and the registry no coal sector.

Each list records its source document, whether it is complete and whether it was checked against the official text;
none was (no official copy is at hand): every list is ``verified: false`` and its note says what it was built from,
and the partial lists (non-ferrous, mines) say ``complete: false`` — a hazard not matching a shipped item may still
be major, which is why a person may always raise a hazard to major (the rule in :func:`level_error`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ._util import read_json

GENERAL, MAJOR = "general", "major"


@dataclass(frozen=True)
class Criterion:
    code: str
    list_key: str
    clause: str
    text: str
    title: str
    document: str
    verified: bool

    @property
    def citation(self) -> str:
        """《标准》（文号）第N项: how a decision cites the item."""
        return f"《{self.title}》（{self.document}）{self.clause}"


@dataclass(frozen=True)
class CriteriaList:
    key: str
    sectors: tuple[str, ...]
    title: str
    document: str
    complete: bool
    verified: bool
    note: str
    items: tuple[Criterion, ...]


class CriteriaError(ValueError):
    pass


def parse(document: dict) -> tuple[CriteriaList, ...]:
    """Validate the data file: unique codes, every list names its source and sectors, every item a clause and text."""
    lists, seen = [], set()
    for raw in document.get("lists") or []:
        key = raw.get("key") or ""
        for field in ("key", "title", "document", "note"):
            if not raw.get(field):
                raise CriteriaError(f"list {key or '?'}: {field} is missing")
        if not raw.get("sectors"):
            raise CriteriaError(f"list {key}: no sectors")
        items = []
        for item in raw.get("items") or []:
            code = item.get("code") or ""
            if not code or code in seen:
                raise CriteriaError(f"list {key}: code {code!r} is missing or repeated")
            if not item.get("clause") or not item.get("text"):
                raise CriteriaError(f"{code}: clause and text are required")
            seen.add(code)
            items.append(Criterion(code, key, item["clause"], item["text"], raw["title"], raw["document"],
                                   bool(item.get("verified", raw.get("verified", False)))))
        if not items:
            raise CriteriaError(f"list {key}: no items")
        lists.append(CriteriaList(key, tuple(raw["sectors"]), raw["title"], raw["document"], bool(raw.get("complete")),
                                  bool(raw.get("verified")), raw["note"], tuple(items)))
    if not lists:
        raise CriteriaError("no lists")
    return tuple(lists)


@cache
def all_lists() -> tuple[CriteriaList, ...]:
    return parse(read_json("major_hazard_criteria.json"))


@cache
def _by_code() -> dict[str, Criterion]:
    return {item.code: item for lst in all_lists() for item in lst.items}


def get(code: str) -> Criterion | None:
    return _by_code().get(code)


def lists_for(sector: str) -> tuple[CriteriaList, ...]:
    """The lists that apply to an enterprise of ``sector`` (the supervision sector keys of the enterprise
    registry): its own sector's, and for industry and trade the general article and the special ones (dust,
    ammonia, confined spaces). An unknown or other sector has none."""
    return tuple(lst for lst in all_lists() if sector in lst.sectors)


def criteria_for(sector: str) -> tuple[Criterion, ...]:
    return tuple(item for lst in lists_for(sector) for item in lst.items)


def applies(code: str, sector: str) -> bool:
    return any(item.code == code for item in criteria_for(sector))


def is_major(criterion_codes: Iterable[str]) -> bool:
    """Whether a hazard citing ``criterion_codes`` is major by definition: any shipped item makes it so
    (16号令 第三条: "符合行业重大事故隐患判定标准的"). Unknown codes decide nothing (see :func:`citation_errors`)."""
    return any(get(code) is not None for code in criterion_codes if code)


def citation_errors(criterion_codes: Iterable[str], sector: str) -> list[str]:
    """Why the items ``criterion_codes`` cannot be cited for a hazard of an enterprise of ``sector``: unknown codes
    and items of another sector's lists. Empty when every code applies."""
    errors = []
    for code in criterion_codes:
        item = get(code)
        if item is None:
            errors.append(f"{code}：不是已收录的重大事故隐患判定标准条目。")
        elif not applies(code, sector):
            errors.append(f"{code}：{item.citation}不适用于该企业的监管行业。")
    return errors


def level_error(level: str, criterion_code: str) -> str | None:
    """Why ``level`` cannot be given to a hazard matching ``criterion_code``, or None when it can.

    A hazard matching an item of a sector standard is major by definition (16号令 第三条 with the standard);
    without a matching item a person may still judge it major (the "harm large or correction hard" test of
    第三条), so only lowering is refused."""
    if criterion_code and level != MAJOR:
        item = get(criterion_code)
        cited = item.citation if item else criterion_code
        return f"该隐患符合{cited}，判定为重大事故隐患，不能定为一般事故隐患。"
    return None
