from django.db import migrations, models


# Every action already there has no wording of the participant's yet: their sheet prints
# the staff's text for it. Going back drops the column and the wordings written since.
class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0004_domain_rating_covering_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='action',
            name='own_words',
            field=models.TextField(blank=True, db_default='', default='', help_text='The same action said simply, as the participant would say it. Printed on their sheet instead of the text above.', verbose_name="in the participant's words"),
        ),
    ]
