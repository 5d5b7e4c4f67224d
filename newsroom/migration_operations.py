"""Schema operations that keep big tables open while they run.

PostgreSQL builds an index without blocking writes only with CREATE INDEX CONCURRENTLY,
outside a transaction; other databases (SQLite in development and tests) build it the
ordinary way. Migrations that use these set `atomic = False`.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddConstraint


class AddIndexConcurrentlyWhereSupported(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL, a plain CREATE INDEX elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index)


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
