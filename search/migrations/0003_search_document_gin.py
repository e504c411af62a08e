from django.db import migrations


def create_gin(apps, schema_editor):
    # Full-text index only where the database has one (PostgreSQL); SQLite
    # matches on the `tokens` column instead.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_doc_tsv_gin "
            "ON search_searchdocument USING gin (tsv)"
        )


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_tsv_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_documents")]

    operations = [migrations.RunPython(create_gin, drop_gin)]
