from django.core.management.base import BaseCommand

from newsroom.media import publicity


class Command(BaseCommand):
    help = (
        "Make every library image public or private as its uses now say: run every few "
        "minutes, so a scheduled story's picture goes public at its time and an expired "
        "one's goes private."
    )

    def handle(self, *args, **options):
        changed = publicity.sync_all()
        self.stdout.write(f"{changed} image(s) changed.")
