from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from authors.models import Author
from newsroom import images, pagecache

# (model, picture field, renditions field, widths)
PICTURES = [
    (Article, "hero_image", "hero_renditions", images.HERO_WIDTHS),
    (Author, "photo", "photo_renditions", images.PORTRAIT_WIDTHS),
]


class Command(BaseCommand):
    help = (
        "Makes the responsive renditions of articles' hero images and authors' photos from "
        "the stored pictures. Safe to run again: each run replaces what it remakes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only pictures that have no renditions yet.",
        )

    def handle(self, *args, missing=False, **options):
        made = failed = 0
        for model, picture, field, widths in PICTURES:
            rows = model.objects.exclude(**{picture: ""}).only("pk", picture, field)
            if missing:
                rows = rows.filter(**{field: {}})
            for row in rows.iterator(chunk_size=200):
                old = getattr(row, field)
                try:
                    renditions = images.make_renditions(getattr(row, picture), widths)
                except Exception as error:  # a missing or unreadable file: report, go on
                    failed += 1
                    self.stderr.write(f"{model.__name__} {row.pk}: {error}")
                    continue
                with transaction.atomic():
                    # update(), not save(): remaking renditions is not an edit of the row.
                    model.objects.filter(pk=row.pk).update(**{field: renditions})
                    images.delete_renditions_on_commit(
                        _no_longer_used(old, renditions),
                    )
                made += 1
        if made:
            # update() sends no signal: the pages showing these pictures are refreshed here,
            # so they point at the new renditions at once rather than at deleted files.
            pagecache.touch_site()
        self.stdout.write(f"Renditions made for {made} picture(s); {failed} failed.")


def _no_longer_used(old, new):
    kept = {entry["name"] for entries in new.values() for entry in entries}
    return {
        fmt: [entry for entry in entries if entry["name"] not in kept]
        for fmt, entries in (old or {}).items()
    }
