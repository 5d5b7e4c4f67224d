# One library image per hero file (articles sharing a file share the image), the article
# pointed at it. The file is copied into the library's private storage; renditions are made
# afterwards by `manage.py make_image_renditions` and the images of public articles made public by
# `manage.py sync_image_publicity` (docs/media.md). Batches of rows, so a big table is never
# held in memory or locked for long.

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db import migrations, transaction
from django.utils import timezone

BATCH = 500


def library_name(old_name, when):
    return f"library/originals/{when:%Y/%m}/{PurePosixPath(old_name).name}"


def copy_into_library(old_name, when):
    """The file's name in the private storage, or None when the old file is gone."""
    from newsroom.media.storage import private_storage

    if not default_storage.exists(old_name):
        return None
    with default_storage.open(old_name, "rb") as source:
        return private_storage().save(library_name(old_name, when), source)


def heroes_to_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("media", "Image")
    made = {}  # old file name -> image id
    last = 0
    while True:
        rows = list(
            Article.objects.filter(pk__gt=last)
            .exclude(hero_image="")
            .order_by("pk")
            .values_list(
                "pk", "hero_image", "hero_width", "hero_height", "hero_alt", "hero_caption",
                "hero_credit", "created_by_id", "created",
            )[:BATCH]
        )  # fmt: skip
        if not rows:
            return
        last = rows[-1][0]
        chosen = {}
        with transaction.atomic():
            for pk, name, width, height, alt, caption, credit, by, created in rows:
                if name not in made:
                    stored = copy_into_library(name, created or timezone.now())
                    if stored is None:
                        made[name] = None
                        continue
                    made[name] = Image.objects.create(
                        file=stored,
                        original_name=PurePosixPath(name).name[:255],
                        width=width or 0,
                        height=height or 0,
                        alt_text=alt,
                        caption=caption,
                        credit=credit,
                        uploaded_by_id=by,
                        uploaded_at=created or timezone.now(),
                    ).pk
                if made[name] is not None:
                    chosen.setdefault(made[name], []).append(pk)
            for image_id, pks in chosen.items():
                Article.objects.filter(pk__in=pks).update(hero_id=image_id)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_article_hero"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(heroes_to_library, migrations.RunPython.noop, elidable=True),
    ]
