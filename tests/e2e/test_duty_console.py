"""Browser check of the duty console's cue for new items: when the live refresh brings a new log entry, its row
flashes and a beep is played (WebAudio) unless the officer muted it; the mute choice survives a reload
(localStorage). No inline script: the page runs under the strict CSP without violations.

Runs Debian's chromium (``apt-get install chromium``) through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]

REFRESH = "() => htmx.ajax('GET', '/duty/panel/', {target: '#yj-duty-panel', swap: 'innerHTML'})"


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("#yj-login-submit")
    assert page.url == f"{base}/", page.url


def _log_call(page, base: str, text: str) -> None:
    page.goto(f"{base}/duty/")
    page.select_option("#id_source", "phone")
    page.fill("#id_content", text)
    with page.expect_navigation():
        page.click("#yj-log-submit")


def test_new_items_flash_and_beep_unless_muted(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD

    base = live_server.url
    csp_violations: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                                          "--autoplay-policy=no-user-gesture-required"])
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.set_default_timeout(15_000)
            console = context.new_page()
            console.on("console", lambda msg: csp_violations.append(msg.text)
                       if "Content Security Policy" in msg.text else None)
            console.on("pageerror", lambda exc: page_errors.append(str(exc)))
            _log_in(console, base, "duty", DEMO_PASSWORD)
            console.goto(f"{base}/duty/")
            assert console.locator("#yj-recent-alarms").count() == 1
            toggle = console.locator("#yj-sound-toggle")
            assert toggle.get_attribute("aria-pressed") == "false"
            assert console.evaluate("() => typeof (window.AudioContext || window.webkitAudioContext)") == "function"

            # Mute, and the choice survives a reload; unmute again (a click: browsers let audio start after one).
            toggle.click()
            assert toggle.get_attribute("aria-pressed") == "true"
            assert console.evaluate("() => localStorage.getItem('yingji.duty.muted')") == "1"
            console.reload()
            assert console.locator("#yj-sound-toggle").get_attribute("aria-pressed") == "true"
            console.locator("#yj-sound-toggle").click()
            assert console.locator("#yj-sound-toggle").get_attribute("aria-pressed") == "false"

            # A refresh with nothing new neither flashes nor beeps.
            console.evaluate(REFRESH)
            console.wait_for_function("() => document.getElementById('yj-duty-panel').dataset.newItems === '0'")
            assert console.locator("#yj-duty-panel .yj-flash").count() == 0
            assert console.get_attribute("#yj-duty-panel", "data-beeps") is None

            # Another desk logs a call; the console's next refresh flashes the new row and beeps once.
            desk = context.new_page()
            _log_call(desk, base, "新来电：城关镇一仓库冒烟")
            console.evaluate(REFRESH)
            flashed = console.locator("#yj-duty-log tr.yj-flash", has_text="城关镇一仓库冒烟")
            flashed.wait_for()
            assert console.locator("#yj-duty-log tr.yj-flash").count() == 1
            assert console.get_attribute("#yj-duty-panel", "data-beeps") == "1"

            # Muted: the next new row still flashes, but no beep.
            console.locator("#yj-sound-toggle").click()
            _log_call(desk, base, "新来电：河堤出现渗水")
            console.evaluate(REFRESH)
            console.locator("#yj-duty-log tr.yj-flash", has_text="河堤出现渗水").wait_for()
            assert console.get_attribute("#yj-duty-panel", "data-beeps") == "1"
        finally:
            browser.close()
    assert not csp_violations, csp_violations
    assert not page_errors, page_errors
