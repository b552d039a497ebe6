"""The ``yingji`` command: serve, demo, createuser, token, check, bench, worker, sweeper, ingest-mqtt, simulate, manage.

Errors are one line on stderr and a non-zero exit (2 for bad input, 1 for a failed check), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:  # a bad setting in the environment: say which, no traceback
        raise CommandError(f"configuration: {exc}") from None
    from django.utils import translation

    # The CLI speaks the language of its own messages (English) unless told otherwise.
    translation.activate(os.environ.get("YINGJI_CLI_LANGUAGE", "en"))


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _print_accounts(accounts) -> None:
    from yingji.core.choices import Role
    from yingji.core.demo import DEMO_PASSWORD

    print(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, roles, scope in accounts:
        print(f"  {username:<12} {', '.join(roles):<28} {scope}  ({', '.join(Role.label(r) for r in roles)})")


# --- commands --------------------------------------------------------------------------------------------------


def cmd_demo(args) -> int:
    _setup()
    from yingji.core import demo

    _migrate()
    if demo.is_loaded() and not args.reset:
        raise CommandError("The demo county is already loaded; run `yingji demo --reset` to reload it")
    counties = args.counties
    if counties is not None and not 1 <= counties <= len(demo.CITY_COUNTIES) + 1:
        raise CommandError(f"--counties takes 1 to {len(demo.CITY_COUNTIES) + 1}")
    accounts = demo.load_demo(reset=args.reset)
    print(f"Demo county {demo.COUNTY_NAME} ({demo.COUNTY_CODE}) loaded.")
    if counties and counties > 1:
        made = demo.simulate_city(counties)
        print(f"Simulated city {demo.CITY_NAME}: {counties} counties, the demo county's records copied under "
              + "、".join(f"{name} ({code})" for code, name in made)
              + "; their accounts are the demo's with @<code>, e.g. duty@" + made[0][0])
    _print_accounts(accounts)
    return 0


def cmd_createuser(args) -> int:
    _setup()
    from yingji.core import services
    from yingji.core.choices import Role
    from yingji.core.errors import ServiceError
    from yingji.enterprises.services import find_by_credit_code

    roles = [r.strip() for value in args.role for r in value.split(",") if r.strip()]
    unknown = [r for r in roles if r not in Role.values()]
    if unknown:
        raise CommandError(f"unknown role {', '.join(unknown)}; choose from: {', '.join(Role.values())}")
    enterprise = None
    if args.enterprise:
        enterprise = find_by_credit_code(args.enterprise)
        if enterprise is None:
            raise CommandError(f"no enterprise has credit code {args.enterprise}")
    password = args.password or (secrets.token_urlsafe(9) + "A1!")
    try:
        user = services.create_user(
            None, username=args.username, roles=roles, password=password, scope_region_code=args.scope or "",
            enterprise=enterprise, display_name=args.name or "", must_change_password=not args.password,
        )
    except ServiceError as exc:
        details = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in exc.errors)
        raise CommandError(f"cannot create user: {details or exc.detail}") from None
    print(f"Created {user.username} ({', '.join(roles)}; scope {user.scope_display}).")
    if not args.password:
        print(f"Initial password (must be changed at first login): {password}")
    return 0


def cmd_token(args) -> int:
    _setup()
    from yingji.core import services
    from yingji.core.errors import ServiceError
    from yingji.core.models import User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CommandError(f"no user named {args.username!r}")
    from yingji.core.models import ApiToken

    name = args.name or ("screen" if args.kiosk else "cli")
    try:
        _token, raw = services.issue_token(user, name=(ApiToken.KIOSK_PREFIX + name) if args.kiosk else name)
    except ServiceError as exc:
        raise CommandError(f"cannot issue a token: {exc.errors[0]['message'] if exc.errors else exc.detail}")
    # Tokens are stored hashed, so an existing one cannot be shown again: each call issues a new token.
    print(f"/screen/?token={raw}" if args.kiosk else raw)
    return 0


def cmd_check(args) -> int:
    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    problems, lines = [], []
    db = settings.DATABASES["default"]
    lines.append(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                lines.append(f"sqlite journal mode: {cursor.fetchone()[0]}")
    except Exception as exc:  # any driver error means the database is unreachable; report it, don't crash
        problems.append(f"database unreachable: {exc}")
    else:
        plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
        if plan:
            problems.append(f"{len(plan)} migrations not applied (run `yingji serve` or `yingji manage migrate`)")
        else:
            from yingji.core.models import Region, User

            lines.append(f"regions: {Region.objects.count()}, users: {User.objects.count()}")
    try:
        call_command("check", verbosity=0)
        lines.append("django system checks: ok")
    except Exception as exc:  # SystemCheckError carries the report
        problems.append(f"system checks: {exc}")
    data_dir = settings.DATA_DIR
    if not os.access(data_dir, os.W_OK):
        problems.append(f"data directory {data_dir} is not writable")
    lines.append(f"data directory: {data_dir}")
    lines.append(f"secret key: {'YINGJI_SECRET_KEY' if os.environ.get('YINGJI_SECRET_KEY') else 'generated file'}")
    lines.append(f"debug: {settings.DEBUG}; demo mode: {settings.DEMO_MODE}")
    lines.append(f"task backend: {settings.TASKS['default']['BACKEND']}")
    from yingji.core import services_check

    for name, problem, detail in services_check.configured_services():
        if problem:
            problems.append(f"{name}: {problem}")
        else:
            lines.append(f"{name}: {detail}")
    for line in lines:
        print(line)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


def cmd_backup(args) -> int:
    _setup()
    from yingji.core import backup

    try:
        manifest = backup.backup(args.path)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"Backed up {rows} rows in {len(manifest['tables'])} tables and "
          f"{sum(1 for f in manifest['files'] if f.startswith('media/'))} files to {args.path}")
    return 0


def cmd_restore(args) -> int:
    _setup()
    from yingji.core import backup

    try:
        manifest = backup.restore(args.path)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"Restored {rows} rows in {len(manifest['tables'])} tables from {args.path}; "
          "row counts and content hashes verified")
    return 0


def _bench_dir() -> Path:
    """``bench/`` of the source checkout (it is not part of the installed package); YINGJI_BENCH_DIR overrides."""
    import yingji

    candidates = [Path(os.environ["YINGJI_BENCH_DIR"])] if os.environ.get("YINGJI_BENCH_DIR") else [
        Path(yingji.__file__).resolve().parents[2] / "bench", Path.cwd() / "bench"]
    for candidate in candidates:
        if (candidate / "run.py").is_file():
            return candidate.resolve()
    raise CommandError(f"no benchmarks found (looked for run.py in {', '.join(str(c) for c in candidates)}): "
                       "`yingji bench` runs from a source checkout of the repository, or set YINGJI_BENCH_DIR")


def cmd_bench(args) -> int:
    import importlib.util

    bench_dir = _bench_dir()
    spec = importlib.util.spec_from_file_location("yingji_bench_run", bench_dir / "run.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    argv = [*args.names, *(["--quick"] if args.quick else []), *(["--table"] if args.table else []),
            *(["--list"] if args.list else [])]
    return runner.main(argv, bench_dir=bench_dir)


def cmd_worker(args) -> int:
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from yingji.core import runtime

    runtime.warm_up()
    if settings.TASKS["default"]["BACKEND"] == settings.TASK_BACKENDS["rq"]:
        # RQ's own worker (YINGJI_RQ_WORKER: the job in the worker's process, or a forked work horse per job). A job
        # whose worker died is failed by the registry clean-up, never run twice; the jobs are idempotent sweeps, so
        # the next period redoes what it left.
        call_command("rqworker", *settings.TASKS["default"]["QUEUES"], job_class="django_tasks_rq.backend.Job",
                     worker_class=settings.RQ_WORKER_CLASS, verbosity=0)
    else:
        call_command("db_worker", interval=args.interval, verbosity=0)
    return 0


def cmd_sweeper(args) -> int:
    _setup()
    from yingji.core import runtime
    from yingji.core.tasks import run_sweeper

    runtime.warm_up()
    stopping = {"flag": False}

    def stop(signum, frame):
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    run_sweeper(tick_seconds=args.tick, stop=lambda: stopping["flag"])
    return 0


def cmd_ingest_mqtt(args) -> int:
    _setup()
    from yingji.monitoring.mqtt import Worker

    try:
        worker = Worker(args.broker, client_id=args.client_id, log_each=args.verbose, share=args.share)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    import logging

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s")
    from yingji.core import runtime

    runtime.warm_up()
    try:
        return worker.run()
    except OSError as exc:
        raise CommandError(f"cannot reach the broker {args.broker}: {exc}", code=1) from None


def cmd_simulate(args) -> int:
    _setup()
    from yingji.monitoring import simulate

    if args.hours is not None and not 0 <= args.hours <= 48:
        raise CommandError("--hours must be between 0 and 48")
    if args.url and not args.token:
        raise CommandError("--url needs --token (an API token of an account allowed to ingest)")
    hours = args.hours if args.hours is not None else (simulate.STORM_HOURS if args.storm else 0.0)
    stopping = {"flag": False}
    if args.follow:
        def stop(signum, frame):
            stopping["flag"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    try:
        totals = simulate.run(storm=args.storm, hours=hours, follow=args.follow, url=args.url, token=args.token,
                              seed=args.seed, out=None if args.quiet else sys.stdout,
                              stop=lambda: stopping["flag"])
    except simulate.SimulatorBusy as busy:
        raise CommandError(f"another simulator is writing readings (process {busy.pid or 'unknown'}, e.g. the one "
                           "`yingji serve` runs beside the demo); `--storm` hands it a storm", code=1) from None
    except OSError as exc:
        raise CommandError(f"ingestion failed: {exc}", code=1) from None
    if "handed_to" in totals:
        print(f"The running simulator (process {totals['handed_to'] or 'unknown'}) plays a storm from "
              f"{totals['storm_start']:%H:%M} for {simulate.STORM_HOURS:g} h; watch the alarms.")
        return 0
    if not args.quiet:
        print(f"{totals['batches']} batches: {totals['accepted']} readings stored, {totals['duplicates']} "
              f"duplicates, {totals['rejected']} rejected; {len(totals['new_alarms'])} new alarms")
        for line in totals["new_alarms"]:
            print(f"  {line}")
    return 0


def cmd_manage(args) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yingji manage", *args.rest])
    return 0


def default_web_workers() -> int:
    """One web process per core (Python runs one request's code per process at a time), at most 8."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def serve_children(args) -> dict[str, list[str]]:
    """The processes ``serve`` runs: the web server; a worker and the sweeper unless ``--no-worker``; the readings
    simulator when the demo county is loaded, unless ``--no-simulate`` (it keeps the demo stations reporting on
    their own grid, so they do not all go offline)."""
    from yingji.core import demo

    children = {
        "web": [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", args.host, "--port",
                str(args.port), "--workers", str(args.workers), "--blocking-threads", str(args.threads),
                "--no-ws", "--log-level", "warning", "yingji.wsgi:application"],
    }
    if not args.no_worker:
        children["worker"] = [sys.executable, "-m", "yingji.cli", "worker"]
        children["sweeper"] = [sys.executable, "-m", "yingji.cli", "sweeper"]
    if not args.no_simulate and demo.is_loaded():
        children["simulator"] = [sys.executable, "-m", "yingji.cli", "simulate", "--follow", "--quiet"]
    return children


def _catch_up_demo_readings() -> None:
    """Bring the demo stations up to now before the sweeper's first offline check (after the platform was down,
    every station would otherwise be raised offline, then closed a moment later)."""
    import contextlib

    from yingji.monitoring import simulate

    print("Catching up the demo stations' readings…", flush=True)
    with contextlib.suppress(simulate.SimulatorBusy):  # another simulator writes them already
        simulate.run()


def cmd_serve(args) -> int:
    _setup()
    from yingji.core import demo

    if not args.no_migrate:
        print("Applying migrations…", flush=True)
        _migrate()
    if not args.no_demo and not demo.is_loaded():
        print("Empty database: loading the demo county…", flush=True)
        _print_accounts(demo.load_demo())
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="yingji.settings")
    children = serve_children(args)
    if "simulator" in children:
        _catch_up_demo_readings()
    procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in children.items()}  # noqa: S603
    print(f"Yingji is running at http://{args.host}:{args.port}/  (API docs: /api/v1/docs). Ctrl-C stops it.",
          flush=True)
    if "simulator" in procs:
        print("The demo stations keep reporting simulated readings (`--no-simulate` turns this off; "
              "`yingji simulate --storm` brings a rainstorm).", flush=True)
    stopping = {"signal": None}

    def on_signal(signum, frame):
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    exit_code = 0
    try:
        while stopping["signal"] is None:
            for name, proc in procs.items():
                if proc.poll() is not None and name == "simulator":
                    # Only demo data stops: the platform itself keeps running.
                    print(f"the simulator exited with status {proc.returncode}; the platform keeps running.",
                          file=sys.stderr)
                    del procs[name]
                    break
                if proc.poll() is not None:
                    print(f"{name} exited with status {proc.returncode}; stopping.", file=sys.stderr)
                    exit_code = 1
                    stopping["signal"] = signal.SIGTERM
                    break
            time.sleep(0.3)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        print("Stopped.", flush=True)
    return exit_code


# --- parser ----------------------------------------------------------------------------------------------------

STORM_HELP = "3.5 h: short-duration heavy rain within the hour, rainstorm orange, red on the wetter gauges"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yingji", description="Yingji emergency management platform")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="migrate, load the demo county if empty, run web server, worker and sweeper "
                                     "(and, with the demo county, the readings simulator)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-demo", action="store_true", help="do not load the demo county into an empty database")
    p.add_argument("--no-migrate", action="store_true",
                   help="do not apply migrations (a deployment of several web processes migrates once, before them)")
    p.add_argument("--no-worker", action="store_true", help="run only the web server (workers run elsewhere)")
    p.add_argument("--no-simulate", action="store_true",
                   help="do not run the readings simulator beside a loaded demo county")
    p.add_argument("--workers", type=int, default=default_web_workers(),
                   help="web server processes (default: one per CPU core, at most 8)")
    p.add_argument("--threads", type=int, default=4, help="request threads per web server process")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="load (or with --reset reload) the demo county")
    p.add_argument("--counties", type=int, default=None, metavar="N",
                   help="a simulated city of N counties (2-10): the demo county copied under the city's other "
                        "counties, for trying a city installation out")
    p.add_argument("--reset", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("createuser", help="create an account")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True,
                   help="role key (repeat or comma-separate for several roles)")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--scope", metavar="REGION_CODE", help="jurisdiction: county/township/village code")
    scope.add_argument("--enterprise", metavar="CREDIT_CODE", help="enterprise scope by unified social credit code")
    p.add_argument("--password", help="initial password (default: generated and printed, change forced)")
    p.add_argument("--name", help="display name")
    p.set_defaults(func=cmd_createuser)

    p = sub.add_parser("token", help="print a new API token for a user")
    p.add_argument("username")
    p.add_argument("--name", help="label for the token")
    p.add_argument("--kiosk", action="store_true",
                   help="a read-only kiosk token for the big screen: prints the /screen/ address to open")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("check", help="configuration and database health")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="write a consistent snapshot (database + files + manifest) to PATH")
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty installation, verifying checksums")
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("bench", help="run the benchmarks in bench/ (all or NAME ...), merge bench/results/latest.json")
    p.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    p.add_argument("--quick", action="store_true", help="small bounded runs (a smoke test, not figures)")
    p.add_argument("--table", action="store_true", help="print bench/results/latest.json as a Markdown table")
    p.add_argument("--list", action="store_true", help="list the benchmarks")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("worker", help="run a background task worker")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("sweeper", help="run the periodic-job sweeper")
    p.add_argument("--tick", type=float, default=30.0, help="seconds between sweeps")
    p.set_defaults(func=cmd_sweeper)

    p = sub.add_parser("ingest-mqtt",
                       help="store readings published to yingji/readings/<station> (MQTT, QoS 1)")
    p.add_argument("--broker", default=os.environ.get("YINGJI_MQTT_BROKER") or "mqtt://127.0.0.1:1883",
                   help="mqtt://host:port (default YINGJI_MQTT_BROKER or mqtt://127.0.0.1:1883)")
    p.add_argument("--client-id", default="yingji-ingest",
                   help="fixed id of the persistent session (each worker of a shared group needs its own)")
    p.add_argument("--share", default=os.environ.get("YINGJI_MQTT_SHARE") or None, metavar="GROUP",
                   help="split the stream among the workers of GROUP (MQTT 5 shared subscription $share/GROUP/…)")
    p.add_argument("--verbose", action="store_true", help="log every message")
    p.set_defaults(func=cmd_ingest_mqtt)

    p = sub.add_parser("simulate", help="write realistic readings for every station on its own time grid, "
                                        "continuing each sensor from its last reading (--storm: a rainstorm)")
    p.add_argument("--storm", action="store_true",
                   help=f"a storm starting now ({STORM_HELP}); handed to the simulator of `yingji serve` if it runs")
    p.add_argument("--hours", type=float, default=None,
                   help="after catching up to now, keep writing in real time this long (default: the storm's "
                        "length with --storm, else 0)")
    p.add_argument("--follow", action="store_true", help="keep writing until stopped (Ctrl-C)")
    p.add_argument("--url", help="send through the HTTP API at this base URL (default: in-process service)")
    p.add_argument("--token", help="API token for --url")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--quiet", action="store_true", help="no line per batch")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"yingji {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
