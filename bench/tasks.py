"""The task queue's backends side by side: the database (django-tasks-db, the default) and Redis (RQ), the latter with
RQ's two ways of running a job (``YINGJI_RQ_WORKER``: a forked work horse per job, or in the worker's process).

For each backend, on a fresh data directory (SQLite; PostgreSQL too when reachable) with two ``yingji worker``
processes, the script enqueues a real job of the platform (``purge_expired_sessions``: one DELETE) and measures:

- **enqueue**: jobs queued per second by the web side (one process, ``task.enqueue``);
- **drain**: ``--jobs`` jobs queued at once, then the time until two workers have finished them all (jobs/s);
- **latency**: one job every 50 ms for ``--seconds``, enqueue → finished, p50 / p95 (the time a warning's fan-out
  or an escalation waits before a worker picks it up).

Beside them, in the same run: the **raw limit** of each store for the same number of messages (plain DB-API
``executemany`` of the rows into the same table — SQLite or ``COPY`` on PostgreSQL —, and ``LPUSH`` pipelined into
Redis), and the **naive baseline**: the job run inline, no queue. Writes ``bench/results/tasks.json``.
Usage: ``python bench/tasks.py [--jobs 2000] [--seconds 15] [--no-postgres] [--no-redis]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import RESULTS, database_urls  # noqa: E402

REDIS_URL = os.environ.get("YINGJI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


#: The variants measured: (name, YINGJI_TASK_BACKEND, YINGJI_RQ_WORKER).
VARIANTS = [("database", "database", "fork"), ("rq (fork)", "rq", "fork"), ("rq (simple)", "rq", "simple")]


def _env(data_dir: Path, database_url: str | None, backend: str, rq_worker: str = "fork") -> dict:
    env = {**os.environ, "YINGJI_DATA_DIR": str(data_dir), "YINGJI_LOG_LEVEL": "WARNING",
           "YINGJI_TASK_BACKEND": backend, "YINGJI_REDIS_URL": REDIS_URL, "YINGJI_RQ_WORKER": rq_worker,
           "DJANGO_SETTINGS_MODULE": "yingji.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def child(args) -> int:
    """Runs inside the configured environment: enqueue, drain and latency against the running workers."""
    import django

    django.setup()
    from django.db import connection
    from django_tasks import default_task_backend
    from django_tasks.base import TaskResultStatus

    from yingji.core.tasks import purge_expired_sessions

    def wait(ids: list[str], timeout: float) -> dict[str, object]:
        results, pending, deadline = {}, list(ids), time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            still = []
            for rid in pending:
                result = default_task_backend.get_result(rid)
                if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
                    results[rid] = result
                else:
                    still.append(rid)
            pending = still
            if pending:
                time.sleep(0.02)
        if pending:
            raise RuntimeError(f"{len(pending)} jobs not finished within {timeout} s")
        return results

    # Inline: the naive baseline (no queue at all).
    start = time.perf_counter()
    for _ in range(args.jobs):
        purge_expired_sessions.call()
    inline = time.perf_counter() - start
    connection.close()

    start = time.perf_counter()
    ids = [purge_expired_sessions.enqueue().id for _ in range(args.jobs)]
    enqueued = time.perf_counter() - start
    wait(ids, 600)
    drained = time.perf_counter() - start
    failed = 0

    latencies = []
    stop = time.monotonic() + args.seconds
    trickle = []
    while time.monotonic() < stop:
        trickle.append((purge_expired_sessions.enqueue().id, time.time()))
        time.sleep(0.05)
    done = wait([rid for rid, _t in trickle], 120)
    for rid, _sent in trickle:
        result = done[rid]
        failed += result.status != TaskResultStatus.SUCCESSFUL
        if result.finished_at and result.enqueued_at:
            latencies.append((result.finished_at - result.enqueued_at).total_seconds())
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    out = {"jobs": args.jobs, "enqueue_per_s": round(args.jobs / enqueued), "drain_per_s": round(args.jobs / drained),
           "inline_per_s": round(args.jobs / inline), "latency_p50_ms": round(qs[49] * 1000, 1),
           "latency_p95_ms": round(qs[94] * 1000, 1), "latency_jobs": len(latencies), "failed": failed}
    Path(args.out).write_text(json.dumps(out), encoding="utf-8")
    return 0


def raw_database(database_url: str | None, data_dir: Path, jobs: int) -> float:
    """Plain DB-API: ``jobs`` rows of the same shape as the database backend's into a copy of its table."""
    payload = json.dumps({"args": [], "kwargs": {}})
    rows = [(f"00000000-0000-0000-0000-{i:012d}", "READY", "default", 0, "yingji.core.tasks.purge_expired_sessions",
             payload) for i in range(jobs)]
    ddl = ("CREATE TABLE yj_raw_tasks (id varchar(64) PRIMARY KEY, status varchar(10), queue_name varchar(32), "
           "priority integer, task_path text, args_kwargs text)")
    if database_url:
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS yj_raw_tasks")
            conn.execute(ddl)
            start = time.perf_counter()
            with conn.transaction(), conn.cursor() as cur, cur.copy(
                    "COPY yj_raw_tasks (id, status, queue_name, priority, task_path, args_kwargs) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            elapsed = time.perf_counter() - start
            conn.execute("DROP TABLE yj_raw_tasks")
        return jobs / elapsed
    import sqlite3

    conn = sqlite3.connect(data_dir / "raw.sqlite3")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(ddl)
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO yj_raw_tasks VALUES (?, ?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - start
    conn.close()
    return jobs / elapsed


def raw_redis(jobs: int) -> float:
    from redis import Redis

    r = Redis.from_url(REDIS_URL)
    r.delete("yj:raw")
    payload = json.dumps({"func": "yingji.core.tasks.purge_expired_sessions", "args": [], "kwargs": {}})
    start = time.perf_counter()
    pipe = r.pipeline(transaction=False)
    for _ in range(jobs):
        pipe.lpush("yj:raw", payload)
    pipe.execute()
    elapsed = time.perf_counter() - start
    r.delete("yj:raw")
    return jobs / elapsed


def run_backend(name: str, database_url: str | None, backend: str, rq_worker: str, args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"yingji-tasks-{backend}-"))
    env = _env(data_dir, database_url, backend, rq_worker)
    if backend == "rq":
        from redis import Redis

        Redis.from_url(REDIS_URL).flushdb()
    subprocess.run([sys.executable, "-m", "yingji.cli", "manage", "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    workers = [subprocess.Popen([sys.executable, "-m", "yingji.cli", "worker", *(["--interval", "0.05"] if  # noqa: S603
                                 backend == "database" else [])], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True) for _ in range(2)]
    try:
        time.sleep(3)
        out = data_dir / "result.json"
        subprocess.run([sys.executable, __file__, "--child", "--jobs", str(args.jobs), "--seconds",  # noqa: S603
                        str(args.seconds), "--out", str(out)], env=env, check=True)
        result = json.loads(out.read_text(encoding="utf-8"))
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
    result["raw_per_s"] = round(raw_redis(args.jobs) if backend == "rq" else raw_database(database_url, data_dir,
                                                                                           args.jobs))
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--quick", action="store_true", help="300 jobs, 5 seconds of trickle")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    if args.quick:
        args.jobs, args.seconds = 300, 5
    variants = [v for v in VARIANTS if v[1] == "database" or not (args.no_redis or not redis_up())]
    results = {"jobs": args.jobs, "seconds": args.seconds, "runs": []}
    header = (f"{'database':10} {'backend':12} {'enqueue/s':>10} {'drain/s':>8} {'raw/s':>9} {'inline/s':>9} "
              f"{'p50 ms':>7} {'p95 ms':>7} failed")
    lines = [header]
    for db_name, url in database_urls(args.no_postgres):
        for label, backend, rq_worker in variants:
            r = run_backend(db_name, url, backend, rq_worker, args)
            results["runs"].append({"database": db_name, "backend": label, **r})
            lines.append(f"{db_name:10} {label:12} {r['enqueue_per_s']:>10} {r['drain_per_s']:>8} {r['raw_per_s']:>9} "
                         f"{r['inline_per_s']:>9} {r['latency_p50_ms']:>7} {r['latency_p95_ms']:>7} {r['failed']}")
            print(lines[-1], flush=True)
    print("\n".join(["", *lines]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tasks.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if any(r["failed"] for r in results["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
