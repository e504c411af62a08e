
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('complaints', '0004_caseclock_paused_days'),
        ('search', '0100_hotspot_alerts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The shared models move here from complaints/ (and the outbox from
        # search/) without touching their tables: state only, then
        # 0002 renames the tables once the old apps have let go of them.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CalendarDay',
                    fields=[
                        ('date', models.DateField(primary_key=True, serialize=False)),
                        ('is_workday', models.BooleanField()),
                        ('name', models.CharField(blank=True, max_length=60, verbose_name='name')),
                    ],
                    options={
                        'db_table': 'complaints_calendarday',
                        'verbose_name': 'calendar exception',
                        'verbose_name_plural': 'calendar exceptions',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarYear',
                    fields=[
                        ('year', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                        ('source', models.CharField(max_length=255, verbose_name='source')),
                        ('loaded_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'complaints_calendaryear',
                        'verbose_name': 'calendar year',
                        'verbose_name_plural': 'calendar years',
                        'ordering': ['year'],
                    },
                ),
                migrations.CreateModel(
                    name='ProblemType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('name_en', models.CharField(blank=True, max_length=160, verbose_name='English name')),
                        ('code', models.SlugField(max_length=60, unique=True, verbose_name='code')),
                        ('counterfeit_signal', models.BooleanField(default=False, verbose_name='counterfeit signal')),
                        ('sort_order', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'complaints_problemtype',
                        'verbose_name': 'problem type',
                        'verbose_name_plural': 'problem types',
                        'ordering': ['sort_order', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='RuleSet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('name_en', models.CharField(blank=True, max_length=160, verbose_name='English name')),
                        ('effective_from', models.DateField(unique=True, verbose_name='effective from')),
                        ('source', models.TextField(verbose_name='legal source')),
                    ],
                    options={
                        'db_table': 'complaints_ruleset',
                        'verbose_name': 'rule set',
                        'verbose_name_plural': 'rule sets',
                        'ordering': ['effective_from'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('model', models.CharField(max_length=60)),
                        ('object_id', models.BigIntegerField()),
                        ('version', models.PositiveIntegerField()),
                        ('deleted', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True)),
                    ],
                    options={
                        'db_table': 'search_outboxentry',
                        'verbose_name': 'search outbox entry',
                        'verbose_name_plural': 'search outbox',
                        'ordering': ['id'],
                        'indexes': [models.Index(fields=['model', 'object_id'], name='search_outb_model_104865_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='ProductCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('name_en', models.CharField(blank=True, max_length=160, verbose_name='English name')),
                        ('code', models.SlugField(max_length=60, unique=True, verbose_name='code')),
                        ('path', models.CharField(editable=False, max_length=255, unique=True)),
                        ('sort_order', models.PositiveIntegerField(default=0)),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='core.productcategory')),
                    ],
                    options={
                        'db_table': 'complaints_productcategory',
                        'verbose_name': 'product category',
                        'verbose_name_plural': 'product categories',
                        'ordering': ['path'],
                    },
                ),
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('name_en', models.CharField(blank=True, max_length=160, verbose_name='English name')),
                        ('code', models.CharField(max_length=6, primary_key=True, serialize=False, verbose_name='GB/T 2260 code')),
                        ('level', models.CharField(choices=[('province', 'province'), ('city', 'prefecture-level city'), ('county', 'county-level division')], max_length=10, verbose_name='level')),
                        ('latitude', models.FloatField(blank=True, null=True)),
                        ('longitude', models.FloatField(blank=True, null=True)),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='core.region')),
                    ],
                    options={
                        'db_table': 'complaints_region',
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='Office',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('name_en', models.CharField(blank=True, max_length=160, verbose_name='English name')),
                        ('code', models.SlugField(max_length=60, unique=True, verbose_name='code')),
                        ('kind', models.CharField(choices=[('province_amr', 'provincial market regulation administration'), ('city_amr', 'city market regulation bureau'), ('county_amr', 'county market regulation bureau'), ('hotline', '12345 hotline centre'), ('other', 'other department')], max_length=20, verbose_name='kind')),
                        ('head', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='headed_offices', to=settings.AUTH_USER_MODEL, verbose_name='office head')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='core.office')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='core.region')),
                    ],
                    options={
                        'db_table': 'complaints_office',
                        'verbose_name': 'office',
                        'verbose_name_plural': 'offices',
                        'ordering': ['region_id', 'kind'],
                    },
                ),
                migrations.CreateModel(
                    name='StaffProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('display_name', models.CharField(blank=True, max_length=60, verbose_name='display name')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='core.office')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'complaints_staffprofile',
                        'verbose_name': 'staff profile',
                        'verbose_name_plural': 'staff profiles',
                    },
                ),
                migrations.CreateModel(
                    name='RoutingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.CharField(blank=True, max_length=200)),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.productcategory')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='routing_rules', to='core.office')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.region')),
                    ],
                    options={
                        'db_table': 'complaints_routingrule',
                        'verbose_name': 'routing rule',
                        'verbose_name_plural': 'routing rules',
                        'constraints': [models.UniqueConstraint(fields=('category', 'region'), name='routing_rule_unique_cell', nulls_distinct=False)],
                    },
                ),
                migrations.CreateModel(
                    name='Ground',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=30, verbose_name='kind')),
                        ('code', models.SlugField(max_length=60, verbose_name='reason code')),
                        ('label', models.CharField(max_length=200, verbose_name='label')),
                        ('label_en', models.CharField(blank=True, max_length=200, verbose_name='English label')),
                        ('source', models.CharField(blank=True, max_length=255, verbose_name='legal source')),
                        ('sort_order', models.PositiveIntegerField(default=0)),
                        ('rule_set', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grounds', to='core.ruleset')),
                    ],
                    options={
                        'db_table': 'complaints_ground',
                        'verbose_name': 'ground',
                        'verbose_name_plural': 'grounds',
                        'ordering': ['kind', 'sort_order'],
                        'constraints': [models.UniqueConstraint(fields=('rule_set', 'kind', 'code'), name='ground_unique_code')],
                    },
                ),
                migrations.CreateModel(
                    name='ClockRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=40, verbose_name='clock')),
                        ('amount', models.PositiveIntegerField(verbose_name='length')),
                        ('unit', models.CharField(choices=[('working', 'statutory working days'), ('calendar', 'calendar days')], max_length=10, verbose_name='unit')),
                        ('pauses_for_inspection', models.BooleanField(default=False, verbose_name='paused during inspection')),
                        ('source', models.CharField(max_length=255, verbose_name='legal source')),
                        ('rule_set', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clocks', to='core.ruleset')),
                    ],
                    options={
                        'db_table': 'complaints_clockrule',
                        'verbose_name': 'clock rule',
                        'verbose_name_plural': 'clock rules',
                        'constraints': [models.UniqueConstraint(fields=('rule_set', 'kind'), name='clock_rule_unique_kind')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name='Clock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_id', models.BigIntegerField()),
                ('kind', models.SlugField(max_length=40, verbose_name='clock')),
                ('unit', models.CharField(max_length=10, verbose_name='unit')),
                ('amount', models.PositiveIntegerField(verbose_name='length')),
                ('started_on', models.DateField(verbose_name='started on')),
                ('due_on', models.DateField(verbose_name='due on')),
                ('paused_on', models.DateField(blank=True, null=True, verbose_name='paused on')),
                ('paused_days', models.PositiveIntegerField(default=0)),
                ('stopped_on', models.DateField(blank=True, null=True, verbose_name='stopped on')),
                ('provisional', models.BooleanField(default=False, verbose_name='provisional')),
                ('reminded_at', models.DateTimeField(blank=True, null=True)),
                ('escalated_at', models.DateTimeField(blank=True, null=True)),
                ('owner_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'clock',
                'verbose_name_plural': 'clocks',
                'ordering': ['started_on', 'id'],
                'indexes': [models.Index(fields=['owner_type', 'owner_id'], name='core_clock_owner_t_661786_idx'), models.Index(fields=['stopped_on', 'due_on'], name='core_clock_stopped_d5a9eb_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('stopped_on__isnull', True)), fields=('owner_type', 'owner_id', 'kind'), name='one_running_clock_per_owner_kind')],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_id', models.BigIntegerField()),
                ('version', models.PositiveIntegerField(default=0)),
                ('action', models.CharField(max_length=40, verbose_name='action')),
                ('from_status', models.CharField(blank=True, max_length=30)),
                ('to_status', models.CharField(blank=True, max_length=30)),
                ('reason_code', models.CharField(blank=True, max_length=60)),
                ('note', models.TextField(blank=True)),
                ('rule_set', models.CharField(blank=True, max_length=40)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'event',
                'verbose_name_plural': 'events',
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['owner_type', 'owner_id', 'id'], name='core_event_owner_t_92b505_idx')],
            },
        ),
    ]
