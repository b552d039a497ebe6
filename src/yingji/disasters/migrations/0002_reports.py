# Disaster reporting: events, reports (初报/续报/核报), casualty lists, relief plan thresholds.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):


    dependencies = [
        ('disasters', '0001_initial'),
        ('incidents', '0004_incident_events_on_timeline_base'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DisasterEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=0, editable=False)),
                ('region_code', models.CharField(db_index=True, max_length=12, validators=[django.core.validators.RegexValidator('^\\d{6}(\\d{3}(\\d{3})?)?$', 'A region code has 6 (county), 9 (township) or 12 (village) digits.')], verbose_name='region code')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('hazard', models.CharField(choices=[('flood', 'Flood'), ('drought', 'Drought'), ('wind_hail', 'Wind and hail'), ('geological', 'Geological disaster'), ('forest_fire', 'Forest fire'), ('earthquake', 'Earthquake'), ('other', 'Other')], default='flood', max_length=48, verbose_name='disaster type')),
                ('started_at', models.DateTimeField(db_index=True, verbose_name='disaster began')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='disaster stable')),
                ('major', models.BooleanField(default=False, verbose_name='major disaster (daily follow-up)')),
                ('relief_level', models.CharField(blank=True, choices=[('I', 'Level I'), ('II', 'Level II'), ('III', 'Level III'), ('IV', 'Level IV')], max_length=4, verbose_name='relief response level')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                ('incident', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disaster_events', to='incidents.incident', verbose_name='incident')),
            ],
            options={
                'verbose_name': 'disaster event',
                'verbose_name_plural': 'disaster events',
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DisasterReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, max_length=12, validators=[django.core.validators.RegexValidator('^\\d{6}(\\d{3}(\\d{3})?)?$', 'A region code has 6 (county), 9 (township) or 12 (village) digits.')], verbose_name='reporting area')),
                ('stage', models.CharField(choices=[('initial', 'Initial report'), ('follow_up', 'Follow-up report'), ('final', 'Verified report')], max_length=16, verbose_name='stage')),
                ('seq', models.PositiveIntegerField(default=1, verbose_name='number')),
                ('as_of', models.DateTimeField(verbose_name='figures as at')),
                ('figures', models.JSONField(default=dict, verbose_name='figures')),
                ('remarks', models.TextField(blank=True, verbose_name='remarks')),
                ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], db_index=True, default='draft', max_length=16, verbose_name='state')),
                ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='due')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='disasters.disasterevent', verbose_name='disaster event')),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
            ],
            options={
                'verbose_name': 'disaster report',
                'verbose_name_plural': 'disaster reports',
                'ordering': ['event_id', 'region_code', 'stage', 'seq'],
            },
        ),
        migrations.CreateModel(
            name='Casualty',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12, verbose_name='region code')),
                ('name', models.CharField(max_length=50, verbose_name='name')),
                ('kind', models.CharField(choices=[('dead', 'Dead'), ('missing', 'Missing')], max_length=16, verbose_name='kind')),
                ('gender', models.CharField(blank=True, max_length=4, verbose_name='gender')),
                ('age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='age')),
                ('cause', models.CharField(blank=True, max_length=200, verbose_name='cause')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='casualties', to='disasters.disasterreport')),
            ],
            options={
                'verbose_name': 'casualty',
                'verbose_name_plural': 'casualties',
                'ordering': ['report_id', 'kind', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReliefThreshold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(db_index=True, max_length=12, validators=[django.core.validators.RegexValidator('^\\d{6}(\\d{3}(\\d{3})?)?$', 'A region code has 6 (county), 9 (township) or 12 (village) digits.')], verbose_name='region code')),
                ('level', models.CharField(choices=[('I', 'Level I'), ('II', 'Level II'), ('III', 'Level III'), ('IV', 'Level IV')], max_length=4, verbose_name='response level')),
                ('indicator', models.CharField(choices=[('dead_and_missing', 'Dead and missing'), ('evacuated_or_needs_relief', 'Evacuated or needing emergency relief'), ('collapsed_or_severe_rooms', 'Rooms collapsed or severely damaged'), ('collapsed_or_severe_households', 'Households with houses collapsed or severely damaged'), ('affected_people', 'People affected'), ('direct_loss_10k_yuan', 'Direct loss (10k CNY)')], max_length=40, verbose_name='indicator')),
                ('minimum', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='threshold (at least)')),
                ('source', models.CharField(blank=True, max_length=200, verbose_name='source')),
                ('verified', models.BooleanField(default=False, verbose_name='verified against the plan')),
            ],
            options={
                'verbose_name': 'relief plan threshold',
                'verbose_name_plural': 'relief plan thresholds',
                'ordering': ['region_code', 'level', 'indicator'],
                'constraints': [models.UniqueConstraint(fields=('region_code', 'level', 'indicator'), name='relief_threshold_unique')],
            },
        ),
        migrations.AddConstraint(
            model_name='disasterreport',
            constraint=models.UniqueConstraint(fields=('event', 'region_code', 'stage', 'seq'), name='disaster_report_unique'),
        ),
    ]
