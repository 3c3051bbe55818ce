import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_user_second_factor_enrolled'),
        ('participants', '0006_participant_anonymised_on'),
        ('programme', '0005_follow_up_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EvaluationInterval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('months', models.PositiveSmallIntegerField(default=3, help_text='Months between the signature of a project and its first evaluation, then between two evaluations.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='evaluation interval (months)')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation_interval', to='accounts.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'evaluation interval',
                'verbose_name_plural': 'evaluation intervals',
            },
        ),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='drawn up at')),
                ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='project', to='programme.enrolment', verbose_name='enrolment')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='organisation')),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='participants.participant', verbose_name='participant')),
            ],
            options={
                'verbose_name': 'individual project',
                'verbose_name_plural': 'individual projects',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Evaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date of the evaluation')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('outcome', models.CharField(choices=[('continue', 'Continue as agreed'), ('amend', 'Amend the project'), ('end', 'End the project')], max_length=10, verbose_name='outcome')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evaluations', to='projects.project', verbose_name='project')),
            ],
            options={
                'verbose_name': 'evaluation of a project',
                'verbose_name_plural': 'evaluations of projects',
                'ordering': ['project', 'date', 'id'],
                'indexes': [models.Index(fields=['date'], name='project_evaluation_date_idx')],
            },
        ),
        migrations.CreateModel(
            name='ProjectVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False, help_text='Raised at each edit: two people editing at once cannot overwrite.', verbose_name='version')),
                ('number', models.PositiveSmallIntegerField(verbose_name='version number')),
                ('objectives', models.TextField(verbose_name='objectives')),
                ('participant_commitments', models.TextField(verbose_name="the participant's commitments")),
                ('cpas_commitments', models.TextField(verbose_name="the CPAS's commitments")),
                ('amendment_reason', models.TextField(blank=True, verbose_name='reason for the amendment')),
                ('signed_on', models.DateField(blank=True, null=True, verbose_name='signed on')),
                ('signed_at_place', models.CharField(blank=True, max_length=100, verbose_name='signed at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='written at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='projects.project', verbose_name='project')),
                ('social_worker', models.ForeignKey(help_text='Signs for the CPAS.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='social worker')),
            ],
            options={
                'verbose_name': 'version of a project',
                'verbose_name_plural': 'versions of projects',
                'ordering': ['project', 'number'],
                'indexes': [models.Index(fields=['signed_on'], name='project_version_signed_idx')],
                'constraints': [
                    models.UniqueConstraint(fields=('project', 'number'), name='project_version_once', violation_error_message='This project already has a version with this number.'),
                    models.CheckConstraint(condition=models.Q(models.Q(('signed_at_place', ''), ('signed_on__isnull', True)), ('signed_on__isnull', False), _connector='OR'), name='project_version_place_only_when_signed', violation_error_message='A place of signature goes with a signature date.'),
                ],
            },
        ),
        migrations.CreateModel(
            name='OtherParty',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('name', models.CharField(max_length=150, verbose_name='name')),
                ('role', models.CharField(max_length=150, verbose_name='role')),
                ('commitments', models.TextField(verbose_name='commitments')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='other_parties', to='projects.projectversion', verbose_name='version')),
            ],
            options={
                'verbose_name': 'other party',
                'verbose_name_plural': 'other parties',
                'ordering': ['version', 'position', 'id'],
            },
        ),
    ]
