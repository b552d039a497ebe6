"""Template helpers of the resources pages, and the incident page's recommended resources."""

from __future__ import annotations

from django import template

from yingji.core.templatetags.yingji_tags import distance

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
    found = services.recommend_for_incident(user, incident)
    # The same resources as pins on the incident page's small map (with the incident's 1/3/5 km rings).
    map_points = [{"kind": kind, "name": r["name"], "lat": r["lat"], "lon": r["lon"],
                   "distance": distance(r["distance_m"])}
                  for kind, key in (("team", "teams"), ("warehouse", "warehouses"), ("shelter", "shelters"))
                  for r in found.get(key, []) if r.get("lat") is not None]
    return {"incident": incident, "request": request, **found, "map_points": map_points}
