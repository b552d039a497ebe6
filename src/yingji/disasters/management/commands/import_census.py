"""``yingji manage import_census KIND FILE --user USERNAME [--dry-run]``: import one census table (bodies, sources
or zones) from .xlsx or .csv as that user (their jurisdiction and rights apply, each change is audited). Every row
is checked first; any error imports nothing and each is printed with its row and column (exit status 1)."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from yingji.core.errors import ServiceError
from yingji.core.models import User
from yingji.disasters.services import census


class Command(BaseCommand):
    help = "Import a risk census table (bodies, sources or zones) from an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(census.COLUMNS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the account the import acts as")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, kind, file, user, dry_run=False, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            result = census.import_census(actor, kind, SimpleUploadedFile(file.name, data), dry_run=dry_run)
        except ServiceError as exc:
            for error in exc.errors:
                where = f"row {error['row']}, {error['column']}: " if error.get("row") else ""
                self.stderr.write(f"{where}{error['message']}")
            raise CommandError(exc.detail) from None
        prefix = "checked (nothing written): " if dry_run else ""
        self.stdout.write(f"{prefix}{result.rows} rows: {result.created} new, {result.updated} updated, "
                          f"{result.unchanged} unchanged")
