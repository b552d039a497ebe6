"""执法检查表 (inspection checklists) by industry, shipped in ``data/checklists/<industry>.json``.

Each item is a thing the inspector checks, with its legal basis (law, regulation, rule or standard and article):
the general items come from 《中华人民共和国安全生产法》 (2021) 第四-八十二条; the industry items from the industry's
regulations, 重大事故隐患判定标准 and standards named in each item. The item texts are the project's summaries and
the article numbers are as commonly cited, not checked against official copies: every shipped item is
``verified: false`` and each file's note says "[unverified]". The bureau may edit the lists; :func:`parse_checklist`
validates an edited one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

#: industry key → 中文名称
INDUSTRIES = {
    "hazardous_chemicals": "危险化学品",
    "industry_trade": "工贸（通用）",
    "non_coal_mine": "非煤矿山",
    "fireworks": "烟花爆竹",
    "gas_station": "加油站",
}
MIN_ITEMS, MAX_ITEMS = 15, 30
_CODE = re.compile(r"^[A-Z]{2,4}-\d{2}$")


class ChecklistError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Basis:
    law: str
    article: str


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    category: str
    text: str
    basis: tuple[Basis, ...]
    verified: bool


@dataclass(frozen=True)
class Checklist:
    industry: str
    name: str
    version: str
    source: str
    note: str
    items: tuple[ChecklistItem, ...]


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parse_checklist(data: Any) -> Checklist:
    """Validate one industry checklist (15-30 items, each with text and at least one legal basis naming law and
    article, per the 《安全生产法》 (2021) 第六十五条 inspection power it serves); :class:`ChecklistError` lists
    every problem."""
    keys = {"industry", "name", "version", "source", "note", "items"}
    if not isinstance(data, dict) or set(data) != keys:
        raise ChecklistError([f"a checklist has exactly {', '.join(sorted(keys))}"])
    problems = []
    if data["industry"] not in INDUSTRIES:
        problems.append(f"unknown industry {data['industry']!r}")
    for key in ("name", "version", "source"):
        if not _text(data[key]):
            problems.append(f"{key} is empty")
    raw_items = data["items"]
    if not isinstance(raw_items, list) or not MIN_ITEMS <= len(raw_items) <= MAX_ITEMS:
        raise ChecklistError([*problems, f"items must be a list of {MIN_ITEMS}-{MAX_ITEMS}"])
    items = []
    item_keys = {"code", "category", "text", "basis", "verified"}
    for i, raw in enumerate(raw_items):
        if not isinstance(raw, dict) or set(raw) != item_keys:
            problems.append(f"item {i}: has exactly {', '.join(sorted(item_keys))}")
            continue
        where = f"item {raw['code']}" if isinstance(raw["code"], str) else f"item {i}"
        if not isinstance(raw["code"], str) or not _CODE.match(raw["code"]):
            problems.append(f"{where}: bad code {raw['code']!r}")
        if not _text(raw["category"]) or not _text(raw["text"]):
            problems.append(f"{where}: category and text are required")
        basis = raw["basis"]
        if not isinstance(basis, list) or not basis or not all(
                isinstance(b, dict) and set(b) == {"law", "article"} and _text(b["law"]) and _text(b["article"])
                for b in basis):
            problems.append(f"{where}: basis must list law and article")
            basis = []
        if not isinstance(raw["verified"], bool):
            problems.append(f"{where}: verified must be true or false")
        items.append(ChecklistItem(raw["code"], raw["category"], raw["text"],
                                   tuple(Basis(b["law"], b["article"]) for b in basis), raw["verified"]))
    codes = [i.code for i in items]
    problems.extend(f"duplicate code {c}" for c in sorted({c for c in codes if codes.count(c) > 1}))
    if any(not i.verified for i in items) and "[unverified]" not in str(data["note"]):
        problems.append("the note must say what is [unverified] when an item is not verified")
    if problems:
        raise ChecklistError(problems)
    return Checklist(data["industry"], data["name"], data["version"], data["source"], data["note"], tuple(items))


@cache
def load_checklist(industry: str) -> Checklist:
    """The shipped checklist of one industry (:data:`INDUSTRIES`), validated; for 《安全生产法》 (2021) 第六十五条
    on-site inspections. ValueError for an unknown industry."""
    if industry not in INDUSTRIES:
        raise ValueError(f"Unknown industry {industry!r}; known: {', '.join(INDUSTRIES)}")
    path = files(__package__).joinpath("data", "checklists", f"{industry}.json")
    checklist = parse_checklist(json.loads(path.read_text(encoding="utf-8")))
    if checklist.industry != industry:
        raise ChecklistError([f"{industry}.json declares industry {checklist.industry!r}"])
    return checklist
