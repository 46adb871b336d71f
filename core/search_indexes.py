"""Trigram indexes that let PostgreSQL answer `q=` substring matches from an index (deals.selectors.deal_search).

A migration operation, so each app indexes its own tables. SQLite has no such index and scans; nothing changes there.
"""

from django.db import migrations


def trigram_indexes(indexes: list[tuple[str, str, str]]) -> migrations.RunPython:
    """Create (name, table, column) indexes on UPPER(column::text), the expression Django's icontains writes on
    PostgreSQL, so the planner matches them."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _, _ in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop)
