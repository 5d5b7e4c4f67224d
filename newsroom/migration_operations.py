"""Schema changes that keep big tables open for reading and writing on PostgreSQL.

PostgreSQL builds and drops these indexes CONCURRENTLY, and adds a CHECK constraint
NOT VALID before validating it (the migration declares `atomic = False`); SQLite, which has
no such thing and no big tables, gets the plain operation. See "Migrations on big tables"
in docs/development.md.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations
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
