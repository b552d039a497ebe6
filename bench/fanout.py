"""Fan-out benchmark: time to queue the deliveries of one warning to 10,000 responsible persons.

Two ways, same database, same recipients, each inside one transaction and timed to the commit:
- *bulk*: ``yingji.warnings.services.fan_out`` (recipient query by region-code prefix, then a multi-row
  ``executemany`` INSERT);
- *bulk_create*: the same recipients through ``QuerySet.bulk_create`` (model instances per row);
- *naive*: the same recipient query, then one ``Delivery.save()`` per recipient.

Runs on SQLite in a fresh data directory (PostgreSQL too when ``YINGJI_BENCH_POSTGRES_URL`` is set and reachable),
prints a table and writes ``bench/results/fanout.json``. Target: 10,000 deliveries queued in under 2 s.
Usage: ``python bench/fanout.py [--recipients 10000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup(database_url: str | None) -> None:
    os.environ["YINGJI_DATA_DIR"] = tempfile.mkdtemp(prefix="yingji-fanout-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    os.environ["YINGJI_LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def prepare(recipients: int):
    from django.utils import timezone

    from yingji.core.choices import RegionLevel, Role
    from yingji.core.models import Region, User, UserRole
    from yingji.warnings import services
    from yingji.warnings.models import ResponsiblePerson

    county = Region.objects.create(code="410481", name="县", level=RegionLevel.COUNTY)
    township = Region.objects.create(code="410481001", name="乡", level=RegionLevel.TOWNSHIP, parent=county)
    Region.objects.create(code="410481001001", name="村", level=RegionLevel.VILLAGE, parent=township)
    Region.objects.create(code="410481002", name="乡二", level=RegionLevel.TOWNSHIP, parent=county)
    duty = User.objects.create(username="duty", scope_region_code="410481")
    UserRole.objects.create(user=duty, role=Role.DUTY_OFFICER)
    codes = ["410481", "410481001", "410481001001"]
    people = [ResponsiblePerson(name=f"p{i}", kind="flood", region_code=codes[min(2, i % 50)], phone="13800001234",
                                channels=["sms", "email"]) for i in range(recipients)]
    # People outside the area, which the fan-out must skip.
    people += [ResponsiblePerson(name=f"x{i}", kind="flood", region_code="410481002", phone="13800001234",
                                 channels=["sms"]) for i in range(recipients // 10)]
    ResponsiblePerson.objects.bulk_create(people, batch_size=2000)
    now = timezone.now()

    def new_warning():
        return services.create_warning(duty, {
            "event_type": "rainstorm", "event": "暴雨", "category": "Met", "level": "red", "headline": "暴雨红色预警",
            "description": "过去3小时降雨量已达100毫米以上。", "effective": now, "expires": now + timedelta(hours=6),
            "area_codes": ["410481001001"]})

    return new_warning


def bulk(warning) -> int:
    from django.db import transaction

    from yingji.warnings import services

    with transaction.atomic():
        return services.fan_out(warning)


def bulk_create(warning) -> int:
    from django.db import transaction

    from yingji.warnings import services

    with transaction.atomic():
        return services.fan_out_bulk_create(warning)


def naive(warning) -> int:
    from django.db import transaction
    from django.utils import timezone

    from yingji.warnings import services
    from yingji.warnings.models import Delivery

    now = timezone.now()
    n = 0
    with transaction.atomic():
        for pk, channels, region_code in services.recipients(warning).values_list("pk", "channels", "region_code"):
            Delivery(warning_id=warning.pk, person_id=pk, channel=channels[0], next_attempt_at=now,
                     region_code=region_code).save()
            n += 1
    return n


def measure(fn, new_warning, repeat: int) -> dict:
    times, count = [], 0
    for _ in range(repeat):
        warning = new_warning()
        start = time.perf_counter()
        count = fn(warning)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {"deliveries": count, "seconds_median": round(median, 4), "seconds_all": [round(t, 4) for t in times],
            "deliveries_per_second": round(count / median)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    database_url = os.environ.get("YINGJI_BENCH_POSTGRES_URL") or None
    setup(database_url)
    from django.db import connection

    new_warning = prepare(args.recipients)
    result = {"database": connection.vendor, "recipients_in_area": args.recipients,
              "bulk": measure(bulk, new_warning, args.repeat),
              "bulk_create": measure(bulk_create, new_warning, args.repeat),
              "naive": measure(naive, new_warning, args.repeat)}
    result["speedup"] = round(result["naive"]["seconds_median"] / result["bulk"]["seconds_median"], 1)
    result["speedup_vs_bulk_create"] = round(result["bulk_create"]["seconds_median"]
                                             / result["bulk"]["seconds_median"], 1)
    result["target_seconds"] = 2.0
    result["target_met"] = result["bulk"]["seconds_median"] < 2.0
    print(f"{'':8} {'deliveries':>10} {'median s':>9} {'per s':>9}")
    for key in ("bulk", "bulk_create", "naive"):
        r = result[key]
        print(f"{key:8} {r['deliveries']:>10} {r['seconds_median']:>9} {r['deliveries_per_second']:>9}")
    print(f"speed-up {result['speedup']}x on {result['database']}; target < 2 s met: {result['target_met']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fanout.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
