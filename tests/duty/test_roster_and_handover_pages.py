"""The roster calendar (排班) and shift handover (交接班) pages: right names on the right days, scope, grants, the
handover from the outgoing officer to the incoming one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from yingji.core.models import AuditRecord, Region, User
from yingji.duty import services
from yingji.duty.choices import EntryState, HandoverState, Shift
from yingji.duty.models import DutyLogEntry, DutyShift, Handover

ROSTER = "/duty/rosters/"
HANDOVERS = "/duty/handovers/"


def cells(html: str) -> dict[tuple[str, str], str]:
    """The week table's cells by (date, shift): their text."""
    found = {}
    for m in re.finditer(r'<td[^>]*data-date="([\d-]+)" data-shift="(\w+)">(.*?)</td>', html, re.S):
        found[(m.group(1), m.group(2))] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(3))).strip()
    return found


def month_days(html: str) -> dict[str, str]:
    found = {}
    for m in re.finditer(r'<td class="([^"]*)" data-date="([\d-]+)">(.*?)</td>', html, re.S):
        found[m.group(2)] = (m.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(3))).strip())
    return found


def county_shifts(first: datetime.date, last: datetime.date, code: str):
    return DutyShift.objects.filter(region_code=code, date__gte=first, date__lte=last)


def test_week_shows_each_shift_on_its_day_with_leader_and_officers(web, demo_county):
    response = web("duty").get(ROSTER)
    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    shown = cells(html)
    expected = list(county_shifts(monday, monday + datetime.timedelta(days=6), demo_county["county"]))
    assert len(expected) == 14, "the demo rosters two shifts a day"
    for s in expected:
        text = shown[(s.date.isoformat(), s.shift)]
        assert s.leader_name in text and "带班领导" in text, (s.date, s.shift, text)
        for name in s.officer_names.split("、"):
            assert name in text
    # Today's column is marked, and only it.
    today_cells = re.findall(r'<td class="yj-today" data-date="([\d-]+)"', html)
    assert set(today_cells) == {today.isoformat()}
    assert 'id="yj-roster-week"' in html and 'id="yj-roster-month"' not in html
    # Paging moves by a week; the import page is linked for a role that may import.
    prev = (monday - datetime.timedelta(days=7)).isoformat()
    nxt = (monday + datetime.timedelta(days=7)).isoformat()
    assert f'href="?view=week&amp;date={prev}"' in html and f'href="?view=week&amp;date={nxt}"' in html
    assert reverse("duty_roster_import") in html


def test_next_week_and_a_week_without_shifts(web, demo_county):
    client = web("duty")
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    next_monday = monday + datetime.timedelta(days=7)
    shown = cells(client.get(ROSTER, {"date": next_monday.isoformat()}).content.decode())
    for s in county_shifts(next_monday, next_monday + datetime.timedelta(days=6), demo_county["county"]):
        assert s.leader_name in shown[(s.date.isoformat(), s.shift)]
    assert not re.search(r'<td class="yj-today"', client.get(ROSTER, {"date": next_monday.isoformat()})
                         .content.decode())
    empty = client.get(ROSTER, {"date": (monday + datetime.timedelta(days=70)).isoformat()}).content.decode()
    assert 'id="yj-roster-empty"' in empty
    assert all("带班领导" not in text for text in cells(empty).values())


def test_month_grid_places_names_on_their_days(web, demo_county):
    today = timezone.localdate()
    html = web("duty").get(ROSTER, {"view": "month", "date": today.isoformat()}).content.decode()
    days = month_days(html)
    first = today.replace(day=1)
    assert first.isoformat() in days
    assert len(days) % 7 == 0 and 28 <= len(days) <= 42
    for s in county_shifts(first, first + datetime.timedelta(days=40), demo_county["county"]):
        if s.date.isoformat() in days:
            assert s.leader_name in days[s.date.isoformat()][1]
    assert "yj-today" in days[today.isoformat()][0]
    outside = [d for d, (cls, _text) in days.items() if not d.startswith(today.strftime("%Y-%m"))]
    assert all("yj-outside" in days[d][0] for d in outside)
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1).isoformat()
    assert f'href="?view=month&amp;date={prev_month}"' in html


def test_a_township_sees_only_its_own_roster(web, demo_county):
    admin = User.objects.get(username="admin")
    day = timezone.localdate()
    own = services.create_shift(admin, {"date": day, "shift": Shift.DAY, "region_code": demo_county["township"],
                                        "leader_name": "乡镇带班甲", "officer_names": "乡镇值班乙"})
    services.create_shift(admin, {"date": day, "shift": Shift.NIGHT, "region_code": demo_county["township2"],
                                  "leader_name": "邻镇带班丙", "officer_names": "邻镇值班丁"})
    county = DutyShift.objects.get(region_code=demo_county["county"], date=day, shift=Shift.DAY)

    html = web("township1").get(ROSTER).content.decode()
    assert "乡镇带班甲" in cells(html)[(day.isoformat(), own.shift)]
    assert "邻镇带班丙" not in html and county.leader_name not in html
    assert reverse("duty_roster_import") not in html  # may view, not import

    county_view = web("duty").get(ROSTER).content.decode()
    assert "乡镇带班甲" in county_view and "邻镇带班丙" in county_view and county.leader_name in county_view
    # Several desks in view: each row names its region.
    assert Region.objects.get(code=demo_county["township"]).name in county_view


def test_roster_grants_and_bad_dates(web, demo_county):
    assert web("enterprise1").get(ROSTER).status_code == 403
    assert web("grid1").get(ROSTER).status_code == 403  # a grid member keeps no duty desk
    for bad in ("2026/02/22", "9999-12-31", "0001-01-01", "x"):
        response = web("duty").get(ROSTER, {"date": bad, "view": "month"})
        assert response.status_code == 200
        assert timezone.localdate().isoformat() in response.content.decode()
    unknown_view = web("duty").get(ROSTER, {"view": "year"})
    assert unknown_view.status_code == 200 and 'id="yj-roster-week"' in unknown_view.content.decode()


def test_leader_phone_masked_for_roles_without_the_personal_data_grant(web, demo_county):
    today = timezone.localdate()
    shift = DutyShift.objects.get(region_code=demo_county["county"], date=today, shift=Shift.DAY)
    assert shift.leader_phone in web("duty").get(ROSTER).content.decode()
    observer = web("observer").get(ROSTER).content.decode()
    assert shift.leader_phone not in observer and shift.leader_phone[-4:] in observer


def test_nav_entries_for_duty_roles(web, demo_county):
    home = web("duty").get(ROSTER)
    keys = {item["key"] for item in home.context["nav_items"]}
    assert {"duty_roster", "duty_handovers"} <= keys
    active = [item["key"] for item in home.context["nav_items"] if item["active"]]
    assert active == ["duty_roster"]
    enterprise_keys = {item["key"] for item in web("enterprise1").get("/").context["nav_items"]}
    assert not {"duty_roster", "duty_handovers"} & enterprise_keys


# --- handovers ------------------------------------------------------------------------------------------------


def _running_shift(user) -> DutyShift:
    """The running shift of the user's desk (the demo roster starts on Monday 08:00: before that, add one)."""
    running = services.current_shift(user)
    if running is None:
        running = services.create_shift(User.objects.get(username="admin"), {
            "date": timezone.localdate() - datetime.timedelta(days=1), "shift": Shift.NIGHT,
            "region_code": user.scope_region_code, "leader_name": "夜班带班", "officer_names": "夜班值班"})
    return running


def test_handover_page_previews_open_items_and_hands_over(web, demo_county):
    duty = User.objects.get(username="duty")
    running = _running_shift(duty)
    client = web("duty")
    page = client.get(HANDOVERS)
    assert page.status_code == 200
    html = page.content.decode()
    open_entries = list(DutyLogEntry.objects.filter(region_code__startswith=demo_county["county"],
                                                    state=EntryState.OPEN))
    assert open_entries, "the demo has open log entries"
    for entry in open_entries:
        assert entry.content in html
    incoming = services.next_shift(duty)
    assert incoming is not None and incoming.starts_at == running.ends_at
    assert running.leader_name in html and incoming.leader_name in html

    response = client.post(HANDOVERS, {"items": "水库巡查结果待回报\r\n\r\n明早报送值守情况", "notes": "夜间有雨"})
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert handover.handed_over_by == duty and handover.state == HandoverState.PENDING
    assert handover.shift == running and handover.notes == "夜间有雨"
    texts = [i.text for i in handover.items.all()]
    assert texts[:2] == ["水库巡查结果待回报", "明早报送值守情况"]
    assert sorted(texts[2:]) == sorted(e.content for e in open_entries)
    assert AuditRecord.objects.filter(object_type="duty.handover", object_id=str(handover.pk)).exists()

    listed = client.get(HANDOVERS).content.decode()
    assert f'id="handover-{handover.pk}"' in listed and "水库巡查结果待回报" in listed
    # The outgoing officer is offered no acknowledgement of its own handover, and is refused one.
    assert reverse("duty_handover_acknowledge", args=[handover.pk]) not in listed
    client.post(reverse("duty_handover_acknowledge", args=[handover.pk]))
    handover.refresh_from_db()
    assert handover.state == HandoverState.PENDING


def test_incoming_officer_acknowledges(web, demo_county):
    handover = services.hand_over(User.objects.get(username="duty"), {"items": ["交接事项"]})
    admin = web("admin")
    url = reverse("duty_handover_acknowledge", args=[handover.pk])
    assert url in admin.get(HANDOVERS).content.decode()
    response = admin.post(url, {"note": "已接班"})
    assert response.status_code == 302 and response["Location"].endswith(f"#handover-{handover.pk}")
    handover.refresh_from_db()
    assert handover.state == HandoverState.ACKNOWLEDGED
    assert handover.received_by.username == "admin" and handover.acknowledged_at is not None
    after = admin.get(HANDOVERS).content.decode()
    assert url not in after and "已签收" in after
    again = admin.post(url, follow=True)
    assert "已被签收" in again.content.decode() or "already acknowledged" in again.content.decode()


@pytest.mark.parametrize("username", ["township1", "observer"])
def test_roles_without_the_desk_grant_see_but_cannot_hand_over(web, demo_county, username):
    handover = services.hand_over(User.objects.get(username="duty"), {"items": ["县级交接事项"]})
    client = web(username)
    page = client.get(HANDOVERS)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="yj-handover-form"' not in html
    if username == "observer":
        assert "县级交接事项" in html  # county scope
    else:
        assert "县级交接事项" not in html  # the county desk's handover lies outside a township's scope
    assert client.post(HANDOVERS, {"items": "x"}).status_code == 403
    expected = 403 if username == "observer" else 404
    assert client.post(reverse("duty_handover_acknowledge", args=[handover.pk])).status_code == expected
    handover.refresh_from_db()
    assert handover.state == HandoverState.PENDING and not Handover.objects.exclude(pk=handover.pk).exists()


def test_enterprise_user_has_no_handover_page(web, demo_county):
    assert web("enterprise1").get(HANDOVERS).status_code == 403
