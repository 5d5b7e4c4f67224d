from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    # Built CONCURRENTLY on PostgreSQL: the comments stay open meanwhile.
    atomic = False

    dependencies = [("comments", "0008_drill_commenter_search")]

    operations = [
        AddIndexSafely(
            model_name="comment",
            index=models.Index(fields=["created_at"], name="comment_created_idx"),
        ),
    ]
