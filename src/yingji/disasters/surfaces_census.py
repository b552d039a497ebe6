"""The declared surfaces of the risk census results: hazard-bearing bodies, hazard sources, risk zoning."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core.surfaces import Badge, ChoiceList, Column, Coordinates, Region, Surface, When, register

from . import filters_census as filters
from . import forms_census as forms
from .choices_census import BodyKind, CensusHazard, CensusRisk, Structure
from .models.census import CensusBody, HazardSource, RiskZone
from .services import census as services


def _links(request) -> dict:
    return {"links": [(reverse("census_import"), _l("Import census tables")),
                      (reverse("census_body_list"), _l("Hazard-bearing bodies")),
                      (reverse("census_source_list"), _l("Hazard sources")),
                      (reverse("census_zone_list"), _l("Risk zoning"))]}


CENSUS_ID = Column("census_id", _l("Census id"))
RISK = Badge("risk_level", _l("Risk level"), CensusRisk)

BODIES = Surface(
    model=CensusBody, prefix="census_body", title=_l("Hazard-bearing bodies"), singular=_l("Hazard-bearing body"),
    export_name="census-bodies",
    subtitle=_l("Houses, public buildings, schools, hospitals and key facilities surveyed by the natural-disaster "
                "risk census, with their structure, people and risk."),
    filterset=filters.CensusBodyFilterSet, form=forms.CensusBodyForm,
    create=services.create_body, update=services.update_body,
    create_title=_l("New hazard-bearing body"), edit_title=_l("Edit hazard-bearing body"),
    queryset=lambda: CensusBody.objects.select_related("danger_zone", "geohazard_point"),
    columns=[
        CENSUS_ID, Column("name", pgettext_lazy("census body", "Name"), link="self"),
        Badge("kind", _l("Kind"), BodyKind), Region(label=_l("Township or village")),
        Column("address", _l("Address"), table=False), Badge("structure", _l("Structure"), Structure),
        Column("floors", _l("Storeys"), table=False), Column("built_year", _l("Year built"), table=False),
        Column("floor_area_m2", _l("Floor area (m²)"), table=False), Column("occupants", _l("People in it")),
        Column("seismic_fortified", _l("Seismically fortified"), table=False),
        ChoiceList("hazards", _l("Hazards exposed to"), CensusHazard), RISK,
        Column("danger_zone", _l("Danger zone"), link="danger_zone", export_path="danger_zone.name"),
        Column("geohazard_point", _l("Geological hazard point"), link="geohazard_point",
               export_path="geohazard_point.code", table=False),
        Column("note", _l("Note"), table=False), Coordinates(), When("updated_at", _l("Updated"), table=False),
    ],
    list_context=_links,
)

SOURCES = Surface(
    model=HazardSource, prefix="census_source", title=_l("Hazard sources"), singular=_l("Hazard source"),
    export_name="census-hazard-sources",
    subtitle=_l("Hazard sources of the risk census by disaster kind: flood, geological hazards, forest fire, "
                "earthquake."),
    filterset=filters.HazardSourceFilterSet, form=forms.HazardSourceForm,
    create=services.create_source, update=services.update_source,
    create_title=_l("New hazard source"), edit_title=_l("Edit hazard source"),
    queryset=lambda: HazardSource.objects.select_related("geohazard_point"),
    columns=[
        CENSUS_ID, Column("name", pgettext_lazy("hazard source", "Name"), link="self"),
        Badge("hazard", _l("Disaster kind"), CensusHazard), Region(label=_l("Township or village")), RISK,
        Column("geohazard_point", _l("Geological hazard point"), link="geohazard_point",
               export_path="geohazard_point.code"),
        Column("description", _l("Description"), table=False), Column("note", _l("Note"), table=False),
        Coordinates(), When("updated_at", _l("Updated"), table=False),
    ],
    list_context=_links,
)

ZONES = Surface(
    model=RiskZone, prefix="census_zone", title=_l("Risk zoning"), singular=_l("Risk zone"),
    export_name="census-risk-zoning",
    subtitle=_l("The census risk zoning: the risk level of each township or village, by disaster kind and "
                "overall."),
    filterset=filters.RiskZoneFilterSet, form=forms.RiskZoneForm,
    create=services.create_zone, update=services.update_zone,
    create_title=_l("New risk zone"), edit_title=_l("Edit risk zone"),
    columns=[
        CENSUS_ID, Column("name", pgettext_lazy("risk zone", "Name"), link="self"),
        Region(label=_l("Township or village")),
        Badge("hazard", _l("Disaster kind"), CensusHazard), RISK,
        Column("area_km2", _l("Area (km²)")), Column("population", _l("Population")),
        Column("note", _l("Note"), table=False), When("updated_at", _l("Updated"), table=False),
    ],
    list_context=_links,
)


def register_all() -> None:
    register(BODIES, SOURCES, ZONES)
