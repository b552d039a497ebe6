"""``yingji bench``: finding bench/, resolving names, the exit status and merging bench/results/latest.json — with
tiny fake benchmarks (timings belong to the real ones, not to tests)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from yingji import cli

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent('''
    """A fake benchmark run as a script: records its arguments, writes results/{name}.json, exits {code}."""
    import json
    import sys
    from pathlib import Path


    def main():
        out = Path(__file__).parent / "results"
        out.mkdir(exist_ok=True)
        summary = [{{"benchmark": "{name}", "database": "sqlite", "project": "10 ops/s", "raw": "20 ops/s",
                     "naive": "1 ops/s"}}]
        (out / "{name}.json").write_text(json.dumps({{"argv": sys.argv[1:], "summary": summary}}))
        print("table of {name}")
        return {code}


    if __name__ == "__main__":
        raise SystemExit(main())
''')

MODULE = textwrap.dedent('''
    """A fake benchmark driven through run() and table()."""
    SIZES = (1, 2, 3)


    def run():
        return {"benchmark": "walk", "sizes": list(SIZES), "results": [{"exact": True}]}


    def table(report):
        return "walked " + ",".join(str(s) for s in report["sizes"])
''')


@pytest.fixture
def bench_dir(tmp_path, monkeypatch):
    """A copy of the real runner beside fake benchmarks: ``fast`` (ok), ``broken`` (exit 3), ``walk`` (module)."""
    bench = tmp_path / "bench"
    bench.mkdir()
    shutil.copy(REPO / "bench" / "run.py", bench / "run.py")
    (bench / "fast.py").write_text(SCRIPT.format(name="fast", code=0))
    (bench / "broken.py").write_text(SCRIPT.format(name="broken", code=3))
    (bench / "walk.py").write_text(MODULE)
    (bench / "_helper.py").write_text("def main():\n    raise SystemExit('a helper is not a benchmark')\n")
    (bench / "results").mkdir()
    (bench / "results" / "latest.json").write_text(json.dumps(
        {"generated_at": "2020-01-01T00:00:00+00:00", "machine": {"cpu": "old"},
         "benchmarks": {"gone": {"ran_at": "2020-01-01T00:00:00+00:00", "quick": False, "exit_code": 0,
                                 "result": {"summary": [{"benchmark": "gone", "project": "5 ops/s"}]}}}}))
    monkeypatch.setenv("YINGJI_BENCH_DIR", str(bench))
    return bench


def run(capsys, *argv):
    code = cli.main(["bench", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def latest(bench_dir) -> dict:
    return json.loads((bench_dir / "results" / "latest.json").read_text())


def test_lists_what_exists_and_skips_helpers(bench_dir, capsys):
    code, out, _err = run(capsys, "--list")
    assert code == 0 and out.split() == ["broken", "fast", "walk"]


def test_unknown_name_is_a_clear_error_with_exit_2_and_runs_nothing(bench_dir, capsys):
    code, _out, err = run(capsys, "fast", "nope")
    assert code == 2
    assert "unknown benchmark(s): nope" in err and "fast" in err.split("available:")[1]
    assert not (bench_dir / "results" / "fast.json").exists()
    assert latest(bench_dir)["generated_at"].startswith("2020")


def test_one_name_runs_it_and_merges_without_losing_the_others(bench_dir, capsys):
    code, out, err = run(capsys, "fast")
    assert code == 0, err
    data = latest(bench_dir)
    assert set(data["benchmarks"]) == {"gone", "fast"}
    assert data["benchmarks"]["gone"]["result"]["summary"][0]["project"] == "5 ops/s"
    fast = data["benchmarks"]["fast"]
    assert fast["exit_code"] == 0 and fast["quick"] is False and fast["result"]["argv"] == []
    assert {"cpu", "cores", "ram_gib", "os", "python", "sqlite", "postgresql"} <= set(data["machine"])
    assert data["machine"]["cpu"] != "old" and not data["generated_at"].startswith("2020")
    assert "| fast | sqlite | 10 ops/s | 20 ops/s | 1 ops/s |" in out


def test_quick_is_passed_to_a_benchmark_that_knows_it(bench_dir, capsys):
    (bench_dir / "fast.py").write_text(SCRIPT.format(name="fast", code=0).replace(
        "def main():", "# accepts --quick\ndef main():"))
    assert run(capsys, "fast", "--quick")[0] == 0
    entry = latest(bench_dir)["benchmarks"]["fast"]
    assert entry["quick"] is True and entry["result"]["argv"] == ["--quick"]


def test_a_failing_benchmark_makes_the_run_fail_but_is_recorded(bench_dir, capsys):
    code, _out, err = run(capsys, "broken", "fast")
    assert code == 1 and "failed: broken" in err
    data = latest(bench_dir)["benchmarks"]
    assert data["broken"]["exit_code"] == 3 and data["fast"]["exit_code"] == 0


def test_a_module_benchmark_is_driven_through_run_and_table(bench_dir, capsys):
    code, _out, err = run(capsys, "walk")
    assert code == 0, err
    assert json.loads((bench_dir / "results" / "walk.json").read_text())["sizes"] == [1, 2, 3]
    assert latest(bench_dir)["benchmarks"]["walk"]["result"]["benchmark"] == "walk"


def test_no_names_runs_them_all(bench_dir, capsys):
    code, _out, _err = run(capsys)
    assert code == 1  # broken fails
    assert set(latest(bench_dir)["benchmarks"]) == {"gone", "fast", "broken", "walk"}


def test_table_renders_latest_json_as_markdown(bench_dir, capsys):
    run(capsys, "fast")
    code, out, _err = run(capsys, "--table")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "| benchmark | database | this project | raw limit | naive baseline | run |"
    assert any(line.startswith("| fast | sqlite | 10 ops/s | 20 ops/s | 1 ops/s |") for line in lines)
    assert any(line.startswith("| gone | — | 5 ops/s |") for line in lines)
    assert any(line.startswith("Machine: ") and " cores, " in line for line in lines)


def test_table_without_results_says_so(bench_dir, capsys):
    (bench_dir / "results" / "latest.json").unlink()
    code, _out, err = run(capsys, "--table")
    assert code == 2 and "no results yet" in err


def test_missing_bench_directory_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("YINGJI_BENCH_DIR", str(tmp_path / "nowhere"))
    code, _out, err = run(capsys, "fast")
    assert code == 2
    assert err.startswith("yingji bench: no benchmarks found") and "source checkout" in err


def test_the_checkout_bench_directory_is_found_and_lists_the_real_benchmarks(monkeypatch, capsys):
    monkeypatch.delenv("YINGJI_BENCH_DIR", raising=False)
    code, out, _err = run(capsys, "--list")
    expected = {p.stem for p in (REPO / "bench").glob("*.py") if p.stem != "run" and not p.stem.startswith("_")}
    assert code == 0 and set(out.split()) == expected and "nearby" in expected


def test_the_summary_puts_each_real_benchmark_beside_its_raw_limit_and_naive_baseline():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    shapes = {
        "load": {"clients": 8, "runs": {"sqlite": {"mix": {"rps": 120.5, "p95_ms": 80.0, "errors": {"count": 0}},
                                                   "floor (hello view)": {"rps": 900.0, "p50_ms": 1.5},
                                                   "scoped list (1 client)": {"p50_ms": 2.75, "p95_ms": 4.0}}}},
        "ingest": {"results": [{"database": "sqlite", "readings": 60000, "http_rules_per_s": 5000.0,
                                "mqtt_rules_per_s": 4000.0, "raw_bulk_per_s": 40000.0, "naive_per_s": 300.0,
                                "latency": {"rate_achieved_per_s": 1000.0, "latency_p50_ms": 12.0,
                                            "latency_p99_ms": 40.0}}]},
        "fanout": {"database": "sqlite", "recipients_in_area": 10000,
                   "bulk": {"seconds_median": 0.6, "deliveries_per_second": 16000},
                   "bulk_create": {"seconds_median": 7.5, "deliveries_per_second": 1300},
                   "naive": {"seconds_median": 27.0, "deliveries_per_second": 370}},
        "nearby": {"database": "sqlite", "results": [{"resources": 1000, "nearby_ms_median": 20.0,
                                                      "brute_force_ms_median": 30.0, "exact": True}]},
        "city": {"counties": 10, "clients": 8, "databases": {"postgresql": {
            "pages": {"city home": {"p95_ms": 180.0}, "figures by county": {"p95_ms": 240.0},
                      "floor /healthz/live": {"p95_ms": 3.5}},
            "naive": {"rollup_ms": 60.0, "naive_ms": 900.0, "counties": 10}}}},
        "tasks": {"runs": [{"database": "sqlite", "backend": "rq", "jobs": 2000, "drain_per_s": 300,
                            "enqueue_per_s": 400, "latency_p50_ms": 20.0, "latency_p95_ms": 45.0,
                            "raw_per_s": 140000, "inline_per_s": 3000}]},
    }
    rows = {name: runner.summary_rows(name, {"result": result}) for name, result in shapes.items()}
    assert rows["load"] == [("load (8 clients)", "sqlite", "120 req/s (0.13× the floor), p95 80.00 ms, 0 errors",
                             "900 req/s (hello view)", "—"),
                            ("scoped list of 20 (township account, one client)", "sqlite", "p50 2.75 ms, p95 4.00 ms",
                             "p50 1.50 ms (hello view, 8 clients)", "—")]
    assert [r[0] for r in rows["ingest"]] == ["ingest (60,000 readings, HTTP batch)",
                                              "ingest (60,000 readings, MQTT worker)",
                                              "alarm latency at 1,000 readings/s"]
    assert rows["ingest"][0][2:] == ("5,000 readings/s with rules", "40,000 /s (executemany)", "300 /s (row by row)")
    assert rows["fanout"][0][2:] == ("0.60 s (16,000 /s)", "7.50 s (1,300 /s) (bulk_create)",
                                     "27.00 s (370 /s) (save per row)")
    assert rows["nearby"][0][2:] == ("20.00 ms median", "—", "30.00 ms (brute force)")
    assert rows["city"] == [("city of 10 counties, dashboards under 8 clients", "postgresql",
                             "worst dashboard p95 240 ms; figures by county 60.00 ms",
                             "p95 3.50 ms (/healthz/live, same load)", "900 ms (10 county home pages in turn)")]
    assert rows["tasks"][0][2:] == ("drain 300 jobs/s, enqueue 400 /s, latency p50 20.00 ms, p95 45.00 ms",
                                    "140,000 /s (LPUSH)", "3,000 /s (inline, no queue)")
    assert runner.summary_rows("load", {"result": {"runs": "garbled"}})[0][2].startswith("results in an unknown")
