"""GB 18218-2018 《危险化学品重大危险源辨识》: identification (S = Σ q/Q) and grading (R = α Σ β q/Q).

Tables shipped in ``data/``:

- ``gb18218_table1.csv``: Table 1, the 85 named chemicals, keyed by row number (``seq``) and name, never by CAS.
  Two columns are the project's own additions: ``hazard_category`` (the Table 2 / Table 4 symbol each row is
  treated as, so β can be derived for rows Table 3 does not name) and ``aliases`` (a few unambiguous everyday
  names). The category column is our assignment from the chemicals' GHS / UN classification, not text of the
  standard [unverified]; ``category_note`` says why, and where a chemical has several classes the one giving the
  higher β is used (ties: the lower Q), "从严".
- ``gb18218_table2.csv``: Table 2, critical quantity by hazard category (for chemicals not in Table 1).
- ``gb18218_table3.csv``: Table 3, β of the named toxic gases.
- ``gb18218_table4.csv``: Table 4, β by Table 2 symbol.
- ``gb18218_table5.csv``: Table 5, α by the number of people outside the plant who could be exposed.
- ``gb18218_table6.csv``: Table 6, the four levels by R.

The tables are from the PDF-extracted, CAS-checked dataset cited in the reference; the formulas (S ≥ 1, R) match
every implementation seen but no copy of the clause text was at hand [unverified], nor were the clause numbers
(§4.2 identification, §4.3 grading, as usually cited) [unverified].
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from ._util import count, exact, non_negative, read_csv

STANDARD = "GB 18218-2018"

#: β for 煤气 (Table 1 row 13). Table 1 has no 一氧化碳 row; practitioners apply CO's Table 3 β = 2 to coal gas, but
#: the standard does not say so (project default, see reference README). Set to None to derive β from the row's
#: Table 4 category (W2 → 1.5) instead. Overridable per call with ``assess(..., coal_gas_beta=...)``.
COAL_GAS_BETA: float | None = 2

#: β for a Table 1 row that falls in no Table 2 class (三氧化硫: corrosive only). Table 4 only lists Table 2
#: symbols; 1 is the "其他类" value of the original grading annex of 安监总局令第40号 [unverified for the 2018 text].
BETA_WITHOUT_CATEGORY = 1

_COAL_GAS_NAME = "煤气"
_UNSET: Any = object()


@dataclass(frozen=True)
class Chemical:
    """One row of Table 1."""

    seq: int
    name_zh: str
    name_en: str
    cas: tuple[str, ...]
    critical_t: float
    beta_table3: float | None
    hazard_category: str | None
    aliases: tuple[str, ...]
    category_note: str


@dataclass(frozen=True)
class HazardCategory:
    """One row of Table 2 with its Table 4 β."""

    symbol: str
    hazard_class_zh: str
    hazard_class_en: str
    condition: str
    critical_t: float
    beta: float
    note: str


@dataclass(frozen=True)
class ItemResult:
    """How one inventory item was counted.

    ``source`` is ``"table1"`` (a named chemical, ``seq`` its row) or ``"table2"`` (a hazard category).
    ``beta_source`` is one of ``"table3"``, ``"table4"``, ``"coal_gas_default"``, ``"no_category"``, ``"override"``.
    """

    source: str
    seq: int | None
    name_zh: str
    category: str | None
    quantity_t: float
    critical_t: float
    ratio: float
    beta: float
    beta_source: str


@dataclass(frozen=True)
class Assessment:
    """Result of :func:`assess`.

    ``r_value`` and ``level`` are None unless ``is_major``; level 1 (一级) is the highest.
    """

    sum_ratio: float
    is_major: bool
    r_value: float | None
    level: int | None
    alpha: float
    exposed_population: int
    items: tuple[ItemResult, ...]


def _norm(text: str) -> str:
    """Name key: NFKC (full-width brackets, subscripts → ASCII) without whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _number(text: str) -> Fraction:
    return Fraction(text.strip())


@cache
def _table1() -> tuple[tuple[Chemical, ...], dict[int, Fraction], dict[int, Fraction | None]]:
    chemicals: list[Chemical] = []
    critical: dict[int, Fraction] = {}
    beta3: dict[int, Fraction | None] = {}
    for row in read_csv("gb18218_table1.csv"):
        seq = int(row["seq"])
        q = _number(row["critical_quantity_t"])
        b = _number(row["beta_table3"]) if row["beta_table3"].strip() else None
        chemicals.append(Chemical(
            seq=seq,
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            cas=tuple(c.strip() for c in row["cas"].split(";") if c.strip()),
            critical_t=float(q),
            beta_table3=None if b is None else float(b),
            hazard_category=row["hazard_category"].strip() or None,
            aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
            category_note=row["category_note"],
        ))
        critical[seq] = q
        beta3[seq] = b
    return tuple(chemicals), critical, beta3


@cache
def _table2() -> dict[str, tuple[HazardCategory, Fraction, Fraction]]:
    betas = {row["symbol"]: _number(row["beta"]) for row in read_csv("gb18218_table4.csv")}
    out: dict[str, tuple[HazardCategory, Fraction, Fraction]] = {}
    for row in read_csv("gb18218_table2.csv"):
        symbol = row["symbol"]
        q = _number(row["critical_quantity_t"])
        beta = betas[symbol]
        out[symbol] = (HazardCategory(symbol, row["hazard_class_zh"], row["hazard_class_en"], row["condition"],
                                      float(q), float(beta), row["note"]), q, beta)
    if set(betas) != set(out):
        raise RuntimeError("Tables 2 and 4 must list the same symbols")
    return out


@cache
def _table3() -> dict[str, Fraction]:
    return {row["name_zh"]: _number(row["beta"]) for row in read_csv("gb18218_table3.csv")}


@cache
def _table5() -> tuple[tuple[int, int | None, Fraction], ...]:
    rows = [(int(r["min_people"]), int(r["max_people"]) if r["max_people"].strip() else None, _number(r["alpha"]))
            for r in read_csv("gb18218_table5.csv")]
    return tuple(sorted(rows, key=lambda r: r[0], reverse=True))


@cache
def _table6() -> tuple[tuple[int, Fraction], ...]:
    rows = [(int(r["level"]), _number(r["min_r"])) for r in read_csv("gb18218_table6.csv")]
    return tuple(sorted(rows, key=lambda r: r[1], reverse=True))


@cache
def _indexes() -> tuple[dict[str, list[int]], dict[str, int]]:
    by_cas: dict[str, list[int]] = {}
    by_name: dict[str, int] = {}
    for chem in _table1()[0]:
        for cas in chem.cas:
            by_cas.setdefault(cas, []).append(chem.seq)
        for name in (chem.name_zh, *chem.aliases):
            key = _norm(name)
            if key in by_name and by_name[key] != chem.seq:
                raise RuntimeError(f"Table 1 name {name!r} is used by two rows")
            by_name[key] = chem.seq
    return by_cas, by_name


def table1() -> tuple[Chemical, ...]:
    """GB 18218-2018 Table 1 (危险化学品名称及其临界量): all 85 rows in the standard's order."""
    return _table1()[0]


def hazard_categories() -> tuple[HazardCategory, ...]:
    """GB 18218-2018 Table 2 (未在表1中列举的危险化学品类别及其临界量) with each symbol's Table 4 β."""
    return tuple(entry[0] for entry in _table2().values())


def table3_beta(name_zh: str) -> float:
    """GB 18218-2018 Table 3 (毒性气体校正系数β取值表): β of a named toxic gas; ValueError if Table 3 lacks it."""
    try:
        return float(_table3()[name_zh])
    except KeyError:
        raise ValueError(f"{name_zh!r} is not a Table 3 gas; Table 3 names: {', '.join(_table3())}")


def chemical(*, name: str | None = None, cas: str | None = None, seq: int | None = None) -> Chemical:
    """Find one GB 18218-2018 Table 1 row by its Chinese name (or alias), CAS number or row number.

    A CAS number that several rows share (硝化纤维素, 硝酸铵) raises ValueError asking for the name, because
    those rows differ only in a condition with a different critical quantity.
    """
    given = [k for k, v in (("name", name), ("cas", cas), ("seq", seq)) if v is not None]
    if len(given) != 1:
        raise ValueError("Give exactly one of name, cas or seq")
    chemicals = _table1()[0]
    by_cas, by_name = _indexes()
    if seq is not None:
        if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= len(chemicals):
            raise ValueError(f"Table 1 has rows 1-{len(chemicals)}, not {seq!r}")
        return chemicals[seq - 1]
    if name is not None:
        found = by_name.get(_norm(str(name)))
        if found is None:
            raise ValueError(f"Chemical {name!r} is not in GB 18218-2018 Table 1: give the name as in Table 1, "
                             f"or its Table 2 hazard category")
        return chemicals[found - 1]
    rows = by_cas.get(str(cas).strip())
    if not rows:
        raise ValueError(f"CAS {cas} is not in GB 18218-2018 Table 1: give its Table 2 hazard category")
    if len(rows) > 1:
        names = "; ".join(chemicals[r - 1].name_zh for r in rows)
        raise ValueError(f"CAS {cas} matches {len(rows)} rows of GB 18218-2018 Table 1 with different critical "
                         f"quantities ({names}): give the name instead")
    return chemicals[rows[0] - 1]


def hazard_category(symbol: str) -> HazardCategory:
    """GB 18218-2018 Table 2 row (and Table 4 β) for a hazard category symbol such as ``"W2"``."""
    try:
        return _table2()[str(symbol).strip()][0]
    except KeyError:
        raise ValueError(f"Unknown GB 18218-2018 Table 2 hazard category {symbol!r}; known: {', '.join(_table2())}")


def alpha(exposed_population: int) -> float:
    """GB 18218-2018 Table 5 (暴露人员校正系数α): α by the number of people outside the plant who could be exposed.

    ≥100 → 2.0; 50-99 → 1.5; 30-49 → 1.2; 1-29 → 1.0; 0 → 0.5. The count is the population within 500 m of the
    plant boundary around the 重大危险源 [500 m: unverified].
    """
    return float(_alpha(exposed_population))


def _alpha(exposed_population: int) -> Fraction:
    people = count(exposed_population, "exposed_population")
    for low, _high, value in _table5():
        if people >= low:
            return value
    raise AssertionError("Table 5 covers every count ≥ 0")  # pragma: no cover


def level_for_r(r_value: float) -> int:
    """GB 18218-2018 Table 6 (重大危险源级别和R值的对应关系): 1 (一级) for R ≥ 100, 2 for 50 ≤ R < 100,
    3 for 10 ≤ R < 50, 4 for R < 10."""
    return _level(non_negative(r_value, "R"))


def _level(r: Fraction) -> int:
    for level, low in _table6():
        if r >= low:
            return level
    raise AssertionError("Table 6 covers every R ≥ 0")  # pragma: no cover


def _resolve(item: Mapping[str, Any], coal_gas_beta: Any, index: int) -> tuple[ItemResult, Fraction, Fraction]:
    if not isinstance(item, Mapping):
        raise ValueError(f"Item {index} must be a mapping, not {type(item).__name__}")
    keys = [k for k in ("cas", "name", "category") if item.get(k) not in (None, "")]
    if len(keys) != 1:
        raise ValueError(f"Item {index} must give exactly one of cas, name or category (got {keys or 'none'})")
    if "quantity_t" not in item:
        raise ValueError(f"Item {index} has no quantity_t")
    q = non_negative(item["quantity_t"], f"quantity_t of item {index}")

    if keys[0] == "category":
        cat = hazard_category(item["category"])
        _entry, critical, beta = _table2()[cat.symbol]
        source, seq, name, symbol, beta_source = "table2", None, cat.hazard_class_zh, cat.symbol, "table4"
    else:
        chem = chemical(name=item["name"]) if keys[0] == "name" else chemical(cas=item["cas"])
        critical = _table1()[1][chem.seq]
        source, seq, name, symbol = "table1", chem.seq, chem.name_zh, chem.hazard_category
        table3 = _table1()[2][chem.seq]
        if table3 is not None:
            beta, beta_source = table3, "table3"
        elif chem.name_zh.startswith(_COAL_GAS_NAME) and coal_gas_beta is not None:
            beta, beta_source = exact(coal_gas_beta, "coal_gas_beta"), "coal_gas_default"
        elif symbol is not None:
            beta, beta_source = _table2()[symbol][2], "table4"
        else:
            beta, beta_source = exact(BETA_WITHOUT_CATEGORY, "BETA_WITHOUT_CATEGORY"), "no_category"

    if item.get("critical_t") is not None:
        critical = exact(item["critical_t"], f"critical_t of item {index}")
        if critical <= 0:
            raise ValueError(f"critical_t of item {index} must be positive")
    if item.get("beta") is not None:
        beta = exact(item["beta"], f"beta of item {index}")
        if beta <= 0:
            raise ValueError(f"beta of item {index} must be positive")
        beta_source = "override"

    ratio = q / critical
    result = ItemResult(source=source, seq=seq, name_zh=name, category=symbol, quantity_t=float(q),
                        critical_t=float(critical), ratio=float(ratio), beta=float(beta), beta_source=beta_source)
    return result, ratio, beta


def assess(items: Iterable[Mapping[str, Any]], exposed_population: int, *,
           coal_gas_beta: float | None = _UNSET) -> Assessment:
    """Identify and grade one production or storage unit under GB 18218-2018.

    Identification (§4.2 [clause number unverified]): S = q1/Q1 + … + qn/Qn; the unit is a 重大危险源 when S ≥ 1
    (for a single substance, q ≥ Q). Grading (§4.3, Tables 3-6): R = α (β1 q1/Q1 + … + βn qn/Qn), level 1 (一级,
    highest) for R ≥ 100 down to level 4 for R < 10; R and level are only given for a 重大危险源.

    Each item is a mapping with ``quantity_t`` (q in tonnes: the maximum design quantity for vessels and storage
    areas) and exactly one of ``name`` (Chinese name as in Table 1, or an alias in the shipped table), ``cas``
    (ValueError if several rows share it) or ``category`` (a Table 2 symbol such as ``"W5.3"``, for chemicals not
    in Table 1). Optional ``critical_t`` overrides Q and ``beta`` overrides β (e.g. a flammable liquid handled
    above its boiling point is W5.1, β 1.5). Other keys are ignored.

    β: Table 3 for the toxic gases it names; 煤气 takes ``coal_gas_beta`` (default :data:`COAL_GAS_BETA`, CO's 2);
    any other Table 1 row takes the Table 4 β of its category column; a category item takes its Table 4 β.
    S, R and the thresholds are compared exactly (decimal inputs, no binary round-off).
    """
    if coal_gas_beta is _UNSET:
        coal_gas_beta = COAL_GAS_BETA
    a = _alpha(exposed_population)
    if isinstance(items, Mapping | str | bytes):
        raise ValueError("items must be a list of mappings")
    results: list[ItemResult] = []
    s = Fraction(0)
    weighted = Fraction(0)
    for index, item in enumerate(items, start=1):
        result, ratio, beta = _resolve(item, coal_gas_beta, index)
        results.append(result)
        s += ratio
        weighted += beta * ratio
    is_major = s >= 1
    r = a * weighted
    return Assessment(
        sum_ratio=float(s),
        is_major=is_major,
        r_value=float(r) if is_major else None,
        level=_level(r) if is_major else None,
        alpha=float(a),
        exposed_population=exposed_population,
        items=tuple(results),
    )
