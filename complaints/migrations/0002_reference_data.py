"""Reference data: Hunan's regions (GB/T 2260), product categories (RULES.md §9),
problem types, offices with routing rules, rule sets (RULES.md §3) and the
working-day calendar."""

from django.db import migrations


def forwards(apps, schema_editor):
    from complaints.reference_loader import load_all

    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
