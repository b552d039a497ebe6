"""Soak: the real server (``yingji serve`` with the demo county, loopback only) under a steady ingestion load and
a light read mix for a bounded time, its resident memory sampled throughout.

For each database (SQLite always; PostgreSQL when reachable) the script starts the server on a fresh data
directory, then for ``--seconds``:

- one client posts ``--rate`` readings/s to ``POST /api/v1/readings`` in batches of ``--batch`` (every sensor of
  the demo county's stations in turn, time-stamped now, values low in each sensor's valid range), paced to the
  clock; every reading must come back accepted;
- ``--readers`` clients read a mix of scoped lists and the duty console (``/api/v1/me``, hazards, alarms,
  stations, enterprises, ``/api/v1/duty/now``) at about ``--read-rate`` requests/s in all;
- every ``--sample`` seconds the resident memory (VmRSS) of the server's whole process tree is read from /proc.

Errors are any non-200 answer, a refused connection or a rejected reading. Memory is *flat* when the median of the
last fifth of the samples after the warm-up (the first fifth of the run, at most 60 s) exceeds the median of the
first fifth by at most 10 MiB or 5 %, whichever is larger; the least-squares slope (MiB/min) is reported beside.

Usage: ``python bench/soak.py [--seconds 600] [--rate 2000] [--no-postgres] [--quick]``; writes
``bench/results/soak.json``; exits non-zero on any error or memory that is not flat.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import RESULTS, Server, database_urls  # noqa: E402

READS = ["/api/v1/me", "/api/v1/hazards?limit=20", "/api/v1/alarms?limit=20", "/api/v1/stations?limit=20",
         "/api/v1/enterprises?limit=20", "/api/v1/duty/now"]


def tree_rss_kib(root: int) -> int:
    """VmRSS of ``root`` and all its descendants (KiB), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
        stack.extend(children.get(pid, []))
    return total


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _sensors(server: Server) -> list[tuple[str, str, float]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/api/v1/stations?limit=500", headers={"Authorization": f"Bearer {server.token}"})
    stations = json.loads(conn.getresponse().read())["items"]
    pairs = []
    for station in stations:
        if station["status"] == "retired":
            continue
        for sensor in station["sensors"]:
            low, high = sensor["valid_min"], sensor["valid_max"]
            value = 0.0 if sensor["cumulative"] else (
                low + 0.05 * (high - low) if low is not None and high is not None else (low or 0.0))
            pairs.append((station["code"], sensor["key"], round(value, 3)))
    if not pairs:
        raise RuntimeError("the demo county has no sensors to feed")
    return pairs


def soak(server: Server, seconds: float, rate: int, batch: int, readers: int, read_rate: float,
         sample_every: float) -> dict:
    sensors = _sensors(server)
    stop = threading.Event()
    lock = threading.Lock()
    counts = {"sent": 0, "accepted": 0, "rejected": 0, "errors": 0, "reads": 0, "statuses": {}}
    ingest_ms: list[float] = []
    read_ms: list[float] = []
    samples: list[tuple[float, int]] = []
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}

    def error(status) -> None:
        with lock:
            counts["errors"] += 1
            counts["statuses"][str(status)] = counts["statuses"].get(str(status), 0) + 1

    def ingest() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        interval = batch / rate
        next_at = time.monotonic()
        position = 0
        while not stop.is_set():
            now = datetime.now(UTC)
            items = []
            for i in range(batch):
                code, key, value = sensors[(position + i) % len(sensors)]
                items.append({"station": code, "sensor": key, "value": value,
                              "ts": (now + timedelta(microseconds=i)).isoformat()})
            position += batch
            start = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/readings", body=json.dumps(items), headers=headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except OSError:
                status, body = 0, b""
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                counts["sent"] += batch
                ingest_ms.append(elapsed)
            if status != 200:
                error(status)
            else:
                result = json.loads(body)
                with lock:
                    counts["accepted"] += result["accepted"]
                    counts["rejected"] += len(result["rejected"]) + result["duplicates"]
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                stop.wait(delay)
            elif delay < -5 * interval:
                next_at = time.monotonic()  # fallen behind: do not burst to catch up

    def read(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        interval = readers / read_rate
        while not stop.is_set():
            path = rng.choice(READS)
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            with lock:
                read_ms.append((time.perf_counter() - start) * 1000)
                counts["reads"] += 1
            if status != 200:
                error(status)
            stop.wait(interval)

    def sample() -> None:
        begin = time.monotonic()
        while not stop.is_set():
            samples.append((round(time.monotonic() - begin, 1), tree_rss_kib(server.proc.pid)))
            stop.wait(sample_every)

    threads = [threading.Thread(target=ingest), threading.Thread(target=sample)]
    threads += [threading.Thread(target=read, args=(i,)) for i in range(readers)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.monotonic() - begin
    samples.append((round(wall, 1), tree_rss_kib(server.proc.pid)))
    return {"seconds": round(wall, 1), "sensors": len(sensors), "rate_target_per_s": rate, "batch": batch,
            "rate_achieved_per_s": round(counts["sent"] / wall, 1), **counts,
            "ingest_p50_ms": _round(_percentile(ingest_ms, 0.5)), "ingest_p99_ms": _round(_percentile(ingest_ms, 0.99)),
            "read_p50_ms": _round(_percentile(read_ms, 0.5)), "read_p99_ms": _round(_percentile(read_ms, 0.99)),
            "memory": memory_verdict(samples, wall), "rss_samples_kib": samples}


def _round(value):
    return None if value is None else round(value, 1)


def memory_verdict(samples: list[tuple[float, int]], wall: float) -> dict:
    warm_up = min(60.0, wall / 5)
    steady = [(t, kib / 1024) for t, kib in samples if t >= warm_up]
    if len(steady) < 5:
        return {"flat": None, "reason": "too few samples after the warm-up"}
    fifth = max(1, len(steady) // 5)
    first = statistics.median(m for _t, m in steady[:fifth])
    last = statistics.median(m for _t, m in steady[-fifth:])
    mean_t = statistics.fmean(t for t, _m in steady)
    mean_m = statistics.fmean(m for _t, m in steady)
    spread = sum((t - mean_t) ** 2 for t, _m in steady)
    slope = sum((t - mean_t) * (m - mean_m) for t, m in steady) / spread * 60 if spread else 0.0
    growth = last - first
    return {"warm_up_s": round(warm_up, 1), "first_mib": round(first, 1), "last_mib": round(last, 1),
            "max_mib": round(max(m for _t, m in steady), 1), "growth_mib": round(growth, 1),
            "slope_mib_per_min": round(slope, 2), "flat": growth <= max(10.0, 0.05 * first)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=int, default=2000, help="readings/s posted")
    parser.add_argument("--batch", type=int, default=200, help="readings per request")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--read-rate", type=float, default=20, help="read requests/s in all")
    parser.add_argument("--sample", type=float, default=5, help="seconds between memory samples")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small bounded run (smoke): 40 s at 500 readings/s")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rate, args.batch, args.sample = 40, 500, 100, 2
    databases = database_urls(args.no_postgres)
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "runs": {}}
    for name, url in databases:
        print(f"{time.strftime('%H:%M:%S')} {name}: soak for {args.seconds:.0f} s at {args.rate} readings/s",
              file=sys.stderr, flush=True)
        with Server(url) as server:
            results["runs"][name] = soak(server, args.seconds, args.rate, args.batch, args.readers, args.read_rate,
                                         args.sample)
    results["summary"] = []
    print(f"\n{'database':<11}{'s':>5}{'readings/s':>12}{'accepted':>10}{'errors':>8}{'ingest p99':>12}"
          f"{'read p50':>10}{'read p99':>10}{'RSS MiB first→last (max)':>28}{'slope/min':>11}{'flat':>6}")
    for name, r in results["runs"].items():
        m = r["memory"]
        print(f"{name:<11}{r['seconds']:>5.0f}{r['rate_achieved_per_s']:>12,.0f}{r['accepted']:>10,}{r['errors']:>8}"
              f"{r['ingest_p99_ms']:>10} ms{r['read_p50_ms']:>7} ms{r['read_p99_ms']:>7} ms"
              f"{m.get('first_mib')!s:>14} → {m.get('last_mib')!s} ({m.get('max_mib')})"
              f"{m.get('slope_mib_per_min')!s:>11}"
              f"{'yes' if m.get('flat') else 'NO':>6}")
        results["summary"].append({
            "benchmark": f"soak ({r['seconds']:.0f} s at {r['rate_achieved_per_s']:,.0f} readings/s + "
                         f"{r['reads'] / r['seconds']:.0f} reads/s)", "database": name,
            "project": f"{r['errors']} errors, {r['accepted']:,} of {r['sent']:,} readings stored; server RSS "
                       f"{m.get('first_mib')} → {m.get('last_mib')} MiB ({'flat' if m.get('flat') else 'NOT flat'}, "
                       f"{m.get('slope_mib_per_min')} MiB/min); ingest p99 {r['ingest_p99_ms']} ms, reads p50 "
                       f"{r['read_p50_ms']} ms", "raw": "—", "naive": "—"})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    ok = all(r["errors"] == 0 and r["accepted"] == r["sent"] and r["memory"].get("flat")
             for r in results["runs"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
