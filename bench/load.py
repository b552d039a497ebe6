"""Load test on loopback: a realistic request mix against ``yingji serve``, beside the framework floor.

For each database (SQLite always; PostgreSQL when reachable) the script starts ``yingji serve`` on a fresh data
directory with the demo county, then drives N concurrent clients for a bounded number of requests and time:

- *mix*: duty-console polling (``/api/v1/me``, ``/api/v1/duty/now`` when present), list and detail reads
  (regions, organisations, enterprises), map queries (``/api/v1/resources/nearby`` when present), and writes
  (hazard reports when the prevention API is present, otherwise contact edits);
- *floor*: ``/healthz/live``, a view that touches neither the database nor the session — what the framework and
  server cost on their own, measured in the same run.

It prints a table (throughput, p50/p95/p99 latency, errors) and writes ``bench/results/load.json``.
Usage: ``python bench/load.py [--clients 8] [--requests 2000] [--seconds 30] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES_URL = os.environ.get("YINGJI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/yingji_bench")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``yingji serve`` in a subprocess on its own data directory (and database)."""

    def __init__(self, database_url: str | None):
        self.data_dir = Path(tempfile.mkdtemp(prefix="yingji-load-"))
        self.port = free_port()
        self.env = {**os.environ, "YINGJI_DATA_DIR": str(self.data_dir), "YINGJI_LOG_LEVEL": "WARNING"}
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.proc = None

    def yingji(self, *args) -> str:
        out = subprocess.run([sys.executable, "-m", "yingji.cli", *args], env=self.env, capture_output=True,
                             text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return out.stdout

    #: Seconds the server may take to answer its first request.
    start_timeout = 60

    def prepare(self) -> None:
        """The data the run needs, before the server starts: the demo county and the tokens."""
        self.yingji("demo", "--reset")
        self.token = self.yingji("token", "admin").strip()
        # Writes go as an inspector: hazard reports are an inspector's act (administrators may not report them).
        self.writer_token = self.yingji("token", "inspector").strip()
        # The scoped list: a township's account (its rows are filtered by its jurisdiction).
        self.scoped_token = self.yingji("token", "township1").strip()

    def __enter__(self):
        self.prepare()
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "yingji.cli", "serve", "--no-demo", "--no-worker", "--no-simulate", "--port",
             str(self.port), "--threads", "4"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz/live")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)


#: A township's page of 20 hazards (its scope filtered in the query), timed alone with one client.
SCOPED_LIST = "/api/v1/hazards?limit=20"


def build_mix(server: Server) -> list[tuple[str, str, dict | None, int]]:
    """(method, path, json body, weight) for the operations this installation has."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Authorization": f"Bearer {server.token}"}

    def get(path):
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")

    _status, schema = get("/api/v1/openapi.json")
    paths = set(schema.get("paths", {}))
    _s, orgs = get("/api/v1/organisations?limit=20")
    _s, ents = get("/api/v1/enterprises?limit=50")
    org_ids = [o["id"] for o in orgs["items"]]
    ent = ents["items"][0] if ents["items"] else None
    mix: list[tuple[str, str, dict | None, int]] = [
        ("GET", "/api/v1/me", None, 10),
        ("GET", "/api/v1/regions?limit=50", None, 10),
        ("GET", "/api/v1/enterprises?limit=50", None, 10),
    ] + [("GET", f"/api/v1/organisations/{i}", None, 1) for i in org_ids[:10]]
    if "/api/v1/duty/now" in paths:
        mix.append(("GET", "/api/v1/duty/now", None, 15))
    if "/api/v1/resources/nearby" in paths:
        for kind in ("team", "shelter", "warehouse"):
            mix.append(("GET", "/api/v1/resources/nearby?" + urlencode(
                {"lat": 33.29, "lon": 113.52, "kind": kind, "limit": 10}), None, 4))
    if "/api/v1/hazards" in paths and ent is not None:
        mix.append(("POST", "/api/v1/hazards", {"enterprise_id": ent["id"], "title": "压力表超期未校验",
                                                "description": "负载测试上报", "source": "inspector"}, 3))
    elif org_ids:
        mix.append(("POST", f"/api/v1/organisations/{org_ids[0]}/contacts",
                    {"name": "测试", "mobile": "13800000000"}, 3))
    return mix


def drive(server: Server, mix, clients: int, total: int, seconds: float, token: str | None = None) -> dict:
    weighted = [op for op in mix for _ in range(op[3])]
    latencies: list[float] = []
    errors = {"count": 0, "statuses": {}}
    lock = threading.Lock()
    issued = {"n": 0}
    stop_at = time.monotonic() + seconds

    def worker(seed: int):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Authorization": f"Bearer {token or server.token}", "Content-Type": "application/json"}
        writer = {**headers, "Authorization": f"Bearer {server.writer_token}"}
        while time.monotonic() < stop_at:
            with lock:
                if issued["n"] >= total:
                    return
                issued["n"] += 1
            method, path, body, _w = rng.choice(weighted)
            start = time.perf_counter()
            try:
                conn.request(method, path, body=json.dumps(body) if body else None,
                             headers=writer if method == "POST" else headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status == 0 or status >= 400:
                    errors["count"] += 1
                    errors["statuses"][str(status)] = errors["statuses"].get(str(status), 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - begin
    return summarise(latencies, wall, errors)


def summarise(latencies: list[float], wall: float, errors: dict) -> dict:
    if not latencies:
        return {"requests": 0, "rps": 0, "errors": errors}
    qs = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "seconds": round(wall, 2), "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(qs[49] * 1000, 1), "p95_ms": round(qs[94] * 1000, 1), "p99_ms": round(qs[98] * 1000, 1),
            "errors": errors}


def postgres_available() -> bool:
    try:
        import psycopg

        base = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            name = POSTGRES_URL.rsplit("/", 1)[1]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception:  # no server, no driver, no permission: run SQLite only and say so
        return False


def database_urls(no_postgres: bool) -> list[tuple[str, str | None]]:
    """(name, DATABASE_URL) of the databases to run on: SQLite always, PostgreSQL unless refused or unreachable."""
    databases = [("sqlite", None)]
    if not no_postgres and postgres_available():
        databases.append(("postgresql", POSTGRES_URL))
    elif not no_postgres:
        print("PostgreSQL not reachable: SQLite only", file=sys.stderr)
    return databases


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario (upper bound)")
    parser.add_argument("--seconds", type=float, default=30, help="time per scenario (upper bound)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small bounded run (CI smoke): 4 clients, 300 requests")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.requests, args.seconds = 4, 300, 10
    databases = database_urls(args.no_postgres)
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "clients": args.clients,
               "runs": {}}
    for name, url in databases:
        with Server(url) as server:
            mix = build_mix(server)
            hello = [("GET", "/healthz/live", None, 1)]
            # Each scenario is warmed up first, unmeasured: every server process and thread has then served its
            # first requests (imports, URL resolvers, connections), which otherwise stall the first second and
            # halved the floor of a short run.
            warm = (args.clients, args.clients * 40, 10)
            drive(server, hello, *warm)
            floor = drive(server, hello, args.clients, args.requests, args.seconds)
            drive(server, mix, *warm)
            load = drive(server, mix, args.clients, args.requests, args.seconds)
            # One client, one request at a time: the latency of a scoped list of 20 (the 3 ms p50).
            scoped_list = [("GET", SCOPED_LIST, None, 1)]
            drive(server, scoped_list, 1, 100, 10, token=server.scoped_token)
            scoped = drive(server, scoped_list, 1, min(args.requests, 1000), args.seconds, token=server.scoped_token)
            results["runs"][name] = {"floor (hello view)": floor, "mix": load, "scoped list (1 client)": scoped,
                                     "operations": sorted({f"{m} {p.split('?')[0]}" for m, p, _b, _w in mix})}
    print(f"\n{'database':<11} {'scenario':<22} {'req':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7}")
    for name, run in results["runs"].items():
        for scenario in ("floor (hello view)", "mix", "scoped list (1 client)"):
            r = run[scenario]
            print(f"{name:<11} {scenario:<22} {r['requests']:>6} {r['rps']:>8} {r.get('p50_ms', '-'):>8} "
                  f"{r.get('p95_ms', '-'):>8} {r.get('p99_ms', '-'):>8} {r['errors']['count']:>7}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0 if all(run["mix"]["errors"]["count"] == 0 for run in results["runs"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
