"""Region names for display: every page, export and printout shows a region by its name, read through here.

The names of all regions are read in one query and kept until the next request starts or a region is saved or
deleted, so a list of a hundred rows costs one query for its region names, not a hundred.
"""

from __future__ import annotations

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

_names: dict[str, str] | None = None
#: Reads every region's code and name; set by ``core.models`` (this module lies below the models and never
#: imports them).
_load = None


def set_loader(load) -> None:
    global _load
    _load = load


#: What else is kept from the regions (the filters' region choices per scope), dropped with the names.
_dependents: list = []


def on_clear(forget) -> None:
    """``forget()`` is called whenever the names are dropped (a request starts, a region changes)."""
    _dependents.append(forget)


def clear_cache(**_kwargs) -> None:
    global _names
    _names = None
    for forget in _dependents:
        forget()


def region_names() -> dict[str, str]:
    """All region codes → names."""
    global _names
    if _names is None:
        _names = dict(_load()) if _load is not None else {}
    return _names


def region_name(code: str | None) -> str:
    """The name of a region; an unknown code is shown as it is (so nothing is hidden), nothing as empty."""
    if not code:
        return ""
    return region_names().get(code, code)


def region_path(code: str | None) -> str:
    """A village with its township (``尹集镇 张庄村``): village names repeat across a county, township names don't."""
    if not code:
        return ""
    names = region_names()
    if len(code) == 12 and code[:9] in names and code in names:
        return f"{names[code[:9]]} {names[code]}"
    return region_name(code)


def region_names_list(codes) -> str:
    """Several regions (a warning's area) as names separated by the Chinese enumeration comma."""
    return "、".join(region_path(code) for code in codes or () if code)


request_started.connect(clear_cache, dispatch_uid="yingji.core.regions.clear_cache")


@receiver(post_save, sender="core.Region", dispatch_uid="yingji.core.regions.saved")
@receiver(post_delete, sender="core.Region", dispatch_uid="yingji.core.regions.deleted")
def _region_changed(**_kwargs) -> None:
    clear_cache()
