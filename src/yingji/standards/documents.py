"""执法文书文号: numbering of work-safety enforcement documents, e.g. 舞应急责改〔2026〕第12号.

The document kinds are those of 《安全生产监管监察执法文书式样》 (原国家安全监管总局, 2016 edition as commonly
cited) that a county bureau issues in an inspection and a penalty case. A number is the issuing body's prefix (机关
代字, e.g. 舞应急), the series abbreviation of the kind, the year in 六角括号 〔〕 (GB/T 9704-2012 《党政机关公文格
式》 §7.2.4 for 发文字号), and the serial number. The abbreviations are the ones the 文书式样 prints on each form
as quoted by local bureaus (检记, 责改, 复查, 强措, 罚告, 罚决, 送达) [unverified against the 2016 式样 itself];
:data:`SERIES` can be replaced per deployment. Serials run per prefix, kind and year, from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: kind → (文书名称, series abbreviation) [abbreviations unverified, see module docstring].
SERIES = {
    "site_inspection_record": ("现场检查记录", "检记"),
    "rectification_order": ("责令限期整改指令书", "责改"),
    "rectification_review": ("整改复查意见书", "复查"),
    "coercive_measure_decision": ("强制措施决定书", "强措"),
    "penalty_notice": ("行政处罚告知书", "罚告"),
    "penalty_decision": ("行政处罚决定书", "罚决"),
    "service_receipt": ("送达回证", "送达"),
}
KINDS = tuple(SERIES)
YEAR_RANGE = (2000, 2999)

_OPEN = "〔[［【(（"
_CLOSE = "〕]］】)）"
_NUMBER = re.compile(
    rf"^(?P<head>\S+?)[{re.escape(_OPEN)}](?P<year>\d{{4}})[{re.escape(_CLOSE)}]第?(?P<n>[1-9]\d*)号$")


@dataclass(frozen=True)
class DocumentNumber:
    prefix: str
    kind: str
    year: int
    n: int

    def __str__(self) -> str:
        return format_number(self.prefix, self.kind, self.year, self.n)


def _check_kind(kind: str, series: dict[str, tuple[str, str]]) -> str:
    if kind not in series:
        raise ValueError(f"Unknown document kind {kind!r}; known: {', '.join(series)}")
    return series[kind][1]


def title(kind: str) -> str:
    """The form's name in 《安全生产监管监察执法文书式样》 (e.g. 责令限期整改指令书)."""
    _check_kind(kind, SERIES)
    return SERIES[kind][0]


def abbreviation(kind: str, series: dict[str, tuple[str, str]] | None = None) -> str:
    """The series abbreviation of a document kind in its 文号 (责令限期整改指令书 → 责改) [unverified, see module]."""
    return _check_kind(kind, series or SERIES)


def format_number(prefix: str, kind: str, year: int, n: int, *,
                  series: dict[str, tuple[str, str]] | None = None) -> str:
    """文号 of an enforcement document: prefix + series + 〔year〕 + 第n号 (GB/T 9704-2012 §7.2.4 brackets; series
    per 《安全生产监管监察执法文书式样》 [unverified]). ``format_number("舞应急", "rectification_order", 2026, 12)``
    → ``"舞应急责改〔2026〕第12号"``."""
    if not isinstance(prefix, str) or not prefix or any(c.isspace() for c in prefix) or any(
            c in _OPEN + _CLOSE for c in prefix) or prefix[-1].isdigit():
        raise ValueError(f"prefix must be a non-empty 机关代字 without spaces, brackets or a final digit: {prefix!r}")
    abbr = _check_kind(kind, series or SERIES)
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValueError(f"year must be an int in {YEAR_RANGE}, not {year!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"serial must be an int ≥ 1, not {n!r}")
    return f"{prefix}{abbr}〔{year}〕第{n}号"


def parse_number(text: str, *, series: dict[str, tuple[str, str]] | None = None) -> DocumentNumber:
    """Read a 文号 written by :func:`format_number`; also accepts [ ] 【 】 （ ） instead of 〔 〕 and a missing 第
    (common in typed-in numbers). The kind is the longest series abbreviation the part before the year ends with.
    ValueError if nothing fits."""
    if not isinstance(text, str):
        raise ValueError(f"Not a document number: {text!r}")
    match = _NUMBER.match(text.strip())
    if not match:
        raise ValueError(f"Not a document number: {text!r}")
    head = match["head"]
    table = series or SERIES
    for kind, (_, abbr) in sorted(table.items(), key=lambda kv: -len(kv[1][1])):
        if head.endswith(abbr) and len(head) > len(abbr):
            year, n = int(match["year"]), int(match["n"])
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                raise ValueError(f"Year out of range in {text!r}")
            return DocumentNumber(prefix=head[: -len(abbr)], kind=kind, year=year, n=n)
    raise ValueError(f"No known document series in {text!r}")


#: Supervision orders (交办单 / 督办单) of the bureau's safety committee office and sections: not enforcement
#: documents of the 文书式样, numbered the same way (prefix + series + 〔year〕 + 第n号) in their own series. The
#: abbreviations are the ones the words themselves give (交办, 督办); the county's own series may differ [project
#: default]. Pass as ``series=ORDER_SERIES`` to :func:`format_number` and :func:`parse_number`.
ORDER_SERIES = {
    "assignment": ("交办单", "交办"),
    "supervision": ("督办单", "督办"),
}
