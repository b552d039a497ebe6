"""Drills: planned drills, the drill record, its problems and their timeline; then each team "drill" activity of
the resources app becomes part of one Drill (the rows of one real drill — same date, same description — become one
drill with all its teams, so a drill with three teams counts once). Deployments stay where they are."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _level_and_region(codes: set[str]) -> tuple[str, str]:
    townships = {c[:9] for c in codes}
    if len(townships) == 1 and all(len(c) >= 9 for c in codes):
        return "township", townships.pop()
    county = getattr(settings, "COUNTY_CODE", "") or sorted(codes)[0][:6]
    if not all(c.startswith(county) for c in codes):
        county = sorted(codes)[0][:6]
    return "county", county


def drills_from_team_activities(apps, schema_editor):
    TeamActivity = apps.get_model("resources", "TeamActivity")
    Drill = apps.get_model("preparedness", "Drill")
    Region = apps.get_model("core", "Region")
    groups: dict[tuple, list] = {}
    for row in TeamActivity.objects.filter(kind="drill").select_related("team").order_by("date", "id"):
        groups.setdefault((row.date, row.notes.strip()), []).append(row)
    for (date, notes), rows in groups.items():
        teams = {row.team_id: row.team for row in rows}
        level, region_code = _level_and_region({t.region_code for t in teams.values()})
        region = Region.objects.filter(code=region_code).first()
        organiser = region.name if region is not None else region_code
        title = notes[:200] or "应急演练"
        drill = Drill.objects.create(
            organiser_level=level, region_code=region_code, organiser=organiser, title=title,
            kind="comprehensive" if "综合" in title else "live", plan_type="special", scenario=notes or title,
            date=date, place=organiser, participants=sum(t.headcount for t in teams.values()),
            participant_units="、".join(t.name for t in teams.values()))
        drill.teams.set(list(teams))
    TeamActivity.objects.filter(kind="drill").delete()


def team_activities_from_drills(apps, schema_editor):
    TeamActivity = apps.get_model("resources", "TeamActivity")
    Team = apps.get_model("resources", "Team")
    Drill = apps.get_model("preparedness", "Drill")
    # Plain values through the link table: a backwards state's models do not prefetch across apps reliably.
    through = Drill._meta.get_field("teams").remote_field.through
    drills = {pk: (date, title) for pk, date, title in Drill.objects.values_list("pk", "date", "title")}
    regions = dict(Team.objects.values_list("pk", "region_code"))
    TeamActivity.objects.bulk_create([
        TeamActivity(team_id=team_id, kind="drill", date=drills[drill_id][0], notes=drills[drill_id][1],
                     region_code=regions[team_id])
        for drill_id, team_id in through.objects.values_list("drill_id", "team_id").order_by("drill_id", "team_id")])


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0004_major_hazard_filings'),
        ('incidents', '0004_incident_events_on_timeline_base'),
        ('preparedness', '0001_initial'),
        ('core', '0008_clean_stored_text'),
        ('resources', '0004_shelter_events_on_timeline_base'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DrillPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organiser_level', models.CharField(choices=[('county', 'County'), ('township', 'Township'), ('industry', 'Industry or department'), ('enterprise', 'Enterprise')], db_index=True, max_length=16, verbose_name='organiser level')),
                ('region_code', models.CharField(db_index=True, max_length=12, validators=[django.core.validators.RegexValidator('^\\d{6}(\\d{3}(\\d{3})?)?$', 'A region code has 6 (county), 9 (township) or 12 (village) digits.')], verbose_name='region code')),
                ('organiser', models.CharField(max_length=200, verbose_name='organiser')),
                ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                ('planned_month', models.PositiveSmallIntegerField(verbose_name='planned month')),
                ('kind', models.CharField(choices=[('tabletop', 'Tabletop exercise'), ('live', 'Live exercise'), ('comprehensive', 'Comprehensive exercise'), ('single', 'Single-function exercise')], max_length=16, verbose_name='form')),
                ('plan_type', models.CharField(choices=[('comprehensive', 'Comprehensive plan'), ('special', 'Special plan'), ('on_site', 'On-site disposal plan')], max_length=16, verbose_name='plan type')),
                ('scenario', models.CharField(max_length=300, verbose_name='scenario')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('emergency_plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='incidents.plan', verbose_name='emergency plan')),
                ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.enterprise', verbose_name='enterprise')),
            ],
            options={
                'verbose_name': 'planned drill',
                'verbose_name_plural': 'drill plans',
                'ordering': ['-year', 'planned_month', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Drill',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organiser_level', models.CharField(choices=[('county', 'County'), ('township', 'Township'), ('industry', 'Industry or department'), ('enterprise', 'Enterprise')], db_index=True, max_length=16, verbose_name='organiser level')),
                ('region_code', models.CharField(db_index=True, max_length=12, validators=[django.core.validators.RegexValidator('^\\d{6}(\\d{3}(\\d{3})?)?$', 'A region code has 6 (county), 9 (township) or 12 (village) digits.')], verbose_name='region code')),
                ('organiser', models.CharField(max_length=200, verbose_name='organiser')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('kind', models.CharField(choices=[('tabletop', 'Tabletop exercise'), ('live', 'Live exercise'), ('comprehensive', 'Comprehensive exercise'), ('single', 'Single-function exercise')], db_index=True, max_length=16, verbose_name='form')),
                ('plan_type', models.CharField(choices=[('comprehensive', 'Comprehensive plan'), ('special', 'Special plan'), ('on_site', 'On-site disposal plan')], db_index=True, max_length=16, verbose_name='plan type')),
                ('scenario', models.TextField(verbose_name='scenario')),
                ('date', models.DateField(db_index=True, verbose_name='date')),
                ('place', models.CharField(max_length=200, verbose_name='place')),
                ('participants', models.PositiveIntegerField(default=0, verbose_name='participants')),
                ('participant_units', models.TextField(blank=True, verbose_name='participating units')),
                ('evaluation_worked', models.TextField(blank=True, verbose_name='evaluation: what worked')),
                ('evaluation_problems', models.TextField(blank=True, verbose_name='evaluation: problems found')),
                ('reported', models.BooleanField(default=False, verbose_name='reported to the bureau')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('emergency_plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='incidents.plan', verbose_name='emergency plan exercised')),
                ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.enterprise', verbose_name='enterprise')),
                ('equipment', models.ManyToManyField(blank=True, related_name='+', to='resources.equipment', verbose_name='equipment used')),
                ('teams', models.ManyToManyField(blank=True, related_name='+', to='resources.team', verbose_name='teams')),
                ('drill_plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='drills', to='preparedness.drillplan', verbose_name='planned drill')),
            ],
            options={
                'verbose_name': 'drill',
                'verbose_name_plural': 'drills',
                'ordering': ['-date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DrillProblem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=0, editable=False)),
                ('region_code', models.CharField(db_index=True, editable=False, max_length=12, verbose_name='region code')),
                ('description', models.TextField(verbose_name='problem')),
                ('owner', models.CharField(max_length=100, verbose_name='owner')),
                ('deadline', models.DateField(db_index=True, verbose_name='deadline')),
                ('state', models.CharField(choices=[('open', 'Being rectified'), ('submitted', 'Awaiting verification'), ('closed', 'Closed')], db_index=True, default='open', max_length=16, verbose_name='state')),
                ('rectification', models.TextField(blank=True, verbose_name='rectification')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='reported')),
                ('verification', models.TextField(blank=True, verbose_name='verification opinion')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('reminder_level', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='reminder level')),
                ('overdue_since', models.DateField(blank=True, editable=False, null=True, verbose_name='overdue since')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('drill', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='preparedness.drill', verbose_name='drill')),
                ('enterprise', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.enterprise', verbose_name='enterprise')),
                ('owner_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name="owner's account")),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by')),
            ],
            options={
                'verbose_name': 'drill problem',
                'verbose_name_plural': 'drill problems',
                'ordering': ['deadline', 'id'],
            },
        ),
        migrations.CreateModel(
            name='DrillProblemEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('time', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='by')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('kind', models.CharField(choices=[('create', 'Recorded'), ('submit', 'Rectification reported'), ('accept', 'Verified and closed'), ('return', 'Returned for more work'), ('remind', 'Deadline reminder'), ('overdue', 'Overdue')], max_length=16, verbose_name='action')),
                ('from_state', models.CharField(blank=True, choices=[('open', 'Being rectified'), ('submitted', 'Awaiting verification'), ('closed', 'Closed')], max_length=16, verbose_name='from')),
                ('to_state', models.CharField(blank=True, choices=[('open', 'Being rectified'), ('submitted', 'Awaiting verification'), ('closed', 'Closed')], max_length=16, verbose_name='to')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('problem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='preparedness.drillproblem')),
            ],
            options={
                'verbose_name': 'drill problem event',
                'verbose_name_plural': 'drill problem events',
                'ordering': ['time', 'id'],
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='drillplan',
            index=models.Index(fields=['year', 'region_code'], name='drill_plan_year_idx'),
        ),
        migrations.AddIndex(
            model_name='drill',
            index=models.Index(fields=['region_code', 'date'], name='drill_region_date_idx'),
        ),
        migrations.AddIndex(
            model_name='drillproblem',
            index=models.Index(fields=['state', 'deadline'], name='drill_problem_due_idx'),
        ),
        migrations.AddIndex(
            model_name='drillproblemevent',
            index=models.Index(fields=['problem', 'time'], name='drill_problem_event_idx'),
        ),
        migrations.RunPython(drills_from_team_activities, team_activities_from_drills),
    ]
