"""Django's ``flush``, which also empties the audit trail.

Flushing erases every table of the database: it is a reset, not a rewrite of history,
and the trail goes with everything else. The database's triggers refuse the DELETE
(SQLite) or TRUNCATE (PostgreSQL) of the audit table, so this command takes them off for
the flush and puts them back in the same transaction. It is the one, explicit maintenance
path around the triggers, and it is what pytest-django's transactional tests (browser
tests with a live server) run at teardown; nothing in the application calls it, and no
setting turns the protection off.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

from parcours.audit import protection


class Command(DjangoFlush):
    help = DjangoFlush.help + " The audit trail is emptied too."

    def handle(self, **options):
        connection = connections[options["database"]]
        with transaction.atomic(using=options["database"]):
            protected = protection.installed(connection)
            if protected:
                protection.remove(connection)
            super().handle(**options)
            if protected:
                protection.install(connection)
