"""Browser journey of the duty desk and incident command: the duty officer logs a call and turns it into an
incident, the commander activates a plan and assigns a task, the assignee (another account) acknowledges it.

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

CALL = "八里镇钢铁厂煤气泄漏，多人中毒"


def _facts() -> dict:
    """Ids read before the browser starts (Django refuses ORM calls inside Playwright's event loop)."""
    from yingji.core.models import User
    from yingji.incidents.models import Plan

    return {"plan_id": Plan.objects.get(name__contains="安全生产事故").pk,
            "assignee_id": User.objects.get(username="section").pk}


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("#yj-login-submit")
    assert page.url == f"{base}/", page.url


def _log_out(page, base: str) -> None:
    page.click("#yj-user-menu")
    page.wait_for_selector(".dropdown-menu.show")
    with page.expect_navigation():
        page.click("#yj-logout")


def test_call_to_incident_to_plan_to_task(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD

    facts = _facts()
    base = live_server.url
    csp_violations: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("console", lambda msg: csp_violations.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))

            # The duty officer logs the call on the console ...
            _log_in(page, base, "duty", DEMO_PASSWORD)
            page.goto(f"{base}/duty/")
            assert page.get_attribute("#yj-duty-panel", "hx-trigger") == "every 10s"
            page.select_option("#id_source", "phone")
            page.fill("#id_caller_name", "王师傅")
            page.fill("#id_content", CALL)
            with page.expect_navigation():
                page.click("#yj-log-submit")
            row = page.locator("#yj-duty-log tr", has_text=CALL)
            # ... and turns it into an incident.
            with page.expect_navigation():
                row.locator(".yj-escalate").click()
            page.fill("#id_title", "钢铁厂煤气中毒事故")
            page.select_option("#id_event_type", "industrial_commercial_accident")
            page.fill("#id_deaths", "3")
            with page.expect_navigation():
                page.click("form:has(#id_event_type) button[type=submit]")
            match = re.search(r"/incidents/(\d+)/$", page.url)
            assert match, page.url
            incident_url = page.url
            assert page.locator("#yj-incident-clock .badge").count() == 3  # 较大: county, city, province
            _log_out(page, base)

            # The commander activates the proposed plan and assigns a task.
            _log_in(page, base, "commander", DEMO_PASSWORD)
            page.goto(incident_url)
            assert page.locator("#yj-plan-matches").inner_text().count("Ⅲ级响应") >= 1
            page.select_option("#id_plan_id", str(facts["plan_id"]))
            with page.expect_navigation():
                page.click("#yj-activate-submit")
            assert "安全生产事故" in page.inner_text("#yj-activation")
            assert page.locator("#yj-incident-tasks li[data-task]").count() == 4
            page.fill("#id_title", "核实中毒人员救治情况")
            page.select_option("#id_assignee_id", str(facts["assignee_id"]))
            with page.expect_navigation():
                page.click("#yj-task-submit")
            assert page.locator("#yj-incident-tasks li", has_text="核实中毒人员救治情况").count() == 1
            # ... files a follow-up report on the page (a fourth death: still 较大) ...
            page.fill("#id_report_deaths", "4")
            page.fill("#id_report_note", "又发现1名遇难者")
            with page.expect_navigation():
                page.click("#yj-report-form-submit")
            assert page.locator("#yj-incident-figures dd").first.inner_text() == "4"
            # ... and drafts, then issues, situation report No. 1.
            with page.expect_navigation():
                page.click("#yj-sitrep-draft")
            assert "死亡 4 人" in page.input_value("#id_casualties")
            page.fill("#id_next_steps", "继续救治中毒人员")
            with page.expect_navigation():
                page.click(".yj-form-card button[type=submit]")
            with page.expect_navigation():
                page.click("#yj-sitrep-issue")
            assert page.locator("#yj-sitrep-edit").count() == 0
            assert "继续救治中毒人员" in page.inner_text("#yj-sitrep-body")
            _log_out(page, base)

            # The assignee acknowledges it.
            _log_in(page, base, "section", DEMO_PASSWORD)
            page.goto(incident_url)
            task = page.locator("#yj-incident-tasks li", has_text="核实中毒人员救治情况")
            with page.expect_navigation():
                task.locator(".yj-task-acknowledge").click()
            task = page.locator("#yj-incident-tasks li", has_text="核实中毒人员救治情况")
            assert task.locator(".yj-task-start").count() == 1
            assert task.locator(".yj-task-acknowledge").count() == 0
            context.close()
        finally:
            browser.close()
    assert csp_violations == [], csp_violations
    assert page_errors == [], page_errors

    from yingji.incidents.models import Task

    task = Task.objects.get(title="核实中毒人员救治情况")
    assert task.state == "acknowledged" and task.assignee.username == "section"
    assert task.incident.grade == "relatively_large" and task.incident.state == "responding"
    assert task.incident.deaths == 4 and task.incident.reports.count() == 2
    assert [(r.seq, r.state) for r in task.incident.sitreps.all()] == [(1, "issued")]
