from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely, RemoveIndexSafely


class Migration(migrations.Migration):
    # Built and dropped CONCURRENTLY on PostgreSQL: the articles stay open meanwhile.
    atomic = False

    dependencies = [("articles", "0019_remove_article_hero_image")]

    # The new index first: the section pages are never left without one.
    operations = [
        AddIndexSafely(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "-published_at"],
                include=("expires_at", "id"),
                name="article_section_listing_idx",
            ),
        ),
        RemoveIndexSafely(model_name="article", name="article_section_public_idx"),
    ]
