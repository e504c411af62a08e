"""Every rule set, those in force included, gains the inspection's clock (the
15-day objection window, 仲裁检验鉴定办法第十七条) and the grounds for refusing
an application (仲裁检验鉴定办法第九条), as core/reference_data gives them.
Nothing a rule set already holds changes but the shipped grounds' citation."""

from django.db import migrations

KIND = "inspection_objection"
GROUND_KIND = "inspection_refused"
OLD_SOURCE = (
    "不予受理：暂行办法第十五条；终止调解：暂行办法（终止调解条款，条号待核）、处理办法（待核）；"
    "移送：暂行办法（管辖与移送，条号待核）；退回12345工单：local practice；"
    "不予立案：市场监督管理行政处罚程序规定（条号待核）、行政处罚法第三十三条第一款"
)


def forwards(apps, schema_editor):
    from core.reference_loader import read

    RuleSet = apps.get_model("core", "RuleSet")
    ClockRule = apps.get_model("core", "ClockRule")
    Ground = apps.get_model("core", "Ground")
    clock = next(
        c for spec in read("rule_sets.json") for c in spec["clocks"] if c["kind"] == KIND
    )
    grounds = read("grounds.json")
    for rule_set in RuleSet.objects.all():
        ClockRule.objects.get_or_create(
            rule_set=rule_set,
            kind=KIND,
            defaults={k: v for k, v in clock.items() if k != "kind"},
        )
        for order, (code, label, label_en) in enumerate(grounds[GROUND_KIND]):
            Ground.objects.get_or_create(
                rule_set=rule_set,
                kind=GROUND_KIND,
                code=code,
                defaults={
                    "label": label,
                    "label_en": label_en,
                    "source": grounds["source"],
                    "sort_order": order,
                },
            )
    # The shipped rule sets' grounds cite the new article too; a citation
    # someone changed in the admin stays as it is.
    codes = [spec["code"] for spec in read("rule_sets.json")]
    Ground.objects.filter(rule_set__code__in=codes, source=OLD_SOURCE).update(
        source=grounds["source"]
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "ClockRule").objects.filter(kind=KIND).delete()
    apps.get_model("core", "Ground").objects.filter(kind=GROUND_KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("arbitration", "0001_initial"),
        ("core", "0004_rule_sources_cite_statutes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
