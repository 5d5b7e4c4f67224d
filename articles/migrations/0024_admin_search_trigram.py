from django.db import migrations

from newsroom.migration_operations import RunSQLWithExtension

# The admin's article search looks for any part of a headline or standfirst, in any case
# (UPPER(column) LIKE UPPER('%term%')): without these, it read every article. Trigram
# indexes of the same expressions answer it. PostgreSQL only; SQLite scans its small table.
INDEXES = {
    "article_headline_trgm_idx": "headline",
    "article_standfirst_trgm_idx": "standfirst",
}


class Migration(migrations.Migration):
    # Built CONCURRENTLY: the articles stay open for reading and writing meanwhile.
    atomic = False

    dependencies = [("articles", "0023_article_sitemap_index")]

    operations = [
        RunSQLWithExtension(
            "pg_trgm",
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f'ON articles_article USING gin (UPPER("{column}") gin_trgm_ops)',
            f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            elidable=False,
        )
        for name, column in INDEXES.items()
    ]
