"""A simulated city under load: the city's and the counties' dashboards, p95 over HTTP, on SQLite and PostgreSQL.

For each database the script loads the demo as a city of ``--counties`` counties (``yingji demo --counties N``: the
demo county's records copied under the city's other counties), starts ``yingji serve`` and logs in, through the
login page, as the city's account (``city``) and as each county's duty officer (``duty``, ``duty@410422``, …).
Then ``--clients`` concurrent clients, each one of those accounts, request their dashboards for ``--seconds``:

- the city: its home page (the counties side by side), the figures by county (``/areas/``), the annual statistics
  by county and the big screen's data;
- a county: its home page and the big screen's data.

Side by side, measured on the same server in the same run:
- the **floor**: ``/healthz/live`` under the same load (what the server and framework cost with no query of ours);
- the **naive baseline**: the city's figures gathered without the roll-up, by opening every county's home page one
  after another (what a city officer would do with one account per county): its wall time against ``/areas/``.

Prints the table and writes ``bench/results/city.json``.
Usage: ``python bench/city.py [--counties 10] [--clients 8] [--seconds 30] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import RESULTS, Server, database_urls  # noqa: E402

PASSWORD = "Yjdemo@2026"
CITY_PAGES = [("city home", "/", 3), ("figures by county", "/areas/", 3),
              ("annual statistics", "/statistics/annual/", 1), ("big screen data (city)", "/screen/data/", 2)]
COUNTY_PAGES = [("county home", "/", 3), ("big screen data (county)", "/screen/data/", 2)]


class CityServer(Server):
    start_timeout = 90  # ten counties: a larger database to open

    def __init__(self, database_url: str | None, counties: int):
        super().__init__(database_url)
        self.counties = counties

    def prepare(self) -> None:
        out = self.yingji("demo", "--reset", "--counties", str(self.counties))
        codes = re.findall(r"\((\d{6})\)", out.split("copied under", 1)[-1]) if "copied under" in out else []
        self.county_users = ["duty"] + [f"duty@{code}" for code in codes]


class Session:
    """One logged-in browser: cookies kept, the login form posted with its CSRF token."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        status, body = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            raise RuntimeError(f"login page: {status}")
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)})
        status, _body = self.request("POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                               "Referer": f"http://127.0.0.1:{port}/login/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: {status}")

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except OSError:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, ""
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)


def quantiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {"n": len(values)}
    qs = statistics.quantiles(values, n=100)
    return {"n": len(values), "p50_ms": round(qs[49] * 1000, 1), "p95_ms": round(qs[94] * 1000, 1),
            "p99_ms": round(qs[98] * 1000, 1)}


def drive(server: CityServer, clients: int, seconds: float) -> dict:
    """``clients`` sessions (the first the city's, the others the counties' duty officers in turn) plus one floor
    client, all for ``seconds``."""
    sessions = []
    for i in range(clients):
        username = "city" if i % 3 == 0 else server.county_users[(i // 3 + i) % len(server.county_users)]
        sessions.append((username, Session(server.port, username)))
    timings: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def record(name: str, elapsed: float, status: int) -> None:
        with lock:
            timings.setdefault(name, []).append(elapsed)
            if status != 200:
                errors[f"{name} {status}"] = errors.get(f"{name} {status}", 0) + 1

    def worker(seed: int, username: str, session: Session) -> None:
        rng = random.Random(seed)
        pages = CITY_PAGES if username == "city" else COUNTY_PAGES
        weighted = [(name, path) for name, path, weight in pages for _ in range(weight)]
        while time.monotonic() < stop_at:
            name, path = rng.choice(weighted)
            start = time.perf_counter()
            status, _body = session.get(path)
            record(name, time.perf_counter() - start, status)

    def floor() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            conn.request("GET", "/healthz/live")
            response = conn.getresponse()
            response.read()
            record("floor /healthz/live", time.perf_counter() - start, response.status)
            time.sleep(0.05)

    threads = [threading.Thread(target=worker, args=(i, u, s)) for i, (u, s) in enumerate(sessions)]
    threads.append(threading.Thread(target=floor))
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - begin
    total = sum(len(v) for k, v in timings.items() if not k.startswith("floor"))
    return {"pages": {name: quantiles(values) for name, values in sorted(timings.items())},
            "requests": total, "rps": round(total / wall, 1), "seconds": round(wall, 1), "errors": errors}


def naive_versus_rollup(server: CityServer, rounds: int = 5) -> dict:
    """Unloaded: the figures by county in one request, against every county's home page opened in turn."""
    city = Session(server.port, "city")
    counties = [Session(server.port, u) for u in server.county_users]
    rollup, naive = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        city.get("/areas/")
        rollup.append(time.perf_counter() - start)
        start = time.perf_counter()
        for session in counties:
            session.get("/")
        naive.append(time.perf_counter() - start)
    return {"rollup_ms": round(statistics.median(rollup) * 1000, 1),
            "naive_ms": round(statistics.median(naive) * 1000, 1), "counties": len(counties)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 counties, 4 clients, 8 seconds")
    args = parser.parse_args(argv)
    if args.quick:
        args.counties, args.clients, args.seconds = 3, 4, 8
    results = {"counties": args.counties, "clients": args.clients, "seconds": args.seconds, "databases": {}}
    for name, url in database_urls(args.no_postgres):
        print(f"\n{name}: loading a city of {args.counties} counties …", flush=True)
        started = time.monotonic()
        with CityServer(url, args.counties) as server:
            loaded = round(time.monotonic() - started, 1)
            load = drive(server, args.clients, args.seconds)
            compare = naive_versus_rollup(server)
        results["databases"][name] = {"load_seconds": loaded, **load, "naive": compare}
        print(f"{'page':28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for page, q in load["pages"].items():
            p50, p95, p99 = (q.get(k, "—") for k in ("p50_ms", "p95_ms", "p99_ms"))
            print(f"{page:28} {q['n']:>6} {p50:>8} {p95:>8} {p99:>8}")
        print(f"{load['requests']} dashboard requests, {load['rps']}/s, errors: {load['errors'] or 'none'}; "
              f"city of {args.counties} counties loaded in {loaded} s")
        print(f"figures by county: one request {compare['rollup_ms']} ms; naive (each county's home page in turn, "
              f"{compare['counties']} requests) {compare['naive_ms']} ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "city.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(d["errors"] for d in results["databases"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
