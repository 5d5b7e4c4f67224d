from django.db import migrations


def apply_roles(apps, schema_editor):
    from articles.roles import setup_roles

    setup_roles(apps)


class Migration(migrations.Migration):
    """Editors write corrections; writers see them."""

    dependencies = [("articles", "0013_article_read_count")]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
