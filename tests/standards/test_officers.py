import datetime
from decimal import Decimal

import pytest

from yingji.standards import officers

DAY = datetime.date(2026, 6, 30)


@pytest.mark.parametrize(("expires", "status"), [
    (None, "expired"),
    (datetime.date(2026, 6, 29), "expired"),
    (datetime.date(2026, 6, 30), "expiring"),           # valid through its last day
    (datetime.date(2026, 8, 28), "expiring"),           # 59 days left
    (datetime.date(2026, 8, 29), "valid"),              # 60 days left
])
def test_certificate_status_at_the_boundaries(expires, status):
    assert officers.certificate_status(expires, DAY) == status
    assert officers.may_enforce(expires, DAY) is (status != "expired")


def test_two_officers_and_ten_days():
    assert officers.MIN_OFFICERS == 2
    assert officers.training_shortfall(0) == Decimal(10)
    assert officers.training_shortfall("7.5") == Decimal("2.5")
    assert officers.training_shortfall(10) == 0 and officers.training_shortfall(12) == 0
    with pytest.raises(ValueError):
        officers.training_shortfall(-1)
