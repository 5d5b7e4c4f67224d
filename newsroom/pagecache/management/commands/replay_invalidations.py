from django.core.management.base import BaseCommand, CommandError

from newsroom.pagecache import durable
from newsroom.pagecache.purge import purger


class Command(BaseCommand):
    help = (
        "Apply the changes the shared cache missed (Redis was down or hung when they were "
        "made), and send again the front-cache purges of the recent changes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=10.0,
            help="Seconds to wait for the front caches to take the purges (default 10).",
        )

    def handle(self, *args, wait, **options):
        if wait < 0:
            raise CommandError("--wait must be zero or more seconds.")
        applied = durable.replay()
        if applied < 0:
            raise CommandError("The cache does not answer; the changes stay recorded for later.")
        resent = durable.resend_recent_purges()
        delivered = purger.wait_idle(wait)
        self.stdout.write(
            f"Applied {applied} missed change(s); purged again the keys of {resent} recent one(s)."
        )
        if not delivered:
            raise CommandError(
                f"Some purges were not delivered within {wait:g} s; the front caches may be "
                "down (their pages expire by themselves within PAGE_SHARED_MAX_AGE)."
            )
