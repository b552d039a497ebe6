"""Public emergencies (突发事件): the four categories, their common types, and the four severity levels.

Sources: 《中华人民共和国突发事件应对法》 (revised 2024, 主席令第25号) 第二条 (categories) and 第三条 (four grades);
《国家突发公共事件总体应急预案》 (2006) for the types and the Ⅰ-Ⅳ / red-blue scheme [exact wording unverified].
The types are in ``data/event_types.json``; those marked ``verified: false`` (public-health and social-security
types) are recalled from the 2006 plan, not read in the project's reference copy [unverified].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ._util import read_json


@dataclass(frozen=True)
class Category:
    key: str
    name_zh: str
    name_en: str
    graded: bool  # 第三条 grades it 特别重大/重大/较大/一般 (社会安全事件 are not)


@dataclass(frozen=True)
class EventType:
    key: str
    name_zh: str
    name_en: str
    category: str
    verified: bool


@dataclass(frozen=True)
class SeverityLabel:
    level: int
    roman: str
    label_zh: str
    color: str
    color_zh: str


#: Level → (roman numeral, 中文, colour, 颜色); level 1 is the most severe.
SEVERITY_LEVELS = {
    1: ("I", "特别重大", "red", "红色"),
    2: ("II", "重大", "orange", "橙色"),
    3: ("III", "较大", "yellow", "黄色"),
    4: ("IV", "一般", "blue", "蓝色"),
}


@cache
def _load() -> tuple[tuple[Category, ...], dict[str, EventType]]:
    data = read_json("event_types.json")
    cats: list[Category] = []
    types: dict[str, EventType] = {}
    for c in data["categories"]:
        cats.append(Category(c["key"], c["name_zh"], c["name_en"], bool(c["graded"])))
        for t in c["types"]:
            if t["key"] in types:
                raise RuntimeError(f"Duplicate event type key {t['key']!r}")
            types[t["key"]] = EventType(t["key"], t["name_zh"], t["name_en"], c["key"], bool(t["verified"]))
    return tuple(cats), types


def categories() -> tuple[Category, ...]:
    """The four categories of 突发事件, 《突发事件应对法》 (2024) 第二条: 自然灾害 natural_disaster, 事故灾难
    accident_disaster, 公共卫生事件 public_health, 社会安全事件 social_security."""
    return _load()[0]


def types(category: str | None = None) -> tuple[EventType, ...]:
    """Common event types, by category, per 《国家突发公共事件总体应急预案》 (2006) §1.3 (分类分级); all of them
    when ``category`` is None. An unknown category is a ValueError."""
    all_types = tuple(_load()[1].values())
    if category is None:
        return all_types
    keys = [c.key for c in categories()]
    if category not in keys:
        raise ValueError(f"Unknown event category {category!r}; known: {', '.join(keys)}")
    return tuple(t for t in all_types if t.category == category)


def type_info(key: str) -> EventType:
    """One event type of the 2006 master plan's classification (§1.3); ValueError naming an unknown key."""
    try:
        return _load()[1][key]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown event type {key!r}")


def severity_label(level: int) -> SeverityLabel:
    """Severity grade of a 突发事件, 《突发事件应对法》 (2024) 第三条 and the 2006 master plan: 1 → Ⅰ级 特别重大
    red, 2 → Ⅱ级 重大 orange, 3 → Ⅲ级 较大 yellow, 4 → Ⅳ级 一般 blue. Anything else (incl. bool) is a ValueError.

    The same four colours mark the warning levels (一级 red … 四级 blue, 2007 law 第四十二条)."""
    if isinstance(level, bool) or not isinstance(level, int) or level not in SEVERITY_LEVELS:
        raise ValueError(f"Severity level must be 1-4, not {level!r}")
    roman, label, color, color_zh = SEVERITY_LEVELS[level]
    return SeverityLabel(level=level, roman=roman, label_zh=label, color=color, color_zh=color_zh)
