from django.db import migrations

INDEX = "article_search_vector_gin"


def create_index(apps, schema_editor):
    # The search vector is filled and searched on PostgreSQL only; other databases
    # fall back to a plain search and need no index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
