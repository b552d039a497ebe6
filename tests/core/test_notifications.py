from yingji.core import notifications
from yingji.core.models import User


def test_notify_is_idempotent_per_key_and_skips_disabled_users(demo_county):
    duty, observer = User.objects.get(username="duty"), User.objects.get(username="observer")
    observer.is_active = False
    observer.save()
    first = notifications.notify([duty, duty, observer], "逾期", "hazard 1 overdue", dedupe_key="hazard:1:overdue:1")
    assert [n.recipient for n in first] == [duty]
    again = notifications.notify([duty], "逾期", dedupe_key="hazard:1:overdue:1")
    assert again == []
    assert notifications.unread(duty).count() == 1
    assert notifications.mark_read(duty) == 1 and notifications.unread(duty).count() == 0
    assert len(notifications.notify([duty], "no key")) == len(notifications.notify([duty], "no key")) == 1
