"""Reference data: Hunan's regions (GB/T 2260), product categories, problem
types, offices with routing rules, rule sets (docs/legal-basis.md §2) and the
working-day calendar."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.reference_loader import load_all

    # The models were in this app at this point of the history.
    load_all(apps, "complaints")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
