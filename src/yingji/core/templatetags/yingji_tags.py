"""Template helpers of the web shell: choice badges, Bootstrap form fields, pagination, audit values."""

from __future__ import annotations

import json
import re
from datetime import datetime, time

from django import forms, template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yingji.core import choices as choice_sets
from yingji.core import regions

register = template.Library()

_matched: dict[tuple[str, str], type | None] = {}


def _choice_set_for(model, field_name: str) -> type[choice_sets.ChoiceSet] | None:
    key = (model._meta.label_lower, field_name)
    declared = choice_sets.of_field(*key)
    if declared is not None:
        return declared
    if key in _matched:
        return _matched[key]
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    values = sorted(str(v) for v, _label in (field.choices or []))
    for choice_set in choice_sets.all_sets():
        if sorted(choice_set.values()) == values:
            _matched[key] = choice_set
            return choice_set
    _matched[key] = None
    return None


def _badge(label, colour: str):
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)


#: Badges made, by (model, field, value, language): a list page draws the same few badges row after row, and
#: Django's ``get_FOO_display`` rebuilds the field's whole choice map on every call.
_badges: dict[tuple, str] = {}


@register.simple_tag
def choice_badge(obj, field_name: str):
    """``{% choice_badge region 'level' %}``: the translated label of a choice field in its colour."""
    value = getattr(obj, field_name, "")
    if value in (None, ""):
        return ""
    key = (type(obj), field_name, value, get_language())
    try:
        return _badges[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable stored value: drawn, not kept
        key = None
    choice_set = _choice_set_for(type(obj), field_name)
    colour = choice_set.colour(value) if choice_set else "secondary"
    display = getattr(obj, f"get_{field_name}_display", None)
    label = display() if display else (choice_set.label(value) if choice_set else value)
    badge = _badge(label, colour)
    if key is not None and choice_set is not None and value in choice_set.values():  # a declared value: bounded
        _badges[key] = badge
    return badge


@register.simple_tag
def value_badge(set_name: str, value, label=None):
    """``{% value_badge 'role' key %}``: a badge for a bare value of a named choice set."""
    choice_set = choice_sets.named(set_name)
    if choice_set is None:
        return _badge(label or value, "secondary")
    return _badge(label or choice_set.label(value), choice_set.colour(value))


@register.simple_tag
def bool_badge(value):
    if value:
        return format_html('<span class="badge text-bg-success">{}</span>', _("Yes"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("No"))


ALERT_COLOURS = (("error", "danger"), ("warning", "warning"), ("success", "success"), ("info", "info"))


@register.filter
def alert_class(message_tags: str) -> str:
    """Bootstrap alert colour for a messages-framework message."""
    tags = (message_tags or "").split()
    for tag, colour in ALERT_COLOURS:
        if tag in tags:
            return colour
    return "secondary"


# --- forms ------------------------------------------------------------------------------------------------

_CHOICE_LIST_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


def _widget_class(field, small: bool) -> str:
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, *_CHOICE_LIST_WIDGETS)):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select form-select-sm" if small else "form-select"
    else:
        css = "form-control form-control-sm" if small else "form-control"
    if field.errors:
        css += " is-invalid"
    return css


# Native pickers and the value syntax the browser accepts for each (HTML "valid normalized" strings). A value in
# any other syntax, such as the display locale's 2026/02/22, is shown blank and submitted blank, which silently
# erased stored dates on save. So the value is always ISO, whatever the language; the fields parse ISO back.
NATIVE_INPUT_TYPES = (
    (forms.DateTimeInput, "datetime-local", "%Y-%m-%dT%H:%M"),
    (forms.DateInput, "date", "%Y-%m-%d"),
    (forms.TimeInput, "time", "%H:%M"),
)


_WITH_SECONDS = re.compile(r"\d:\d\d:\d\d")


def _native_input(field, widget, attrs: dict) -> None:
    """Make a date, datetime or time widget a native picker holding an ISO value (local time for datetimes:
    the field's ``prepare_value`` has already moved aware values into the current time zone)."""
    native = next(((t, f) for cls, t, f in NATIVE_INPUT_TYPES if isinstance(widget, cls)), None)
    if native is None:
        return
    input_type, iso_format = native
    # The widget belongs to this form instance (forms deep-copy their fields), so changing it here changes no
    # other form.
    widget.input_type = input_type
    value = field.value()
    if input_type != "date" and (isinstance(value, datetime | time) and value.second
                                 or isinstance(value, str) and _WITH_SECONDS.search(value)):
        # A value with seconds keeps them (the picker's default step of a minute would reject it, and cutting
        # them would change the value on an unchanged save). A string is what was submitted, shown back as is.
        iso_format += ":%S"
        attrs.setdefault("step", "1")
    widget.format = iso_format


def _widget_attrs(field, small: bool) -> dict:
    widget = field.field.widget
    attrs = {"class": " ".join(filter(None, [widget.attrs.get("class", ""), _widget_class(field, small)]))}
    _native_input(field, widget, attrs)
    if isinstance(widget, forms.PasswordInput) and "autocomplete" not in widget.attrs:
        # Lets password managers tell the current password from a new one.
        current = field.name.startswith(("old", "current"))
        attrs["autocomplete"] = "current-password" if current else "new-password"
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


@register.inclusion_tag("includes/field.html")
def form_field(field, small=False):
    """A Bootstrap 5 form group: label, widget, help text and the field's errors."""
    widget = field.field.widget
    attrs = _widget_attrs(field, small)
    context = {"field": field, "small": small, "kind": "input", "options": [], "widget_html": ""}
    if isinstance(widget, _CHOICE_LIST_WIDGETS):
        context["kind"] = "choices"
        widget.attrs = {**widget.attrs, **attrs}
        context["options"] = list(field)
    elif isinstance(widget, forms.CheckboxInput):
        context["kind"] = "checkbox"
        context["widget_html"] = field.as_widget(attrs=attrs)
    else:
        context["widget_html"] = field.as_widget(attrs=attrs)
    return context


@register.simple_tag
def filter_fields(form):
    """The filter form's visible fields, free-text search first (FilterSets declare it on their base class);
    filters hidden for the user's role are rendered as hidden inputs by ``filter_form.html``."""
    fields = form.visible_fields()
    return sorted(fields, key=lambda f: f.name != "q")


@register.simple_tag
def active_filter_count(form) -> int:
    """How many filters of a bound filter form carry a value."""
    if not form.is_bound:
        return 0
    return sum(1 for name in form.fields if form.data.get(name) not in (None, ""))


# --- lists ------------------------------------------------------------------------------------------------


@register.simple_tag
def page_range(page, on_each_side=2, on_ends=1):
    """Page numbers around the current page with ellipses (``Paginator.get_elided_page_range``)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends))


@register.simple_tag
def region_label(code: str):
    """The name of a region (village names with their township); the code itself only where a code column is
    meant. One lookup for the whole request (``yingji.core.regions``)."""
    return regions.region_path(code)


@register.filter
def region_name(code: str) -> str:
    """``{{ shift.region_code|region_name }}``: as ``region_label``, as a filter."""
    return regions.region_path(code)


@register.filter
def region_names(codes) -> str:
    """``{{ warning.area_codes|region_names }}``: several regions by name."""
    return regions.region_names_list(codes)


# --- audit ------------------------------------------------------------------------------------------------


@register.filter
def audit_value(value) -> str:
    """A before/after value as readable text (JSON for lists and objects, a dash for nothing)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def audit_message(record) -> str:
    """The record's message in the active language (``core.audit.describe_message``)."""
    from yingji.core.audit import describe_message

    return describe_message(record)


@register.simple_tag
def audit_field_label(record, field_name: str) -> str:
    """The translated verbose name of an audited field, or the field name itself."""
    try:
        model = apps.get_model(record.object_type)
        return str(model._meta.get_field(field_name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return field_name


@register.simple_tag
def audit_object_type(record) -> str:
    """The translated name of the audited object's model."""
    if not record.object_type:
        return ""
    try:
        return str(apps.get_model(record.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return record.object_type


@register.simple_tag
def audit_object_url(record) -> str:
    """The detail page of the audited object, when it has one ('' otherwise)."""
    from yingji.core.surfaces import page_url

    return page_url(record.object_type, record.object_id)


@register.filter
def masked_phone(value):
    """A phone number masked for roles without the personal-data grant (see ``policy.mask_phone``)."""
    from yingji.core.policy import mask_phone

    return mask_phone(value or "")


@register.filter
def distance(metres) -> str:
    """A distance as people read it: ``850 米`` below a kilometre, ``1.2 公里`` / ``12 公里`` above (in the active
    language); '' for no value."""
    from django.utils.translation import gettext

    if metres in (None, ""):
        return ""
    metres = float(metres)
    if metres < 1000:
        return gettext("%(metres)s m") % {"metres": f"{round(metres):d}"}
    km = metres / 1000
    return gettext("%(km)s km") % {"km": f"{km:.1f}" if km < 10 else f"{round(km):d}"}
