"""``yingji manage apply_retention``: fold old raw readings into hourly aggregates and prune, by the configured
retention policy (options override it for one run)."""

from django.core.management.base import BaseCommand, CommandError

from yingji.monitoring import retention


class Command(BaseCommand):
    help = "Downsample raw readings older than the retention into hourly aggregates, then prune."

    def add_arguments(self, parser):
        parser.add_argument("--raw-days", type=int, help="keep raw readings this many days")
        parser.add_argument("--hourly-days", type=int, help="keep hourly aggregates this many days")
        parser.add_argument("--dry-run", action="store_true", help="count what would be done, change nothing")

    def handle(self, *args, raw_days=None, hourly_days=None, dry_run=False, **options):
        try:
            result = retention.apply_retention(raw_days=raw_days, hourly_days=hourly_days, dry_run=dry_run)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        prefix = "would " if dry_run else ""
        self.stdout.write(f"{prefix}fold {result.aggregated_readings} readings into {result.hours_written} "
                          f"hourly aggregates; {prefix}delete {result.raw_deleted} raw readings and "
                          f"{result.hourly_deleted} hourly aggregates"
                          + (f" ({prefix}drop {result.partitions_dropped} monthly partitions)"
                             if result.partitions_dropped else ""))
