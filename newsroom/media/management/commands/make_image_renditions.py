from django.core.management.base import BaseCommand

from newsroom.media import renditions
from newsroom.media.models import Image


class Command(BaseCommand):
    help = (
        "Make the renditions of library images now, in this process: those that have none "
        "(a queue that was down), or every image with --all (after the kinds or sizes changed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every image.")

    def handle(self, *args, **options):
        images = Image.objects.exclude(file="").order_by("pk")
        if not options["all"]:
            images = images.filter(renditions={})
        count = 0
        for image in images.iterator(chunk_size=100):
            renditions.rebuild_now(image)
            count += 1
        self.stdout.write(f"Renditions made for {count} image(s).")
