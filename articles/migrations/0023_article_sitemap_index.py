from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    # Built CONCURRENTLY on PostgreSQL: the articles stay open meanwhile.
    atomic = False

    dependencies = [("articles", "0022_body_images")]

    operations = [
        AddIndexSafely(
            model_name="article",
            index=models.Index(
                fields=["id"],
                include=["status", "published_at", "expires_at", "modified"],
                name="article_sitemap_idx",
            ),
        ),
    ]
