"""Model choices read as (id, label) rows (``core.modelchoices``): the same options as Django's instances give."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext

from yingji.core.models import User

pytestmark = pytest.mark.django_db


def _declaring_models():
    return [m for m in apps.get_models() if getattr(m, "CHOICE_LABEL", None)]


def test_every_declared_label_is_what_the_model_prints(demo_county):
    models = _declaring_models()
    assert len(models) >= 10
    checked = 0
    for model in models:
        for obj in model.objects.all()[:300]:
            assert str(obj) == str(getattr(obj, model.CHOICE_LABEL)), (model, obj.pk)
            checked += 1
    assert checked > 1000


def _both(bound_field, monkeypatch):
    rows = str(bound_field)
    with monkeypatch.context() as patch:
        patch.setattr(ModelChoiceIterator, "__iter__", ModelChoiceIterator.django_iter)
        instances = str(bound_field)
    return rows, instances


def _forms(user):
    from yingji.enterprises.forms import MajorHazardFilingForm
    from yingji.preparedness.training_forms import AttendanceForm
    from yingji.prevention.filters import HazardFilterSet

    request = RequestFactory().get("/hazards/", {"enterprise": ""})
    request.user = user
    return [(AttendanceForm(user=user), ("trainee", "user")),
            (MajorHazardFilingForm(user=user), ("unit",)),
            (HazardFilterSet(request.GET, request=request).form, ("enterprise",))]


@pytest.mark.parametrize("username", ["admin", "township1"])
def test_the_options_are_those_of_the_instances(demo_county, monkeypatch, username):
    user = User.objects.get(username=username)
    for form, names in _forms(user):
        for name in names:
            rows, instances = _both(form[name], monkeypatch)
            assert rows == instances, name
            assert rows.count("<option") >= 2, name


def test_rows_read_only_the_label_columns(demo_county):
    from yingji.preparedness.training_forms import AttendanceForm

    form = AttendanceForm(user=User.objects.get(username="admin"))
    with CaptureQueriesContext(connection) as queries:
        options = [option for option in iter(form.fields["trainee"].choices)]  # noqa: C416  (list() would count them first)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    columns = sql.split(" FROM ")[0]
    assert columns.count(",") == 2 and '"preparedness_trainee"."name"' in columns
    trainee = form.fields["trainee"].queryset.select_related("enterprise").first()
    assert (trainee.pk, f"{trainee.enterprise.name} {trainee.name}") in options


def test_a_chosen_option_still_validates_through_the_scoped_queryset(demo_county):
    from yingji.preparedness.models import Trainee
    from yingji.preparedness.training_forms import AttendanceForm

    user = User.objects.get(username="township1")
    form = AttendanceForm(user=user)
    visible = form.fields["trainee"].queryset
    inside = visible.first()
    outside = Trainee.objects.exclude(pk__in=visible.values("pk")).first()
    assert inside is not None and outside is not None
    field = form.fields["trainee"]
    assert field.clean(str(inside.pk)) == inside
    assert field.label_from_instance(inside) == f"{inside.enterprise.name} {inside.name}"
    with pytest.raises(Exception, match="valid choice|有效"):
        field.clean(str(outside.pk))
