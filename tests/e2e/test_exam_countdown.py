"""The exam's countdown on a phone-sized Chromium: it shows the time left and, at zero, hands the paper in by
itself with what was answered; the server records it (within its grace) once."""

from __future__ import annotations

import datetime

import pytest

from tests.e2e.test_hazard_flow import CHROMIUM, _log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def test_the_paper_is_handed_in_at_zero(live_server, transactional_db, demo_county, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.core.models import User
    from yingji.preparedness.models import ExamAttempt, ExamPaper
    from yingji.preparedness.services import exams

    paper = ExamPaper.objects.get(title="逢查必考（通用）")
    paper.minutes = 1
    paper.save(update_fields=["minutes"])
    attempt = exams.start_attempt(User.objects.get(username="inspector"), paper, {
        "examinee": "倒计时考生", "started_at": timezone.now() - datetime.timedelta(seconds=48)})
    first = attempt.questions[0]
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True,
                                          is_mobile=True, device_scale_factor=2)
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))
            _log_in(page, live_server.url, "inspector", DEMO_PASSWORD)
            page.goto(f"{live_server.url}/preparedness/exams/attempts/{attempt.pk}/take/")
            shown = page.inner_text("#yj-exam-clock [data-role=time]")
            assert shown.startswith("00:") and 0 < int(shown[3:]) <= 12, shown
            if first["kind"] == "true_false":
                page.tap(f"label[for='{first['code']}-{'t' if first['answer'] == 'true' else 'f'}']")
            else:
                for letter in first["answer"]:
                    page.tap(f"label[for='{first['code']}-{letter}']")
            page.wait_for_url(f"**/preparedness/exams/attempts/{attempt.pk}/", timeout=30_000)
        finally:
            browser.close()
    attempt = ExamAttempt.objects.get(pk=attempt.pk)
    assert attempt.state in ("passed", "failed") and attempt.submission_key is not None
    assert attempt.correct == 1 and attempt.result["unanswered"] and not attempt.result.get("timed_out")
    assert not page_errors, page_errors
