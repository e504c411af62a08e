"""Every rule set gains the clock of the payment of agreed compensation
(local practice, docs/legal-basis.md §6), as core/reference_data gives it."""

from django.db import migrations

KIND = "compensation_payment"


def forwards(apps, schema_editor):
    from core.reference_loader import read

    RuleSet = apps.get_model("core", "RuleSet")
    ClockRule = apps.get_model("core", "ClockRule")
    clock = next(
        c for spec in read("rule_sets.json") for c in spec["clocks"] if c["kind"] == KIND
    )
    for rule_set in RuleSet.objects.all():
        ClockRule.objects.get_or_create(
            rule_set=rule_set,
            kind=KIND,
            defaults={k: v for k, v in clock.items() if k != "kind"},
        )


def backwards(apps, schema_editor):
    apps.get_model("core", "ClockRule").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("arbitration", "0003_compensation")]

    operations = [migrations.RunPython(forwards, backwards)]
