"""The moved models get tables of their own name, their content types (and
so every permission granted on them) follow them to this app, and clock rules
carry their kinds as data: a label in each language and the clock an
extension continues."""

from django.db import migrations, models

MOVED = {
    "complaints": [
        "calendarday",
        "calendaryear",
        "problemtype",
        "ruleset",
        "productcategory",
        "region",
        "office",
        "staffprofile",
        "routingrule",
        "ground",
        "clockrule",
    ],
    "search": ["outboxentry"],
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        for name in names:
            old = ContentType.objects.filter(app_label=app_label, model=name).first()
            if old is None:
                continue
            # A row made for the new place before this ran (by a stray
            # post_migrate) holds no permission anyone was granted.
            ContentType.objects.filter(app_label="core", model=name).delete()
            old.app_label = "core"
            old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        ContentType.objects.filter(app_label="core", model__in=names).update(app_label=app_label)


def clock_kinds_as_data(apps, schema_editor):
    from core.reference_loader import load_rule_sets

    load_rule_sets(apps, "core")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("complaints", "0005_shared_models_to_core"),
        ("search", "0101_outbox_to_core"),
    ]

    operations = [
        *[
            migrations.AlterModelTable(name=name, table=None)
            for names in MOVED.values()
            for name in names
        ],
        migrations.RenameIndex(
            model_name="outboxentry",
            new_name="core_outbox_model_d0bcba_idx",
            old_name="search_outb_model_104865_idx",
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.AlterField(
            model_name="clockrule",
            name="kind",
            field=models.SlugField(max_length=40, verbose_name="clock"),
        ),
        migrations.AddField(
            model_name="clockrule",
            name="label",
            field=models.CharField(blank=True, max_length=120, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="clockrule",
            name="label_en",
            field=models.CharField(blank=True, max_length=160, verbose_name="English label"),
        ),
        migrations.AddField(
            model_name="clockrule",
            name="extends",
            field=models.SlugField(blank=True, max_length=40, verbose_name="extends the clock"),
        ),
        migrations.AlterField(
            model_name="ground",
            name="kind",
            field=models.SlugField(max_length=30, verbose_name="kind"),
        ),
        migrations.RunPython(clock_kinds_as_data, migrations.RunPython.noop),
    ]
