"""The declared surface of the responsible-person registry (责任人): list, export, detail, create and edit pages
(``core.generic``) and its API (``core.crud``, in ``api.py``). Phones are masked for roles without the
personal-data grant; a page or API answer that shows a person's full phone, e-mail or robot address is audited."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _l

from yingji.core.surfaces import EMPTY, Badge, Column, Computed, Phone, Region, Surface, register

from . import services
from .choices import PersonKind
from .filters import ResponsiblePersonFilterSet
from .forms import PersonForm
from .models import ResponsiblePerson

PERSON_NAME = pgettext_lazy("person", "Name")
PERSON_TITLE = pgettext_lazy("person", "Title")


class _Private(Column):
    """Contact details shown only to roles granted personal data (hidden, not masked, otherwise)."""

    def __init__(self, name, label, **kwargs):
        kwargs.setdefault("table", False)
        kwargs.setdefault("export", False)
        super().__init__(name, label, **kwargs)

    def text(self, obj, view):
        return (self.value(obj) or EMPTY) if view.reveal else gettext("Shown to roles with the personal-data grant")


def _person_detail(request, person, view):
    return {"person": person, "subordinates": person.subordinates.all()[:100]}


PEOPLE = Surface(
    model=ResponsiblePerson, prefix="person", title=_l("Responsible persons"), singular=_l("Responsible person"),
    subtitle=_l("Flood-control, forest-fire and geological-hazard responsible persons and enterprise contacts, "
                "village → township → county."),
    export_name="responsible-persons", filterset=ResponsiblePersonFilterSet, form=PersonForm,
    create=services.create_person, update=services.update_person,
    create_title=_l("New responsible person"), edit_title=_l("Edit responsible person"),
    queryset=lambda: ResponsiblePerson.objects.select_related("superior"),
    columns=[
        Column("name", PERSON_NAME, detail=False), Badge("kind", _l("Kind"), PersonKind),
        Column("title", PERSON_TITLE), Region(label=_l("Jurisdiction")), Phone("phone", _l("Phone")),
        _Private("email", _l("Email")), _Private("webhook_url", _l("Group robot webhook")),
        Computed("channels", _l("Channels"), lambda p: " → ".join(p.channel_labels), table=False),
        Column("superior", _l("Superior"), link="superior"), Column("is_active", _l("Active"), table=False),
    ],
    related={"subordinates": lambda: ResponsiblePerson.objects.order_by("region_code")},
    contact_paths=lambda p: {"email": p.email, "webhook_url": p.webhook_url},
    detail_template="warnings/person_detail.html", detail_context=_person_detail,
)


def register_all() -> None:
    register(PEOPLE)
