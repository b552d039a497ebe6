"""In a real browser: the date pickers of edit pages show the stored dates, and saving unchanged keeps them
(the walk in tests/core/test_unchanged_save.py covers every edit page with an emulated browser).

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


def test_saving_edit_pages_unchanged_keeps_their_dates(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.enterprises.models import Licence
    from yingji.prevention.models import RiskPoint
    from yingji.resources.models import Equipment

    objects = [
        (Licence.objects.exclude(expires_on=None).exclude(issued_on=None).order_by("pk").first(), "licence_edit",
         ("issued_on", "expires_on")),
        (RiskPoint.objects.exclude(review_date=None).order_by("pk").first(), "risk_edit", ("review_date",)),
        (Equipment.objects.exclude(last_checked=None).order_by("pk").first(), "equipment_edit", ("last_checked",)),
    ]
    from django.urls import reverse

    pages = []
    for obj, url_name, fields in objects:
        assert obj is not None, url_name
        pages.append((obj, url_name, reverse(url_name, args=[obj.pk]), {name: getattr(obj, name) for name in fields}))
    base = live_server.url
    shown, landed = {}, {}
    # The browser runs its own event loop in this thread: no database access until it is closed.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("#yj-login-submit")
            for _obj, url_name, url, stored in pages:
                page.goto(base + url)
                # What the picker holds is what the browser will submit ("" if it rejected the value).
                shown[url_name] = {name: page.input_value(f"input[name={name}]") for name in stored}
                with page.expect_navigation():
                    page.click("main form[method=post] button.btn-primary[type=submit]")
                landed[url_name] = page.url
        finally:
            browser.close()
    for obj, url_name, _url, stored in pages:
        assert shown[url_name] == {name: value.isoformat() for name, value in stored.items()}, url_name
        assert "/edit/" not in landed[url_name], (url_name, landed[url_name])
        obj.refresh_from_db()
        assert {name: getattr(obj, name) for name in stored} == stored, url_name
