"""Browser journey through the web shell: login, language, navigation by role, filters, scope, phone layout.

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


def _scope_facts() -> dict:
    """What township1 should see, read from the database before the browser starts (Playwright's sync API
    runs an event loop, inside which Django refuses ORM calls)."""
    from yingji.core.choices import RegionLevel
    from yingji.core.models import Region, User

    own_code = User.objects.get(username="township1").scope_region_code
    others = Region.objects.filter(level=RegionLevel.TOWNSHIP).exclude(code=own_code).order_by("code")
    return {
        "own_code": own_code,
        "own_count": Region.objects.filter(code__startswith=own_code).count(),
        "other_township_id": others.first().pk,
        "township_count": Region.objects.filter(level=RegionLevel.TOWNSHIP).count(),
    }


def _log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("#yj-login-submit")
    assert page.url == f"{base_url}/", f"login as {username} did not reach the overview: {page.url}"


def _open_user_menu(page) -> None:
    page.click("#yj-user-menu")
    page.wait_for_selector(".dropdown-menu.show")


def _log_out(page, base_url: str) -> None:
    _open_user_menu(page)
    with page.expect_navigation():
        page.click("#yj-logout")
    assert page.url.startswith(f"{base_url}/login/")


def test_shell_journey(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD

    facts = _scope_facts()
    assert facts["township_count"] == 14
    base = live_server.url
    csp_violations: list[str] = []
    page_errors: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            # A browser set up the way the bureau's staff have theirs: Chinese.
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("console", lambda msg: csp_violations.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))

            # --- administrator, in Chinese ---
            _log_in(page, base, "admin", DEMO_PASSWORD)
            nav = page.locator("#yj-nav")
            assert "审计日志" in nav.inner_text()
            assert page.locator("html").get_attribute("lang") == "zh-hans"
            # Every module in the navigation is built: each entry is a working link, none is shown as pending.
            assert page.locator("#yj-nav .yj-nav-pending").count() == 0
            assert page.locator("#yj-nav a").count() >= 20

            with page.expect_navigation():
                page.click("#yj-nav a[data-nav-key=regions]")
            assert page.url.startswith(f"{base}/regions/")
            # Choosing a level submits the filter form by itself (app.js).
            with page.expect_navigation():
                page.select_option("#yj-filter select[name=level]", "township")
            assert "level=township" in page.url
            assert page.locator("#yj-region-table tbody tr").count() == 14
            # The export links carry exactly the active filters.
            csv_href = page.locator("#yj-filter a[href*='export=csv']").get_attribute("href")
            assert "level=township" in csv_href

            # --- switch to English; the page and its filters stay ---
            _open_user_menu(page)
            with page.expect_navigation():
                page.click(".dropdown-menu.show button[name=language][value=en]")
            assert "level=township" in page.url
            assert "Audit trail" in page.locator("#yj-nav").inner_text()
            assert page.locator("html").get_attribute("lang") == "en"
            assert page.locator("#yj-region-table tbody tr").count() == 14

            # --- the audit trail holds the login ---
            with page.expect_navigation():
                page.click("#yj-nav a[data-nav-key=audit]")
            with page.expect_navigation():
                page.select_option("#yj-filter select[name=action]", "login")
            rows = page.locator("#yj-audit-table tbody tr")
            assert rows.count() >= 1
            login_rows = rows.filter(has_text="admin").filter(has_text="Login")
            assert login_rows.count() >= 1
            with page.expect_navigation():
                login_rows.first.locator("a").first.click()
            assert re.search(r"/audit/\d+/$", page.url)
            assert "Login" in page.locator("main").inner_text()

            _log_out(page, base)

            # --- township staff: own township only, no administration modules ---
            _log_in(page, base, "township1", DEMO_PASSWORD)
            assert page.locator("#yj-nav a[data-nav-key=users]").count() == 0
            assert page.locator("#yj-nav a[data-nav-key=audit]").count() == 0
            assert page.locator("#yj-nav [data-nav-key=users], #yj-nav [data-nav-key=audit]").count() == 0
            with page.expect_navigation():
                page.click("#yj-nav a[data-nav-key=regions]")
            cells = page.locator("#yj-region-table tbody tr td:first-child")
            codes = [c.strip() for c in cells.all_inner_texts()]
            assert codes, "township1 sees no regions"
            assert all(code.startswith(facts["own_code"]) for code in codes), codes
            assert len(codes) == facts["own_count"]
            assert facts["own_code"] in codes

            response = page.goto(f"{base}/regions/{facts['other_township_id']}/")
            assert response.status == 404

            # --- phone width: the sidebar folds away behind a toggle ---
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{base}/regions/")
            toggle = page.locator(".yj-nav-toggle")
            assert toggle.is_visible()
            assert not page.locator("#yj-nav").is_visible()
            toggle.click()
            page.wait_for_selector("#yj-sidebar.show")
            assert page.locator("#yj-nav a[data-nav-key=regions]").is_visible()

            context.close()
        finally:
            browser.close()

    assert csp_violations == [], csp_violations
    assert page_errors == [], page_errors
