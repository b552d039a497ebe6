"""Read replicas against a real PostgreSQL streaming standby (the PostgreSQL suite).

The test builds its own pair of servers with the machine's PostgreSQL binaries, as the ``postgres`` system account:
a primary (``initdb``, WAL for replication) and a hot standby cloned from it with ``pg_basebackup -R``, each on a
free port. The platform runs against them in a subprocess with ``DATABASE_URL`` (the primary) and
``YINGJI_REPLICA_URL`` (the standby). With the standby's replay paused:

- a township's account creates a team through the API and lists the teams at once: it sees its team (its reads go to
  the primary for the pin time: read-your-writes);
- another account lists the teams: the team is not there — its reads come from the standby, which has not replayed
  the write; the replica's lag is reported;
- replay resumes, and the other account sees the team.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.test_scale_out import _free_port

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _postgres_account() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return os.geteuid() == 0 and shutil.which("runuser") is not None


pytestmark = pytest.mark.skipif(
    not os.environ.get("YINGJI_TEST_DATABASE_URL", "").startswith("postgres") or not BIN or not _postgres_account(),
    reason="runs in the PostgreSQL suite, with the server binaries and a postgres account to run them as")


def _as_postgres(*args, check=True, timeout=120):
    result = subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True,  # noqa: S603
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args[:1])} failed: {result.stderr[-1500:]}")
    return result


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    bindir = Path(BIN[-1])
    base = tmp_path_factory.mktemp("standby")
    os.chmod(base, 0o755)
    for parent in base.parents:
        if str(parent).startswith(("/tmp", "/var/tmp")) and parent != Path("/tmp"):
            os.chmod(parent, os.stat(parent).st_mode | 0o011)
    shutil.chown(base, "postgres", "postgres")
    primary, standby = base / "primary", base / "standby"
    p1 = _free_port()
    p2 = next(p for p in iter(_free_port, None) if p != p1)
    _as_postgres(str(bindir / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C", "--no-sync")
    with open(primary / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(f"\nport = {p1}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
                   "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n")
    with open(primary / "pg_hba.conf", "a", encoding="utf-8") as hba:
        hba.write("\nhost replication all 127.0.0.1/32 trust\n")
    started = []
    try:
        _as_postgres(str(bindir / "pg_ctl"), "-D", str(primary), "-l", str(base / "primary.log"), "-w", "start")
        started.append(primary)
        _as_postgres(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "yingji")
        _as_postgres(str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p1), "-U", "postgres", "-D",
                     str(standby), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast")
        with open(standby / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\nport = {p2}\n")
        _as_postgres(str(bindir / "pg_ctl"), "-D", str(standby), "-l", str(base / "standby.log"), "-w", "start")
        started.append(standby)
        yield (f"postgresql://postgres@127.0.0.1:{p1}/yingji", f"postgresql://postgres@127.0.0.1:{p2}/yingji",
               base)
    finally:
        for data in reversed(started):
            _as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop", check=False)


SCENARIO = r"""
import json, sys, time
import django
django.setup()
from django.db import connections
from django.test import Client
from yingji.core import routing
from yingji.core.choices import RegionLevel, Role
from yingji.core.models import Region, User, UserRole
from yingji.core.services import issue_token

def caught_up():
    with connections["default"].cursor() as c:
        c.execute("SELECT pg_current_wal_lsn()")
        target = c.fetchone()[0]
    for _ in range(200):
        with connections["replica"].cursor() as c:
            c.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if c.fetchone()[0]:
                return
        time.sleep(0.05)
    raise SystemExit("the standby did not catch up")

county = Region.objects.create(code="410481", name="舞钢市", level=RegionLevel.COUNTY)
Region.objects.create(code="410481001", name="龙泉街道", level=RegionLevel.TOWNSHIP, parent=county)
accounts = {}
for name, role, scope in (("writer", Role.TOWNSHIP_STAFF, "410481001"), ("reader", Role.OBSERVER, "410481")):
    user = User.objects.create(username=name, scope_region_code=scope)
    UserRole.objects.create(user=user, role=role)
    accounts[name] = {"HTTP_AUTHORIZATION": "Bearer " + issue_token(user)[1]}
caught_up()
out = {"in_recovery": None}
with connections["replica"].cursor() as c:
    c.execute("SELECT pg_is_in_recovery()")
    out["in_recovery"] = c.fetchone()[0]
    c.execute("SELECT pg_wal_replay_pause()")
client = Client()
team = {"name": "复制测试救援队", "kind": "volunteer", "region_code": "410481001", "lat": 33.3, "lon": 113.5,
        "capabilities": ["flood"], "duty_phone": "0375-8123456", "members": [{"name": "张三"}]}
created = client.post("/api/v1/teams", team, content_type="application/json", **accounts["writer"])
out["created"] = created.status_code
names = lambda who: [t["name"] for t in client.get("/api/v1/teams", **accounts[who]).json()["items"]]
out["writer_sees"] = team["name"] in names("writer")
out["reader_sees_before_replay"] = team["name"] in names("reader")
time.sleep(1.2)
out["lag"] = routing.replica_lag_seconds(connections["replica"])
with connections["replica"].cursor() as c:
    c.execute("SELECT pg_wal_replay_resume()")
caught_up()
out["reader_sees_after_replay"] = team["name"] in names("reader")
print("RESULT " + json.dumps(out))
"""


def test_reads_go_to_a_real_standby_with_read_your_writes(servers, tmp_path):
    primary, standby, _base = servers
    env = {**os.environ, "DATABASE_URL": primary, "YINGJI_REPLICA_URL": standby, "YINGJI_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "yingji.settings", "YINGJI_LOG_LEVEL": "WARNING",
           "YINGJI_ALLOWED_HOSTS": "testserver,127.0.0.1"}
    for key in ("YINGJI_TEST_DATABASE_URL", "YINGJI_TASK_BACKEND"):
        env.pop(key, None)
    migrate = subprocess.run([sys.executable, "-m", "yingji.cli", "manage", "migrate", "-v", "0"], env=env,  # noqa: S603
                             capture_output=True, text=True, timeout=600)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", SCENARIO], env=env, capture_output=True, text=True,  # noqa: S603
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))[7:])
    assert result["in_recovery"] is True  # the replica really is a standby
    assert result["created"] == 201
    assert result["writer_sees"] is True  # read-your-writes: the writer reads the primary after its POST
    assert result["reader_sees_before_replay"] is False  # the other account reads the paused standby
    assert result["lag"] is not None and result["lag"] >= 1.0
    assert result["reader_sees_after_replay"] is True
    assert time.monotonic() - started < 240
    check = subprocess.run([sys.executable, "-m", "yingji.cli", "check"], env=env, capture_output=True, text=True,  # noqa: S603
                           timeout=120)
    assert "replica" in (check.stdout + check.stderr).lower()
