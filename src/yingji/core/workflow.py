"""Workflows as data: a table of (action, from-states, to-state, roles, check). Applying a transition is one
compare-and-swap ``UPDATE … WHERE id = ? AND state = ? AND version = ?``; zero rows means someone else acted first
(409). Every applied transition appends an audit record, and the workflow's ``on_applied`` hook writes the
object's timeline event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext

from . import audit
from .choices import AuditAction
from .errors import Conflict, NotAllowed, ValidationFailed

#: A check receives (obj, actor, payload) and returns extra field updates (or None); it raises
#: ValidationFailed / NotAllowed to refuse.
Check = Callable[[models.Model, Any, Mapping[str, Any]], Mapping[str, Any] | None]


class Versioned(models.Model):
    """Mixin for workflow objects: the version counter used by the compare-and-swap."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: Any = ""  # a (lazy) translation: buttons and the audit trail show it
    check: Check | None = None
    #: Scope rule beyond the role: e.g. an enterprise user may act only on its own enterprise's objects.
    allowed: Callable[[models.Model, Any], bool] | None = None


@dataclass
class Workflow:
    model: type[models.Model]
    transitions: list[Transition]
    state_field: str = "state"
    on_applied: Callable[[models.Model, Transition, Any, Mapping[str, Any], str], None] | None = None
    _by_action: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {}
        for t in self.transitions:
            if t.action in self._by_action:
                raise ValueError(f"duplicate action {t.action}")
            self._by_action[t.action] = t
            if t.label:
                audit.ACTION_LABELS[(self.model._meta.label_lower, t.action)] = t.label

    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    def _permitted(self, t: Transition, obj, actor) -> bool:
        return bool(actor.role_keys & t.roles) and (t.allowed is None or t.allowed(obj, actor))

    def available(self, obj, actor, *, exclude: Iterable[str] = ()) -> list[Transition]:
        """Transitions the actor may take on the object now (for buttons and the API's hints); ``exclude`` names
        actions taken only by other means, whose rules are then not even evaluated."""
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions
                if t.action not in exclude and state in t.sources and self._permitted(t, obj, actor)]

    def apply(self, actor, obj, action: str, payload: Mapping[str, Any] | None = None,
              updates: Mapping[str, Any] | None = None):
        """Apply ``action`` to ``obj`` as ``actor``; return the refreshed object.

        Raises ValidationFailed for an unknown action or a failed check, Conflict (409) when the action is not
        allowed from the current state or someone else changed the object first, NotAllowed (403) when the
        actor's roles lack the action.
        """
        payload = dict(payload or {})
        t = self._by_action.get(action)
        if t is None:
            raise ValidationFailed.from_dict({"action": [f"Unknown action {action!r}; actions: "
                                                         f"{', '.join(self.actions)}"]})
        state = getattr(obj, self.state_field)
        if state not in t.sources:
            raise Conflict(f"Action {action!r} is not allowed from state {state!r}",
                           [{"field": "action", "message": f"allowed from: {', '.join(t.sources)}"}])
        if not self._permitted(t, obj, actor):
            raise NotAllowed(f"Your role cannot {action} this {obj._meta.model_name}")
        changes = dict(updates or {})
        if t.check is not None:
            changes.update(t.check(obj, actor, payload) or {})
        model = type(obj)
        with transaction.atomic():
            rows = model._default_manager.filter(
                pk=obj.pk, **{self.state_field: state}, version=obj.version,
            ).update(**{self.state_field: t.target}, version=F("version") + 1, **changes)
            if rows == 0:
                raise Conflict(gettext("Someone else changed this object first; reload and try again"))
            before = {self.state_field: state, **{k: audit._json_value(getattr(obj, k, None)) for k in changes}}
            obj.refresh_from_db()
            after = {self.state_field: t.target, **{k: audit._json_value(getattr(obj, k, None)) for k in changes}}
            note = str(payload.get("note") or payload.get("reason") or "")
            audit.record(AuditAction.TRANSITION, obj, actor=actor, before=before, after=after,
                         message=f"{action}: {note}"[:500] if note else action)
            if self.on_applied is not None:
                self.on_applied(obj, t, actor, payload, state)
        return obj


def require_fields(payload: Mapping[str, Any], names: Iterable[str]) -> None:
    missing = {n: ["This field is required for this action"] for n in names if payload.get(n) in (None, "", [])}
    if missing:
        raise ValidationFailed.from_dict(missing)
