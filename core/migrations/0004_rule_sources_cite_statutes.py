"""The `source` of every rule set, clock rule and ground now cites the statute
and article (or docs/legal-basis.md) as core/reference_data gives it. Only the
citations change: amounts, units and labels of rule sets already in force stay
exactly as they are."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.reference_loader import read

    RuleSet = apps.get_model("core", "RuleSet")
    ClockRule = apps.get_model("core", "ClockRule")
    Ground = apps.get_model("core", "Ground")
    grounds = read("grounds.json")
    for spec in read("rule_sets.json"):
        RuleSet.objects.filter(code=spec["code"]).update(source=spec["source"])
        for clock in spec["clocks"]:
            ClockRule.objects.filter(rule_set__code=spec["code"], kind=clock["kind"]).update(
                source=clock["source"]
            )
        Ground.objects.filter(rule_set__code=spec["code"]).update(source=grounds["source"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_reference_data_tree")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
