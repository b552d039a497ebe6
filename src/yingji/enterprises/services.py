"""Services for the enterprise registry (the only writers)."""

from collections.abc import Mapping
from typing import Any

from yingji.core import policy
from yingji.core.services import create_object, update_object

from .models import Enterprise


def create_enterprise(actor, data: Mapping[str, Any]) -> Enterprise:
    return create_object(actor, Enterprise, data)


def update_enterprise(actor, enterprise: Enterprise, data: Mapping[str, Any]) -> Enterprise:
    if actor.enterprise_id and {"credit_code", "region_code", "status"} & set(data):
        # An enterprise keeps its own profile current; its identity, place and status are the bureau's record.
        policy.require(actor, "manage", Enterprise)
    return update_object(actor, enterprise, data)


def find_by_credit_code(code: str) -> Enterprise | None:
    return Enterprise.objects.filter(credit_code=code).first()
