"""Publicity activities (宣传教育): recording and correcting them, their media reports and photos, and the figures
by month, township and kind.

A township's staff record activities of their own township (or one of its villages); the bureau's sections record
any of the county's, the county itself for the bureau's own. Every write is checked, validated whole before
anything is stored, written in one transaction and audited. Photos are core attachments of the activity (images
only, checked by content)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.utils.dateparse import parse_date
from django.utils.translation import gettext

from yingji.core import attachments, policy, values
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Attachment, Region
from yingji.core.services import create_object, update_object
from yingji.enterprises import industries
from yingji.standards import gb2260

from ..models.publicity import PublicityActivity

PHOTO = "photo"
MAX_MEDIA = 50
MEDIA_FIELDS = ("outlet", "title", "link", "date")
#: Fields a write may give (the rest are set by the service).
FIELDS = ("title", "kind", "held_on", "place", "region_code", "organiser", "co_organisers", "audience",
          "participants", "materials_count", "materials_kinds", "industry_division", "description", "media")


def _region(actor, code) -> str:
    """The activity's place: the county, a township or a village inside the actor's jurisdiction (an unknown
    code and one outside answer the same field error)."""
    code = str(code or "").strip()
    if not code.isdigit() or not Region.objects.filter(policy.scope_q(actor, Region), code=code).exists():
        raise policy.reference_error(Region, "region_code")
    return code


def _day(value, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = parse_date(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise ValidationFailed.from_dict({field: [gettext("Give a date (YYYY-MM-DD)")]})
    try:
        return values.check_date(value)
    except values.ValueRejected as exc:
        raise ValidationFailed.from_dict({field: [str(exc)]}) from None


def _text(item: Mapping, key: str, field: str, max_length: int, *, required: bool = False) -> str:
    value = item.get(key)
    value = "" if value is None else value
    if not isinstance(value, str):
        raise ValidationFailed.from_dict({field: [gettext("Give text")]})
    value = value.strip()
    if required and not value:
        raise ValidationFailed.from_dict({field: [gettext("This field is required.")]})
    if len(value) > max_length:
        raise ValidationFailed.from_dict({field: [gettext("At most %(n)s characters") % {"n": max_length}]})
    return value


def clean_media(items) -> list[dict]:
    """Media reports (报道) as stored: ``[{"outlet", "title", "link", "date"}]``; the outlet and title are needed,
    a link is an http(s) address, a date is an ISO date in the accepted range. Field errors name the item
    (``media.2.link``)."""
    if items in (None, ""):
        return []
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise ValidationFailed.from_dict({"media": [gettext("Give a list")]})
    items = list(items)
    if len(items) > MAX_MEDIA:
        raise ValidationFailed.from_dict({"media": [gettext("At most %(n)s items") % {"n": MAX_MEDIA}]})
    cleaned = []
    for index, item in enumerate(items):
        field = f"media.{index}"
        if not isinstance(item, Mapping):
            raise ValidationFailed.from_dict({field: [gettext("Give the outlet, title, link and date")]})
        unknown = sorted(set(item) - set(MEDIA_FIELDS))
        if unknown:
            raise ValidationFailed.from_dict({f"{field}.{unknown[0]}": [gettext("Unknown field.")]})
        link = _text(item, "link", f"{field}.link", 500)
        parts = urlsplit(link) if link else None
        if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValidationFailed.from_dict({f"{field}.link": [gettext("Give an http or https address")]})
        day = _day(item.get("date"), f"{field}.date")
        cleaned.append({"outlet": _text(item, "outlet", f"{field}.outlet", 100, required=True),
                        "title": _text(item, "title", f"{field}.title", 200, required=True),
                        "link": link, "date": day.isoformat() if day else ""})
    return cleaned


def _values(actor, data: Mapping[str, Any], current: PublicityActivity | None = None) -> dict:
    """The given fields checked as a whole (first error wins, nothing stored before all pass)."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationFailed.from_dict({unknown[0]: [gettext("Unknown field.")]})
    result = dict(data)
    if "region_code" in data or current is None:
        result["region_code"] = _region(actor, data.get("region_code"))
    if "held_on" in data or current is None:
        held_on = _day(data.get("held_on"), "held_on")
        if held_on is None:
            raise ValidationFailed.from_dict({"held_on": [gettext("This field is required.")]})
        result["held_on"] = held_on
    if "media" in data:
        result["media"] = clean_media(data.get("media"))
    if "industry_division" in data:
        division = data.get("industry_division") or ""
        if division not in ("", *industries.DIVISIONS):
            raise ValidationFailed.from_dict({"industry_division": [gettext("Unknown industry division")]})
        result["industry_division"] = division
    organiser = data.get("organiser", data.get("organiser_id"))
    if "organiser" in data and organiser in (None, ""):
        raise ValidationFailed.from_dict({"organiser": [gettext("This field is required.")]})
    return result


def create_activity(actor, data: Mapping[str, Any]) -> PublicityActivity:
    """Record an activity held within the actor's jurisdiction."""
    policy.require(actor, "add", PublicityActivity)
    fields = _values(actor, data)
    if fields.get("organiser") in (None, ""):
        raise ValidationFailed.from_dict({"organiser": [gettext("This field is required.")]})
    return create_object(actor, PublicityActivity, {**fields, "created_by": actor},
                         exclude=["created_by", "created_at"])


def update_activity(actor, activity: PublicityActivity, data: Mapping[str, Any]) -> PublicityActivity:
    """Correct an activity (only the fields given change; an unchanged save writes nothing)."""
    policy.require(actor, "change", activity)
    return update_object(actor, activity, _values(actor, data, activity))


def add_photo(actor, activity: PublicityActivity, uploaded) -> Attachment:
    """Attach a photo (JPEG, PNG or WebP, checked by content) to an activity the actor may change."""
    if not policy.can(actor, "attach", PublicityActivity) or not policy.sees(actor, activity):
        raise NotAllowed()
    head = uploaded.read(16) if uploaded is not None else b""
    if uploaded is not None:
        uploaded.seek(0)
    kind = attachments.sniff(head)
    if kind is None or not kind[0].startswith("image/"):
        raise ValidationFailed.from_dict({"file": [gettext("A photo is a JPEG, PNG or WebP image")]})
    return attachments.attach(actor, activity, uploaded, purpose=PHOTO)


def photos(activity: PublicityActivity):
    return attachments.for_object(activity).filter(purpose=PHOTO)



# --- figures by month, township and kind ---------------------------------------------------------------------

TOWNSHIP_CODE_LENGTH = 9


def figures(user, year: int, region_code: str | None = None, industry: str | None = None) -> dict:
    """The statistics section of publicity for ``year`` (the preparedness statistics registry's ``build``):
    activities, participants, materials handed out and media reports, by month, by township (the county's own
    activities in a row of their own) and by kind, from the activities the user may see (``for_user``: a
    township's staff, their township's only), narrowed to ``region_code`` (prefix) and ``industry`` (a GB/T 4754
    section letter or division code: the activities that addressed it)."""
    from django.utils.translation import gettext as _

    from ..models.publicity import PublicityKind
    from ..statistics import industry_divisions, month_label

    qs = PublicityActivity.objects.for_user(user).filter(held_on__year=year)
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        qs = qs.filter(industry_division__in=divisions)
    rows = list(qs.values_list("held_on", "region_code", "kind", "participants", "materials_count", "media"))

    def tally(key_of) -> dict:
        found: dict = {}
        for held_on, code, kind, participants, materials, media in rows:
            cell = found.setdefault(key_of(held_on, code, kind), [0, 0, 0, 0])
            cell[0] += 1
            cell[1] += participants
            cell[2] += materials
            cell[3] += len(media or ())
        return found

    headers_tail = [_("Activities"), _("Participants"), _("Materials handed out"), _("Media reports")]
    by_month = tally(lambda held_on, code, kind: held_on.month)
    month_rows = [[month_label(m), *by_month.get(m, [0, 0, 0, 0])] for m in range(1, 13)]

    townships = Region.objects.filter(policy.scope_q(user, Region), level="township")
    if region_code:
        townships = townships.filter(code__startswith=gb2260.prefix(region_code)[:TOWNSHIP_CODE_LENGTH])
    by_township = tally(lambda held_on, code, kind: code[:TOWNSHIP_CODE_LENGTH] if len(code) >= 9 else "")
    township_rows = [[name, *by_township.get(code, [0, 0, 0, 0])]
                     for code, name in townships.order_by("code").values_list("code", "name")]
    if "" in by_township:
        township_rows.insert(0, [_("County level"), *by_township[""]])

    by_kind = tally(lambda held_on, code, kind: kind)
    kind_rows = [[PublicityKind.label(k), *by_kind.get(k, [0, 0, 0, 0])] for k in PublicityKind.values()]
    five_into = [sum(by_kind.get(k, [0, 0, 0, 0])[i] for k in PublicityKind.FIVE_INTO) for i in range(4)]

    total = [len(rows), sum(r[3] for r in rows), sum(r[4] for r in rows), sum(len(r[5] or ()) for r in rows)]
    return {
        "figures": [
            {"label": _("Activities"), "value": total[0]},
            {"label": _("Participants"), "value": total[1]},
            {"label": _("Materials handed out"), "value": total[2]},
            {"label": _("Media reports"), "value": total[3]},
            {"label": _("Five-into activities"), "value": five_into[0]},
            {"label": _("Townships with activities"),
             "value": sum(1 for code in by_township if code)},
        ],
        "tables": [
            {"title": _("By month"), "headers": [_("Month"), *headers_tail],
             "rows": [*month_rows, [_("Total"), *total]], "summary_rows": 1},
            {"title": _("By township / street"), "headers": [_("Township / street"), *headers_tail],
             "rows": [*township_rows, [_("Total"), *total]], "summary_rows": 1},
            {"title": _("By kind"), "headers": [_("Kind"), *headers_tail],
             "rows": [*kind_rows, [_("Of which five-into"), *five_into], [_("Total"), *total]],
             "summary_rows": 2},
        ],
    }
