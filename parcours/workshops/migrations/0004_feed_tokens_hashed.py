import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    """The links already handed out keep working: their secret is now found by its hash."""
    FeedToken = apps.get_model("workshops", "FeedToken")
    for feed in FeedToken.objects.all():
        feed.token_hash = hashlib.sha256(feed.token_hash.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def forget_tokens(apps, schema_editor):
    # A hash cannot be turned back into its secret: going back, the links are renewed.
    apps.get_model("workshops", "FeedToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_calendar_feed_tokens"),
    ]

    operations = [
        migrations.RenameField(model_name="feedtoken", old_name="token", new_name="token_hash"),
        migrations.AlterField(
            model_name="feedtoken",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="hash of the secret"),
        ),
        migrations.RunPython(hash_tokens, forget_tokens),
    ]
