from django.db import migrations, models
from django.db.models.functions import Upper

from newsroom.migration_operations import AddIndexSafely, RunSQLOnPostgreSQL

NAME_PREFIX_INDEX = "comment_name_prefix_idx"


class Migration(migrations.Migration):
    # Both indexes are built CONCURRENTLY on PostgreSQL: the comments stay open meanwhile.
    atomic = False

    dependencies = [("comments", "0007_commenter_email")]

    operations = [
        AddIndexSafely(
            model_name="comment",
            index=models.Index(Upper("author_email"), name="comment_email_upper_idx"),
        ),
        # The start of a name, in any case (LIKE 'ADA%' needs the pattern operator class
        # whatever the database's collation); only PostgreSQL gets and uses it.
        RunSQLOnPostgreSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME_PREFIX_INDEX} "
            'ON comments_comment (UPPER("author_name") text_pattern_ops)',
            f"DROP INDEX CONCURRENTLY IF EXISTS {NAME_PREFIX_INDEX}",
            elidable=False,
        ),
    ]
