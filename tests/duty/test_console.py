"""Duty console: the alarms panel (open alarms in scope, most severe first, then newest, level colour, link to the
alarm), the new-item cue's static script and mute toggle (no inline script), the links to the report and the import."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils import timezone

from tests.duty.conftest import alarm
from yingji.monitoring.models import Alarm


def _alarm_ids(html: str) -> list[int]:
    panel = html[html.index('id="yj-recent-alarms"'):]
    panel = panel[:panel.index("</ul>")]
    return [int(i) for i in re.findall(r'data-alarm="(\d+)"', panel)]


def test_alarms_panel_in_scope_most_severe_first(web, demo_county):
    now = timezone.now()
    older = alarm(demo_county["township"], now - datetime.timedelta(minutes=30), "orange", "一号镇旧报警")
    newer = alarm(demo_county["township"], now - datetime.timedelta(minutes=1), "red", "一号镇新报警")
    closed = alarm(demo_county["township"], now, "red", "一号镇已关闭报警", state="closed")
    other = alarm(demo_county["township2"], now, "red", "二号镇报警")
    html = web("township1").get("/duty/panel/").content.decode()
    ids = _alarm_ids(html)
    assert ids.index(newer.pk) < ids.index(older.pk)
    assert closed.pk not in ids and other.pk not in ids and "二号镇报警" not in html
    expected = list(Alarm.objects.filter(region_code__startswith=demo_county["township"],
                                         state__in=["open", "acknowledged"])
                    .order_by("-severity", "-raised_at", "-id").values_list("pk", flat=True)[:10])
    assert ids == expected
    assert f'href="/alarms/{newer.pk}/"' in html
    assert re.search(rf'class="[^"]*yj-alarm-red[^"]*" data-alarm="{newer.pk}"', html)
    county = _alarm_ids(web("duty").get("/duty/panel/").content.decode())
    assert other.pk in county and newer.pk in county


def test_console_loads_the_cue_script_and_items_carry_ids(web, demo_county):
    html = web("duty").get("/duty/").content.decode()
    assert re.search(r'<script src="/static/duty/console\.js[^"]*" defer>', html)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    assert 'id="yj-sound-toggle"' in html and 'href="/duty/report/"' in html
    assert 'href="/duty/rosters/import/"' in html
    assert re.search(r'data-entry="\d+"', html) and re.search(r'data-incident="\d+"', html)
    script = Path(finders.find("duty/console.js")).read_text(encoding="utf-8")
    for needed in ("AudioContext", "localStorage", "htmx:afterSwap", "yj-flash", "yj-sound-toggle"):
        assert needed in script
    assert "yj-flash" in Path(finders.find("duty/console.css")).read_text(encoding="utf-8")
    township = web("township1").get("/duty/").content.decode()
    assert 'href="/duty/rosters/import/"' not in township  # township staff do not keep the county roster
