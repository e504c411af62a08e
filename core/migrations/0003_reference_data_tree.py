"""The product category tree grows from 26 leaves to the sectors consumers
complain about (e-bikes with their batteries and chargers, children's
products, cosmetics, phones and electronics, vehicles, gas appliances,
medical devices, building materials, agricultural inputs), and the problem
types gain expired or spoiled goods, foreign matter, label mismatch, short
measure and missing compulsory certification.

Every existing code is kept. Phones and chargers move from household
appliances to phones and electronics with their codes; the loader copies the
routing rules they had through their old parent onto them, and applies any
renamed code listed in core/reference_data/code_changes.json (cases, routing
rules and hotspot alerts follow it). Cases under a moved node need
`manage.py search_reindex` for their search documents to carry the new path.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.reference_loader import load_categories, load_problem_types

    load_categories(apps, "core")
    load_problem_types(apps, "core")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_own_tables")]

    # Rows added here are referenced by cases as soon as they exist; going
    # back leaves them in place rather than deleting data cases may use.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
