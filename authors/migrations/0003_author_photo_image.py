# An author's photo becomes a picture of the media library: the old file column steps
# aside under another name, then the new column (a nullable key, no cost to the table) and
# its index, built without locking writes on PostgreSQL.

import django.db.models.deletion
from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("authors", "0002_photo_renditions"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="author", old_name="photo", new_name="photo_file"),
        migrations.AddField(
            model_name="author",
            name="photo",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="A picture from the media library, shown square: at least 320 pixels.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="media.image",
                verbose_name="photo",
            ),
        ),
        AddIndexSafely(
            model_name="author",
            index=models.Index(fields=["photo"], name="author_photo_idx"),
        ),
    ]
