"""The declared surface of publicity activities (list, detail, create, edit, export and the CRUD API drawn by
core), with the media reports and photos on the activity's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, register
from yingji.enterprises import industries

from . import filters_publicity, forms_publicity
from .models.publicity import PublicityActivity, PublicityKind
from .services import publicity as services


def _media_text(activity) -> str:
    return "；".join(f"{m['outlet']}《{m['title']}》" for m in activity.media or ())


def _detail(request, activity, view) -> dict:
    user = request.user
    can_attach = policy.can(user, "attach", PublicityActivity) and policy.sees(user, activity)
    return {"media": activity.media or [], "photos": list(services.photos(activity)),
            "photo_form": forms_publicity.PhotoForm() if can_attach else None}


ACTIVITIES = Surface(
    model=PublicityActivity, prefix="publicity", title=_l("Publicity activities"),
    singular=_l("Publicity activity"), export_name="publicity-activities",
    subtitle=_l("安全生产月, 5·12 防灾减灾日, 11·9 消防日 and the five-into activities (enterprises, villages, "
                "communities, schools, families): who took part, what was handed out, media reports and photos."),
    filterset=filters_publicity.PublicityActivityFilterSet, form=forms_publicity.PublicityActivityForm,
    create=services.create_activity, update=services.update_activity,
    create_title=_l("New publicity activity"), edit_title=_l("Edit publicity activity"),
    queryset=lambda: PublicityActivity.objects.select_related("organiser", "created_by"),
    list_context=lambda request: {"links": [(reverse("preparedness_statistics") + "?section=publicity",
                                             _l("Statistics"))]},
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"),
        Badge("kind", _l("Kind"), PublicityKind), Column("held_on", _l("Date")), Region(),
        Column("place", _l("Place")),
        Column("organiser", _l("Organiser"), export_path="organiser.name"),
        Column("co_organisers", _l("Co-organisers"), table=False),
        Column("audience", _l("Audience")), Column("participants", _l("Participants")),
        Column("materials_count", _l("Materials handed out")),
        Column("materials_kinds", _l("Kinds of materials"), table=False),
        Computed("industry_text", _l("Industry"), lambda a: industries.label(a.industry_division), table=False),
        Computed("media_count", _l("Media reports"), lambda a: len(a.media or ()), detail=False),
        Computed("media_text", _l("Media reports"), _media_text, table=False, detail=False),
        Column("description", _l("Content"), table=False),
        Column("created_by", _l("Recorded by"), table=False, export=False),
    ],
    detail_template="preparedness/publicity_detail.html", detail_context=_detail,
)


def register_all() -> None:
    register(ACTIVITIES)
