"""makemessages that also extracts ``_l(...)`` and ``_msg(...)``: views import ``gettext_lazy as _l`` beside
``gettext as _``, and services build notification texts with ``_msg(template, **params)`` (translated into the
default language when sent); xgettext only knows Django's default keywords, so those strings were silently left
out of the catalogue and reached users in English."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l", "--keyword=_msg"]
