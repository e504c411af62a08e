"""The shared models now live in core/: the case's foreign keys point there
(state only: the tables are the same), the case's clocks and audit events are
copied into core's clocks and events of any owner, ids kept, and the old
tables dropped."""

import django.db.models.deletion
from django.db import migrations, models

CLOCK_COLUMNS = (
    "kind, unit, amount, started_on, due_on, paused_on, paused_days, stopped_on, "
    "provisional, reminded_at, escalated_at"
)
EVENT_COLUMNS = (
    "actor_id, action, from_status, to_status, reason_code, note, rule_set, data, created_at"
)


def copy_clocks_and_events(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    CaseClock = apps.get_model("complaints", "CaseClock")
    CaseEvent = apps.get_model("complaints", "CaseEvent")
    if not CaseClock.objects.exists() and not CaseEvent.objects.exists():
        return
    case_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="case")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO core_clock (id, owner_type_id, owner_id, {CLOCK_COLUMNS}) "
            f"SELECT id, %s, case_id, {CLOCK_COLUMNS} FROM complaints_caseclock",
            [case_type.pk],
        )
        # Events recorded before versions were kept carry version 0.
        cursor.execute(
            f"INSERT INTO core_event (id, owner_type_id, owner_id, version, {EVENT_COLUMNS}) "
            f"SELECT id, %s, case_id, 0, {EVENT_COLUMNS} FROM complaints_caseevent",
            [case_type.pk],
        )
        if connection.vendor == "postgresql":
            for table in ("core_clock", "core_event"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
                )


def copy_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = ContentType.objects.filter(app_label="complaints", model="case").first()
    if case_type is None:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO complaints_caseclock (id, case_id, {CLOCK_COLUMNS}) "
            f"SELECT id, owner_id, {CLOCK_COLUMNS} FROM core_clock WHERE owner_type_id = %s",
            [case_type.pk],
        )
        cursor.execute(
            f"INSERT INTO complaints_caseevent (id, case_id, {EVENT_COLUMNS}) "
            f"SELECT id, owner_id, {EVENT_COLUMNS} FROM core_event WHERE owner_type_id = %s",
            [case_type.pk],
        )


def fk(to, **kwargs):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=to, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_caseclock_paused_days"),
        ("core", "0001_initial"),
        # The hotspot alerts must let go of the moved models first.
        ("search", "0101_outbox_to_core"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="office",
                    field=fk("core.office", related_name="cases"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="problem_type",
                    field=fk("core.problemtype", related_name="cases", verbose_name="problem type"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="category",
                    field=fk(
                        "core.productcategory", related_name="cases", verbose_name="product category"
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="region",
                    field=fk("core.region", related_name="cases", verbose_name="region"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="rule_set",
                    field=fk("core.ruleset", related_name="cases"),
                ),
                migrations.DeleteModel(name="RoutingRule"),
                migrations.DeleteModel(name="StaffProfile"),
                migrations.DeleteModel(name="ClockRule"),
                migrations.DeleteModel(name="Ground"),
                migrations.DeleteModel(name="Office"),
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="CalendarYear"),
                migrations.DeleteModel(name="ProblemType"),
                migrations.DeleteModel(name="ProductCategory"),
                migrations.DeleteModel(name="Region"),
                migrations.DeleteModel(name="RuleSet"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(copy_clocks_and_events, copy_back),
        migrations.DeleteModel(name="CaseClock"),
        migrations.DeleteModel(name="CaseEvent"),
    ]
