"""Run the benchmarks in one go, print their tables and write ``bench/results/latest.json``.

    .venv/bin/python bench/run.py
"""

from __future__ import annotations

import datetime
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import nearby  # noqa: E402


def main() -> int:
    report = nearby.run()
    print(nearby.table(report))
    out = {"generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
           "python": platform.python_version(), "machine": platform.machine(), "benchmarks": [report]}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(r["exact"] for r in report["results"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
