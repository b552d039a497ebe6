"""Prints the tried / failed counts per category that ``YINGJI_FUZZ_REPORT`` collected from test_fuzz_values."""

import json
import sys
from collections import Counter


def summarise(report_file: str) -> str:
    tried: Counter = Counter()
    failed: Counter = Counter()
    accepted: Counter = Counter()
    with open(report_file) as lines:
        for line in lines:
            row = json.loads(line)
            tried.update(row["tried"])
            failed.update(row["failed"])
            accepted.update(row.get("accepted", {}))
    rows = ["| category | tried | failed (5xx, or not the expected 422) | accepted (2xx) |", "|---|---|---|---|"]
    rows += [f"| {c} | {tried[c]} | {failed[c]} | {accepted[c]} |" for c in sorted(tried)]
    return "\n".join(rows)


if __name__ == "__main__":
    print(summarise(sys.argv[1]))
