"""Helpers for the enterprise tests: a fresh valid credit code, an enterprise in a given township, chemicals."""

from __future__ import annotations

import itertools

import pytest

from yingji.core.models import User
from yingji.enterprises.models import Enterprise
from yingji.standards.gb32100 import make_credit_code

_serial = itertools.count(1)


def new_credit_code() -> str:
    """A valid credit code that the demo county does not use (its organisation-code body is all digits)."""
    while True:
        code = make_credit_code("91", "410481", f"{next(_serial):08d}")
        if not Enterprise.objects.filter(credit_code=code).exists():
            return code


@pytest.fixture
def own_enterprise(demo_county):
    """The demo enterprise of the account ``enterprise1``."""
    return User.objects.get(username="enterprise1").enterprise


@pytest.fixture
def other_enterprise(own_enterprise, demo_county):
    """An enterprise of the second township: outside the scope of township1 and of enterprise1."""
    return Enterprise.objects.filter(region_code__startswith=demo_county["township2"]).order_by("id").first()


@pytest.fixture
def township_enterprise(own_enterprise, demo_county):
    """Another enterprise of the first township (inside township1's scope, outside enterprise1's)."""
    return (Enterprise.objects.filter(region_code__startswith=demo_county["township"])
            .exclude(pk=own_enterprise.pk).order_by("id").first())
