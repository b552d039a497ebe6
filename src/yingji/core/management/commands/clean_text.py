"""``yingji manage clean_text``: remove the characters the text policy refuses from every stored string (what
migration core.0008 did once; for a database restored from an older backup)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from yingji.core.textpolicy import clean_stored_text


class Command(BaseCommand):
    help = "Remove control characters, lone surrogates and noncharacters from every stored text column."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = clean_stored_text(apps)
        for column, rows in sorted(changed.items()):
            self.stdout.write(f"{column}: {rows} rows")
        self.stdout.write(f"cleaned {sum(changed.values())} values in {len(changed)} columns")
