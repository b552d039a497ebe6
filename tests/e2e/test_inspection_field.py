"""Browser journey of an inspection in the field with no signal: the inspector opens the field page on a phone
(390 px), loses the signal, reloads (the service worker serves the page), fills every checklist item, photographs
a non-compliant one and hands it over as a hazard, has the principal sit the exam, and the officers and the
enterprise's representative sign on the touch screen. The record waits in the phone's queue (nothing stored) until
the phone is online again; then it is stored exactly once, and sending it again stores nothing more.

Runs Debian's chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.e2e.test_hazard_flow import CHROMIUM, _log_in, _png

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def _sign(page, canvas) -> None:
    box = canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 18, y + (12 if step % 2 else -12), steps=2)
    page.mouse.up()


def _planned_inspection():
    from yingji.core.models import User
    from yingji.enforcement import services
    from yingji.enforcement.models import Officer, Recusal

    enterprise = User.objects.get(username="enterprise1").enterprise
    recused = set(Recusal.objects.filter(enterprise=enterprise).values_list("officer_id", flat=True))
    partner = (Officer.objects.filter(is_active=True, certificate_expires__gt=timezone.localdate()
                                      + datetime.timedelta(days=90))
               .exclude(pk__in=recused).exclude(user__username="inspector").order_by("user__username").first())
    inspector = User.objects.get(username="inspector")
    return services.plan_inspection(User.objects.get(username="section"), {
        "enterprise": enterprise.pk, "officers": [inspector.pk, partner.user_id],
        "planned_on": timezone.localdate(), "checklist": "industry_trade"})


def test_an_inspection_filled_offline_is_stored_exactly_once(live_server, transactional_db, demo_county,
                                                              monkeypatch):
    # The database is read between browser steps, inside Playwright's event loop (the thread is still synchronous).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.core.models import Attachment
    from yingji.enforcement.models import Inspection, InspectionFinding, InspectionSubmission
    from yingji.prevention.models import Hazard

    inspection = _planned_inspection()
    items = [item["code"] for item in inspection.checklist_items]
    bad = items[0]
    base = live_server.url
    field_url = f"{base}/enforcement/field/{inspection.pk}/"
    due = (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
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
            page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/submissions") else None)
            _log_in(page, base, "inspector", DEMO_PASSWORD)

            # Online once: the service worker installs and the page and its assets are cached.
            page.goto(field_url)
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_function("navigator.serviceWorker.controller !== null || "
                                   "navigator.serviceWorker.ready.then(() => true)")

            # --- the signal is lost; the page still opens from the phone ---
            context.set_offline(True)
            page.reload()
            page.wait_for_selector("#yj-field-form")
            assert page.locator("#yj-field-net").get_attribute("data-online") == "0"
            assert page.evaluate("navigator.serviceWorker.controller !== null")

            def choice(code):
                return "bad" if code == bad else ("na" if code == items[-1] else "ok")

            # Half the form, then the page reloads (a tap on the wrong link, the battery): the draft kept in the
            # browser brings back what was filled.
            half = items[:max(1, len(items) // 2)]
            for code in half:
                page.click(f"label[for=r-{code}-{choice(code)}]")
            page.fill(f"#d-{bad}", "二号仓库消防通道被成品货物堵塞，通道宽度不足")
            page.check(f"#h-{bad}")
            page.fill(f"#hd-{bad}", due)
            page.fill("#yj-exam-name", "李明")
            page.reload()
            page.wait_for_selector("body[data-draft='restored']")
            for code in half:
                assert page.is_checked(f"#r-{code}-{choice(code)}"), code
            for code in items[len(half):]:
                assert not page.locator(f".yj-item[data-code={code}] input:checked").count(), code
            assert page.input_value(f"#d-{bad}") == "二号仓库消防通道被成品货物堵塞，通道宽度不足"
            assert page.is_visible(f"#d-{bad}") and page.is_checked(f"#h-{bad}")
            assert page.input_value(f"#hd-{bad}") == due
            assert page.input_value("#yj-exam-name") == "李明"
            assert f"{len(half)} / {len(items)}" in page.locator("#yj-field-progress").inner_text()

            for code in items[len(half):]:
                page.click(f"label[for=r-{code}-{choice(code)}]")
            page.set_input_files(f"#p-{bad}", {"name": "通道.png", "mimeType": "image/png", "buffer": _png(12, 8)})
            page.wait_for_selector(f".yj-item[data-code={bad}] .yj-photo img")
            questions = page.locator(".yj-question")
            for i in range(questions.count()):
                questions.nth(i).locator("input").first.check()
            for n in range(page.locator(".yj-sign-pad").count()):
                pad = page.locator(".yj-sign-pad").nth(n)
                pad.scroll_into_view_if_needed()
                _sign(page, pad)
            page.fill("#yj-summary", "现场检查发现一般隐患一处，已责令限期整改")
            page.click("#yj-field-submit")
            page.wait_for_selector("body[data-queued='1']")
            assert page.locator("#yj-field-errors").is_hidden()
            assert InspectionSubmission.objects.filter(inspection=inspection).count() == 0
            assert not InspectionFinding.objects.filter(inspection=inspection).exists()

            # Still offline, the page reloads with the record waiting in the queue.
            page.reload()
            page.wait_for_selector("body[data-queued='1']")
            assert "联网后自动提交" in page.locator("#yj-field-queue").inner_text()

            # --- back online: the queue sends the record ---
            context.set_offline(False)
            page.wait_for_selector("body[data-sent='1']", timeout=30_000)
            assert page.locator("#yj-field-record-link").count() == 1
            # Stored: the draft is gone.
            drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('yingji-field-draft:'))")
            assert drafts == [], drafts

            inspection = Inspection.objects.get(pk=inspection.pk)
            assert inspection.state == "recorded"
            assert InspectionSubmission.objects.filter(inspection=inspection).count() == 1
            assert InspectionFinding.objects.filter(inspection=inspection).count() == len(items)
            finding = InspectionFinding.objects.get(inspection=inspection, item_code=bad)
            assert finding.result == "non_compliant" and finding.photos.count() == 1
            photo = finding.photos.get()
            assert photo.content_type == "image/png" and photo.original_name == "通道.png"
            assert finding.hazard is not None and finding.hazard.due_at.date().isoformat() == due
            assert inspection.signatures.count() == 3 and inspection.exam.examinee == "李明"
            files, hazards = Attachment.objects.count(), Hazard.objects.count()

            # The queue sends it again (a retry after a lost answer): the platform answers the first result.
            page.evaluate("window.yjFieldQueue.flush(true)")
            resent = page.evaluate("window.yjFieldQueue.items().then(items => items.map(i => i.result))")
            assert len(resent) == 1 and resent[0]["inspection"] == inspection.pk
            context.close()
        finally:
            browser.close()

    assert InspectionSubmission.objects.filter(inspection=inspection).count() == 1
    assert InspectionFinding.objects.filter(inspection=inspection).count() == len(items)
    assert Attachment.objects.count() == files and Hazard.objects.count() == hazards
    assert csp_violations == [], csp_violations
    assert page_errors == [], page_errors
    # First stored (201), then answered with the stored result (200).
    assert answers == [201, 200], answers
