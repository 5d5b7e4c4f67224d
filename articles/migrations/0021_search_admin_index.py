from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    # Built CONCURRENTLY on PostgreSQL: the articles stay open meanwhile.
    atomic = False

    dependencies = [("articles", "0020_search_listing_index")]

    operations = [
        AddIndexSafely(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
        ),
    ]
