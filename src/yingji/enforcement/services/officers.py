"""Services of the powers list, officers and their training, recusals and the 双随机 draws."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yingji.core import audit, policy
from yingji.core.choices import AuditAction
from yingji.core.errors import NotFound, ValidationFailed
from yingji.core.models import User, enterprise_model
from yingji.core.services import create_object, update_object
from yingji.standards import draw as draw_rules

from ..choices import Circumstance, FineBasis, FineParty, Measure, TierStage
from ..models import EnforcementItem, Officer, RandomDraw, Recusal, TrainingRecord

#: What a refusal of the draw algorithm means to the person drawing, by the field it names.
DRAW_FIELD_MESSAGES = {
    "enterprises": _("The enterprise pool is empty or not a list of enterprises."),
    "officers": _("The officer pool is empty or not a list of certified officers."),
    "count": _("The enterprise pool holds fewer enterprises than the number to draw."),
    "per_enterprise": _("At least two officers go to each enterprise, and no more than the pool holds."),
    "seed": _("The seed must be a text of 1 to 200 characters."),
    "cap": _("The officers cannot cover so many enterprises: add officers or draw fewer enterprises."),
    "recusals": _("With the declared recusals too few officers are left for some enterprises: add officers or "
                  "draw fewer enterprises."),
}
MAX_SEED = 200


# --- powers list -----------------------------------------------------------------------------------------------


def _number(value):
    """A figure of the data file as JSON keeps it: whole numbers as int, others as float."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def power_item_fields(item) -> dict:
    """Model fields of one validated item of the powers list (``standards.enforcement_powers.PowerItem``)."""
    return {
        "code": item.code, "kind": item.kind, "name": item.name,
        "basis": "；".join(f"《{b.law}》({b.version}) {b.article}" for b in item.basis),
        "acts": list(item.acts),
        "tiers": [{"stage": t.stage, "label": t.label, "measures": list(t.measures),
                   "fines": [{"party": f.party, "basis": f.basis, "min": _number(f.min), "max": _number(f.max)}
                             for f in t.fines]} for t in item.tiers],
        "discretion": [{"circumstance": d.circumstance, "facts": d.facts,
                        "band": [_number(d.band[0]), _number(d.band[1])]} for d in item.discretion],
        "source": item.source, "verified": item.verified, "note": item.note,
        "effective_from": _in_force_from(item.source),
    }


def _in_force_from(source: str) -> datetime.date | None:
    """The date a source line gives as the law's commencement ("…，2021-09-01施行)")."""
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})\s*施行", source)
    return datetime.date(*map(int, found.groups())) if found else None


def load_powers() -> int:
    """Version 1 of every item of the shipped powers list (validated by ``standards.enforcement_powers``) not
    yet present; returns how many were added."""
    from yingji.standards import enforcement_powers

    present = set(EnforcementItem.objects.values_list("code", flat=True))
    items = [EnforcementItem(**power_item_fields(item)) for item in enforcement_powers.load_powers().items
             if item.code not in present]
    EnforcementItem.objects.bulk_create(items)
    return len(items)


def tier_rows(item: EnforcementItem) -> list[dict]:
    """An item's liability tiers for its page: stage, what the law orders, and each fine in words."""
    rows = []
    for tier in item.tiers:
        fines = []
        for fine in tier.get("fines", []):
            low, high = fine.get("min"), fine.get("max")
            figure = (f"{low:,}–{high:,}" if low is not None and high is not None else
                      gettext("up to %(max)s") % {"max": f"{high:,}"} if high is not None else
                      gettext("at least %(min)s") % {"min": f"{low:,}"} if low is not None else "")
            fines.append(f"{FineParty.label(fine['party'])}：{figure} {FineBasis.label(fine['basis'])}".strip())
        rows.append({"stage": TierStage.label(tier.get("stage", "")), "label": tier.get("label", ""),
                     "measures": [Measure.label(m) for m in tier.get("measures", [])], "fines": fines})
    return rows


def note_text(item: EnforcementItem) -> str:
    """The item's note with the data file's "[unverified]" markers in the reader's language."""
    return item.note.replace("[unverified]", gettext("[not verified]"))


def discretion_rows(item: EnforcementItem) -> list[dict]:
    return [{"circumstance": Circumstance.label(d.get("circumstance", "")), "facts": d.get("facts", ""),
             "band": f"{round(d['band'][0] * 100)}%–{round(d['band'][1] * 100)}%" if d.get("band") else ""}
            for d in item.discretion]


# --- officers ------------------------------------------------------------------------------------------------


def _officer_fields(actor, data: Mapping[str, Any], officer: Officer | None = None) -> dict:
    data = dict(data)
    if "user" in data or "user_id" in data:
        account = policy.get_in_scope_or_field_error(
            User, data.pop("user", None) or data.pop("user_id", None), actor, "user",
            queryset=User.objects.filter(is_active=True, enterprise__isnull=True))
        data["user"] = account
        # Left empty (a form's blank field, an API body without them), they come from the account.
        if not data.get("name"):
            data["name"] = account.display_name or account.username
        if officer is None and not data.get("region_code"):
            data["region_code"] = account.scope_region_code
    return data


def create_officer(actor, data: Mapping[str, Any]) -> Officer:
    return create_object(actor, Officer, _officer_fields(actor, data))


def update_officer(actor, officer: Officer, data: Mapping[str, Any]) -> Officer:
    return update_object(actor, officer, _officer_fields(actor, data, officer))


def add_training(actor, officer: Officer, data: Mapping[str, Any]) -> TrainingRecord:
    policy.require(actor, "change", Officer)
    if not policy.in_scope(actor, officer):
        raise NotFound()
    return create_object(actor, TrainingRecord, {**data, "officer": officer}, check_scope=False)


def certified_officers(actor, on=None):
    """Officers the actor may send out on ``on``: active, certificate not expired, in the actor's scope."""
    on = on or timezone.localdate()
    return (Officer.objects.for_user(actor).filter(is_active=True, certificate_expires__gte=on,
                                                   user__is_active=True)
            .select_related("user"))


# --- the draw --------------------------------------------------------------------------------------------------


def _ids(value, field: str) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise ValidationFailed.from_dict({field: [str(DRAW_FIELD_MESSAGES[field])]})
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
            raise ValidationFailed.from_dict({field: [gettext("Give the ids of the records as whole numbers.")]})
        out.append(item)
    return sorted(set(out))


def _recusal_pairs(value) -> list[tuple[int, int]]:
    pairs = []
    for item in value or []:
        officer, enterprise = (item.get("officer"), item.get("enterprise")) if isinstance(item, Mapping) else \
            (None, None)
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (officer, enterprise)):
            raise ValidationFailed.from_dict(
                {"recusals": [gettext("Each recusal names an officer and an enterprise by id.")]})
        pairs.append((officer, enterprise))
    return pairs


def make_draw(actor, data: Mapping[str, Any]) -> RandomDraw:
    """Draw ``count`` enterprises from the pool and ``per_enterprise`` officers for each (双随机), never pairing
    an officer with an enterprise they are recused from (declared here or standing), nor beyond the cap. The
    pools must lie in the actor's scope and the officers hold valid certificates today; anything else answers as
    a field error, the same for an unknown id as for one outside the scope. Stored with its canonical inputs,
    audited, published."""
    policy.require(actor, "add", RandomDraw)
    enterprise_ids = _ids(data.get("enterprises"), "enterprises")
    officer_user_ids = _ids(data.get("officers"), "officers")
    Enterprise = enterprise_model()
    found = set(Enterprise.objects.for_user(actor).filter(pk__in=enterprise_ids).values_list("pk", flat=True))
    if found != set(enterprise_ids):
        raise ValidationFailed.from_dict({"enterprises": [gettext(
            "Some enterprises are unknown or outside your jurisdiction: %(ids)s") % {
            "ids": ", ".join(str(i) for i in enterprise_ids if i not in found)}]})
    officers = {o.user_id: o for o in certified_officers(actor).filter(user_id__in=officer_user_ids)}
    missing = [i for i in officer_user_ids if i not in officers]
    if missing:
        raise ValidationFailed.from_dict({"officers": [gettext(
            "These accounts are not certified enforcement officers of your jurisdiction today: %(ids)s") % {
            "ids": ", ".join(str(i) for i in missing)}]})
    count, per = data.get("count"), data.get("per_enterprise", 2)
    errors = {}
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        errors["count"] = [gettext("Draw at least one enterprise.")]
    if isinstance(per, bool) or not isinstance(per, int) or per < 2:
        errors["per_enterprise"] = [gettext("At least two officers go to each enterprise.")]
    seed = data.get("seed") or secrets.token_hex(16)
    if not isinstance(seed, str) or not 1 <= len(seed) <= MAX_SEED:
        errors["seed"] = [str(DRAW_FIELD_MESSAGES["seed"])]
    if errors:
        raise ValidationFailed.from_dict(errors, detail=gettext("The draw cannot be made"))
    asked = _recusal_pairs(data.get("recusals"))
    standing = Recusal.objects.filter(officer__user_id__in=officer_user_ids, enterprise_id__in=enterprise_ids) \
        .values_list("officer__user_id", "enterprise_id")
    recusals = sorted(set(asked) | set(standing))
    try:
        result = draw_rules.draw(enterprise_ids, officer_user_ids, count, seed=seed, per_enterprise=per,
                                 recusals=recusals)
    except draw_rules.DrawError as exc:
        raise ValidationFailed.from_dict({field: [str(DRAW_FIELD_MESSAGES.get(field, exc))] for field in exc.fields},
                                         detail=gettext("The draw cannot be made")) from None
    region = _common_region(actor, enterprise_ids)
    with transaction.atomic():
        made = RandomDraw.objects.create(
            region_code=region, title=(data.get("title") or "").strip()[:200] or _default_title(),
            seed=seed, algorithm=result.algorithm, input_digest=result.input_digest, count=count,
            per_enterprise=per, cap=result.cap, enterprise_pool=enterprise_ids, officer_pool=officer_user_ids,
            recusals=[list(p) for p in recusals],
            pairs=[{"enterprise": e, "officers": list(o)} for e, o in result.pairs],
            skipped=list(result.skipped), created_by=actor)
        # Pairs as [enterprise, [officers]]: the record reads the same in any language.
        audit.record(AuditAction.CREATE, made, actor=actor, after={
            "seed": seed, "input_digest": result.input_digest,
            "pairs": [[p["enterprise"], p["officers"]] for p in made.pairs]})
    return made


def _default_title() -> str:
    return gettext("Random inspection draw of %(date)s") % {"date": timezone.localdate().isoformat()}


def _common_region(actor, enterprise_ids: Iterable[int]) -> str:
    """The narrowest jurisdiction (village, township, county) holding every enterprise of the pool, so the draw
    is visible to whoever may see all its enterprises."""
    codes = list(enterprise_model().objects.filter(pk__in=enterprise_ids).values_list("region_code", flat=True))
    for length in (12, 9, 6):
        prefixes = {code[:length] for code in codes}
        if len(prefixes) == 1 and all(len(code) >= length for code in codes):
            return prefixes.pop()
    return actor.scope_region_code or codes[0][:6]


def verify(draw: RandomDraw) -> bool:
    """Re-run the stored canonical inputs: true when they give exactly the published pairs."""
    try:
        again = draw_rules.draw(draw.enterprise_pool, draw.officer_pool, draw.count, seed=draw.seed,
                                per_enterprise=draw.per_enterprise, recusals=[tuple(p) for p in draw.recusals],
                                cap=draw.cap)
    except draw_rules.DrawError:
        return False
    return (again.input_digest == draw.input_digest
            and [{"enterprise": e, "officers": list(o)} for e, o in again.pairs] == draw.pairs)


def canonical_inputs(draw: RandomDraw) -> str:
    """The exact text whose SHA-256 is the draw's input digest (step 1 of the published algorithm)."""
    return draw_rules.canonical_text(draw.enterprise_pool, draw.officer_pool, draw.count, draw.per_enterprise,
                                     draw.seed, [tuple(p) for p in draw.recusals], draw.cap)


def declare_recusal(actor, data: Mapping[str, Any]) -> Recusal:
    data = dict(data)
    data["officer"] = policy.get_in_scope_or_field_error(Officer, data.pop("officer", None), actor, "officer")
    data["enterprise"] = policy.get_in_scope_or_field_error(enterprise_model(), data.pop("enterprise", None),
                                                            actor, "enterprise")
    return create_object(actor, Recusal, data)
