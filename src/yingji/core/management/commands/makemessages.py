"""makemessages that also extracts ``_l(...)``: views import ``gettext_lazy as _l`` beside ``gettext as _``, and
xgettext only knows Django's default keywords, so those strings were silently left out of the catalogue."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
