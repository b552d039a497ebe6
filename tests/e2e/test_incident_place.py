"""Browser journey of placing an incident: on the incident form, picking a township fills its point and narrows the
village list, picking a village moves the point there, a click on the small map places it; the edit page moves it
to another township and the incident page shows the correction on its timeline. No CSP violation, no script error.

Runs Debian's chromium (``apt-get install chromium``) through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def _facts(demo_county) -> dict:
    """Read before the browser starts (Django refuses ORM calls inside Playwright's event loop)."""
    from yingji.core.models import Region

    town = Region.objects.get(code=demo_county["township"])
    other = Region.objects.get(code=demo_county["township2"])
    village = Region.objects.filter(parent=town, lat__isnull=False).order_by("code").first()
    return {"town": (town.code, f"{town.lat:f}", f"{town.lon:f}"),
            "other": (other.code, f"{other.lat:f}", f"{other.lon:f}"),
            "village": (village.code, f"{village.lat:f}", f"{village.lon:f}"),
            "villages_in_town": town.children.count()}


def test_place_an_incident_on_the_form_and_move_it(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD

    facts = _facts(demo_county)
    base = live_server.url
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
            page.set_default_timeout(15_000)
            page.on("console", lambda msg: problems.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "duty")
            page.fill("input[name=password]", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("#yj-login-submit")

            page.goto(f"{base}/incidents/new/")
            page.wait_for_selector("#yj-place-map.yj-place-map-ready")
            page.fill("#id_title", "仓储物流园火灾")
            page.select_option("#id_event_type", "industrial_commercial_accident")
            # A township fills its point and leaves only its villages to choose from.
            code, lat, lon = facts["town"]
            page.select_option("#id_township_code", code)
            assert (page.input_value("#id_lat"), page.input_value("#id_lon")) == (lat, lon)
            shown = page.eval_on_selector_all("#id_village_code option:not([hidden])", "els => els.length")
            assert shown == facts["villages_in_town"] + 1  # and the empty choice
            # A village moves the point to the village.
            code, lat, lon = facts["village"]
            page.select_option("#id_village_code", code)
            assert (page.input_value("#id_lat"), page.input_value("#id_lon")) == (lat, lon)
            # A click on the map places it where the user clicked.
            page.wait_for_timeout(400)  # let the pan to the village finish
            box = page.locator("#yj-place-map").bounding_box()
            page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.5)
            clicked = (page.input_value("#id_lat"), page.input_value("#id_lon"))
            assert clicked != (lat, lon) and float(clicked[1]) > float(lon)
            assert page.locator("#yj-place-map .yj-place-pin").count() == 1
            with page.expect_navigation():
                page.click("#yj-incident-submit")
            assert re.search(r"/incidents/(\d+)/$", page.url), page.url
            assert page.inner_text("#yj-place-point") == f"{clicked[0]}, {clicked[1]}"
            assert page.locator("#yj-incident-place .yj-place-pin").count() == 1

            # Corrected to another township: its point replaces the clicked one.
            with page.expect_navigation():
                page.click("#yj-incident-edit")
            page.wait_for_selector("#yj-place-map.yj-place-map-ready")
            code, lat, lon = facts["other"]
            page.select_option("#id_township_code", code)
            assert page.input_value("#id_village_code") == ""  # the old village is not in the new township
            assert (page.input_value("#id_lat"), page.input_value("#id_lon")) == (lat, lon)
            with page.expect_navigation():
                page.click("#yj-incident-submit")
            assert page.inner_text("#yj-place-point") == f"{lat}, {lon}"
            assert page.locator("#yj-incident-timeline li[data-kind=edited]").count() == 1
        finally:
            browser.close()
    assert problems == [], problems
