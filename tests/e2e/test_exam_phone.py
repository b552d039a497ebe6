"""Browser journey of an exam at an inspection (逢查必考) on a phone (390×844): the inspector opens the exam drawn
for the enterprise's principal, the principal answers on the phone, the paper is scored automatically, and a
second submission (a double tap sending the same form twice) records nothing more: one attempt, the first result.

Runs Debian's chromium through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_hazard_flow import CHROMIUM, _log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def test_an_exam_on_a_phone_is_scored_and_recorded_once(live_server, transactional_db, demo_county, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.core.models import User
    from yingji.enforcement.models import Inspection
    from yingji.preparedness.models import ExamAttempt, ExamPaper, Trainee
    from yingji.preparedness.services import exams

    enterprise = User.objects.get(username="enterprise1").enterprise
    inspection = Inspection.objects.filter(enterprise=enterprise).order_by("-planned_on").first()
    principal = Trainee.objects.filter(enterprise=enterprise, role="principal").first()
    paper = ExamPaper.objects.get(title="逢查必考（通用）")
    attempt = exams.start_attempt(User.objects.get(username="inspector"), paper, {
        "trainee": principal.pk, "inspection": inspection.pk if inspection else None})
    answers = {q["code"]: q for q in attempt.questions}
    wrong_one = attempt.questions[0]["code"]  # answered wrongly on purpose: 9 of 10 right → 90
    base = live_server.url
    page_errors: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True,
                                          is_mobile=True, device_scale_factor=2)
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            _log_in(page, base, "inspector", DEMO_PASSWORD)
            page.goto(f"{base}/preparedness/exams/attempts/{attempt.pk}/")
            with page.expect_navigation():
                page.click("#yj-exam-take")
            assert page.url.endswith(f"/preparedness/exams/attempts/{attempt.pk}/take/")
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 391)
                .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)
                          + ' ' + (e.textContent || '').trim().slice(0, 40))""")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide[:8]  # no sideways scrolling
            for code, q in answers.items():
                if q["kind"] == "true_false":
                    right = "t" if q["answer"] == "true" else "f"
                    choice = {"t": "f", "f": "t"}[right] if code == wrong_one else right
                    page.tap(f"label[for='{code}-{choice}']")
                else:
                    letters = q["answer"]
                    if code == wrong_one:
                        letters = next(ch for ch in "ABCD"[:len(q["options"])] if ch not in q["answer"])
                    for letter in letters:
                        page.tap(f"label[for='{code}-{letter}']")
            key = page.input_value("input[name=key]")
            # A double tap: the same form is sent once by script and once by the button.
            status = page.evaluate("""async () => {
                const form = document.getElementById('yj-exam-form');
                const r = await fetch(form.action || location.href, {method: 'POST', body: new FormData(form),
                                                                      redirect: 'manual'});
                return r.status;
            }""")
            assert status in (0, 302), status  # an opaque redirect to the result
            with page.expect_navigation():
                page.tap("#yj-exam-submit")
            assert page.url.endswith(f"/preparedness/exams/attempts/{attempt.pk}/")
            body = page.inner_text("body")
            assert "第一次提交的结果为准" in body or "已提交" in body, body[:500]
            assert "90" in page.inner_text("#yj-detail-fields")
            assert page.locator("#yj-exam-review li").count() == len(answers)
        finally:
            browser.close()

    attempt.refresh_from_db()
    assert attempt.state == "passed" and attempt.score == 90 and attempt.correct == len(answers) - 1
    assert str(attempt.submission_key) == key
    assert ExamAttempt.objects.filter(trainee=principal, paper=paper, started_at__gte=attempt.started_at).count() == 1
    assert attempt.result["wrong"] == [wrong_one]
    assert not page_errors, page_errors
