from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workbook", "0003_errors_kept_as_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="notices",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What the import skips without stopping: the sheet, the column, the code.",
                verbose_name="notices",
            ),
        ),
    ]
