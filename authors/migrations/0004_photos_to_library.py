# One library image per author photo, the author pointed at it. The file is copied into the
# library's private storage; renditions and publicity follow with `manage.py
# make_image_renditions` and `manage.py sync_image_publicity` (docs/media.md).

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db import migrations
from django.utils import timezone


def photos_to_library(apps, schema_editor):
    from newsroom.media.storage import private_storage

    Author = apps.get_model("authors", "Author")
    Image = apps.get_model("media", "Image")
    now = timezone.now()
    for author in Author.objects.exclude(photo_file="").order_by("pk").iterator(chunk_size=200):
        name = author.photo_file.name
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as source:
            stored = private_storage().save(
                f"library/originals/{now:%Y/%m}/{PurePosixPath(name).name}", source
            )
        image = Image.objects.create(
            file=stored,
            original_name=PurePosixPath(name).name[:255],
            width=author.photo_width or 0,
            height=author.photo_height or 0,
            alt_text=author.name[:300],
            uploaded_at=now,
        )
        Author.objects.filter(pk=author.pk).update(photo=image)


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0003_author_photo_image"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(photos_to_library, migrations.RunPython.noop, elidable=True),
    ]
