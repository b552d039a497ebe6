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


def test_one_inbox_shows_every_module_and_only_ones_own(demo_county, api, web):
    """Task assignments (incidents), hazard notices (prevention) and anything else sent through
    core.notifications land in one inbox: the header badge, the page and the API, never another user's."""
    duty, observer = User.objects.get(username="duty"), User.objects.get(username="observer")
    notifications.mark_read(duty)
    task_note, = notifications.notify([duty], "New task: 转移群众", link="/incidents/1/", kind="task")
    hazard_note, = notifications.notify([duty], "隐患逾期", "long text", link="/hazards/7/", kind="overdue")
    notifications.notify([observer], "不是你的", kind="task")
    evil, = notifications.notify([duty], "外链", link="//evil.example/x", kind="task")

    body = api("duty").get("/api/v1/notifications", unread="true").json()
    assert [n["id"] for n in body["items"]] == [evil.pk, hazard_note.pk, task_note.pk]
    assert body["items"][2]["kind"] == "task" and body["items"][2]["link"] == "/incidents/1/"
    assert api("duty").get("/api/v1/notifications", kind="overdue").json()["count"] >= 1

    page = web("duty").get("/notifications/").content.decode()
    assert "转移群众" in page and "隐患逾期" in page and "不是你的" not in page
    assert 'href="/incidents/1/"' in page and "evil.example" not in page.split("外链")[1].split("</li>")[0]
    assert 'id="yj-inbox-count">3<' in web("duty").get("/").content.decode()

    # Marking someone else's notification read does nothing; one's own works, and the badge goes away.
    other = notifications.inbox(observer).first()
    assert api("duty").post("/api/v1/notifications/read", {"ids": [other.pk]}).json() == {"marked": 0}
    assert api("duty").post("/api/v1/notifications/read", {}).json() == {"marked": 3}
    assert "yj-inbox-count" not in web("duty").get("/").content.decode()
