"""The declared surface of the entered historical figures (list, detail, new, edit, export, API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from yingji.core.surfaces import Column, Computed, Region, Surface, When, register

from . import filters, forms, services
from .choices import Indicator
from .models import HistoricalFigure

FIGURES = Surface(
    model=HistoricalFigure, prefix="historical_figure", title=_l("Entered historical figures"),
    singular=_l("Entered historical figure"), export_name="historical-figures",
    subtitle=_l("Figures of the years before the platform kept records, entered once per year and indicator from "
                "the bureau's reports; the annual report shows them marked as entered, apart from the computed ones."),
    filterset=filters.HistoricalFigureFilterSet, form=forms.HistoricalFigureForm,
    create=services.create_figure, update=services.update_figure,
    create_title=_l("Enter a historical figure"), edit_title=_l("Edit an entered figure"),
    queryset=lambda: HistoricalFigure.objects.select_related("entered_by"),
    columns=[
        Column("year", _l("Year"), link="self"), Region(label=_l("Region")),
        Computed("indicator_label", _l("Indicator"), lambda r: Indicator.label(r.indicator)),
        Column("value", _l("Value")), Column("source", _l("Source")),
        Column("entered_by", _l("Entered by"), table=False, export_path="entered_by.display_name"),
        When("entered_at", _l("Entered"), table=False),
    ],
)


def register_all() -> None:
    register(FIGURES)
