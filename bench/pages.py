"""Per-request cost of a registry list page and an API list, on the demo county (SQLite file, in-process through
the whole Django stack with a logged-in session), side by side in one run with:

- the **floor**: ``/healthz/live`` through the same stack (middleware, session, routing; no query of ours);
- the **raw limit**: the page's rows (the first 50 teams in the county) fetched with plain DB-API ``sqlite3`` on the
  same database file, with no Django at all.

Each figure is the median (and max) wall time of ``--repeat`` requests after a warm-up, with the number of SQL
queries one request makes. ``--src`` measures another checkout's code (its ``src`` directory) on the same
scenario, which is how the declared surfaces were compared with the hand-written pages they replaced:

    .venv/bin/python bench/pages.py                       # this checkout; writes bench/results/pages.json
    .venv/bin/python bench/pages.py --src /path/to/old/src --out /tmp/pages-before.json
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = [
    ("floor", "/healthz/live", {}),
    ("teams page", "/resources/teams/", {}),
    ("teams page, filtered", "/resources/teams/", {"readiness": "standby"}),
    ("shelters page", "/resources/shelters/", {}),
    ("teams API", "/api/v1/teams", {"limit": "50"}),
    ("shelters API", "/api/v1/shelters", {"limit": "50"}),
]


def _setup(src: Path) -> Path:
    data = Path(tempfile.mkdtemp(prefix="yingji-bench-pages-"))
    os.environ["YINGJI_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    sys.path.insert(0, str(src))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yingji.core import demo

    demo.load_demo()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return Path(settings.DATABASES["default"]["NAME"])


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def run(src: Path, repeat: int) -> dict:
    db_file = _setup(src)
    from django.db import connection
    from django.test import Client

    from yingji.core.models import User

    client = Client()
    client.force_login(User.objects.get(username="duty"))
    rows = []
    for name, url, params in TARGETS:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        queries = []

        def count(execute, sql, params_, many, context, seen=queries):
            seen.append(sql)
            return execute(sql, params_, many, context)

        with connection.execute_wrapper(count):
            client.get(url, params)
        median, worst = _time(lambda u=url, p=params: client.get(u, p), repeat)
        rows.append({"name": name, "url": url, "median_ms": round(median, 2), "max_ms": round(worst, 2),
                     "queries": len(queries), "bytes": len(response.content)})

    raw = sqlite3.connect(db_file)

    def fetch():
        raw.execute("SELECT id, name, kind, region_code, capabilities, headcount, readiness, leader, leader_phone, "
                    "duty_phone FROM resources_team WHERE region_code LIKE '4104%' ORDER BY name LIMIT 50").fetchall()

    median, worst = _time(fetch, repeat)
    rows.append({"name": "raw limit (DB-API, 50 team rows)", "url": "", "median_ms": round(median, 3),
                 "max_ms": round(worst, 3), "queries": 1, "bytes": 0})
    import yingji

    return {"src": str(Path(yingji.__file__).parent.parent), "repeat": repeat, "rows": rows}


def table(report: dict) -> str:
    lines = [f"code: {report['src']} ({report['repeat']} requests each)", "",
             "| request | median ms | max ms | queries |", "|---|---:|---:|---:|"]
    lines += [f"| {r['name']} | {r['median_ms']} | {r['max_ms']} | {r['queries']} |" for r in report["rows"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=HERE.parent / "src", help="the checkout's src directory")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "pages.json")
    args = parser.parse_args()
    report = run(args.src.resolve(), args.repeat)
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
