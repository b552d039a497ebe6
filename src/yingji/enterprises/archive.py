"""The one-page safety archive of an enterprise (一档) and the hook other apps use to add their sections to it.

The enterprises app draws the profile, the licences and the units with their major hazard grading. Other apps
(risk points and open hazards from ``prevention``; inspections, plans and training later) add sections by
appending to ``SECTIONS`` once, from their ``AppConfig.ready()``::

    from yingji.enterprises import archive

    archive.SECTIONS.append((_("Risk points"), "prevention/includes/enterprise_risks.html", risk_context))

Each entry is ``(title, template_name, context_fn)``:

- ``title``: the section heading (a lazy translation);
- ``template_name``: a template fragment (no ``{% extends %}``) rendered inside the section's card body;
- ``context_fn(enterprise, user)``: returns the fragment's context as a dict, or ``None`` to leave the section
  out for this user (for example when the user's roles cannot view that model). It must read only through the
  policy (``Model.objects.for_user(user)`` or ``policy.scope_q``) and should keep its queries few.

The fragment is rendered with its context plus ``enterprise`` and ``request``. Sections appear in the order
they were appended, after the enterprises app's own sections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string

ContextFn = Callable[[Any, Any], dict | None]

#: ``(title, template_name, context_fn)`` entries appended by other apps (see the module docstring).
SECTIONS: list[tuple[Any, str, ContextFn]] = []


def extra_sections(enterprise, request) -> list[dict]:
    """The registered sections this user may see, rendered: ``[{"title", "html"}, ...]``."""
    rendered = []
    for title, template_name, context_fn in SECTIONS:
        context = context_fn(enterprise, request.user)
        if context is None:
            continue
        html = render_to_string(template_name, {**context, "enterprise": enterprise}, request=request)
        rendered.append({"title": title, "html": html})
    return rendered
