"""Enterprise responsible persons' phone numbers (legal representative, principal, safety manager) are personal
data: in full only for roles granted "view_pii", masked in lists, exports and API answers for the others; a detail
read of the full numbers is audited."""

from __future__ import annotations

import csv
import io

import pytest

from yingji.core.models import PII_ROLES, AuditRecord, User
from yingji.core.policy import mask_phone
from yingji.enterprises.models import Enterprise

PHONES = Enterprise.PHONE_FIELDS
#: Demo accounts whose roles do not need the numbers / do need them (the enterprise sees its own).
MASKED_USERS = ["observer", "grid1"]
FULL_USERS = ["admin", "duty", "section", "inspector", "commander", "approver", "township1", "enterprise1"]


@pytest.fixture
def phones_enterprise(demo_county, own_enterprise):
    """enterprise1's own enterprise, moved to the first village (so in every demo account's scope), with a mobile,
    a landline and a mobile."""
    Enterprise.objects.filter(pk=own_enterprise.pk).update(
        region_code=demo_county["village"], legal_representative_phone="13837512345",
        principal_phone="0375-8123456", safety_manager_phone="13937598765")
    return Enterprise.objects.get(pk=own_enterprise.pk)


def _in_scope(user: User, enterprise: Enterprise) -> bool:
    return Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists()


def test_the_demo_accounts_cover_both_sides(demo_county):
    assert {u.username for u in User.objects.filter(username__in=FULL_USERS + MASKED_USERS)} == set(
        FULL_USERS + MASKED_USERS)
    for username in MASKED_USERS:
        assert not User.objects.get(username=username).role_keys & set(PII_ROLES)


def test_mask_is_the_core_one():
    assert mask_phone("13837512345") == "138****2345"
    assert mask_phone("0375-8123456") == "0375-***3456"


@pytest.mark.parametrize("username", MASKED_USERS + FULL_USERS)
def test_api_list_and_detail_mask_for_roles_without_the_grant(api, phones_enterprise, username):
    client = api(username)
    assert _in_scope(client.user, phones_enterprise)
    reveal = username in FULL_USERS
    before = AuditRecord.objects.filter(action="view_pii", username=username).count()
    listed = client.get("/api/v1/enterprises", limit=500).json()
    item = next(e for e in listed["items"] if e["id"] == phones_enterprise.pk)
    detail = client.get(f"/api/v1/enterprises/{phones_enterprise.pk}").json()
    for field in PHONES:
        full = getattr(phones_enterprise, field)
        expected = full if reveal else mask_phone(full)
        assert item[field] == expected and detail[field] == expected, (username, field)
        if not reveal:
            assert full not in str(listed) and full not in str(detail)
    views = AuditRecord.objects.filter(action="view_pii", username=username)
    # Lists are not audited per row; a detail read of the full numbers is, and only then.
    assert views.count() - before == (1 if reveal else 0)
    if reveal:
        record = views.latest("id")
        assert record.object_type == "enterprises.enterprise" and record.object_id == str(phones_enterprise.pk)
        assert record.after["fields"] == list(PHONES)


@pytest.mark.parametrize("username", MASKED_USERS + ["section", "enterprise1"])
def test_csv_export_masks_for_roles_without_the_grant(web, phones_enterprise, username):
    response = web(username).get("/enterprises/", {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows[1:] if phones_enterprise.credit_code in r)
    for field in PHONES:
        full = getattr(phones_enterprise, field)
        if username in MASKED_USERS:
            assert mask_phone(full) in row and full not in row
        else:
            assert full in row


@pytest.mark.parametrize("username", MASKED_USERS + ["duty", "enterprise1"])
def test_archive_page_masks_and_audits_the_full_read(web, phones_enterprise, username):
    html = web(username).get(f"/enterprises/{phones_enterprise.pk}/").content.decode()
    audited = AuditRecord.objects.filter(action="view_pii", username=username,
                                         object_id=str(phones_enterprise.pk)).exists()
    for field in PHONES:
        full = getattr(phones_enterprise, field)
        if username in MASKED_USERS:
            assert full not in html and mask_phone(full) in html
        else:
            assert f'href="tel:{full}"' in html
    assert audited == (username not in MASKED_USERS)


def test_no_audit_when_there_is_no_number_to_show(api, own_enterprise):
    Enterprise.objects.filter(pk=own_enterprise.pk).update(legal_representative_phone="", principal_phone="",
                                                           safety_manager_phone="")
    assert api("duty").get(f"/api/v1/enterprises/{own_enterprise.pk}").status_code == 200
    assert not AuditRecord.objects.filter(action="view_pii", username="duty",
                                          object_id=str(own_enterprise.pk)).exists()


def test_out_of_scope_enterprise_reveals_nothing(api, other_enterprise):
    """enterprise1 asks for another enterprise's archive: 404, no numbers, no audit of a read."""
    response = api("enterprise1").get(f"/api/v1/enterprises/{other_enterprise.pk}")
    assert response.status_code == 404
    assert other_enterprise.legal_representative_phone not in response.content.decode()
    assert not AuditRecord.objects.filter(action="view_pii", username="enterprise1",
                                          object_id=str(other_enterprise.pk)).exists()
