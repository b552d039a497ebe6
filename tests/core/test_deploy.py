"""The deployment files (deploy/) agree with the code: every command they run is one the ``yingji`` command accepts,
every setting they set is read by the platform and documented, the web servers never migrate (the migrate service
does, once, before them) and the ingestion workers of one group each have their own session."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest
import yaml

from yingji import cli

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _parse(argv: list[str]):
    assert argv[0].endswith("yingji"), argv
    try:
        return cli.build_parser().parse_args(argv[1:])
    except SystemExit as exc:  # argparse refuses with exit code 2
        pytest.fail(f"`{' '.join(argv)}` is not a yingji command: exit {exc.code}")


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_every_unit_runs_a_yingji_command():
    assert {p.name for p in UNITS} >= {"yingji-migrate.service", "yingji-web@.service", "yingji-worker@.service",
                                       "yingji-sweeper.service", "yingji-ingest@.service"}
    commands = {}
    for path in UNITS:
        unit = _unit(path)
        assert unit["Service"]["EnvironmentFile"] == "/etc/yingji/yingji.env"
        argv = shlex.split(unit["Service"]["ExecStart"].replace("%i", "1").replace("%H", "host"))
        commands[path.name] = _parse(argv)
    web = commands["yingji-web@.service"]
    assert (web.command, web.no_migrate, web.no_worker, web.no_demo, web.no_simulate) == ("serve", True, True, True,
                                                                                          True)
    assert commands["yingji-migrate.service"].rest[:1] == ["migrate"]
    assert "yingji-migrate.service" in _unit(DEPLOY / "systemd" / "yingji-web@.service")["Unit"]["Requires"]
    # Each ingestion instance on each machine keeps a session of its own.
    assert "%H" in _unit(DEPLOY / "systemd" / "yingji-ingest@.service")["Service"]["ExecStart"]
    assert "%i" in _unit(DEPLOY / "systemd" / "yingji-ingest@.service")["Service"]["ExecStart"]


def test_compose_runs_yingji_commands_with_one_migration_first():
    services = _compose()["services"]
    yingji = {name: s for name, s in services.items() if s.get("image") == "yingji:latest"}
    parsed = {name: _parse(s["command"]) for name, s in yingji.items()}
    assert parsed["migrate"].command == "manage" and parsed["migrate"].rest[:1] == ["migrate"]
    webs = [name for name, p in parsed.items() if p.command == "serve"]
    assert len(webs) >= 2 and all(parsed[w].no_migrate and parsed[w].no_worker for w in webs)
    for name in yingji:
        if name != "migrate":
            assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    ingest_ids = [p.client_id for p in parsed.values() if p.command == "ingest-mqtt"]
    assert len(ingest_ids) >= 2 and len(set(ingest_ids)) == len(ingest_ids)
    assert sum(p.command == "worker" for p in parsed.values()) >= 2
    env = services["web1"]["environment"]
    assert env["YINGJI_TASK_BACKEND"] == "rq" and env["YINGJI_MQTT_SHARE"]
    upstreams = re.findall(r"server (\w+):8000", (DEPLOY / "nginx.conf").read_text())
    assert sorted(upstreams) == sorted(webs)


def test_every_setting_in_the_example_is_read_and_documented():
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "yingji.env.example").read_text(), re.MULTILINE)
    assert len(names) >= 15
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "yingji").rglob("*.py"))
    readme = (ROOT / "README.md").read_text()
    for name in names:
        assert f'"{name}"' in source, f"{name} is set by the deployment but never read"
        assert f"`{name}`" in readme, f"{name} is not in the README's configuration table"
    compose_env = set()
    for service in _compose()["services"].values():
        compose_env |= set(service.get("environment", {}))
    for name in compose_env - {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}:
        assert f'"{name}"' in source, name
