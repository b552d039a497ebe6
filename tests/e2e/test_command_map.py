"""Browser journey through the command map: the layers load from the app (no network beyond it), a click on a
resource opens its card, "nearest to here" lists resources from the nearby API, layer toggles hide layers.

Runs Debian's chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def _facts() -> dict:
    from yingji.enterprises.models import Enterprise
    from yingji.incidents.models import Incident
    from yingji.monitoring.models import Station
    from yingji.prevention.models import RiskPoint
    from yingji.resources.models import Shelter, Team, Warehouse

    return {"teams": Team.objects.count(), "warehouses": Warehouse.objects.count(),
            "shelters": Shelter.objects.count(), "stations": Station.objects.filter(lat__isnull=False).count(),
            "major_hazards": Enterprise.objects.filter(major_hazard_level__isnull=False, lat__isnull=False).count(),
            "team_name": Team.objects.order_by("id").first().name,
            "incidents": Incident.objects.filter(state__in=["reported", "responding"], lat__isnull=False).count(),
            "risk_enterprise": RiskPoint.objects.filter(enterprise__lat__isnull=False).order_by(
                "level", "enterprise_id").values_list("enterprise__name", "level").first()}


def test_command_map(live_server, transactional_db, demo_county):
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD

    facts = _facts()
    base = live_server.url
    csp_violations: list[str] = []
    page_errors: list[str] = []
    foreign_requests: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
            context.set_default_timeout(15_000)
            # Pages are Chinese unless the user picked English (the language cookie): the assertions read English.
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
            page = context.new_page()
            page.on("console", lambda msg: csp_violations.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            page.on("console", lambda msg: page_errors.append(msg.text) if msg.type == "error" else None)
            page.on("request", lambda req: foreign_requests.append(req.url)
                    if not req.url.startswith(base) and not req.url.startswith("data:") else None)

            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "commander")
            page.fill("input[name=password]", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("#yj-login-submit")
            with page.expect_navigation():
                page.click("#yj-nav a[data-nav-key=resources]")
            assert page.url == f"{base}/resources/map/"

            # --- layers load ---
            page.wait_for_selector("#yj-map[data-loaded]", state="attached")
            assert page.locator("#yj-map").get_attribute("data-loaded") == "true", (page_errors, csp_violations)
            assert page.locator("[data-count-for=teams]").inner_text() == str(facts["teams"])
            assert page.locator("[data-count-for=warehouses]").inner_text() == str(facts["warehouses"])
            assert page.locator("[data-count-for=shelters]").inner_text() == str(facts["shelters"])
            assert int(page.locator("[data-count-for=boundaries]").inner_text()) == 15
            assert page.locator("#yj-map path.leaflet-interactive").count() >= 15  # the boundaries
            assert page.locator(".leaflet-marker-icon").count() > 0
            assert page.locator("[data-count-for=incidents]").inner_text() == str(facts["incidents"])
            # The offline base (no tiles configured): the real county and its six neighbours, named.
            assert page.locator("#yj-map").get_attribute("data-base-features") == "7"
            assert page.locator(".yj-base-label").count() == 6
            assert page.locator("[data-count-for=stations]").inner_text() == str(facts["stations"])
            assert page.locator("[data-count-for=major_hazards]").inner_text() == str(facts["major_hazards"])
            assert page.locator(".leaflet-marker-icon.yj-pin-station, .marker-cluster").count() > 0

            # --- toggles: only teams stay on the map ---
            # Every other layer goes off, the registered ones too (census households, flood checks …): a pin
            # of theirs or their cluster would cover the team pin the click below is aimed at.
            layers = page.locator("input[data-layer]").evaluate_all("els => els.map(e => e.dataset.layer)")
            assert {"boundaries", "warehouses", "shelters", "equipment", "enterprises", "incidents"} <= set(layers)
            for key in layers:
                if key != "teams":
                    page.uncheck(f"#yj-layer-{key}")
            assert page.locator(".yj-pin-shelter").count() == 0
            assert page.locator("#yj-map path.leaflet-interactive").count() == 0

            # --- a click on a resource opens its card (zooming into clusters until a pin shows) ---
            for _ in range(8):
                pins = page.locator(".leaflet-marker-icon.yj-pin-team")
                if pins.count():
                    break
                page.locator(".marker-cluster").first.click()
                page.wait_for_timeout(600)
            pins.first.click()
            page.wait_for_selector("#yj-map-card:not([hidden])")
            assert page.locator("#yj-map-card-kind").inner_text() == "Rescue team"
            assert "Readiness" in page.locator("#yj-map-card-fields").inner_text()
            page.click("#yj-map-card-close")
            assert page.locator("#yj-map-card").is_hidden()

            # --- search by name opens the card too ---
            page.fill("#yj-map-search input[name=q]", facts["team_name"])
            page.press("#yj-map-search input[name=q]", "Enter")
            page.wait_for_selector("#yj-map-card:not([hidden])")
            assert page.locator("#yj-map-card-title").inner_text() == facts["team_name"]

            page.click("#yj-map-card-close")

            # --- nearest to here: the button, then a click on the map (away from the centred pin) ---
            page.select_option("#yj-nearest-kind", "shelter")
            page.click("#yj-map-nearest")
            assert page.locator("#yj-map-nearest").get_attribute("aria-pressed") == "true"
            page.locator("#yj-map").click(position={"x": 150, "y": 120})
            page.wait_for_selector("#yj-map-nearest-list[data-state=done]")
            items = page.locator("#yj-map-nearest-list .yj-nearest-item")
            assert items.count() == 10
            distances = [t.split()[-2] for t in items.all_inner_texts()]
            assert all(d for d in distances)
            # --- and by right-click, for another kind ---
            page.select_option("#yj-nearest-kind", "warehouse")
            page.locator("#yj-map").click(position={"x": 250, "y": 150}, button="right")
            page.wait_for_selector("#yj-map-nearest-list[data-state=done]")
            assert page.locator("#yj-map-nearest-list .yj-nearest-item").count() == 10
            page.locator("#yj-map-nearest-list .yj-nearest-item").first.click()
            page.wait_for_selector("#yj-map-card:not([hidden])")
            assert page.locator("#yj-map-card-kind").inner_text() == "Warehouse"

            # --- an enterprise carries its risk colour (found by name, shown unclustered) ---
            if facts["risk_enterprise"]:
                name, level = facts["risk_enterprise"]
                colour = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}[level]
                page.check("#yj-layer-enterprises")
                page.fill("#yj-map-search input[name=q]", name)
                page.press("#yj-map-search input[name=q]", "Enter")
                page.wait_for_selector(f".yj-pin-enterprise.yj-risk-{colour}")
                assert page.locator("#yj-map-card-title").inner_text() == name
                assert "Risk" in page.locator("#yj-map-card-fields").inner_text()

            context.close()
        finally:
            browser.close()

    assert csp_violations == [], csp_violations
    assert page_errors == [], page_errors
    assert foreign_requests == [], foreign_requests
