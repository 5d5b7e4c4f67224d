import datetime

from django.core.management.base import BaseCommand, CommandError

from articles.notifications import send_due_notices


class Command(BaseCommand):
    help = (
        "Mail the writers and the publishing editor about stories that went live at their "
        "scheduled time or expired, once each. Run it every few minutes (cron, a systemd "
        "timer, or after `db_worker --batch`); a deferred task does the same on a task "
        "backend that can defer, and whichever comes first sends the mail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within-hours",
            type=int,
            default=48,
            help="Only times this many hours ago at most (default 48).",
        )

    def handle(self, *args, within_hours, **options):
        if within_hours < 1:
            raise CommandError("--within-hours must be at least 1.")
        sent = send_due_notices(within=datetime.timedelta(hours=within_hours))
        self.stdout.write(f"{sent} mail(s) sent.")
