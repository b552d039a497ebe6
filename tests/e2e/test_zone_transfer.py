"""Browser journey of a flood-season transfer: a published warning on a danger zone generates the transfer list,
two village staff confirm households on phone-sized pages at the same time (one of them on a stale page, which
is refused rather than counted twice), and the county's people-moved total and the destination shelter's
occupancy follow exactly.

Runs Debian's chromium (``apt-get install chromium``) through Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
VILLAGE = "410481001001"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def _log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("#yj-login-submit")
    assert page.url == f"{base_url}/", f"login as {username} did not reach the overview: {page.url}"


def _setup():
    from datetime import timedelta

    from django.utils import timezone

    from yingji.core.choices import Role
    from yingji.core.models import User, UserRole
    from yingji.disasters.services import zones
    from yingji.resources.models import Shelter
    from yingji.warnings import services as warning_services

    grid = User.objects.get(username="grid1")
    second = User.objects.create(username="grid1b", display_name="村网格员乙", password=grid.password,
                                 scope_region_code=VILLAGE, must_change_password=False)
    UserRole.objects.create(user=second, role=Role.GRID_MEMBER)
    shelter = Shelter.objects.filter(region_code=VILLAGE, space="indoor").order_by("id").first()
    Shelter.objects.filter(pk=shelter.pk).update(occupancy=0, status="standby")
    admin = User.objects.get(username="admin")
    zone = zones.create_zone(admin, {"name": "黑龙潭沟山洪灾害危险区", "kind": "flash_flood", "region_code": VILLAGE,
                                     "shelter": shelter.pk, "route": "沿村道向东步行15分钟至村小学"})
    for name, people in (("张德福", 4), ("刘桂英", 1), ("陈志强", 3), ("王秀兰", 2)):
        zones.create_household(admin, {"zone": zone.pk, "head_name": name, "people": people,
                                       "phone": "13603751234"})
    now = timezone.now()
    warning = warning_services.create_warning(User.objects.get(username="duty"), {
        "event_type": "flash_flood", "event": "山洪", "category": "Met", "level": "orange",
        "headline": "黑龙潭沟山洪灾害橙色预警", "description": "上游降雨强烈，山洪风险高。",
        "instruction": "立即转移。",
        "effective": now, "expires": now + timedelta(hours=12), "area_codes": [VILLAGE], "area_desc": "龙泉街道"})
    warning = warning_services.perform(User.objects.get(username="duty"), warning, "submit")
    warning = warning_services.perform(User.objects.get(username="approver"), warning, "approve")
    return zone, shelter, warning


def _confirm(page, name: str, state: str = "moved", reason: str = "") -> None:
    card = page.locator(".card", has=page.locator(".yj-household-name", has_text=name))
    if reason:
        card.locator("input[name=reason]").fill(reason)
    with page.expect_navigation():
        card.locator(f"button[name=state][value={state}]").click()


def test_warning_on_a_zone_two_village_staff_confirm_and_totals_follow(live_server, transactional_db, demo_county):
    from playwright.sync_api import sync_playwright

    from yingji.core.demo import DEMO_PASSWORD
    from yingji.disasters.models import Transfer, TransferHousehold
    from yingji.resources.models import Shelter

    zone, shelter, warning = _setup()
    moved_before = sum(Transfer.objects.filter(state="open").values_list("people_moved", flat=True))
    town_before = sum(Transfer.objects.filter(state="open", region_code__startswith=VILLAGE[:9])
                      .values_list("people_moved", flat=True))
    base = live_server.url
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            duty = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
            duty.on("pageerror", lambda e: page_errors.append(str(e)))
            _log_in(duty, base, "duty", DEMO_PASSWORD)
            duty.goto(f"{base}/warnings/{warning.pk}/")
            with duty.expect_navigation():
                duty.locator(f"form[action='/warnings/{warning.pk}/actions/publish/'] button").click()
            # The list was generated on publication: it is on the transfers page, filtered by the warning.
            duty.goto(f"{base}/disasters/transfers/?warning={warning.pk}")
            with duty.expect_navigation():
                duty.get_by_role("link", name=zone.name).first.click()
            transfer_pk = int(duty.url.rstrip("/").rsplit("/", 1)[1])
            lines = duty.locator("#yj-transfer-lines").inner_text()
            assert all(name in lines for name in ("张德福", "刘桂英", "陈志强", "王秀兰"))

            staff = []
            for username in ("grid1", "grid1b"):
                page = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True,
                                           has_touch=True).new_page()
                page.on("pageerror", lambda e: page_errors.append(str(e)))
                _log_in(page, base, username, DEMO_PASSWORD)
                page.goto(f"{base}/disasters/transfers/{transfer_pk}/confirm/")
                assert page.locator("#yj-transfer-people").inner_text() == "10"
                # Phone-sized: nothing wider than the screen.
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                staff.append(page)
            first, second = staff
            # Both pages were loaded before anyone confirmed. The first confirms 张德福; the second's page still
            # shows him pending, and confirming him again from it is refused (409) instead of counted twice.
            _confirm(first, "张德福")
            _confirm(second, "张德福")
            assert "已由他人确认" in second.locator(".yj-messages").inner_text()
            # Then each confirms other households, turn about.
            _confirm(second, "陈志强")
            _confirm(first, "刘桂英", "refused", "投亲靠友，自行转移")
            _confirm(second, "王秀兰")
            assert first.locator("#yj-transfer-moved").inner_text() == "7"  # its own 4 and the other's 3
            first.reload()
            assert first.locator("#yj-transfer-moved").inner_text() == "9"
            assert first.locator("#yj-transfer-pending").inner_text() == "0"

            duty.goto(f"{base}/disasters/transfers/totals/")
            assert duty.locator("#yj-county-moved").inner_text() == str(moved_before + 9)
            assert duty.locator(f"tr[data-township='{VILLAGE[:9]}'] .yj-moved").inner_text() == str(town_before + 9)
            duty.goto(f"{base}/resources/shelters/{shelter.pk}/")
            label = duty.locator("dt", has_text="当前安置人数")
            occupancy = label.locator("xpath=following-sibling::dd[1]").inner_text()
        finally:
            browser.close()

    transfer = Transfer.objects.get(warning=warning, zone=zone)
    assert transfer.pk == transfer_pk and transfer.households_total == 4 and transfer.people_total == 10
    assert occupancy.strip() == "9"
    shelter = Shelter.objects.get(pk=shelter.pk)
    assert (transfer.people_moved, transfer.households_moved, transfer.households_refused) == (9, 3, 1)
    assert shelter.occupancy == 9 and shelter.status == "open"
    assert sorted(TransferHousehold.objects.filter(transfer=transfer).values_list("version", flat=True)) == [1] * 4
    assert page_errors == []
