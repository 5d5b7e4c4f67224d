from django.db import migrations, models

from newsroom.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    # Built CONCURRENTLY on PostgreSQL: the comments stay open meanwhile.
    atomic = False

    dependencies = [("comments", "0009_drill_created_index")]

    operations = [
        AddIndexSafely(
            model_name="comment",
            index=models.Index(
                fields=["created_at"],
                condition=models.Q(is_staff_reply=True),
                name="comment_staff_reply_idx",
            ),
        ),
    ]
