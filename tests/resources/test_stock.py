"""Stock movements: never negative, no lost update (stale instances and concurrent threads), and the transfer
workflow with its quantity checks."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection
from django.db.models import Sum

from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import User
from yingji.resources import services
from yingji.resources.models import StockBatch, StockMovement, SupplyItem, Transfer, Warehouse


def _batch(quantity: int, code: str = "410481001") -> StockBatch:
    warehouse = Warehouse.objects.get(region_code=code)
    item = SupplyItem.objects.get(code="SH-002")
    return StockBatch.objects.create(warehouse=warehouse, item=item, batch_no=f"TEST-{quantity}", quantity=quantity)


def test_two_stale_instances_cannot_both_take_the_last_units(demo_county):
    user = User.objects.get(username="township1")
    batch = _batch(5)
    first, second = StockBatch.objects.get(pk=batch.pk), StockBatch.objects.get(pk=batch.pk)
    services.take_stock(user, first, 5)
    with pytest.raises(Conflict):
        services.take_stock(user, second, 5)  # still believes 5 are there
    batch.refresh_from_db()
    assert batch.quantity == 0
    assert list(batch.movements.values_list("change", "balance_after")) == [(-5, 0)]


def test_stock_never_goes_negative_even_bypassing_services(demo_county):
    from django.db import IntegrityError, transaction

    batch = _batch(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBatch.objects.filter(pk=batch.pk).update(quantity=-1)


def test_movement_records_and_refusals(demo_county):
    user = User.objects.get(username="township1")
    batch = _batch(10)
    with pytest.raises(ValidationFailed):
        services.take_stock(user, batch, 0)
    with pytest.raises(ValidationFailed):
        services.take_stock(user, batch, 1, kind="receipt")
    with pytest.raises(NotAllowed):
        services.take_stock(User.objects.get(username="observer"), batch, 1)
    with pytest.raises(NotAllowed):
        services.take_stock(User.objects.get(username="township2"), batch, 1)
    services.take_stock(user, batch, 3, kind="loss", reason="受潮")
    services.count_stock(user, batch, 6, expected=7, reason="盘点")
    moves = list(StockMovement.objects.filter(batch=batch).order_by("id").values_list("kind", "change",
                                                                                     "balance_after"))
    assert moves == [("loss", -3, 7), ("count", -1, 6)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_of_the_last_units_exactly_one_wins(demo_county):
    """Eight threads, each with its own database connection, race to issue the last 3 units."""
    user = User.objects.get(username="township1")
    batch = _batch(3)
    barrier = threading.Barrier(8)
    results: list[str] = []

    def issue():
        try:
            stale = StockBatch.objects.get(pk=batch.pk)
            barrier.wait()
            for _attempt in range(200):
                try:
                    services.take_stock(user, stale, 3)
                except OperationalError as exc:
                    # The in-memory shared-cache test database answers "locked" at once where a database
                    # file (busy timeout) or PostgreSQL waits; the whole take rolled back, so wait and retry.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                    continue
                results.append("ok")
                break
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 7 + ["ok"]
    batch.refresh_from_db()
    assert batch.quantity == 0
    assert StockMovement.objects.filter(batch=batch).count() == 1


# --- transfers -------------------------------------------------------------------------------------------------


def _setup():
    section = User.objects.get(username="section")
    township = User.objects.get(username="township1")
    county_wh = Warehouse.objects.get(level="county")
    target = Warehouse.objects.get(region_code="410481001")
    item = SupplyItem.objects.get(code="SH-003")
    return section, township, county_wh, target, item


def _held(warehouse, item) -> int:
    return StockBatch.objects.filter(warehouse=warehouse, item=item).aggregate(n=Sum("quantity"))["n"] or 0


def test_transfer_moves_stock_batch_by_batch_earliest_expiry_first(demo_county):
    section, township, source, target, item = _setup()
    before_source, before_target = _held(source, item), _held(target, item)
    quantity = before_source - 1  # spans every batch
    transfer = services.request_transfer(section, source=source, target=target, item=item, quantity=quantity)
    services.transition_transfer(section, transfer, "approve")
    transfer = services.transition_transfer(section, Transfer.objects.get(pk=transfer.pk), "dispatch")
    assert transfer.state == "dispatched" and transfer.dispatched_at
    assert _held(source, item) == 1
    outs = transfer.movements.filter(kind="transfer_out").order_by("id")
    expiries = [m.batch.expires_on for m in outs]
    assert expiries == sorted(expiries)
    transfer = services.transition_transfer(township, transfer, "receive")
    assert transfer.state == "received"
    assert _held(target, item) == before_target + quantity
    assert _held(source, item) + _held(target, item) == before_source + before_target


def test_transfer_quantity_checked_at_request_approval_and_dispatch(demo_county):
    section, township, source, target, item = _setup()
    held = _held(source, item)
    with pytest.raises(ValidationFailed):
        services.request_transfer(section, source=source, target=target, item=item, quantity=held + 1)
    transfer = services.request_transfer(section, source=source, target=target, item=item, quantity=held)
    # Stock issued meanwhile: approval refuses, nothing changes.
    batch = StockBatch.objects.filter(warehouse=source, item=item, quantity__gt=0).first()
    services.take_stock(section, batch, 1)
    with pytest.raises(ValidationFailed):
        services.transition_transfer(section, transfer, "approve")
    assert Transfer.objects.get(pk=transfer.pk).state == "requested"
    services.receive_stock(section, source, item, 1, batch_no="TOPUP")
    transfer = services.transition_transfer(section, Transfer.objects.get(pk=transfer.pk), "approve")
    # Issued again after approval: dispatch fails as a whole and leaves every batch as it was.
    services.take_stock(section, StockBatch.objects.get(warehouse=source, item=item, batch_no="TOPUP"), 1)
    before = dict(StockBatch.objects.filter(warehouse=source, item=item).values_list("pk", "quantity"))
    with pytest.raises(ValidationFailed):
        services.transition_transfer(section, transfer, "dispatch")
    assert dict(StockBatch.objects.filter(warehouse=source, item=item).values_list("pk", "quantity")) == before
    assert Transfer.objects.get(pk=transfer.pk).state == "approved"
    assert not StockMovement.objects.filter(transfer=transfer).exists()


def test_transfer_roles_states_and_stale_versions(demo_county):
    section, township, source, target, item = _setup()
    transfer = services.request_transfer(section, source=source, target=target, item=item, quantity=1)
    with pytest.raises(NotAllowed):
        services.transition_transfer(township, transfer, "approve")  # the source is not the township's
    with pytest.raises(Conflict):
        services.transition_transfer(section, transfer, "receive")  # not dispatched yet
    stale = Transfer.objects.get(pk=transfer.pk)
    services.transition_transfer(section, transfer, "approve")
    with pytest.raises(Conflict):
        services.transition_transfer(section, stale, "reject")
    stale_again = Transfer.objects.get(pk=transfer.pk)
    services.transition_transfer(section, Transfer.objects.get(pk=transfer.pk), "dispatch")
    with pytest.raises(Conflict):
        services.transition_transfer(section, stale_again, "dispatch")  # no double dispatch of the stock
    assert StockMovement.objects.filter(transfer=transfer, kind="transfer_out").aggregate(n=Sum("change"))["n"] == -1


def test_expiry_reminders_notify_the_keepers_once(demo_county):
    from yingji.core.models import Notification
    from yingji.core.tasks import PERIODIC_JOBS

    assert any(name.endswith("remind_stock_due") for name in PERIODIC_JOBS)
    sent = services.remind_expiry()
    assert sent > 0
    township1 = User.objects.get(username="township1")
    mine = Notification.objects.filter(recipient=township1, object_type="resources.stockbatch")
    due = services.expiring_batches().filter(region_code__startswith=township1.scope_region_code).count()
    assert mine.count() == due
    assert services.remind_expiry() == 0  # idempotent per batch and due date


def test_receiving_cannot_overflow_a_batch(demo_county):
    user = User.objects.get(username="township1")
    batch = _batch(services.MAX_QUANTITY - 1)
    with pytest.raises(ValidationFailed) as exc:
        services.receive_stock(user, batch.warehouse, batch.item, 2, batch_no=batch.batch_no)
    assert exc.value.errors[0]["field"] == "quantity"
    batch.refresh_from_db()
    assert batch.quantity == services.MAX_QUANTITY - 1
    services.receive_stock(user, batch.warehouse, batch.item, 1, batch_no=batch.batch_no)
    batch.refresh_from_db()
    assert batch.quantity == services.MAX_QUANTITY
