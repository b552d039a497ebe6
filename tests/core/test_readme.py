"""The README documents what the code reads and what the machine needs, and the docs link only inside the
repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Python reads of an environment variable: os.environ.get("X"), os.environ["X"], os.getenv("X"), env_bool("X"),
#: os.environ.setdefault("X"); shell reads: $X or ${X…}.
PY_READ = re.compile(
    r"""(?:environ\.get|environ\.setdefault|getenv|env_bool|env_int|environ)\s*[(\[]\s*["'](YINGJI_\w+)""")
SH_READ = re.compile(r"\$\{?(YINGJI_\w+)")


def _env_reads() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    files = [*ROOT.joinpath("src").rglob("*.py"), *ROOT.joinpath("bench").rglob("*.py")]
    scripts = [p for p in [*ROOT.joinpath("scripts").iterdir(), ROOT / ".ci" / "run"] if p.is_file()]
    for path in files + scripts:
        text = path.read_text(encoding="utf-8", errors="replace")
        for name in PY_READ.findall(text) + (SH_READ.findall(text) if path in scripts else []):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_settings_the_code_reads():
    reads = _env_reads()
    # The scan itself must work: these are read in settings.py and the CLI today.
    for name in ("YINGJI_DATA_DIR", "YINGJI_MAP_TILE_URL", "YINGJI_COUNTY_CODE", "YINGJI_DEMO_MODE",
                 "YINGJI_READING_RETENTION_DAYS", "YINGJI_CLI_LANGUAGE", "YINGJI_TEST_DATABASE_URL"):
        assert name in reads, name


def test_every_yingji_variable_the_code_reads_is_in_the_readme():
    missing = {name: sorted(where) for name, where in _env_reads().items() if f"`{name}`" not in README}
    assert not missing, f"read by the code but not documented in README.md: {missing}"


def test_the_configuration_table_gives_a_default_and_meaning_for_deployment_settings():
    rows = {m.group(1): (m.group(2).strip(), m.group(3).strip())
            for m in re.finditer(r"^\| `(YINGJI_\w+)`[^|]*\| ([^|]*) \| ([^|]*) \|$", README, re.M)}
    for name in ("YINGJI_MAP_TILE_URL", "YINGJI_MAP_TILE_ATTRIBUTION", "YINGJI_COUNTY_CODE", "YINGJI_DEMO_MODE",
                 "YINGJI_READING_RETENTION_DAYS", "YINGJI_HOURLY_RETENTION_DAYS", "YINGJI_LOG_LEVEL"):
        assert name in rows, f"{name} has no row in a configuration table"
        default, meaning = rows[name]
        assert default and len(meaning) > 10, name


def test_the_readme_says_what_the_machine_needs_beyond_python():
    assert "pango" in README and "chromium" in README
    assert "`yingji simulate" in README and "`yingji ingest-mqtt" in README and "--no-simulate" in README


def test_docs_link_only_inside_the_repository():
    pages = [ROOT / "README.md", *ROOT.joinpath("docs").rglob("*.md"), ROOT / "bench" / "README.md"]
    problems = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)", text) + re.findall(r"`((?:\.\./)+[^`]+)`", text):
            if re.match(r"[a-z]+:", target) and not target.startswith(("http://127.0.0.1", "http://localhost")):
                problems.append(f"{page.name}: {target}")
            elif not re.match(r"[a-z]+:|#", target):
                resolved = (page.parent / target.split("#")[0]).resolve()
                if ROOT not in resolved.parents and resolved != ROOT or not resolved.exists():
                    problems.append(f"{page.name}: {target}")
    assert not problems, problems
