"""Navigation for every page: the modules the user may use (``yingji.core.modules``)."""

from .modules import allowed_modules


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for module in allowed_modules(user):
        url = module.url()
        items.append({"key": module.key, "label": module.label, "icon": module.icon, "url": url,
                      "active": url is not None and (request.path == url if url == "/" else
                                                     request.path.startswith(url))})
    # Only the most specific entry is current (/duty/rosters/ is the roster, not also the duty console at /duty/).
    longest = max((len(item["url"]) for item in items if item["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["url"]) == longest
    from .notifications import unread

    return {"nav_items": items, "unread_notifications": unread(user).count()}
