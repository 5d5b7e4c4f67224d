# The hero becomes a picture of the media library. A nullable foreign key is added at no
# cost to the table; its index is built without locking writes on PostgreSQL.

import django.db.models.deletion
from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0016_wordpress_link_fingerprint"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="hero",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="A picture from the media library (the magnifier opens it), or upload one below.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="media.image",
                verbose_name="hero image",
            ),
        ),
        AddIndexSafely(
            model_name="article",
            index=models.Index(fields=["hero"], name="article_hero_idx"),
        ),
    ]
