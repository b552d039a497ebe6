"""A form's model choices read as (id, label) rows instead of model instances.

Django builds a model instance for every option of a model choice field (``ModelChoiceIterator``) only to take
its primary key and ``str()`` of it: the 794 trainees of a training session's attendance form cost 16.8 ms that
way against 1.8 ms read as tuples, and every list filtered by enterprise paid the same for the county's 300
enterprises. :func:`install` makes the iterator read ``values_list("pk", <label columns>)`` when it knows what the
label is made of:

- the field names it (:func:`label_choices`: the columns and how they make the label), or
- the field keeps Django's ``label_from_instance`` (``str(obj)``) and the model declares ``CHOICE_LABEL``, the one
  field its ``__str__`` returns (``tests/core/test_modelchoices.py`` holds every such model to it).

Anything else (a label written as a function of the instance, a ``to_field_name``, prefetched or combined
querysets) is iterated the Django way. The options' values are the primary keys, which is what Django's
``ModelChoiceIteratorValue`` prints; the markup is the same."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django import forms
from django.forms.models import ModelChoiceIterator

_DEFAULT_LABEL = forms.ModelChoiceField.label_from_instance


def label_choices(field: forms.ModelChoiceField, paths: Sequence[str], label: Callable[..., str]) -> None:
    """Read ``field``'s options as ``paths`` (field paths of its queryset's model) and make each label as
    ``label(*values)``. Sets the field's ``label_from_instance`` to the same for the chosen value's display."""
    field.choice_label = (tuple(paths), label)

    def from_instance(obj):
        values = []
        for path in paths:
            value = obj
            for part in path.split("__"):
                value = getattr(value, part)
            values.append(value)
        return label(*values)

    field.label_from_instance = from_instance
    field.widget.choices = field.choices  # the widget took its iterator when the queryset was set


def _label_spec(field) -> tuple[tuple[str, ...], Callable[..., str]] | None:
    declared = getattr(field, "choice_label", None)
    if declared is not None:
        return declared
    if getattr(field.label_from_instance, "__func__", None) is not _DEFAULT_LABEL:
        return None
    name = getattr(field.queryset.model, "CHOICE_LABEL", None)
    return ((name,), str) if name else None


def install() -> None:
    """Make ``ModelChoiceIterator`` read labelled rows where it can (idempotent)."""
    if getattr(ModelChoiceIterator, "_yingji_rows", False):
        return
    django_iter = ModelChoiceIterator.django_iter = ModelChoiceIterator.__iter__

    def __iter__(self):
        field, queryset = self.field, self.queryset
        spec = _label_spec(field) if field.to_field_name is None else None
        if spec is None or queryset._prefetch_related_lookups or queryset.query.combinator:
            yield from django_iter(self)
            return
        if field.empty_label is not None:
            yield ("", field.empty_label)
        paths, label = spec
        for pk, *values in queryset.values_list("pk", *paths):
            yield (pk, label(*values))

    ModelChoiceIterator.__iter__ = __iter__
    ModelChoiceIterator._yingji_rows = True
