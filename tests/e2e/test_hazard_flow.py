"""Browser journey through the hazard closed loop: an enterprise self-reports a hazard with a photo, an inspector
confirms it, the enterprise rectifies it with evidence, the inspector verifies and closes it.

Runs Debian's chromium (``apt-get install chromium``) through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import datetime
import re
import struct
import zlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def _png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG (red pixels), so the browser really decodes the thumbnail."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xd0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("#yj-login-submit")
    assert page.url == f"{base_url}/", f"login as {username} did not reach the overview: {page.url}"


def _log_out(page, base_url: str) -> None:
    page.click("#yj-user-menu")
    page.wait_for_selector(".dropdown-menu.show")
    with page.expect_navigation():
        page.click("#yj-logout")
    assert page.url.startswith(f"{base_url}/login/")


def _act(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"#yj-do-{action}")


def _state(page) -> str:
    return page.locator("#yj-hazard-state").get_attribute("data-state")


def test_hazard_closed_loop_journey(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.core.models import AuditRecord
    from yingji.prevention.models import Hazard

    base = live_server.url
    title = "二号仓库消防通道被货物堵塞"
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    photo = {"name": "blocked-exit.png", "mimeType": "image/png", "buffer": _png()}
    evidence = {"name": "cleared-exit.png", "mimeType": "image/png", "buffer": _png(6, 5)}
    csp_violations: list[str] = []
    page_errors: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("console", lambda msg: csp_violations.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))

            # --- the enterprise finds a hazard in its self-check and reports it with a photo ---
            _log_in(page, base, "enterprise1", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("#yj-nav a[data-nav-key=prevention]")
            assert page.url.startswith(f"{base}/hazards/")
            with page.expect_navigation():
                page.click("#yj-hazard-report")
            page.fill("#id_title", title)
            page.fill("#id_description", "二号仓库东侧消防通道堆放成品货物，通道宽度不足")
            page.fill("#id_location", "二号仓库")
            page.set_input_files("#id_photo", photo)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            match = re.search(r"/hazards/(\d+)/$", page.url)
            assert match, page.url
            hazard_url = page.url
            assert _state(page) == "reported"
            thumb = page.locator("#yj-attachments img").first
            thumb.wait_for()
            assert thumb.evaluate("img => img.complete && img.naturalWidth") == 4
            # The enterprise's own loop: it may classify the hazard it found itself.
            assert page.locator("#yj-action-confirm").count() == 1
            _log_out(page, base)

            # --- the inspector confirms it: a general hazard, ten days to put right ---
            _log_in(page, base, "inspector", DEMO_PASSWORD)
            page.goto(hazard_url)
            page.select_option("#id_confirm_level", "general")
            page.fill("#id_confirm_due_at", deadline)
            page.fill("#id_confirm_responsible_person", "王强")
            _act(page, "confirm")
            assert _state(page) == "confirmed"
            assert deadline in page.locator("#yj-due-at").inner_text()
            _log_out(page, base)

            # --- the enterprise rectifies and uploads evidence ---
            _log_in(page, base, "enterprise1", DEMO_PASSWORD)
            page.goto(hazard_url)
            _act(page, "start")
            assert _state(page) == "rectifying"
            page.fill("#id_rectify_description", "货物已移至三号仓库，通道恢复畅通并划线标识")
            page.set_input_files("#id_rectify_evidence", evidence)
            _act(page, "rectify")
            assert _state(page) == "rectified"
            assert page.locator("#yj-attachments li[data-purpose=evidence]").count() == 1
            _log_out(page, base)

            # --- the inspector verifies on site and closes it ---
            _log_in(page, base, "inspector", DEMO_PASSWORD)
            page.goto(hazard_url)
            page.fill("#id_verify_note", "现场复查合格")
            _act(page, "verify")
            assert _state(page) == "verified"
            _act(page, "close")
            assert _state(page) == "closed"
            actions = page.locator("#yj-timeline tbody tr").evaluate_all(
                "rows => rows.map(r => r.dataset.action).filter(a => a !== 'attach')")
            assert actions == ["report", "confirm", "start", "rectify", "verify", "close"]
            assert page.locator("#yj-no-actions").count() == 1

            # The closed hazard is listed as closed for the inspector.
            with page.expect_navigation():
                page.click("#yj-nav a[data-nav-key=prevention]")
            with page.expect_navigation():
                page.select_option("#yj-filter select[name=state]", "closed")
            assert page.locator(f"#yj-hazard-table tr[data-hazard-id='{match.group(1)}']").count() == 1
            context.close()
        finally:
            browser.close()

    assert csp_violations == [], csp_violations
    assert page_errors == [], page_errors
    hazard = Hazard.objects.get(pk=int(match.group(1)))
    assert (hazard.state, hazard.source, hazard.reporter.username, hazard.rectified_by.username,
            hazard.verified_by.username, hazard.closed_by.username) == (
        "closed", "self_check", "enterprise1", "enterprise1", "inspector", "inspector")
    assert AuditRecord.objects.filter(object_type="prevention.hazard", object_id=str(hazard.pk),
                                      action="transition").count() == 5
