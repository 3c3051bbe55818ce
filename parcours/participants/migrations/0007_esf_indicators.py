from django.db import migrations, models

ANSWERS = [("yes", "Yes"), ("no", "No"), ("refused", "Does not wish to answer")]


def answer(verbose_name, max_length=10, help_text=""):
    return models.CharField(
        blank=True,
        choices=ANSWERS,
        db_default="",
        default="",
        help_text=help_text,
        max_length=max_length,
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_participant_anonymised_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="labour_market_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("unemployed", "Unemployed (without a job, available and looking for one)"),
                    ("inactive", "Inactive (without a job and not looking for one)"),
                    ("employed", "Employed"),
                    ("self_employed", "Self-employed"),
                    ("refused", "Does not wish to answer"),
                ],
                db_default="",
                default="",
                help_text="On entering the programme.",
                max_length=20,
                verbose_name="situation on the labour market",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="unemployment_duration",
            field=models.CharField(
                blank=True,
                choices=[
                    ("up_to_6", "6 months or less"),
                    ("up_to_12", "More than 6 months, up to 12 months"),
                    ("over_12", "More than 12 months"),
                    ("refused", "Does not wish to answer"),
                ],
                db_default="",
                default="",
                help_text="For an unemployed person, on entering the programme.",
                max_length=10,
                verbose_name="time without a job",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="housing_exclusion",
            field=answer("homeless or excluded from housing"),
        ),
        migrations.AddField(
            model_name="participant",
            name="rural_area",
            field=answer("lives in a rural area"),
        ),
        migrations.AddField(
            model_name="participant",
            name="disability",
            field=answer("disability"),
        ),
        migrations.AddField(
            model_name="participant",
            name="foreign_background",
            field=answer(
                "foreign background", help_text="Born abroad, or a parent born abroad."
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="minority",
            field=answer("minority (including Roma)"),
        ),
    ]
