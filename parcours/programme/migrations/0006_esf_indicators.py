from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0005_follow_up_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="qualification_gained",
            field=models.CharField(
                blank=True,
                choices=[("yes", "Yes"), ("no", "No")],
                db_default="",
                default="",
                help_text="A certificate or diploma obtained through the programme, upon leaving.",
                max_length=3,
                verbose_name="qualification gained",
            ),
        ),
        migrations.AddField(
            model_name="exitfollowup",
            name="better_situation",
            field=models.CharField(
                blank=True,
                choices=[("yes", "Yes"), ("no", "No")],
                db_default="",
                default="",
                help_text=(
                    "For a person employed on entering: a stable job instead of a precarious "
                    "one, full time instead of part time, a more skilled job or a promotion."
                ),
                max_length=3,
                verbose_name="better job",
            ),
        ),
    ]
