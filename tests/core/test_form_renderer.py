"""The forms' renderer writes selects exactly as Django's templates do (``yingji.core.form_renderer``)."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from yingji.core import form_renderer
from yingji.core.form_renderer import Renderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("a", "甲"), ("b&c", 'B "and" <C>'), (3, 4)])
    grouped = forms.ChoiceField(choices=[("", "—"), ("乡镇 <一>", [("410481100", "尹集镇"), ("410481101", "八台镇")]),
                                         ("x", gettext_lazy("Township"))])
    many = forms.MultipleChoiceField(choices=[(str(n), f"选项{n}") for n in range(30)], required=False)
    flag = forms.NullBooleanField()
    safe = forms.ChoiceField(choices=[(mark_safe("<b>"), mark_safe("<i>粗</i>"))])  # noqa: S308  test of safe text


def _both(bound_field, attrs=None):
    ours = bound_field.as_widget(attrs=attrs)
    widget = bound_field.field.widget
    theirs = widget.render(bound_field.html_name, bound_field.value(),
                           attrs={**bound_field.build_widget_attrs(attrs or {}), "id": bound_field.auto_id},
                           renderer=DjangoTemplates())
    return str(ours), str(theirs)


@pytest.mark.parametrize("data", [None, {"plain": "b&c", "grouped": "410481101", "many": ["2", "17"],
                                          "flag": "true", "safe": "<b>"}])
def test_selects_are_written_as_the_templates_write_them(data):
    form = Sample(data=data)
    assert isinstance(form.renderer, Renderer)
    for name in form.fields:
        attrs = {"class": "form-select", "data-place": 'x"y', "disabled": False, "autofocus": True}
        ours, theirs = _both(form[name], attrs)
        assert ours == theirs, name
        assert ours.startswith("<select") and "<option" in ours


def test_the_incident_form_select_with_option_data(demo_county):
    from yingji.core.models import User
    from yingji.incidents.forms import PlaceForm

    form = PlaceForm(user=User.objects.get(username="duty"))
    for name in ("township_code", "village_code", "enterprise_id"):
        ours, theirs = _both(form[name])
        assert ours == theirs
        assert ours.count("<option") > 3 and "data-lat=" in ours


def test_what_it_does_not_know_goes_to_the_templates(monkeypatch):
    """A label the templates would localise (a date) is left to them, so the output cannot differ."""
    import datetime

    field = forms.ChoiceField(choices=[("d", datetime.date(2026, 1, 2))])
    form = forms.Form()
    form.fields["d"] = field
    calls = []
    original = DjangoTemplates.render
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, *a, **k: calls.append(name)
                        or original(self, name, *a, **k))
    html = str(form["d"].as_widget())
    assert form_renderer.SELECT in calls and "2026" in html
    with pytest.raises(form_renderer._Unknown):
        form_renderer.select_html(field.widget.get_context("d", "d", {})["widget"])
