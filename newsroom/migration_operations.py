"""Schema changes that keep big tables open for reading and writing on PostgreSQL.

PostgreSQL builds and drops these indexes CONCURRENTLY (the migration declares
`atomic = False`); SQLite, which has no such thing and no big tables, gets the plain
operation. See "Migrations on big tables" in docs/development.md.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations


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
