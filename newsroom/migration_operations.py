"""Schema changes that keep big tables open for reading and writing on PostgreSQL.

PostgreSQL builds and drops these indexes CONCURRENTLY, and adds a CHECK constraint
NOT VALID before validating it (the migration declares `atomic = False`); SQLite, which has
no such thing and no big tables, gets the plain operation. See "Migrations on big tables"
in docs/development.md.
"""

import sys

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import DatabaseError, migrations, transaction
from django.db.migrations.operations import AddConstraint


class _PlainElsewhere:
    plain = None

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexSafely(_PlainElsewhere, AddIndexConcurrently):
    """`CREATE INDEX CONCURRENTLY` on PostgreSQL, a plain index elsewhere."""

    plain = migrations.AddIndex


class RemoveIndexSafely(_PlainElsewhere, RemoveIndexConcurrently):
    """`DROP INDEX CONCURRENTLY` on PostgreSQL, a plain drop elsewhere."""

    plain = migrations.RemoveIndex


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """SQL for PostgreSQL alone (an index only it can use); nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddCheckConstraintNotValid(AddConstraint):
    """A CHECK constraint added without scanning the table under an exclusive lock.

    On PostgreSQL it is added NOT VALID (new and changed rows are checked at once) and
    validated by a second statement, which reads the table while writes go on. Other
    databases add it the ordinary way. The migration must set `atomic = False`, so that the
    lock of the first statement ends before the second starts.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_constraint(model, self.constraint)
            return
        table = schema_editor.quote_name(model._meta.db_table)
        name = schema_editor.quote_name(self.constraint.name)
        check = self.constraint._get_check_sql(model, schema_editor)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check}) NOT VALID"
        )
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


class RunSQLWithExtension(RunSQLOnPostgreSQL):
    """PostgreSQL SQL that needs an extension (an index of pg_trgm's operator class).

    The extension is created if it is missing and the database user may create it (pg_trgm
    is a trusted extension: a database owner may). Where it may not, the SQL is left out with
    a notice on stderr, and what the index speeds up works without it, more slowly: a
    superuser can run `CREATE EXTENSION pg_trgm` in the database, then the migration is
    applied again (migrate back one step, then forward).
    """

    def __init__(self, extension, sql, reverse_sql, **kwargs):
        self.extension = extension
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"extension": self.extension, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        if not self.extension_ready(schema_editor.connection):
            sys.stderr.write(
                f"  The PostgreSQL extension {self.extension} is missing and this user may not "
                f"create it: skipped {self.describe()!r}. Run CREATE EXTENSION "
                f"{self.extension} as a superuser and apply this migration again.\n"
            )
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def extension_ready(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [self.extension])
            if cursor.fetchone():
                return True
            try:
                # A savepoint, so that a refusal leaves a surrounding transaction usable.
                with transaction.atomic(using=connection.alias):
                    cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {self.extension}")
            except DatabaseError:
                return False
        return True
