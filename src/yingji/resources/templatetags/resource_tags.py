"""Template helpers of the resources pages, and the incident page's recommended resources."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def table_rows(page, table):
    """``{% for url, cells in page|table_rows:table %}``: the rows of a list page drawn by its ``views.Table``."""
    return table.rows(page)


@register.inclusion_tag("resources/includes/incident_resources.html", takes_context=True)
def recommended_resources(context, incident):
    """``{% recommended_resources incident %}``: teams matching the incident's type, stocked warehouses and
    shelters with room, nearest to the incident, within the viewer's scope (the nearby service)."""
    from yingji.resources import services

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"incident": incident, "request": request, **services.recommend_for_incident(user, incident)}
