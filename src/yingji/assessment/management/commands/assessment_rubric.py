"""``yingji manage assessment_rubric --year 2026 [--target township|member_unit] [--user section]``: copy the
county's default rubric (standards/data/assessment_rubric.json) into that year's draft rubric."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yingji.core.errors import ServiceError
from yingji.core.models import User

from ...choices import Target
from ...services import copy_default_rubric


class Command(BaseCommand):
    help = "Copy the county's default assessment rubric into a year's draft rubric."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--target", choices=Target.values(), default=Target.TOWNSHIP)
        parser.add_argument("--user", default="admin", help="the assessor the copy is recorded for")

    def handle(self, *args, year, target, user, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        try:
            rubric = copy_default_rubric(actor, year, target)
        except ServiceError as exc:
            raise CommandError(f"{exc}: {getattr(exc, 'errors', '')}") from None
        self.stdout.write(f"rubric {rubric.pk}: {rubric} ({rubric.items.count()} items)")
