import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for changes made by the system (imports, demo data).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="when",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="purpose",
            field=models.CharField(
                blank=True,
                choices=[
                    ("consultation", "Consulting the file"),
                    ("export", "Export"),
                    ("download", "Download"),
                    ("printing", "Printing"),
                    ("report", "Report"),
                    ("right_of_access", "Right of access"),
                ],
                help_text="Why the record was opened (empty for writes).",
                max_length=20,
                verbose_name="purpose",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="subject_id",
            field=models.BigIntegerField(
                blank=True,
                help_text="The participant whose key seals this row (none when it is about no one).",
                null=True,
                verbose_name="participant concerned",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sealed",
            field=models.TextField(
                blank=True,
                help_text="The label and changes, encrypted with the participant's key.",
                verbose_name="sealed content",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(
                default=0, verbose_name="number in the organisation's trail"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(
                default="", max_length=64, verbose_name="hash of the previous row"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation", "subject_id"], name="audit_subject_idx"),
        ),
        migrations.CreateModel(
            name="SubjectKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("participant_id", models.BigIntegerField()),
                ("key", models.BinaryField(null=True)),
                ("erased_at", models.DateTimeField(blank=True, null=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "participant's audit key",
                "verbose_name_plural": "participants' audit keys",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "participant_id"),
                        name="audit_subject_key_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="accounts.organisation",
                    ),
                ),
                ("sequence", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain heads",
            },
        ),
    ]
