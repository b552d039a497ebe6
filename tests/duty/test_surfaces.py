"""The duty desk's declared surfaces (``duty.surfaces``): the handover list with its filters and export, the shift,
duty log and handover pages (scope, masked phones and their audited reveal, the actions the workflow allows), object
links through ``core.surfaces.url_for``, and the API's transitions endpoints."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from tests.conftest import assert_error_shape
from yingji.core import policy, surfaces
from yingji.core.choices import AuditAction
from yingji.core.models import AuditRecord, User
from yingji.duty import services
from yingji.duty.choices import EntryState, HandoverState
from yingji.duty.models import DutyLogEntry, DutyShift, Handover

HANDOVERS = "/duty/handovers/"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _hand_over(items=("交接事项",), username="duty") -> Handover:
    return services.hand_over(User.objects.get(username=username), {"items": list(items), "notes": "夜间有雨"})


def test_the_duty_surfaces_are_registered_with_their_pages(demo_county):
    assert {"duty_shift", "duty_entry", "duty_handover"} <= {s.prefix for s in surfaces.registered()}
    pages = surfaces.pages()
    assert pages["duty.handover"] == "duty_handover_detail"
    assert pages["duty.dutylogentry"] == "duty_entry_detail"
    assert pages["duty.dutyshift"] == "duty_shift_detail"


def test_url_for_leads_to_a_duty_objects_page_only_for_viewers_in_scope(demo_county):
    handover = _hand_over()
    entry = DutyLogEntry.objects.order_by("pk").first()
    duty, township = User.objects.get(username="duty"), User.objects.get(username="township1")
    assert surfaces.url_for(handover, duty) == reverse("duty_handover_detail", args=[handover.pk])
    assert surfaces.url_for(entry, duty) == reverse("duty_entry_detail", args=[entry.pk])
    assert surfaces.url_for(handover, township) == "" and surfaces.url_for(entry, township) == ""
    # The audit browser links a handover's record to its page.
    assert surfaces.page_url("duty.handover", handover.pk) == reverse("duty_handover_detail", args=[handover.pk])


def test_handover_list_export_has_the_filtered_rows_with_their_items(web, demo_county):
    pending = _hand_over(["水库巡查结果待回报"])
    acknowledged = _hand_over(["已处理事项"])
    services.act_on_handover(User.objects.get(username="admin"), acknowledged, "acknowledge")
    client = web("duty")
    rows = _csv(client.get(HANDOVERS, {"export": "csv"}))
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    items = header.index("交接事项")
    # The given items first, then the open log entries carried over.
    assert {row[items].split("；")[0] for row in body} == {"水库巡查结果待回报", "已处理事项"}
    open_entries = [e.content for e in services.open_entries(User.objects.get(username="duty"))]
    assert open_entries and all(row[items].endswith("；".join(open_entries)) for row in body)
    assert "接班人" in header
    only_pending = _csv(client.get(HANDOVERS, {"export": "csv", "state": HandoverState.PENDING}))[1:]
    assert [row[items].split("；")[0] for row in only_pending] == ["水库巡查结果待回报"]
    listed = client.get(HANDOVERS, {"state": HandoverState.ACKNOWLEDGED}).content.decode()
    assert f'id="handover-{acknowledged.pk}"' in listed and f'id="handover-{pending.pk}"' not in listed
    # A township sees none of the county desk's handovers, in the export either.
    assert len(_csv(web("township1").get(HANDOVERS, {"export": "csv"}))) == 1


def test_a_refused_hand_over_shows_the_form_again_with_its_errors(web, demo_county):
    response = web("duty").post(HANDOVERS, {"items": "x" * 10_001})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="yj-handover-form"' in html and "is-invalid" in html
    assert not Handover.objects.exists()


def test_handover_page_offers_the_acknowledgement_to_the_incoming_officer_only(web, demo_county):
    handover = _hand_over(["跟进八里镇爆炸伤员情况"])
    url = reverse("duty_handover_detail", args=[handover.pk])
    acknowledge = reverse("duty_handover_acknowledge", args=[handover.pk])
    page = web("admin").get(url).content.decode()
    assert "跟进八里镇爆炸伤员情况" in page and acknowledge in page
    assert acknowledge not in web("duty").get(url).content.decode()  # the outgoing officer
    assert acknowledge not in web("observer").get(url).content.decode()
    assert web("township1").get(url).status_code == 404
    assert web("enterprise1").get(url).status_code == 404  # no duty desk in an enterprise's scope


def test_duty_log_pages_list_the_entries_and_offer_the_workflows_actions(web, demo_county):
    entry = DutyLogEntry.objects.filter(state=EntryState.OPEN).order_by("pk").first()
    listed = web("duty").get(reverse("duty_entry_list"), {"state": EntryState.OPEN})
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == DutyLogEntry.objects.filter(state=EntryState.OPEN).count()
    page = web("duty").get(reverse("duty_entry_detail", args=[entry.pk])).content.decode()
    assert entry.content in page
    assert reverse("duty_log_file", args=[entry.pk]) in page and reverse("duty_log_escalate", args=[entry.pk]) in page
    observed = web("observer").get(reverse("duty_entry_detail", args=[entry.pk])).content.decode()
    assert reverse("duty_log_file", args=[entry.pk]) not in observed


def test_caller_phone_masked_without_the_grant_and_a_reveal_audited_once(web, demo_county):
    entry = DutyLogEntry.objects.order_by("pk").first()
    entry.caller_phone = "13912345678"
    entry.save()
    url = reverse("duty_entry_detail", args=[entry.pk])
    observed = web("observer").get(url).content.decode()
    assert "13912345678" not in observed and policy.mask_phone("13912345678") in observed
    assert "13912345678" not in web("observer").get(reverse("duty_entry_list")).content.decode()
    assert "13912345678" in web("duty").get(url).content.decode()
    records = AuditRecord.objects.filter(action=AuditAction.VIEW_PII, object_type="duty.dutylogentry",
                                         object_id=str(entry.pk))
    assert records.count() == 1 and records.get().after == {"fields": ["caller_phone"]}


def test_leader_phone_masked_on_the_console_and_the_shifts_pages(web, demo_county):
    running = services.on_duty(User.objects.get(username="duty")).first()
    assert running is not None and running.leader_phone
    masked = policy.mask_phone(running.leader_phone)
    for username, shown in (("observer", masked), ("duty", running.leader_phone)):
        panel = web(username).get(reverse("duty_console_panel")).content.decode()
        assert shown in panel
        detail = web(username).get(reverse("duty_shift_detail", args=[running.pk])).content.decode()
        assert shown in detail and running.leader_name in detail
    assert running.leader_phone not in web("observer").get(reverse("duty_console_panel")).content.decode()
    assert AuditRecord.objects.filter(action=AuditAction.VIEW_PII, object_type="duty.dutyshift",
                                      object_id=str(running.pk)).count() == 1
    exported = _csv(web("observer").get(reverse("duty_shift_list"), {"export": "csv"}))
    assert len(exported) - 1 == DutyShift.objects.count()
    assert running.leader_phone not in {cell for row in exported for cell in row}


def test_transitions_endpoints_list_what_the_caller_may_do(api, demo_county):
    entry = DutyLogEntry.objects.filter(state=EntryState.OPEN).order_by("pk").first()
    allowed = api("duty").get(f"/api/v1/duty/log/{entry.pk}/transitions")
    assert allowed.status_code == 200
    assert [t["action"] for t in allowed.json()] == ["file", "escalate"]
    assert api("observer").get(f"/api/v1/duty/log/{entry.pk}/transitions").json() == []
    assert_error_shape(api("township1").get(f"/api/v1/duty/log/{entry.pk}/transitions"), 404)
    # Acting needs the change grant first: an observer is refused whatever the entry's state.
    services.act_on_entry(User.objects.get(username="duty"), entry, "file")
    assert_error_shape(api("observer").post(f"/api/v1/duty/log/{entry.pk}/transitions", {"action": "file"}), 403)
    handover = _hand_over()
    path = f"/api/v1/duty/handovers/{handover.pk}/transitions"
    assert [t["action"] for t in api("admin").get(path).json()] == ["acknowledge"]
    assert api("duty").get(path).json() == []


def test_the_roster_api_masks_the_leaders_phone_for_roles_without_the_grant(api, demo_county):
    from yingji.core import policy
    from yingji.duty.models import DutyShift

    shift = DutyShift.objects.exclude(leader_phone="").order_by("starts_at").first()
    by_observer = {s["id"]: s["leader_phone"] for s in api("observer").get("/api/v1/duty/rosters",
                                                                           page_size=200).json()["items"]}
    by_duty = {s["id"]: s["leader_phone"] for s in api("duty").get("/api/v1/duty/rosters",
                                                                   page_size=200).json()["items"]}
    assert by_duty[shift.pk] == shift.leader_phone
    assert by_observer[shift.pk] == policy.mask_phone(shift.leader_phone) != shift.leader_phone
    now = api("observer").get("/api/v1/duty/now").json()["shifts"]
    assert now, "the demo roster covers this moment"
    for seen in now:
        assert seen["leader_phone"] == policy.mask_phone(DutyShift.objects.get(pk=seen["id"]).leader_phone)
