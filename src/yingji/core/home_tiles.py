"""Core's own tiles on the home page (the regions and organisations below the user's level)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from . import home, policy
from .choices import OrganisationKind, RegionLevel
from .models import Organisation, Region


def region_tiles(user, now):
    """Counts of the regions and organisations below the user's own level (standing figures)."""
    out = []
    scope_length = len(user.scope_prefix or "")
    if policy.can(user, "view", Region) and scope_length < 6:
        counties = Region.objects.for_user(user).filter(level=RegionLevel.COUNTY).count()
        out.append(home.Tile(_("Counties"), counties, home.list_url("region_list", level="county"),
                             group="standing"))
    if policy.can(user, "view", Region) and scope_length < 12:
        by_level = dict(Region.objects.for_user(user).order_by().values_list("level").annotate(n=Count("id")))
        if scope_length < 9:
            out.append(home.Tile(_("Townships / streets"), by_level.get(RegionLevel.TOWNSHIP, 0),
                                      home.list_url("region_list", level="township"), group="standing"))
        out.append(home.Tile(_("Villages / communities"), by_level.get(RegionLevel.VILLAGE, 0),
                                  home.list_url("region_list", level="village"), group="standing"))
    if policy.can(user, "view", Organisation) and scope_length <= 6:
        by_kind = dict(Organisation.objects.for_user(user).order_by().values_list("kind").annotate(n=Count("id")))
        out.append(home.Tile(_("Member units"), by_kind.get(OrganisationKind.MEMBER_UNIT, 0),
                                  home.list_url("organisation_list", kind="member_unit"), group="standing"))
        out.append(home.Tile(_("Command headquarters"), by_kind.get(OrganisationKind.COMMAND_HQ, 0),
                                  home.list_url("organisation_list", kind="command_hq"), group="standing"))
    return out


def areas_panel(user, now):
    """A city's counties side by side (core.rollup): the same table as the overview page."""
    from . import rollup

    return rollup.table(user, now) if policy.is_above_county(user) else None


def register() -> None:
    home.register_panel("areas", areas_panel, template="core/home_areas.html", audiences=("city",), order=1,
                        wide=True)
    home.register_tile("regions", region_tiles, audiences=("desk", "local"), order=900, group="standing")
