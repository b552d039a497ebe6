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

Then the **walk**: every page of the demo county as the duty officer and the administrator — each URL pattern
without arguments (the lists, dashboards and forms) and, for each pattern with an object id, the first such link
found on those pages (the detail pages) — each requested ``--walk-repeat`` times; the median server time and the
queries of one request per page, against the target of 50 ms per page. The pages over it are listed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
    try:  # as the server's processes start (yingji.wsgi); an older checkout (--src) may not have it
        from yingji.core import runtime
    except ImportError:
        pass
    else:
        runtime.warm_up()
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


def run(src: Path, repeat: int, walk_repeat: int = 0) -> dict:
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

    report = {"src": str(Path(yingji.__file__).parent.parent), "repeat": repeat, "rows": rows}
    if walk_repeat:
        report["walk"] = walk(walk_repeat)
        report["summary"] = _summary(report)
    return report


TARGET_MS = 50.0
DETAIL = re.compile(r'href="(/[^"?#]*?/\d+/)"')


def _page_patterns():
    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not route.startswith(("api/", "i18n/", "static/", "media/")):
                    yield from patterns(entry, route)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name, list(entry.pattern.converters)

    return list(patterns(get_resolver()))


def walk(repeat: int) -> dict:
    """Every page without arguments, then the first detail link of each object pattern found on them, for the
    duty officer and the administrator: median ms and queries per page."""
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    from yingji.core.models import User

    results = []
    for username in ("duty", "admin"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        pending = []
        for name, converters in _page_patterns():
            if not converters:
                try:
                    pending.append(reverse(name))
                except NoReverseMatch:
                    continue
        seen, object_patterns = set(), set()
        while pending:
            url = pending.pop(0)
            if url in seen or url.startswith(("/logout", "/healthz", "/static/")):
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for link in DETAIL.findall(response.content.decode()):
                try:
                    match = resolve(link)
                except Resolver404:
                    continue
                if match.url_name and match.url_name.endswith("_detail") and match.url_name not in object_patterns:
                    object_patterns.add(match.url_name)
                    pending.append(link)
            queries = []

            def count(execute, sql, params, many, context, seen_queries=queries):
                seen_queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                client.get(url)
            median, worst = _time(lambda u=url, c=client: c.get(u), repeat)
            results.append({"user": username, "url": url, "median_ms": round(median, 2), "max_ms": round(worst, 2),
                            "queries": len(queries)})
    medians = sorted(r["median_ms"] for r in results)
    over = [r for r in results if r["median_ms"] > TARGET_MS]
    return {"pages": len(results), "repeat": repeat, "target_ms": TARGET_MS,
            "median_of_medians_ms": round(statistics.median(medians), 2) if medians else None,
            "p95_of_medians_ms": round(medians[int(0.95 * (len(medians) - 1))], 2) if medians else None,
            "slowest": sorted(results, key=lambda r: -r["median_ms"])[:10],
            "most_queries": sorted(results, key=lambda r: -r["queries"])[:10],
            "over_target": over, "results": results}


def _summary(report: dict) -> list[dict]:
    w = report["walk"]
    slowest = w["slowest"][0] if w["slowest"] else {}
    floor = next((r for r in report["rows"] if r["name"] == "floor"), {})
    return [{"benchmark": f"pages walk ({w['pages']} pages, duty officer and administrator)", "database": "sqlite",
             "project": f"median {w['median_of_medians_ms']} ms, p95 {w['p95_of_medians_ms']} ms, slowest "
                        f"{slowest.get('median_ms')} ms ({slowest.get('url')}); {len(w['over_target'])} over "
                        f"{w['target_ms']:.0f} ms",
             "raw": f"{floor.get('median_ms')} ms (the stack's floor)", "naive": "—"}]


def table(report: dict) -> str:
    lines = [f"code: {report['src']} ({report['repeat']} requests each)", "",
             "| request | median ms | max ms | queries |", "|---|---:|---:|---:|"]
    lines += [f"| {r['name']} | {r['median_ms']} | {r['max_ms']} | {r['queries']} |" for r in report["rows"]]
    w = report.get("walk")
    if w:
        lines += ["", f"walk: {w['pages']} pages, {w['repeat']} requests each; median of the pages' medians "
                      f"{w['median_of_medians_ms']} ms, p95 {w['p95_of_medians_ms']} ms; over {w['target_ms']:.0f} ms: "
                      f"{len(w['over_target'])}", "", "| slowest pages | user | median ms | queries |",
                  "|---|---|---:|---:|"]
        lines += [f"| {r['url']} | {r['user']} | {r['median_ms']} | {r['queries']} |" for r in w["slowest"]]
        lines += ["", "| most queries | user | median ms | queries |", "|---|---|---:|---:|"]
        lines += [f"| {r['url']} | {r['user']} | {r['median_ms']} | {r['queries']} |" for r in w["most_queries"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=HERE.parent / "src", help="the checkout's src directory")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "pages.json")
    parser.add_argument("--walk-repeat", type=int, default=7, help="requests per page of the walk (0: no walk)")
    parser.add_argument("--quick", action="store_true", help="small bounded run: 10 requests, 2 per walked page")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.walk_repeat = 10, 2
    report = run(args.src.resolve(), args.repeat, args.walk_repeat)
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
