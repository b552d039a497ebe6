"""森林火险等级 (forest fire danger level, 1–5) from the day's weather and the season.

Basis: LY/T 1172-1995 《全国森林火险天气等级》: the fire-weather index HTZ = A + B + C + D − E, where A scores the
day's maximum temperature, B the minimum relative humidity, C the days since the last rain (a day with at least
``rain_mm_resets`` mm of rain starts the count again), D the wind force (Beaufort), and E subtracts for the state of
the vegetation (green-up, full green, snow cover). HTZ falls into five levels, which GB/T 36743-2018
《森林火险气象等级》 names 一级（低）… 五级（极高）. The bands are data (``data/forest_fire_danger.json``) and
are marked UNVERIFIED there: they come from secondary copies of the standard.

The season then raises the weather level (county 森林防灭火 practice, project default): inside the 高火险期 by one
level, and within ``key_date_window_days`` of a key date (春节, 元宵, 清明, 寒衣节, 冬至: the days of 祭祀用火 and
fireworks the bureau's summary names) by one more; never above 5. Snow cover is level 1 whatever the season.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any

from ._util import exact, non_negative, read_json

PHENOLOGY = ("dormant", "greening", "green", "wilting", "snow")


@cache
def table() -> dict:
    return read_json("forest_fire_danger.json")


def _band(bands: list, value) -> int:
    """Score of the first band whose upper bound (inclusive) holds ``value``; the last band is open (null)."""
    for upper, score in bands:
        if upper is None or value <= exact(upper, "band"):
            return int(score)
    raise AssertionError("the last band must be open")


@dataclass(frozen=True)
class Danger:
    index: int          # HTZ
    weather_level: int  # from HTZ alone
    level: int          # after the season's raises
    reasons: tuple[str, ...]
    scores: dict

    @property
    def name(self) -> str:
        return level_name(self.level)


def level_name(level: int) -> str:
    return table()["level_names"][str(level)]


def weather_index(*, max_temp_c: Any, min_humidity_pct: Any, dry_days: Any, wind_force: Any,
                  phenology: str = "dormant") -> tuple[int, dict]:
    """HTZ = A + B + C + D − E of LY/T 1172-1995 and the factor scores. ``dry_days`` counts the days since the
    last rain of at least ``rain_mm_resets`` mm (0 = it rained today); ``wind_force`` is the Beaufort force 0–12;
    ``phenology`` one of PHENOLOGY."""
    t = table()
    temp = exact(max_temp_c, "max_temp_c")
    if not -60 <= temp <= 60:
        raise ValueError("max_temp_c must lie between -60 and 60")
    humidity = non_negative(min_humidity_pct, "min_humidity_pct")
    if humidity > 100:
        raise ValueError("min_humidity_pct must lie between 0 and 100")
    days = non_negative(dry_days, "dry_days")
    wind = non_negative(wind_force, "wind_force")
    if wind > 12:
        raise ValueError("wind_force is a Beaufort force, 0 to 12")
    if phenology not in PHENOLOGY:
        raise ValueError(f"phenology must be one of {', '.join(PHENOLOGY)}")
    scores = {"A": _band(t["max_temperature_c"]["bands"], temp),
              "B": _band(t["min_humidity_pct"]["bands"], humidity),
              "C": _band(t["dry_days"]["bands"], days),
              "D": _band(t["wind_force"]["bands"], wind),
              "E": int(t["phenology"]["values"][phenology])}
    return max(0, scores["A"] + scores["B"] + scores["C"] + scores["D"] - scores["E"]), scores


def level_of_index(index: int) -> int:
    for upper, level in table()["levels"]["bounds"]:
        if upper is None or index <= upper:
            return int(level)
    raise AssertionError("the last level must be open")


def in_high_risk_period(day: datetime.date) -> bool:
    md = day.strftime("%m-%d")
    return any(start <= md <= end for start, end in table()["high_risk_period"]["ranges"])


def key_date_near(day: datetime.date) -> str | None:
    """The key date (its Chinese name) within the window of ``day``, else None. Years outside the table have
    only the solar-term dates missing; they answer None (the table must be extended, see the data file)."""
    t = table()["key_dates"]
    window = datetime.timedelta(days=table()["key_date_window_days"])
    for year in (str(day.year - 1), str(day.year), str(day.year + 1)):
        for key, text in t["dates"].get(year, {}).items():
            if abs(datetime.date.fromisoformat(text) - day) <= window:
                return t["names"][key]
    return None


def danger(day: datetime.date, *, max_temp_c: Any, min_humidity_pct: Any, dry_days: Any, wind_force: Any,
           phenology: str = "dormant") -> Danger:
    """The day's 森林火险等级: the weather level of HTZ raised by the season (see the module docstring)."""
    index, scores = weather_index(max_temp_c=max_temp_c, min_humidity_pct=min_humidity_pct, dry_days=dry_days,
                                  wind_force=wind_force, phenology=phenology)
    weather = level_of_index(index)
    if phenology == "snow":
        return Danger(index, 1, 1, ("积雪覆盖",), scores)
    level, reasons = weather, []
    if in_high_risk_period(day):
        level, reasons = level + 1, [*reasons, "高火险期"]
    near = key_date_near(day)
    if near:
        level, reasons = level + 1, [*reasons, f"重点时段：{near}"]
    return Danger(index, weather, min(level, 5), tuple(reasons), scores)
