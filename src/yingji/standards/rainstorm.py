"""Rainstorm (暴雨) warning signal from observed rain-gauge accumulations.

Basis: 《气象灾害预警信号发布与传播办法》 (中国气象局令第16号, 2007), annex, 暴雨预警信号. Each signal is defined as
"N 小时内降雨量将达 X 毫米以上，或者已达 X 毫米以上且降雨可能持续". The platform applies the amounts to observed
rolling sums (project default, reference README); the "且降雨可能持续" (rain likely to continue) condition and the
forecast half are the forecaster's call and are not modelled here. Local governments may set other thresholds.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ._util import non_negative

#: Signal → (window hours, mm), "以上" inclusive; checked from the most severe down.
THRESHOLDS = (
    ("red", 3, Fraction(100)),
    ("orange", 3, Fraction(50)),
    ("yellow", 6, Fraction(50)),
    ("blue", 12, Fraction(50)),
)
#: The smallest amount of any signal: a gauge whose longest window is below it reaches no signal (the windows are
#: nested, so every shorter one is below it too).
LOWEST = min(mm for _color, _hours, mm in THRESHOLDS)
#: Signal levels: 红 Ⅰ 特别严重, 橙 Ⅱ 严重, 黄 Ⅲ 较重, 蓝 Ⅳ 一般.
SIGNAL_LEVELS = {"red": 1, "orange": 2, "yellow": 3, "blue": 4}


def signal(*, mm_3h: Any, mm_6h: Any, mm_12h: Any) -> str | None:
    """暴雨预警信号 of 中国气象局令第16号 (2007) annex, applied to observed rolling accumulations (mm).

    red: ≥ 100 mm in 3 h; orange: ≥ 50 mm in 3 h; yellow: ≥ 50 mm in 6 h; blue: ≥ 50 mm in 12 h ("以上" includes
    the number). Returns the most severe signal reached, or None. Each argument is required; pass None for a
    window the gauge cannot give (that window then triggers nothing). The windows are nested, so
    mm_3h ≤ mm_6h ≤ mm_12h must hold among those given; negative or non-numeric values are a ValueError.
    """
    windows = {3: mm_3h, 6: mm_6h, 12: mm_12h}
    given = {hours: non_negative(v, f"mm_{hours}h") for hours, v in windows.items() if v is not None}
    if not given:
        raise ValueError("Give at least one of mm_3h, mm_6h, mm_12h")
    ordered = sorted(given.items())
    for (short_h, short_mm), (long_h, long_mm) in zip(ordered, ordered[1:], strict=False):
        if short_mm > long_mm:
            raise ValueError(f"Rolling windows are nested: {short_h} h rain ({float(short_mm)} mm) cannot exceed "
                             f"{long_h} h rain ({float(long_mm)} mm)")
    for color, hours, mm in THRESHOLDS:
        if hours in given and given[hours] >= mm:
            return color
    return None
