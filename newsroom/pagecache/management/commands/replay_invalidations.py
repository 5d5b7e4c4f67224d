from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.pagecache import durable
from newsroom.pagecache.models import Invalidation
from newsroom.pagecache.purge import purger


class Command(BaseCommand):
    help = (
        "Apply the changes the shared cache missed (Redis was down or hung when they were "
        "made), send again the front-cache purges of the recent changes, and delete old "
        "applied ones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=10.0,
            help="Seconds to wait for the front caches to take the purges (default 10).",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=7,
            help="Delete applied changes older than this many days (default 7).",
        )

    def handle(self, *args, wait, keep_days, **options):
        if wait < 0:
            raise CommandError("--wait must be zero or more seconds.")
        if keep_days < 0:
            raise CommandError("--keep-days must be zero or more days.")
        applied = durable.replay()
        if applied < 0:
            raise CommandError("The cache does not answer; the changes stay recorded for later.")
        resent = durable.resend_recent_purges()
        before = timezone.now() - timedelta(days=keep_days)
        deleted, _ = Invalidation.objects.filter(applied_at__lt=before).delete()
        delivered = purger.wait_idle(wait)
        self.stdout.write(
            f"Applied {applied} missed change(s); purged again the keys of {resent} recent "
            f"one(s); deleted {deleted} applied more than {keep_days} day(s) ago."
        )
        if not delivered:
            raise CommandError(
                f"Some purges were not delivered within {wait:g} s; the front caches may be "
                "down (their pages expire by themselves within PAGE_SHARED_MAX_AGE)."
            )
