"""Authoring on the web: a draft from a template pre-fills text, level and area and locks the template's fields
server-side (a tampered post changes nothing); editing a draft; the workflow buttons (submit, approve by a
different approver account, publish) and Update / Cancel of a published warning, through the real services."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from yingji.warnings.catalog import TEMPLATES
from yingji.warnings.models import Warning

from .conftest import publish


def _post_data(form_initial: dict, **overrides) -> dict:
    data = {}
    for name in ("template", "event_type", "event", "category", "level", "certainty", "headline", "description",
                 "instruction", "area_desc"):
        value = form_initial.get(name)
        if value is not None:
            data[name] = value
    for name in ("effective", "expires"):
        data[name] = timezone.localtime(form_initial[name]).strftime("%Y-%m-%dT%H:%M")
    data["area_codes"] = form_initial.get("area_codes") or []
    data.update(overrides)
    return data


def test_template_prefills_and_locks_fields(web, demo_county):
    client = web("duty")
    page = client.get("/warnings/new/?template=rainstorm_red")
    assert page.status_code == 200
    form = page.context["form"]
    template = TEMPLATES["rainstorm_red"]
    assert set(form.locked) == set(template.locked)
    assert all(form.fields[name].disabled for name in template.locked)
    assert form.initial["instruction"] == template.instruction and form.initial["area_codes"] == [
        settings.COUNTY_CODE]
    # Posting other values for locked fields changes nothing: the template's values are kept.
    tampered = _post_data(form.initial, level="blue", instruction="随便", event="别的",
                          headline="县暴雨红色预警", area_codes=[demo_county["township"]])
    response = client.post("/warnings/new/", tampered)
    assert response.status_code == 302
    warning = Warning.objects.latest("pk")
    assert (warning.level, warning.instruction, warning.event) == ("red", template.instruction, template.event)
    assert warning.headline == "县暴雨红色预警" and warning.area_codes == [demo_county["township"]]
    assert warning.template == "rainstorm_red" and set(warning.locked_fields) == set(template.locked)
    # Editing the draft keeps the lock, on the page and in the API.
    edit = client.get(f"/warnings/{warning.pk}/edit/")
    assert edit.context["form"].fields["level"].disabled
    client.post(f"/warnings/{warning.pk}/edit/", _post_data(edit.context["form"].initial, level="blue",
                                                            headline="改过的标题"))
    warning.refresh_from_db()
    assert (warning.level, warning.headline) == ("red", "改过的标题")


def test_unknown_template_and_field_errors(web, demo_county):
    client = web("duty")
    assert client.get("/warnings/new/?template=nope").status_code == 404
    page = client.get("/warnings/new/")
    data = _post_data(page.context["form"].initial, event_type="flood", event="洪水", category="Met",
                      level="yellow", headline="洪水预警", description="说明", area_codes=[])
    response = client.post("/warnings/new/", data)
    assert response.status_code == 200 and "area_codes" in response.context["form"].errors
    data["area_codes"] = [demo_county["township"]]
    data["expires"] = data["effective"]
    response = client.post("/warnings/new/", data)
    assert "expires" in response.context["form"].errors
    data["circles"] = "33.3,113.5 5\nnot a circle"
    data["expires"] = timezone.localtime(page.context["form"].initial["expires"]).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/warnings/new/", data)
    assert "circles" in response.context["form"].errors
    data["circles"] = "33.3,113.5 5"
    response = client.post("/warnings/new/", data)
    assert response.status_code == 302
    assert Warning.objects.latest("pk").circles == ["33.3,113.5 5"]


def test_roles_and_scope_of_authoring(web, demo_county):
    assert web("observer").get("/warnings/new/").status_code == 403
    assert web("approver").get("/warnings/new/").status_code == 403
    township_choices = {c for c, _label in web("duty").get("/warnings/new/").context["form"].fields[
        "area_codes"].choices}
    assert demo_county["township2"] in township_choices
    warning = publish()
    assert web("township2").get(f"/warnings/{warning.pk}/edit/").status_code in (403, 404)


def test_workflow_buttons_then_update_and_cancel(web, demo_county):
    author, approver = web("duty"), web("approver")
    page = author.get("/warnings/new/?template=flash_flood")
    author.post("/warnings/new/", _post_data(page.context["form"].initial, area_codes=[demo_county["township"]]))
    warning = Warning.objects.latest("pk")
    detail = author.get(f"/warnings/{warning.pk}/").content.decode()
    assert f"/warnings/{warning.pk}/actions/submit/" in detail and f"/warnings/{warning.pk}/edit/" in detail
    author.post(f"/warnings/{warning.pk}/actions/submit/")
    # The author cannot approve; a different account with the approver role can.
    assert "approve" not in [a for a, _l in author.get(f"/warnings/{warning.pk}/").context["actions"]]
    approver.post(f"/warnings/{warning.pk}/actions/approve/")
    author.post(f"/warnings/{warning.pk}/actions/publish/")
    warning.refresh_from_db()
    assert warning.state == "published"
    detail = author.get(f"/warnings/{warning.pk}/").content.decode()
    assert f"/warnings/{warning.pk}/update/" in detail and f"/warnings/{warning.pk}/cancel/" in detail
    update_page = author.get(f"/warnings/{warning.pk}/update/")
    response = author.post(f"/warnings/{warning.pk}/update/", _post_data(update_page.context["form"].initial,
                                                                        headline="山洪灾害预警（更新）"))
    update = Warning.objects.get(references=warning, msg_type="Update")
    assert response["Location"] == f"/warnings/{update.pk}/" and update.headline == "山洪灾害预警（更新）"
    author.post(f"/warnings/{update.pk}/actions/submit/")
    approver.post(f"/warnings/{update.pk}/actions/approve/")
    author.post(f"/warnings/{update.pk}/actions/publish/")
    warning.refresh_from_db()
    update.refresh_from_db()
    assert (warning.state, update.state) == ("updated", "published")
    author.post(f"/warnings/{update.pk}/cancel/")
    cancel = Warning.objects.get(references=update, msg_type="Cancel")
    assert cancel.state == "draft"
    author.post(f"/warnings/{cancel.pk}/actions/submit/")
    approver.post(f"/warnings/{cancel.pk}/actions/approve/")
    author.post(f"/warnings/{cancel.pk}/actions/publish/")
    update.refresh_from_db()
    assert update.state == "cancelled"
    # Nothing but a published warning can be updated or cancelled.
    assert author.post(f"/warnings/{update.pk}/cancel/").status_code == 302
    assert Warning.objects.filter(references=update).count() == 1
