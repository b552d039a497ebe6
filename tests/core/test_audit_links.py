"""The audit trail links each record to the page of its object: every model that has a detail page must be in
the registry, and every registry entry must resolve to a page taking the object's id."""

from __future__ import annotations

from django.apps import apps
from django.urls import get_resolver, reverse

from yingji.core.models import Scoped
from yingji.core.surfaces import pages


def _detail_url_names() -> set[str]:
    return {name for name in get_resolver().reverse_dict if isinstance(name, str) and name.endswith("_detail")}


def test_every_registered_object_page_resolves_with_an_id():
    registered = pages()
    assert len(registered) >= 20
    for label, url_name in registered.items():
        apps.get_model(label)  # the model exists
        assert reverse(url_name, args=[12345]).count("12345") == 1, label


def test_every_scoped_model_with_a_detail_page_is_linked_from_the_audit_trail():
    detail_pages, registered = _detail_url_names(), pages()
    missing = [model._meta.label_lower for model in apps.get_models()
               if issubclass(model, Scoped) and f"{model._meta.model_name}_detail" in detail_pages
               and model._meta.label_lower not in registered]
    assert missing == []
