"""The forms' renderer: Django's template renderer, with ``<select>`` written in Python.

Django renders a select through ``django/forms/widgets/select.html``, which includes an option template per
option, each including the attributes template: three template renders per option. A form offering the county's
300 townships and villages and its enterprises (the incident form, the warning form, the filters of every list)
spent most of its page time there (``/incidents/new/``: 200 ms, of which 9 queries). :class:`Renderer` writes the
same markup — byte for byte, checked against Django's templates by ``tests/core/test_form_renderer.py`` — directly,
and hands anything it does not know (another option template, a label that is neither text nor a whole number) to
the templates as before."""

from __future__ import annotations

import html

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class _Unknown(Exception):
    """A value the templates would format in a way this module does not reproduce (localised numbers, dates)."""


def _text(value) -> str:
    """``{{ value }}`` under autoescape, for the values a select's names, groups and labels hold."""
    if type(value) is str:  # plain text (not marked safe): Django's escape() is html.escape (its lazy wrapper costs)
        return html.escape(value)
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return conditional_escape(localize(value))  # as the templates print a number (thousand separators if set)
    raise _Unknown


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape (the filter keeps safe input safe)."""
    if type(value) is int:  # a primary key
        return str(value)
    text = "%s" % (value,)  # noqa: UP031  the filter's own formatting
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    return "".join(f" {name}" if value is True else f' {name}="{_formatted(value)}"'
                   for name, value in attrs.items() if value is not False)


def select_html(widget: dict) -> str:
    """``django/forms/widgets/select.html`` for a widget context (``Select.get_context()["widget"]``)."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION:
                raise _Unknown
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{_text(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts).strip()


class Renderer(DjangoTemplates):
    """``FORM_RENDERER``: selects written directly (:func:`select_html`), every other template as Django's."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            try:
                return select_html(context["widget"])
            except _Unknown:
                pass
        return super().render(template_name, context, request)
