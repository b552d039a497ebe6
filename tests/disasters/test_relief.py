"""Disaster relief: standards as data, the application workflow (action × state × role), the public notice with
its period and objections, county approval, disbursement of funds and goods (stock down exactly once), no household
paid twice for one kind and event (service check, compare-and-swap under threads, database constraint), and personal
data masked on every page, API answer and export that shows relief data."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse

from yingji.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from yingji.core.models import User
from yingji.disasters.choices_relief import ApplicationState as S
from yingji.disasters.models import (
    DisasterEvent,
    Household,
    ReliefApplication,
    ReliefDisbursement,
    ReliefObjection,
    ReliefStandard,
)
from yingji.disasters.services import relief as services
from yingji.resources.models import StockBatch
from yingji.standards import relief as rules

TOWNSHIP = "410481001"  # township1's township


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _number(seq: int) -> str:
    return rules.with_check(f"41048119700101{seq:03d}")


@pytest.fixture
def event(demo_county):
    return DisasterEvent.objects.exclude(incident=None).order_by("started_at").first()


@pytest.fixture
def household(demo_county):
    return Household.objects.filter(region_code__startswith=TOWNSHIP).order_by("id").first()


def _apply(event, household, seq=1, kind="emergency", user="township1", **extra):
    return services.create_application(_user(user), {"event": event.pk, "household": household.pk, "kind": kind,
                                                     "id_number": _number(seq), "units": 10, **extra})


def _to_approved(app):
    app = services.act(_user("township1"), app, "review")
    app = services.act(_user("township1"), app, "publish")
    with time_machine.travel(datetime.datetime.combine(app.notice_until + datetime.timedelta(days=1),
                                                       datetime.time(10)).astimezone(), tick=False):
        return services.act(_user("section"), app, "approve")


# --- rules and standards -------------------------------------------------------------------------------------


def test_masking_and_identity_numbers():
    assert rules.mask_name("张三明") == "张*明" and rules.mask_name("李四") == "李*"
    assert rules.mask_name("欧阳小华") == "欧**华"
    number = _number(5)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert rules.id_number_valid(number) and not rules.id_number_valid(wrong)
    assert rules.mask_id_number(number) == number[:6] + "********" + number[-4:]
    assert rules.notice_days() == 7 and rules.notice_ends(datetime.date(2026, 7, 1)) == datetime.date(2026, 7, 7)
    assert rules.table()["notice"]["verified"] is False and rules.table()["default_amounts"]["verified"] is False
    assert rules.amount("emergency", 3, Decimal(20), Decimal(0), 10) == Decimal("600.00")
    assert rules.amount("housing", 3, Decimal(0), Decimal(20000)) == Decimal("20000.00")
    with pytest.raises(ValueError):
        rules.amount("other", 1, Decimal(1), Decimal(0))


def test_standards_are_data_per_year_and_give_the_amount(event, household):
    standard = ReliefStandard.objects.get(region_code="410481", year=event.started_at.year, kind="emergency")
    assert standard.verified is False and standard.source
    app = _apply(event, household)
    assert app.amount == standard.per_person * app.members * 10
    # A township's own standard wins over the county's.
    ReliefStandard.objects.create(region_code=TOWNSHIP, year=event.started_at.year, kind="transition",
                                  per_person=Decimal(700), source="乡镇标准")
    app2 = _apply(event, household, seq=2, kind="transition", units=3)
    assert app2.amount == Decimal(700) * app2.members * 3


def test_bad_input_gives_field_errors(event, household):
    with pytest.raises(ValidationFailed) as caught:
        _apply(event, household, id_number="410481197001010000")
    assert "id_number" in {e["field"] for e in caught.value.errors}
    with pytest.raises(ValidationFailed):
        services.create_application(_user("township2"), {"event": event.pk, "household": household.pk,
                                                         "kind": "emergency", "id_number": _number(1)})


def test_one_live_application_per_household_kind_and_event(event, household):
    _apply(event, household)
    with pytest.raises((ValidationFailed, Conflict)):
        _apply(event, household)


# --- the workflow --------------------------------------------------------------------------------------------

ROLES = ["admin", "section", "township1", "township2", "grid1", "duty", "observer"]
ACTIONS = ["review", "publish", "approve", "disburse", "return", "resubmit", "reject"]
ALLOWED = {  # (state, action) → the accounts that may take it (the others: 403, or 404 out of their area)
    (S.APPLIED, "review"): {"admin", "section", "township1"},
    (S.REVIEWED, "publish"): {"admin", "section", "township1"},
    (S.NOTICE, "approve"): {"admin", "section"},
    (S.APPROVED, "disburse"): {"admin", "section", "township1"},
    (S.REVIEWED, "return"): {"admin", "section", "township1"},
    (S.NOTICE, "return"): {"admin", "section", "township1"},
    (S.APPROVED, "return"): {"admin", "section", "township1"},
    (S.RETURNED, "resubmit"): {"admin", "section", "township1"},
    **{(s, "reject"): {"admin", "section", "township1"} for s in (S.APPLIED, S.REVIEWED, S.NOTICE, S.RETURNED)},
}
STATES = [S.APPLIED, S.REVIEWED, S.NOTICE, S.APPROVED, S.DISBURSED, S.RETURNED, S.REJECTED]


@pytest.mark.parametrize("state", STATES)
def test_action_state_role_matrix(event, household, state):
    app = _apply(event, household, seq=50)
    past = datetime.date(2020, 1, 1)
    for action in ACTIONS:
        for username in ROLES:
            ReliefApplication.objects.filter(pk=app.pk).update(state=state, notice_from=past, notice_until=past)
            app.refresh_from_db()
            ReliefDisbursement.objects.filter(application=app).delete()
            payload = {"reason": "材料不全", "funds": "1"}
            expected = username in ALLOWED.get((state, action), set())
            try:
                with transaction.atomic():
                    services.act(_user(username), app, action, payload)
                    outcome = "ok"
                    transaction.set_rollback(True)
            except (NotAllowed, NotFound):
                outcome = "denied"
            except Conflict:
                outcome = "conflict"
            if expected:
                assert outcome == "ok", (state, action, username, outcome)
            elif (state, action) in ALLOWED:
                assert outcome == "denied", (state, action, username, outcome)
            else:
                assert outcome in ("conflict", "denied"), (state, action, username, outcome)


def test_the_whole_path_with_notice_objections_and_timeline(event, household):
    app = _apply(event, household)
    app = services.act(_user("township1"), app, "review")
    with pytest.raises(ValidationFailed):
        services.act(_user("township1"), app, "return", {})  # a reason is required
    app = services.act(_user("township1"), app, "publish")
    assert app.state == S.NOTICE and (app.notice_until - app.notice_from).days == 6
    # Approval waits for the notice period to end.
    with pytest.raises(ValidationFailed):
        services.act(_user("section"), app, "approve")
    objection = services.raise_objection(_user("township1"), app, {"raised_by": "村民", "content": "情况不实"})
    after = datetime.datetime.combine(app.notice_until + datetime.timedelta(days=1), datetime.time(10)).astimezone()
    with time_machine.travel(after, tick=False):
        with pytest.raises(ValidationFailed):
            services.act(_user("section"), app, "approve")  # an open objection
        services.handle_objection(_user("township1"), objection, {"decision": "dismissed", "resolution": "已核实"})
        with pytest.raises(Conflict):
            services.handle_objection(_user("township1"), objection, {"decision": "upheld", "resolution": "再议"})
        app = services.act(_user("section"), app, "approve")
    assert app.state == S.APPROVED
    app = services.act(_user("township1"), app, "disburse", {"funds": str(app.amount)})
    assert app.state == S.DISBURSED and app.disbursement.funds == app.amount
    kinds = list(app.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["applied", "review", "publish", "objection", "objection_dismissed", "approve", "disburse"]
    from yingji.core.models import AuditRecord

    assert AuditRecord.objects.filter(object_type="disasters.reliefapplication", object_id=str(app.pk),
                                      action="transition").count() == 4


def test_an_upheld_objection_blocks_approval(event, household):
    app = services.act(_user("township1"), services.act(_user("township1"), _apply(event, household), "review"),
                       "publish")
    objection = services.raise_objection(_user("township1"), app, {"raised_by": "村民", "content": "不符合条件"})
    services.handle_objection(_user("township1"), objection, {"decision": "upheld", "resolution": "属实"})
    after = datetime.datetime.combine(app.notice_until + datetime.timedelta(days=1), datetime.time(10)).astimezone()
    with time_machine.travel(after, tick=False), pytest.raises(ValidationFailed):
        services.act(_user("section"), app, "approve")
    assert services.act(_user("township1"), app, "reject", {"reason": "异议属实"}).state == S.REJECTED


def test_goods_come_out_of_the_warehouse_once(event, household):
    app = _to_approved(_apply(event, household))
    batch = StockBatch.objects.filter(region_code__startswith=TOWNSHIP, quantity__gte=5).order_by("id").first() or \
        StockBatch.objects.filter(quantity__gte=5).order_by("id").first()
    before = batch.quantity
    user = _user("township1") if batch.region_code.startswith(TOWNSHIP) else _user("section")
    services.act(user, app, "disburse", {"funds": "0", "batch": batch.pk, "quantity": 3})
    batch.refresh_from_db()
    assert batch.quantity == before - 3
    with pytest.raises(Conflict):
        services.act(user, app, "disburse", {"funds": "0", "batch": batch.pk, "quantity": 3})
    batch.refresh_from_db()
    assert batch.quantity == before - 3 and ReliefDisbursement.objects.filter(application=app).count() == 1


def test_too_much_goods_rolls_everything_back(event, household):
    app = _to_approved(_apply(event, household))
    batch = StockBatch.objects.filter(quantity__gte=1).order_by("id").first()
    with pytest.raises(Conflict):
        services.act(_user("admin"), app, "disburse", {"funds": "0", "batch": batch.pk,
                                                       "quantity": batch.quantity + 1})
    app.refresh_from_db()
    assert app.state == S.APPROVED and not ReliefDisbursement.objects.filter(application=app).exists()


def test_funds_above_the_approved_amount_are_refused(event, household):
    app = _to_approved(_apply(event, household))
    with pytest.raises(ValidationFailed):
        services.act(_user("township1"), app, "disburse", {"funds": str(app.amount + 1)})


# --- no double payment -----------------------------------------------------------------------------------------


def test_the_database_refuses_a_second_payment(event, household):
    app = _to_approved(_apply(event, household))
    ReliefDisbursement.objects.create(application=app, event=event, kind=app.kind, id_number=app.id_number,
                                      region_code=app.region_code, funds=Decimal(1))
    other = _apply(event, household, seq=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReliefDisbursement.objects.create(application=other, event=event, kind=app.kind, id_number=app.id_number,
                                          region_code=app.region_code, funds=Decimal(1))
    # The service check refuses before the database has to (the first application set aside, as if rejected).
    ReliefApplication.objects.filter(pk=app.pk).update(state=S.REJECTED)
    ReliefApplication.objects.filter(pk=other.pk).update(state=S.APPROVED, id_number=app.id_number)
    other.refresh_from_db()
    with pytest.raises(Conflict):
        services.act(_user("township1"), other, "disburse", {"funds": "1"})


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_disbursements_pay_once(demo_county):
    """Two staff disburse the same approved application at once (threads, own connections): one wins."""
    event = DisasterEvent.objects.exclude(incident=None).order_by("started_at").first()
    household = Household.objects.filter(region_code__startswith=TOWNSHIP).order_by("id").first()
    app = _to_approved(_apply(event, household, seq=77))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def staff(username):
        try:
            user = _user(username)
            stale = ReliefApplication.objects.get(pk=app.pk)
            barrier.wait()
            for _attempt in range(200):
                try:
                    services.act(user, stale, "disburse", {"funds": "10"})
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                    continue
                except Conflict:
                    results.append("conflict")
                else:
                    results.append("ok")
                break
        finally:
            connection.close()

    threads = [threading.Thread(target=staff, args=(name,)) for name in ("township1", "section")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert ReliefDisbursement.objects.filter(event=event, kind="emergency", id_number=_number(77)).count() == 1
    app.refresh_from_db()
    assert app.state == S.DISBURSED and app.version == 4


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_approve_once(demo_county):
    event = DisasterEvent.objects.exclude(incident=None).order_by("started_at").first()
    household = Household.objects.filter(region_code__startswith=TOWNSHIP).order_by("id").first()
    app = services.act(_user("township1"), services.act(_user("township1"), _apply(event, household, seq=78),
                                                        "review"), "publish")
    ReliefApplication.objects.filter(pk=app.pk).update(notice_from=datetime.date(2020, 1, 1),
                                                       notice_until=datetime.date(2020, 1, 7))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def staff(username):
        try:
            stale = ReliefApplication.objects.get(pk=app.pk)
            barrier.wait()
            for _attempt in range(200):
                try:
                    services.act(_user(username), stale, "approve")
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                    continue
                except Conflict:
                    results.append("conflict")
                else:
                    results.append("ok")
                break
        finally:
            connection.close()

    threads = [threading.Thread(target=staff, args=(name,)) for name in ("admin", "section")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert list(ReliefApplication.objects.get(pk=app.pk).events.filter(kind="approve").values_list("kind", flat=True)) \
        == ["approve"]


# --- scope and masking -----------------------------------------------------------------------------------------


def test_township_staff_see_their_township_only(event, household):
    app = _apply(event, household)
    assert ReliefApplication.objects.for_user(_user("township1")).filter(pk=app.pk).exists()
    assert not ReliefApplication.objects.for_user(_user("township2")).filter(pk=app.pk).exists()
    with pytest.raises(NotAllowed):
        ReliefApplication.objects.for_user(_user("enterprise1")).exists()


def _shown_on_notice(event, household):
    app = _apply(event, household, seq=31, head_name="张三明", phone="13812345678")
    return services.act(_user("township1"), services.act(_user("township1"), app, "review"), "publish")


def test_masking_on_every_page_api_and_export(event, household, web, api, client):
    app = _shown_on_notice(event, household)
    full, masked_id = app.id_number, rules.mask_id_number(app.id_number)
    disbursed = ReliefDisbursement.objects.order_by("id").first()
    pages = [reverse("relief_application_list"), reverse("relief_application_detail", args=[app.pk]),
             reverse("relief_application_list") + "?export=xlsx", reverse("relief_application_list") + "?export=csv",
             reverse("relief_disbursement_list"), reverse("relief_disbursement_detail", args=[disbursed.pk]),
             reverse("relief_disbursement_list") + "?export=csv"]
    apis = [f"/api/v1/relief-applications?event={event.pk}", f"/api/v1/relief-applications/{app.pk}",
            "/api/v1/relief-disbursements", f"/api/v1/relief-disbursements/{disbursed.pk}",
            f"/api/v1/relief-notice/{event.pk}"]
    secrets = [full, "13812345678", disbursed.id_number]

    def body(response) -> str:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if content[:2] == b"PK":
            import io

            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content))
            return "\n".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
        return content.decode("utf-8-sig")

    # The public notice: no login, masked name and number, no phone.
    for url in (reverse("relief_public_notice_index"), reverse("relief_public_notice", args=[event.pk])):
        response = client.get(url)
        assert response.status_code == 200
        text = body(response)
        assert all(s not in text for s in secrets) and "张三明" not in text
    assert "张*明" in body(client.get(reverse("relief_public_notice", args=[event.pk])))
    assert masked_id in body(client.get(reverse("relief_public_notice", args=[event.pk])))
    # The observer (county-wide, no personal-data grant) sees every relief page, export and answer masked.
    observer = web("observer")
    for url in pages:
        response = observer.get(url)
        assert response.status_code == 200, url
        text = body(response)
        assert all(s not in text for s in secrets), url
        shown = masked_id if "application" in url else rules.mask_id_number(disbursed.id_number)
        assert shown in text, url
    observer_api = api("observer")
    for path in apis:
        response = observer_api.get(path)
        assert response.status_code == 200, path
        assert all(s not in response.content.decode() for s in secrets), path
    assert observer_api.get(f"/api/v1/relief-applications/{app.pk}").json()["phone"] == "138****5678"
    # The township's staff hold the grant: full numbers (and the reveal is audited on the detail).
    township = web("township1")
    assert full in body(township.get(reverse("relief_application_detail", args=[app.pk])))
    assert full in api("township1").get(f"/api/v1/relief-applications/{app.pk}").json()["id_number"]
    # Even for them the public notice API stays masked.
    assert full not in api("township1").get(f"/api/v1/relief-notice/{event.pk}").content.decode()


def test_grid_member_sees_masked_lists(event, household, web):
    app = _apply(event, household, seq=32)
    # grid1's village: an application there is visible, masked.
    village = User.objects.get(username="grid1").scope_region_code
    ReliefApplication.objects.filter(pk=app.pk).update(region_code=village)
    text = web("grid1").get(reverse("relief_application_list")).content.decode()
    assert rules.mask_id_number(app.id_number) in text and app.id_number not in text


# --- API -------------------------------------------------------------------------------------------------------


def test_api_create_act_and_errors(event, household, api):
    client = api("township1")
    response = client.post("/api/v1/relief-applications", {"event_id": event.pk, "household_id": household.pk,
                                                     "kind": "emergency", "id_number": _number(61), "units": 5})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.post("/api/v1/relief-applications", {"event_id": event.pk, "kind": "emergency",
                                                "id_number": "123"}).status_code == 422
    allowed = client.get(f"/api/v1/relief-applications/{pk}/transitions").json()
    assert [t["action"] for t in allowed] == ["review", "reject"]
    response = client.post(f"/api/v1/relief-applications/{pk}/transitions", {"action": "review"})
    assert response.status_code == 200 and response.json()["state"] == "reviewed"
    assert client.post(f"/api/v1/relief-applications/{pk}/transitions", {"action": "review"}).status_code == 409
    assert client.post(f"/api/v1/relief-applications/{pk}/transitions", {"action": "approve"}).status_code == 409
    assert api("township2").get(f"/api/v1/relief-applications/{pk}").status_code == 404
    client.post(f"/api/v1/relief-applications/{pk}/transitions", {"action": "publish"})
    response = client.post(f"/api/v1/relief-applications/{pk}/objections", {"raised_by": "村民", "content": "有异议"})
    assert response.status_code == 201
    objection = response.json()["id"]
    handle = f"/api/v1/relief-objections/{objection}/handle"
    assert client.post(handle, {"decision": "maybe", "resolution": "x"}).status_code == 422
    assert client.post(f"/api/v1/relief-objections/{objection}/handle",
                       {"decision": "dismissed", "resolution": "经核实"}).status_code == 200
    assert ReliefObjection.objects.get(pk=objection).state == "dismissed"
    standards = api("section").post("/api/v1/relief-standards", {
        "region_code": "410481", "year": 2030, "kind": "housing", "per_household": "25000", "source": "县政府文件"})
    assert standards.status_code == 201
    assert api("section").post("/api/v1/relief-standards", {"region_code": "410481", "year": 3000, "kind": "housing",
                                                     "source": "x"}).status_code == 422
    assert api("township1").post("/api/v1/relief-standards", {"region_code": "410481", "year": 2031, "kind": "housing",
                                                       "source": "x"}).status_code == 403


def test_pages_work_for_township_staff(event, household, web):
    app = _apply(event, household)
    client = web("township1")
    for url in (reverse("relief_application_list"), reverse("relief_application_detail", args=[app.pk]),
                reverse("relief_application_create"), reverse("relief_application_edit", args=[app.pk]),
                reverse("relief_standard_list"), reverse("relief_disbursement_list")):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("relief_application_act", args=[app.pk]), {"action": "review"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == S.REVIEWED


def test_demo_has_relief_at_every_step(demo_county):
    states = set(ReliefApplication.objects.values_list("state", flat=True))
    assert {S.DISBURSED, S.APPROVED, S.NOTICE, S.APPLIED} <= states
    assert ReliefDisbursement.objects.filter(movement__isnull=False).exists() or not StockBatch.objects.exists()
    assert ReliefObjection.objects.filter(state="dismissed").exists()


def test_an_application_past_review_cannot_change_but_an_unchanged_save_is_fine(event, household):
    app = services.act(_user("township1"), _apply(event, household), "review")
    assert services.update_application(_user("township1"), app, {"members": app.members}).members == app.members
    with pytest.raises(Conflict):
        services.update_application(_user("township1"), app, {"members": app.members + 1})


def test_the_form_takes_the_household_details(event, household, web):
    client = web("township1")
    response = client.post(reverse("relief_application_create"), {
        "event": event.pk, "household": household.pk, "kind": "winter_spring", "id_number": _number(88),
        "damage": "severe", "units": 1, "region_code": "", "head_name": "", "members": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    app = ReliefApplication.objects.get(id_number=_number(88))
    assert app.head_name == household.head_name and app.members == household.people
    response = client.post(reverse("relief_application_create"), {
        "event": event.pk, "kind": "winter_spring", "id_number": "123", "damage": "none", "units": 1})
    assert response.status_code in (200, 422) and "身份证" in response.content.decode()
