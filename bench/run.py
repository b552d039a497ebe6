"""Run the benchmarks, print their tables and merge their results into ``bench/results/latest.json``.

    yingji bench [NAME ...] [--quick]        # or: .venv/bin/python bench/run.py [NAME ...] [--quick]
    yingji bench --table                     # latest.json as the Markdown table the README shows

A benchmark is any ``bench/<name>.py`` (not ``run.py``, not ``_private.py``) runnable on its own. Each one runs in
its own Python process (so each gets a fresh Django and database) with the repository's ``src`` on the path:

- a script with a ``main()`` is run as ``python bench/<name>.py [quick arguments]`` and is expected to write
  ``bench/results/<name>.json``;
- a module with ``run()`` (returning its report) and ``table(report)`` but no ``main()`` is driven by this file,
  which prints the table and writes ``bench/results/<name>.json`` for it.

``latest.json`` keeps the last result of every benchmark (running one name replaces only that entry) together with
the machine of the latest run: CPU model, cores, RAM, OS, Python, SQLite and PostgreSQL versions.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTGRES_URL = os.environ.get("YINGJI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")

#: Arguments for a small bounded run (``--quick``) of the benchmarks that know no ``--quick`` flag themselves; an
#: argument is passed only if the script still mentions it, so a benchmark can change its options independently.
QUICK_ARGS = {
    "fanout": ["--recipients", "1000", "--repeat", "1"],
    "ingest": ["--readings", "6000", "--batch", "1000", "--naive", "500", "--latency-seconds", "5"],
}
#: Module-level constants overridden in quick mode for benchmarks driven through ``run()``.
QUICK_CONSTANTS = {"nearby": {"SIZES": (1_000, 10_000), "QUERIES": 10}}


class UnknownBenchmark(LookupError):
    pass


def discover(bench_dir: Path = HERE) -> dict[str, dict]:
    """name -> {"path", "kind" ("script" or "module"), "quick_flag"} for every benchmark in ``bench_dir``."""
    found = {}
    for path in sorted(bench_dir.glob("*.py")):
        if path.name in {"run.py", "__init__.py", "conftest.py"} or path.name.startswith("_"):
            continue
        source = path.read_text(encoding="utf-8")
        functions = {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
        if "main" in functions:
            kind = "script"
        elif {"run", "table"} <= functions:
            kind = "module"
        else:
            continue
        found[path.stem] = {"path": path, "kind": kind, "source": source}
    return found


def resolve(names: list[str], available: dict[str, dict]) -> list[str]:
    """The benchmarks to run, in the order given (all when none); raises UnknownBenchmark naming the strangers."""
    unknown = [n for n in names if n not in available]
    if unknown:
        raise UnknownBenchmark(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
    return list(dict.fromkeys(names)) or list(available)


def quick_args(name: str, source: str) -> list[str]:
    if "--quick" in source:
        return ["--quick"]
    args, wanted = [], QUICK_ARGS.get(name, [])
    for flag, value in zip(wanted[::2], wanted[1::2], strict=True):
        if flag in source:
            args += [flag, value]
    return args


def _env(bench_dir: Path) -> dict:
    src = str(bench_dir.parent / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}


def run_one(name: str, spec: dict, quick: bool, bench_dir: Path) -> dict:
    """Run one benchmark in a child process; its output goes straight to ours. Returns its latest.json entry."""
    result_file = bench_dir / "results" / f"{name}.json"
    if spec["kind"] == "script":
        command = [sys.executable, str(spec["path"]), *(quick_args(name, spec["source"]) if quick else [])]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--dir", str(bench_dir)]
        command += ["--quick"] if quick else []
    before = result_file.stat().st_mtime_ns if result_file.exists() else None
    started = time.monotonic()
    print(f"\n## {name}{' (quick)' if quick else ''}", flush=True)
    code = subprocess.run(command, cwd=bench_dir.parent, env=_env(bench_dir), check=False).returncode  # noqa: S603
    entry = {"ran_at": _now(), "seconds": round(time.monotonic() - started, 1), "quick": quick, "exit_code": code,
             "result": None}
    if result_file.exists() and result_file.stat().st_mtime_ns != before:
        entry["result"] = json.loads(result_file.read_text(encoding="utf-8"))
    elif code == 0:
        entry["exit_code"] = code = 1
        print(f"{name}: finished without writing {result_file.relative_to(bench_dir.parent)}", file=sys.stderr)
    return entry


def run_child(name: str, quick: bool, bench_dir: Path) -> int:
    """Drive a ``run()``/``table()`` benchmark in this (child) process and write its results file."""
    sys.path.insert(0, str(bench_dir))
    sys.path.insert(0, str(bench_dir.parent / "src"))
    module = __import__(name)
    if quick:
        for constant, value in QUICK_CONSTANTS.get(name, {}).items():
            setattr(module, constant, value)
    report = module.run()
    print(module.table(report), flush=True)
    (bench_dir / "results").mkdir(exist_ok=True)
    (bench_dir / "results" / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
    failed = any(r.get("exact") is False for r in report.get("results", []))
    return 1 if failed else 0


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))} ({platform.system()} {platform.release()})"
    except OSError:
        pass
    return platform.platform()


def _postgres_version() -> str | None:
    try:
        from urllib.parse import urlsplit

        import psycopg

        # The benchmarks name the server differently (with or without a database): ask its maintenance database.
        server = urlsplit(POSTGRES_URL)._replace(path="/postgres").geturl()
        with psycopg.connect(server, connect_timeout=2) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # no driver, no server, no permission: the machine simply has no PostgreSQL to report
        return None


def machine() -> dict:
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "ram_gib": _ram_gib(), "os": _os_name(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "postgresql": _postgres_version()}


def _entries(data: dict) -> dict:
    previous = data.get("benchmarks") or {}
    if isinstance(previous, list):  # the earlier format: a list of reports named by "benchmark"
        previous = {r.get("benchmark", f"#{i}"): {"result": r} for i, r in enumerate(previous)}
    return previous


def merge(latest_file: Path, entries: dict[str, dict], machine_info: dict) -> dict:
    """Replace the entries of the benchmarks just run in ``latest_file``, keep the others, record the machine."""
    data = {}
    if latest_file.exists():
        try:
            data = json.loads(latest_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            data = {}
    benchmarks = {**_entries(data), **entries}
    merged = {"generated_at": _now(), "machine": machine_info, "benchmarks": dict(sorted(benchmarks.items()))}
    latest_file.parent.mkdir(parents=True, exist_ok=True)
    latest_file.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return merged


# --- the summary table: the project's figure beside the raw limit and the naive baseline -------------------------

def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def _rows_load(r: dict):
    for db, run in r.get("runs", {}).items():
        mix, floor = run.get("mix", {}), run.get("floor (hello view)", {})
        ratio = f" ({mix['rps'] / floor['rps']:.2f}× the floor)" if mix.get("rps") and floor.get("rps") else ""
        yield (f"load ({r.get('clients')} clients)", db,
               f"{_fmt(mix.get('rps'))} req/s{ratio}, p95 {_fmt(mix.get('p95_ms'))} ms, "
               f"{mix.get('errors', {}).get('count')} errors", f"{_fmt(floor.get('rps'))} req/s (hello view)", "—")
        scoped = run.get("scoped list (1 client)")
        if scoped:
            yield ("scoped list of 20 (township account, one client)", db,
                   f"p50 {_fmt(scoped.get('p50_ms'))} ms, p95 {_fmt(scoped.get('p95_ms'))} ms",
                   f"p50 {_fmt(floor.get('p50_ms'))} ms (hello view, 8 clients)", "—")


def _rows_ingest(r: dict):
    for run in r.get("results", []):
        for path, label in (("http", "HTTP batch"), ("mqtt", "MQTT worker")):
            rate = run.get(f"{path}_rules_per_s")
            if rate is None:
                continue
            yield (f"ingest ({_fmt(run.get('readings'))} readings, {label})", run.get("database"),
                   f"{_fmt(rate)} readings/s with rules", f"{_fmt(run.get('raw_bulk_per_s'))} /s "
                   f"({'COPY' if run.get('database') == 'postgresql' else 'executemany'})",
                   f"{_fmt(run.get('naive_per_s'))} /s (row by row)")
        scaling = run.get("mqtt_scaling") or []
        if scaling:
            yield (f"ingest scaling (MQTT workers sharing the stream: {', '.join(str(p['workers']) for p in scaling)})",
                   run.get("database"), " / ".join(f"{_fmt(p['rules_per_s'])}" for p in scaling) + " readings/s",
                   f"{_fmt(run.get('raw_bulk_per_s'))} /s", "—")
        latency = run.get("latency")
        if isinstance(latency, dict) and latency.get("latency_p50_ms") is not None:
            yield (f"alarm latency at {_fmt(latency.get('rate_achieved_per_s'))} readings/s", run.get("database"),
                   f"p50 {_fmt(latency.get('latency_p50_ms'))} ms, p99 {_fmt(latency.get('latency_p99_ms'))} ms",
                   "—", "—")


def _rows_fanout(r: dict):
    def cell(key):
        part = r.get(key, {})
        return f"{_fmt(part.get('seconds_median'))} s ({_fmt(part.get('deliveries_per_second'))} /s)"
    yield (f"fanout ({_fmt(r.get('recipients_in_area'))} deliveries)", r.get("database"), cell("bulk"),
           f"{cell('bulk_create')} (bulk_create)", f"{cell('naive')} (save per row)")


def _rows_nearby(r: dict):
    for run in r.get("results", []):
        yield (f"nearby ({_fmt(run.get('resources'))} resources)", r.get("database"),
               f"{_fmt(run.get('nearby_ms_median'))} ms median{'' if run.get('exact', True) else ' (NOT EXACT)'}",
               "—", f"{_fmt(run.get('brute_force_ms_median'))} ms (brute force)")


def _rows_city(r: dict):
    for db, run in r.get("databases", {}).items():
        pages = run.get("pages", {})
        worst = max((q.get("p95_ms", 0) for name, q in pages.items() if not name.startswith("floor")), default=None)
        floor = pages.get("floor /healthz/live", {})
        naive = run.get("naive", {})
        yield (f"city of {r.get('counties')} counties, dashboards under {r.get('clients')} clients", db,
               f"worst dashboard p95 {_fmt(worst)} ms; figures by county {_fmt(naive.get('rollup_ms'))} ms",
               f"p95 {_fmt(floor.get('p95_ms'))} ms (/healthz/live, same load)",
               f"{_fmt(naive.get('naive_ms'))} ms ({naive.get('counties')} county home pages in turn)")


def _rows_tasks(r: dict):
    for run in r.get("runs", []):
        yield (f"task queue: {run.get('backend')} backend, 2 workers, {_fmt(run.get('jobs'))} jobs",
               run.get("database"),
               f"drain {_fmt(run.get('drain_per_s'))} jobs/s, enqueue {_fmt(run.get('enqueue_per_s'))} /s, "
               f"latency p50 {_fmt(run.get('latency_p50_ms'))} ms, p95 {_fmt(run.get('latency_p95_ms'))} ms",
               f"{_fmt(run.get('raw_per_s'))} /s "
               f"({'LPUSH' if str(run.get('backend')).startswith('rq') else 'executemany/COPY'})",
               f"{_fmt(run.get('inline_per_s'))} /s (inline, no queue)")


SUMMARISERS = {"load": _rows_load, "ingest": _rows_ingest, "fanout": _rows_fanout, "nearby": _rows_nearby,
               "city": _rows_city, "tasks": _rows_tasks}


def summary_rows(name: str, entry: dict):
    """(benchmark, database, project's figure, raw limit, naive baseline) rows for one latest.json entry.

    A benchmark not known here may put a ``summary`` list of such dicts in its results file.
    """
    result = entry.get("result")
    if not result:
        return [(name, "—", f"failed (exit {entry.get('exit_code')})", "—", "—")]
    if isinstance(result, dict) and isinstance(result.get("summary"), list):
        return [(s.get("benchmark", name), s.get("database", "—"), s.get("project", "—"), s.get("raw", "—"),
                 s.get("naive", "—")) for s in result["summary"]]
    summarise = SUMMARISERS.get(name)
    if summarise is None:
        return [(name, "—", "see bench/results/latest.json", "—", "—")]
    try:
        return list(summarise(result)) or [(name, "—", "no results", "—", "—")]
    except (AttributeError, KeyError, TypeError, ValueError):
        return [(name, "—", "results in an unknown shape: see bench/results/latest.json", "—", "—")]


def markdown(data: dict) -> str:
    lines = ["| benchmark | database | this project | raw limit | naive baseline | run |",
             "|---|---|---|---|---|---|"]
    for name, entry in _entries(data).items():
        run = f"{(entry.get('ran_at') or data.get('generated_at', ''))[:10]}{' quick' if entry.get('quick') else ''}"
        if entry.get("exit_code"):
            run += f" (exit {entry['exit_code']})"
        for row in summary_rows(name, entry):
            lines.append("| " + " | ".join(str(c) for c in (*row, run)) + " |")
    m = data.get("machine")
    if isinstance(m, dict):
        lines.append("")
        lines.append(f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB RAM, {m.get('os')}; "
                     f"Python {m.get('python')}, SQLite {m.get('sqlite')}, "
                     f"PostgreSQL {m.get('postgresql') or 'not available'}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None, bench_dir: Path = HERE) -> int:
    parser = argparse.ArgumentParser(prog="yingji bench", description="Run the benchmarks in bench/.")
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small bounded runs (a smoke test, not figures)")
    parser.add_argument("--table", action="store_true", help="print latest.json as a Markdown table and exit")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    bench_dir = (args.dir or bench_dir).resolve()
    if args.child:
        return run_child(args.child, args.quick, bench_dir)
    latest_file = bench_dir / "results" / "latest.json"
    if args.table:
        if not latest_file.exists():
            print(f"no results yet: {latest_file} is missing; run `yingji bench` first", file=sys.stderr)
            return 2
        print(markdown(json.loads(latest_file.read_text(encoding="utf-8"))))
        return 0
    available = discover(bench_dir)
    if args.list:
        print("\n".join(available))
        return 0
    try:
        names = resolve(args.names, available)
    except UnknownBenchmark as exc:
        print(f"yingji bench: {exc}", file=sys.stderr)
        return 2
    entries = {name: run_one(name, available[name], args.quick, bench_dir) for name in names}
    merged = merge(latest_file, entries, machine())
    print("\n" + markdown({**merged, "benchmarks": {n: merged["benchmarks"][n] for n in names}}))
    failed = [n for n, e in entries.items() if e["exit_code"] != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
