"""Template helpers of the generic surface pages (``core.generic``)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def table_rows(page, table):
    """``{% for url, cells in page|table_rows:table %}``: the rows of a list page drawn by its ``generic.Table``."""
    return table.rows(page)
