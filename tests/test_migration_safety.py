"""New migrations keep the big tables open: the rules of "Migrations on big tables"."""

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from newsroom.migration_operations import (
    AddCheckConstraintNotValid,
    AddIndexSafely,
    RunSQLWithExtension,
)

# The rule holds from these migrations on; older ones ran before the tables grew.
FIRST_CHECKED = {"articles": 17, "comments": 8}
# Tables with millions of rows: an ordinary index build or a validated constraint would lock
# their writes (or reads) for minutes.
BIG_MODELS = {("articles", "article"), ("articles", "byline"), ("comments", "comment")}
CONCURRENT = (AddIndexConcurrently, RemoveIndexConcurrently)
# Operations read and found harmless, with the reason: the check cannot tell a change of
# help text from a change of column type.
REVIEWED = {
    (
        "articles.0019_remove_article_hero_image",
        "AlterField on article may rewrite or lock the table",
    ): "hero_alt's help text only: no SQL on PostgreSQL",
}


def problems(app_label, migration):
    """What in one migration would lock a big table, in words."""
    found = []
    for operation in migration.operations:
        model = getattr(operation, "model_name", "").lower()
        big = (app_label, model) in BIG_MODELS
        kind = type(operation).__name__
        if isinstance(operation, (*CONCURRENT, AddCheckConstraintNotValid)):
            if migration.atomic:
                found.append(f"{kind} needs `atomic = False` on the migration")
        elif big and isinstance(operation, migrations.AddIndex | migrations.RemoveIndex):
            found.append(f"{kind} on {model}: use AddIndexSafely / RemoveIndexSafely")
        elif big and isinstance(operation, migrations.AddConstraint):
            found.append(f"AddConstraint on {model}: add it NOT VALID (AddCheckConstraintNotValid)")
        elif big and isinstance(operation, migrations.AlterField):
            found.append(f"AlterField on {model} may rewrite or lock the table")
        elif big and isinstance(operation, migrations.AddField):
            field = operation.field
            # A foreign key has an index unless it says db_index=False (then AddIndexSafely).
            if field.db_index or field.unique:
                found.append(f"AddField {operation.name} on {model} builds an index in place")
            elif not field.null and not field.has_default():
                found.append(f"AddField {operation.name} on {model}: add it nullable")
    return found


def new_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        first = FIRST_CHECKED.get(app_label)
        if first is not None and name[:4].isdigit() and int(name[:4]) >= first:
            yield app_label, name, migration


def test_new_migrations_never_lock_a_big_table():
    found = {
        f"{app_label}.{name}": problems(app_label, migration)
        for app_label, name, migration in new_migrations()
    }
    unsafe = {
        name: [problem for problem in listed if (name, problem) not in REVIEWED]
        for name, listed in found.items()
    }
    assert not {name: listed for name, listed in unsafe.items() if listed}


def migration(*operations, atomic=True):
    made = type("Migration", (migrations.Migration,), {"atomic": atomic})("0099_x", "comments")
    made.operations = list(operations)
    return made


INDEX = models.Index(fields=["created_at"], name="comment_x_idx")


@pytest.mark.parametrize(
    ("operation", "atomic", "words"),
    [
        (migrations.AddIndex("comment", INDEX), False, "AddIndexSafely"),
        (migrations.RemoveIndex("comment", "comment_x_idx"), False, "RemoveIndexSafely"),
        (AddIndexConcurrently("comment", INDEX), True, "atomic = False"),
        (migrations.AddConstraint(
            "comment", models.CheckConstraint(condition=models.Q(depth__gte=0), name="c")
        ), False, "NOT VALID"),
        (migrations.AlterField("comment", "body", models.TextField()), False, "rewrite"),
        (migrations.AddField("comment", "x", models.IntegerField(db_index=True)), False, "index"),
        (migrations.AddField("comment", "x", models.IntegerField()), False, "nullable"),
    ],
)  # fmt: skip
def test_each_unsafe_operation_is_named(operation, atomic, words):
    [problem] = problems("comments", migration(operation, atomic=atomic))
    assert words in problem


@pytest.mark.parametrize(
    "operation",
    [
        AddIndexSafely("comment", INDEX),
        migrations.AddField("comment", "x", models.IntegerField(null=True)),
        migrations.AddField("comment", "x", models.BooleanField(default=False)),
        # Small tables may take an ordinary index.
        migrations.AddIndex("discussionsettings", INDEX),
    ],
)
def test_safe_operations_pass(operation):
    assert problems("comments", migration(operation, atomic=False)) == []


def apply(operation):
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("articles", editor, ProjectState(), ProjectState())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="extensions are PostgreSQL's")
@pytest.mark.django_db
def test_sql_needing_an_extension_runs_once_it_is_there():
    apply(
        RunSQLWithExtension(
            "pg_trgm",
            "CREATE TEMPORARY TABLE trgm_probe AS SELECT similarity('harbour', 'harbor') AS s",
            migrations.RunSQL.noop,
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT s FROM trgm_probe")
        assert 0 < cursor.fetchone()[0] < 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="extensions are PostgreSQL's")
@pytest.mark.django_db
def test_sql_needing_an_extension_that_cannot_be_had_is_skipped_with_a_notice(capsys):
    """The migration goes on (what the SQL speeds up works without it) and says what to do."""
    apply(RunSQLWithExtension("no_such_extension", "SELECT no_such_function()", "SELECT 1"))
    notice = capsys.readouterr().err
    assert "no_such_extension is missing" in notice
    assert "CREATE EXTENSION no_such_extension" in notice
    with connection.cursor() as cursor:
        # The refusal was rolled back to its savepoint: the connection still works.
        cursor.execute("SELECT 1")
