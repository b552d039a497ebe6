"""行政执法公示 (双公示): what a published 行政处罚 decision may show of people.

- 国办发〔2018〕118号 《关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》: decisions
  are published, but 涉及国家秘密、商业秘密、个人隐私 are not [recalled, unverified].
- 《政府信息公开条例》 (2019) 第十五条: information whose disclosure harms a third party's 个人隐私 is not disclosed
  [article as commonly cited, unverified].
- 《个人信息保护法》 第二十八条: 身份证件号码 is sensitive personal information; a mobile number identifies a person.

The rule applied (as provincial 双公示 rules apply it [unverified]): a natural person's name keeps the surname and
becomes 某 for each further character (张三 → 张某, 欧阳明华 → 欧阳某某 for the two-character surnames listed), ID card
numbers (18 or 15 digits), mobile and landline numbers are removed. Names of units (enterprises) stay: the
decision is published against the unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Two-character surnames (复姓) kept whole when masking a name.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "轩辕", "令狐", "钟离", "端木", "南宫", "西门", "独孤")
#: What replaces a removed number.
REMOVED = "［已隐去］"

# 18-digit ID (GB 11643-1999: 17 digits + check digit or X) and the old 15-digit one; not inside a longer digit run.
_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mobile numbers (1[3-9] + 9 digits, optionally +86 and separated 3-4-4) and landlines (0 + area code, 7-8 digits).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")


def mask_name(name: str) -> str:
    """A natural person's name as published: the surname, then 某 for every other character (张三 → 张某, 王小明 →
    王某某, 欧阳明 → 欧阳某). Empty stays empty; a one-character name is kept as 某."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s) and len(name) > len(s)), name[0])
    if len(name) == 1:
        return "某"
    return surname + "某" * (len(name) - len(surname))


def redact(text: str, person_names: Iterable[str] = ()) -> str:
    """``text`` for publication: every name in ``person_names`` masked (:func:`mask_name`, longest first so a
    full name wins over a shorter one it contains), ID card numbers, mobile and landline numbers replaced by
    :data:`REMOVED`. Numbers go first, so a masked name never hides one."""
    out = _ID.sub(REMOVED, text or "")
    out = _MOBILE.sub(REMOVED, out)
    out = _LANDLINE.sub(REMOVED, out)
    names = sorted({n.strip() for n in person_names if n and n.strip()}, key=len, reverse=True)
    for name in names:
        out = out.replace(name, mask_name(name))
    return out
