"""Helpers shared by the standards modules: exact numbers and data-file access (stdlib only)."""

from __future__ import annotations

import csv
import io
import json
import math
from decimal import Decimal
from fractions import Fraction
from importlib.resources import files
from typing import Any

Number = int | float | Decimal | Fraction


def exact(value: Any, what: str) -> Fraction:
    """``value`` as an exact Fraction; floats are read as the decimal they print as (0.1 → 1/10).

    Thresholds in the standards are decimal figures ("以上" includes the number), so comparing exactly avoids
    binary round-off deciding a boundary (0.1 + 0.2 ≠ 0.3 in floats). bool is not a number here.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be finite, not {value!r}")
        return Fraction(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be finite, not {value!r}")
    return Fraction(value)


def non_negative(value: Any, what: str) -> Fraction:
    number = exact(value, what)
    if number < 0:
        raise ValueError(f"{what} must not be negative, got {value!r}")
    return number


def count(value: Any, what: str) -> int:
    """A head count: a plain int ≥ 0 (bool and floats such as 1.0 are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number (int), not {value!r}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return value


def read_csv(name: str) -> list[dict[str, str]]:
    text = files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def read_json(name: str) -> Any:
    return json.loads(files(__package__).joinpath("data", name).read_text(encoding="utf-8"))
