"""双随机 draws through the API contract and the pages: reproducible from the published seed, recusals (declared
in the request or standing) never violated, the pools checked against the caller's scope and certificates, and
the result published for everyone."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.choices import AuditAction
from yingji.core.models import AuditRecord, User, enterprise_model
from yingji.enforcement import services
from yingji.enforcement.models import Officer, RandomDraw, Recusal


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


@pytest.fixture
def pools(demo_county):
    section = User.objects.get(username="section")
    enterprises = list(enterprise_model().objects.for_user(section).order_by("id").values_list("pk", flat=True))
    officers = list(services.certified_officers(section).order_by("user_id").values_list("user_id", flat=True))
    assert len(enterprises) >= 20 and len(officers) >= 6
    return enterprises[:20], officers


def test_the_contract_answers_the_pairs_and_the_same_seed_gives_the_same_draw(api, pools):
    enterprises, officers = pools
    body = {"enterprises": enterprises, "officers": officers, "count": 5, "per_enterprise": 2, "seed": "2026-抽查-07",
            "recusals": []}
    first = api("section").post("/api/v1/random-draws", body)
    assert first.status_code == 201, first.content
    out = first.json()
    assert out["seed"] == "2026-抽查-07" and isinstance(out["id"], int)
    assert len(out["pairs"]) == 5 and len({p["enterprise"] for p in out["pairs"]}) == 5
    for pair in out["pairs"]:
        assert pair["enterprise"] in enterprises
        assert len(pair["officers"]) == 2 and len(set(pair["officers"])) == 2 and set(pair["officers"]) <= set(officers)
    shuffled = {**body, "enterprises": list(reversed(enterprises)), "officers": list(reversed(officers))}
    again = api("section").post("/api/v1/random-draws", shuffled).json()
    assert again["pairs"] == out["pairs"] and again["id"] != out["id"]
    other = api("section").post("/api/v1/random-draws", {**body, "seed": "另一个种子"}).json()
    assert other["pairs"] != out["pairs"]
    got = api("section").get(f"/api/v1/random-draws/{out['id']}").json()
    assert got["pairs"] == out["pairs"] and got["verified"] is True and got["input_digest"] == out["input_digest"]
    record = AuditRecord.objects.filter(action=AuditAction.CREATE, object_type="enforcement.randomdraw",
                                        object_id=str(out["id"])).get()
    assert record.after["seed"] == "2026-抽查-07"


def test_recusals_declared_or_standing_are_never_paired(api, pools):
    enterprises, officers = pools
    target = enterprises[:3]
    # Every officer but two is recused from the first enterprise; one more has a standing declaration.
    asked = [{"officer": o, "enterprise": target[0]} for o in officers[2:]]
    standing = Officer.objects.get(user_id=officers[0])
    Recusal.objects.get_or_create(officer=standing, enterprise_id=target[1], defaults={"reason": "近亲属在该企业任职"})
    for seed in ("a", "b", "c", "d", "e", "f"):
        out = api("section").post("/api/v1/random-draws", {
            "enterprises": target, "officers": officers, "count": 3, "seed": seed, "recusals": asked})
        assert out.status_code == 201, out.content
        by_enterprise = {p["enterprise"]: set(p["officers"]) for p in out.json()["pairs"]}
        assert by_enterprise[target[0]] == set(officers[:2])
        assert officers[0] not in by_enterprise[target[1]]
    stored = RandomDraw.objects.get(pk=out.json()["id"])
    assert [officers[0], target[1]] in stored.recusals and services.verify(stored)


def test_pools_that_cannot_satisfy_the_request_answer_field_errors(api, pools):
    enterprises, officers = pools
    section = api("section")
    before = RandomDraw.objects.count()
    too_many = section.post("/api/v1/random-draws", {"enterprises": enterprises[:3], "officers": officers,
                                                     "count": 4, "seed": "x"})
    assert_error_shape(too_many, 422)
    assert _fields(too_many) == {"count"}
    recused = section.post("/api/v1/random-draws", {
        "enterprises": enterprises[:1], "officers": officers[:3], "count": 1, "seed": "x",
        "recusals": [{"officer": o, "enterprise": enterprises[0]} for o in officers[:2]]})
    assert recused.status_code == 422 and _fields(recused) == {"recusals"}
    lapsed = Officer.objects.filter(certificate_expires__lt=timezone.localdate()).first()
    assert lapsed is not None, "the demo brigade has a lapsed certificate"
    expired = section.post("/api/v1/random-draws", {"enterprises": enterprises, "officers": [*officers,
                                                    lapsed.user_id], "count": 2, "seed": "x"})
    assert expired.status_code == 422 and _fields(expired) == {"officers"}
    assert str(lapsed.user_id) in expired.json()["errors"][0]["message"]
    one = section.post("/api/v1/random-draws", {"enterprises": enterprises, "officers": officers,
                                                "count": 2, "per_enterprise": 1})
    assert one.status_code == 422 and "per_enterprise" in _fields(one)
    assert RandomDraw.objects.count() == before


def test_an_enterprise_outside_the_scope_answers_as_an_unknown_one(api, demo_county):
    township = User.objects.get(username="township1")
    Officer.objects.filter(user__username="inspector").update(region_code=demo_county["county"])
    outside = enterprise_model().objects.exclude(region_code__startswith=demo_county["township"]).first()
    inside = enterprise_model().objects.filter(region_code__startswith=demo_county["township"]).first()
    # Township staff may not draw at all; the section's answers for outside-scope and unknown ids are alike.
    denied = api("township1").post("/api/v1/random-draws", {"enterprises": [inside.pk], "officers": [township.pk],
                                                            "count": 1})
    assert denied.status_code == 403
    section = User.objects.get(username="section")
    section.scope_region_code = demo_county["township"]
    section.save(update_fields=["scope_region_code"])
    officers = list(Officer.objects.values_list("user_id", flat=True)[:4])
    Officer.objects.filter(user_id__in=officers).update(region_code=demo_county["township"])
    answers = [api("section").post("/api/v1/random-draws", {"enterprises": [inside.pk, pk], "officers": officers,
                                                            "count": 1, "seed": "s"}) for pk in (outside.pk, 99999999)]
    assert [a.status_code for a in answers] == [422, 422]
    messages = [a.json()["errors"][0]["message"].replace(str(pk), "#") for a, pk in zip(answers, (outside.pk, 99999999),
                                                                                          strict=True)]
    assert messages[0] == messages[1]


def test_draws_are_seen_within_the_jurisdiction_and_published_to_everyone(api, web, pools, demo_county):
    enterprises, officers = pools
    made = api("section").post("/api/v1/random-draws", {"enterprises": enterprises, "officers": officers,
                                                        "count": 3, "seed": "公开"}).json()
    draw = RandomDraw.objects.get(pk=made["id"])
    township_ids = {d["id"] for d in api("township2").get("/api/v1/random-draws", page_size=200).json()["items"]}
    visible = all(e.region_code.startswith(demo_county["township2"]) for e in
                  enterprise_model().objects.filter(pk__in=[p["enterprise"] for p in made["pairs"]]))
    assert (draw.pk in township_ids) == (draw.region_code.startswith(demo_county["township2"]))
    assert visible or draw.pk not in township_ids
    public = Client().get(reverse("public_draw_detail", args=[draw.pk]))
    assert public.status_code == 200
    page = public.content.decode()
    names = enterprise_model().objects.filter(pk__in=[p["enterprise"] for p in made["pairs"]]).values_list(
        "name", flat=True)
    assert all(name in page for name in names) and "公开" in page and draw.input_digest in page
    assert "重新计算结果一致" in page or "Re-run: same result" in page
    assert draw.title in Client().get(reverse("public_draw_list")).content.decode()
    assert Client().get(reverse("public_draw_detail", args=[10**8])).status_code == 404
    inputs = Client().get(reverse("public_draw_inputs", args=[draw.pk]))
    assert inputs.status_code == 200 and hashlib.sha256(inputs.content).hexdigest() == draw.input_digest
    published = json.loads(inputs.content)
    assert published["seed"] == "公开" and published["enterprises"] == sorted(enterprises)


def test_a_draw_from_the_page(web, demo_county):
    section = web("section")
    form = section.get(reverse("draw_create"))
    assert form.status_code == 200 and "id_count" in form.content.decode()
    before = RandomDraw.objects.count()
    response = section.post(reverse("draw_create"), {"title": "专项检查抽取", "region": demo_county["township"],
                                                     "industry": "", "count": 2, "per_enterprise": 2, "seed": "页面"})
    assert response.status_code == 302, response.content.decode()[:2000]
    draw = RandomDraw.objects.latest("id")
    assert RandomDraw.objects.count() == before + 1 and draw.seed == "页面" and draw.title == "专项检查抽取"
    assert all(e.region_code.startswith(demo_county["township"]) for e in
               enterprise_model().objects.filter(pk__in=draw.enterprise_pool))
    detail = section.get(response["Location"]).content.decode()
    assert "页面" in detail and draw.title in detail
    refused = section.post(reverse("draw_create"), {"count": 10**3 - 1, "per_enterprise": 2})
    assert refused.status_code == 400 and RandomDraw.objects.count() == before + 1
    assert web("inspector").get(reverse("draw_create")).status_code == 403
