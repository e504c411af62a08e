from typing import Any

from django.db import migrations

#: The points a report earns, by outcome (local practice; edited in the admin).
RULES = [
    ("report_verified", "核实属实的报告", 10),
    ("new_case", "报告立为举报案件", 5),
]


def add_rules(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("supervisors", "PointsRule")
    for code, name, points in RULES:
        rule.objects.update_or_create(code=code, defaults={"name": name, "points": points})


class Migration(migrations.Migration):
    dependencies = [("supervisors", "0001_initial")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
