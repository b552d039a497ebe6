"""Charts draw in a real browser (Chromium): the station page's sensor charts and the big screen's charts have
drawn their series on a non-empty canvas, the big screen's map holds its items, and no CSP violation or script
error occurs (ECharts is vendored; no inline script).

Runs Debian's chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_hazard_flow import CHROMIUM, _log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]

PAINTED = """el => {
  const c = el.querySelector('canvas');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
  return n;
}"""


def _wait_count(page, selector: str, n: int) -> None:
    """Wait until ``n`` elements match (the page's CSP forbids the string evaluation wait_for_function uses)."""
    for _ in range(100):
        if page.locator(selector).count() >= n:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector}: {page.locator(selector).count()} of {n}")


def test_station_and_screen_charts_draw(live_server, transactional_db, demo_county, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.core.models import User
    from yingji.monitoring.models import Station
    from yingji.statistics import screen

    station = Station.objects.get(code="RG410481001")
    sensors = station.sensors.count()
    snapshot = screen.snapshot(User.objects.get(username="admin"))
    expected_screen = {
        "yj-chart-risk": "1" if snapshot["risk"]["total"] else "0",
        "yj-chart-alarms": "1" if any(n for _d, n in snapshot["alarms"]["per_day"]) else "0",
        "yj-chart-hazards": "2" if any(f or c for _m, f, c in snapshot["hazards"]["by_month"]) else "0",
    }
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            _log_in(page, live_server.url, "admin", DEMO_PASSWORD)

            page.goto(f"{live_server.url}/stations/{station.pk}/?range=24h")
            _wait_count(page, ".yj-sensor-chart[data-yj-chart-drawn]", sensors)
            charts = page.locator(".yj-sensor-chart")
            assert charts.count() == sensors
            assert charts.first.get_attribute("data-yj-chart-drawn") == "1"
            assert charts.first.evaluate(PAINTED) > 500

            page.set_viewport_size({"width": 1920, "height": 1080})
            page.goto(f"{live_server.url}/screen/")
            _wait_count(page, ".yj-chart[data-yj-chart-drawn]", 3)
            for chart_id, drawn in expected_screen.items():
                box = page.locator(f"[data-yj-chart='{chart_id}']")
                assert box.get_attribute("data-yj-chart-drawn") == drawn, chart_id
                if drawn != "0":
                    assert box.evaluate(PAINTED) > 500, chart_id
            assert int(page.locator("#yj-screen").get_attribute("data-map-items")) > 0
            assert page.locator("#yj-n-incidents").inner_text() == str(snapshot["incidents"]["count"])
        finally:
            browser.close()
    assert not problems, problems
