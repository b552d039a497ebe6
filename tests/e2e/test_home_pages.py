"""Each role's home page in a real browser (Chromium): its charts have drawn the expected number of series on a
non-empty canvas, every tile is there with its number, and no CSP violation or script error occurs.

Runs Debian's chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_charts import PAINTED, _wait_count
from tests.e2e.test_hazard_flow import CHROMIUM, _log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]

ROLES = ("duty", "section", "township1", "enterprise1")


def _expected(username: str) -> tuple[dict[str, str], int]:
    """Chart id → series the helper draws ("0" for the empty placeholder), and the number of tile links."""
    from django.utils import timezone

    from yingji.core import home
    from yingji.core.models import User

    page = home.page(User.objects.get(username=username), timezone.now())
    charts = {}
    for chart in page["charts"]:
        spec = chart["spec"]
        empty = all(not any(v for v in s["data"] if v is not None) for s in spec["series"])
        charts[chart["id"]] = "0" if empty else str(len(spec["series"]))
    return charts, sum(1 + len(t.parts) for t in page["tiles"])


def test_role_home_pages_draw(live_server, transactional_db, demo_county, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD

    expected = {username: _expected(username) for username in ROLES}
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            for username in ROLES:
                charts, links = expected[username]
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(str(e)))
                _log_in(page, live_server.url, username, DEMO_PASSWORD)
                assert page.locator("[data-yj-tile-link]").count() == links, username
                assert charts, f"{username} has no charts"
                _wait_count(page, ".yj-chart[data-yj-chart-drawn]", len(charts))
                for chart_id, drawn in charts.items():
                    box = page.locator(f"[data-yj-chart='{chart_id}']")
                    assert box.get_attribute("data-yj-chart-drawn") == drawn, (username, chart_id)
                    if drawn != "0":
                        assert box.evaluate(PAINTED) > 500, (username, chart_id)
                assert any(d != "0" for d in charts.values()), f"{username}: every chart is empty"
                context.close()
        finally:
            browser.close()
    assert not problems, problems
