"""Every module page in the navigation renders for every demo role (200, or 403 for a module the role may not
use), never a server error."""

import pytest
from django.test import Client

from yingji.core.models import User
from yingji.core.modules import MODULES

ACCOUNTS = ["admin", "duty", "section", "inspector", "commander", "approver", "observer", "township1", "grid1",
            "enterprise1"]


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_navigation_page_renders_for_every_role(web, username):
    from django.urls import NoReverseMatch, reverse

    client: Client = web(username)
    home = client.get("/")
    assert home.status_code == 200
    shown = {item["key"] for item in home.context["nav_items"]}
    for module in MODULES:
        key = module.key
        try:
            url = reverse(module.url_name)
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert response.status_code in (200, 403), (username, url, response.status_code)
        if key in shown:
            assert response.status_code == 200, (username, url)
    assert User.objects.get(username=username).is_active
