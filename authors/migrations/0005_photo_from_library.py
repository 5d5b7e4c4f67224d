# The old photo columns go once every photo is a library image.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0004_photos_to_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="author", name="photo_file"),
        migrations.RemoveField(model_name="author", name="photo_width"),
        migrations.RemoveField(model_name="author", name="photo_height"),
        migrations.RemoveField(model_name="author", name="photo_renditions"),
    ]
