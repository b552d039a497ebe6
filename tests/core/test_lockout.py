"""Login lockout by account and address together (issue 21 §5): five failures for one account from one address do
not lock other accounts behind the same address, nor the account from elsewhere; only failures for many distinct
accounts from one address (password spraying) lock that address. Behind a trusted reverse proxy the address is
read from X-Forwarded-For; from anyone else the header is ignored."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory

from yingji.core.middleware import client_address
from yingji.core.models import AuditRecord

NAT = "192.0.2.50"
ACCOUNTS = ["admin", "duty", "section", "inspector", "commander", "approver", "observer", "township1",
            "township2", "grid1", "enterprise1"]


def login(address: str, username: str, password: str, **headers):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password}, headers=headers)


def fail_until_locked(address: str, username: str):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert login(address, username, "wrong").status_code == 200
    assert login(address, username, "wrong").status_code == 429


def test_five_failures_for_one_account_do_not_lock_the_others_behind_the_same_address(demo_county, password):
    fail_until_locked(NAT, "duty")
    assert login(NAT, "duty", password).status_code == 429  # the pair stays locked, right password or not
    assert login(NAT, "section", password).status_code == 302  # a colleague behind the same NAT logs in
    assert login(NAT, "inspector", "wrong").status_code == 200  # and is judged on its own count


def test_the_locked_account_still_logs_in_from_another_address(demo_county, password):
    fail_until_locked(NAT, "commander")
    assert login("192.0.2.51", "commander", password).status_code == 302


def test_many_distinct_usernames_from_one_address_lock_the_address(demo_county, password, settings):
    settings.LOCKOUT_ADDRESS_USERNAMES = 8
    sprayer = "198.18.0.9"
    for username in ACCOUNTS[:7]:
        assert login(sprayer, username, "Spring@2026").status_code == 200
    assert login(sprayer, ACCOUNTS[7], "Spring@2026").status_code == 429  # the 8th distinct account
    # Now every account is refused from that address, the right password included ...
    assert login(sprayer, "grid1", password).status_code == 429
    # ... and no account is locked anywhere else.
    assert login("198.18.0.10", "admin", password).status_code == 302
    assert AuditRecord.objects.filter(action="login_failed", address=sprayer).count() >= 8


def test_usernames_below_the_spraying_threshold_do_not_lock_the_address(demo_county, password, settings):
    settings.LOCKOUT_ADDRESS_USERNAMES = 8
    for username in ACCOUNTS[:7]:
        assert login(NAT, username, "wrong").status_code == 200
    assert login(NAT, "township2", password).status_code == 302


def test_spraying_threshold_defaults_to_ten_and_lockout_is_per_pair():
    assert django_settings.LOCKOUT_ADDRESS_USERNAMES == 10
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.parametrize("trusted, remote, forwarded, expected", [
    ([], "203.0.113.1", "10.0.0.1", "203.0.113.1"),  # no proxy configured: the header is ignored
    (["10.0.0.2"], "203.0.113.1", "10.9.9.9", "203.0.113.1"),  # the peer is not the proxy: ignored
    (["10.0.0.2"], "10.0.0.2", "198.51.100.7", "198.51.100.7"),  # from the proxy: the address it saw
    (["10.0.0.2"], "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a forged left entry is not used
    (["10.0.0.0/24"], "10.0.0.2", "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # a chain of trusted proxies
    (["10.0.0.2"], "10.0.0.2", "", "10.0.0.2"),
    (["10.0.0.2"], "10.0.0.2", "not-an-address", "10.0.0.2"),
])
def test_client_address_reads_x_forwarded_for_only_from_a_trusted_proxy(settings, trusted, remote, forwarded,
                                                                         expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_lockout_and_audit_use_the_forwarded_address_behind_a_trusted_proxy(demo_county, password, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    fail_until_locked_via_proxy = [login("10.0.0.2", "approver", "wrong", **{"X-Forwarded-For": "198.51.100.70"})
                                   for _ in range(django_settings.AXES_FAILURE_LIMIT)]
    assert fail_until_locked_via_proxy[-1].status_code == 429
    assert AuditRecord.objects.filter(action="login_failed", address="198.51.100.70").count() >= 4
    # Another client behind the same proxy is a different address.
    assert login("10.0.0.2", "approver", password, **{"X-Forwarded-For": "198.51.100.71"}).status_code == 302
    # A direct client cannot pick an address with the header: the proxy's own peer address is what counts.
    assert login("203.0.113.99", "approver", password, **{"X-Forwarded-For": "198.51.100.70"}).status_code == 302
