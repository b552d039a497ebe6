"""Browser journey of a village's first disaster report with no signal: the village's reporter opens the phone
report page (390 px) online once, loses the signal, reloads (the field pages' service worker serves the page),
fills the figures and the casualty list and sends. The report waits in the phone's queue (nothing stored) until the
phone is online again; then it is stored and submitted exactly once, and sending it again stores nothing more.

Runs Debian's chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.e2e.test_hazard_flow import CHROMIUM, _log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def test_a_village_report_sent_offline_is_stored_exactly_once(live_server, transactional_db, demo_county,
                                                               monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.core.models import User
    from yingji.disasters.models import DisasterReport
    from yingji.disasters.services import reports as svc

    event = svc.open_event(User.objects.get(username="admin"), {
        "region_code": demo_county["county"], "title": "村级报灾演练", "hazard": "flood",
        "started_at": timezone.now() - timezone.timedelta(hours=1)})
    base = live_server.url
    url = f"{base}/disasters/events/{event.pk}/quick-report/"
    csp_violations: list[str] = []
    page_errors: list[str] = []
    answers: list[int] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True,
                                          is_mobile=True, device_scale_factor=2)
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("console", lambda msg: csp_violations.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/quick-reports") else None)
            _log_in(page, base, "grid1", DEMO_PASSWORD)

            page.goto(url)
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_function("navigator.serviceWorker.controller !== null || "
                                   "navigator.serviceWorker.ready.then(() => true)")

            context.set_offline(True)
            page.reload()
            page.wait_for_selector("#yj-field-form")
            assert page.locator("#yj-field-net").get_attribute("data-online") == "0"
            page.fill("#id_affected_people", "86")
            page.fill("#id_evacuated", "40")
            page.fill("#id_needs_relief", "12")
            page.fill("#id_deaths", "1")
            page.fill("#id_collapsed_households", "2")
            page.fill("#id_collapsed_rooms", "6")
            page.fill("#id_loss_total", "48.5")
            page.fill("#id_casualties", "赵某 死亡 男 71 房屋倒塌")
            page.click("#yj-field-submit")
            page.wait_for_selector("body[data-queued='1']")
            assert not DisasterReport.objects.filter(event=event).exists()

            context.set_offline(False)
            page.wait_for_selector("body[data-sent='1']", timeout=30_000)
            report = DisasterReport.objects.get(event=event)
            assert (report.region_code, report.stage, report.state) == (demo_county["village"], "initial",
                                                                        "submitted")
            assert report.figures["affected_people"] == 86 and report.casualties.get().name == "赵某"

            page.evaluate("window.yjFieldQueue.flush(true)")
            page.wait_for_function("window.yjFieldQueue.items().then(items => items.length === 1)")
            context.close()
        finally:
            browser.close()

    assert DisasterReport.objects.filter(event=event).count() == 1
    assert csp_violations == [], csp_violations
    assert page_errors == [], page_errors
    assert answers[0] == 201 and all(a == 200 for a in answers[1:]), answers
