"""The trail cannot be rewritten, and any rewrite made beneath the protections shows."""

import itertools
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from parcours.accounts.factories import OrganisationFactory
from parcours.audit import chain, protection
from parcours.audit.models import AuditAction, AuditEvent, AuditTrailImmutable
from parcours.audit.services import record_event

MESSAGE = "rows can only be added"


def _write(organisation, number):
    return record_event(
        organisation=organisation,
        by=None,
        action=AuditAction.CREATE,
        record_type="workbook.import",
        record_id=str(number),
        label=f"Import {number}",
        changes={"file": {"before": None, "after": f"file-{number}.xlsx"}},
    )


@pytest.fixture
def trail(organisation):
    return [_write(organisation, number) for number in range(1, 5)]


def _verify(capsys, *args):
    try:
        call_command("audit_verify", *args)
    except SystemExit as exit:
        status = exit.code
    else:
        status = 0
    output = capsys.readouterr()
    return status, output.out + output.err


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_delete_a_row(trail):
    event = trail[0]
    event.record_label = "Rewritten"
    with pytest.raises(AuditTrailImmutable, match=MESSAGE):
        event.save()
    with pytest.raises(AuditTrailImmutable, match=MESSAGE):
        event.delete()
    with pytest.raises(AuditTrailImmutable, match=MESSAGE):
        AuditEvent.objects.filter(pk=event.pk).update(record_label="Rewritten")
    with pytest.raises(AuditTrailImmutable, match=MESSAGE):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError, match=r"through parcours\.audit\.services"):
        AuditEvent.objects.create(organisation=event.organisation, action="view")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET record_label = 'Rewritten'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_row(trail, sql):
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic():
        _raw(sql)
    assert AuditEvent.objects.filter(record_label="Import 1").count() == 1


@pytest.mark.django_db
def test_postgresql_refuses_to_truncate_the_trail(trail):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    # The rows' foreign keys are checked at commit: check them now, or PostgreSQL refuses
    # to truncate a table with checks pending before the trigger is even reached.
    _raw("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic():
        _raw("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == len(trail)


@pytest.mark.django_db
def test_each_row_follows_the_previous_one_of_its_organisation(organisation, trail):
    other = _write(OrganisationFactory(), 1)

    assert [event.sequence for event in trail] == [1, 2, 3, 4]
    assert trail[0].previous_hash == chain.GENESIS
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(trail))
    assert (other.sequence, other.previous_hash) == (1, chain.GENESIS)
    assert all(chain.compute_hash(event) == event.hash for event in AuditEvent.objects.all())


@pytest.mark.django_db
def test_a_sound_trail_is_counted(capsys, organisation, trail):
    assert _verify(capsys, "--organisation", "test") == (0, "test: 4 rows, chain sound\n")


@pytest.fixture
def unprotected(trail):
    """The triggers taken off inside the test's transaction, as an intruder with the
    rights to change the schema could; the rollback at the end puts them back."""
    protection.remove(connection)
    return trail


@pytest.mark.django_db
def test_an_altered_row_is_found(capsys, unprotected):
    altered = unprotected[1]
    _raw("UPDATE audit_auditevent SET record_label = 'Rewritten' WHERE id = %s", [altered.pk])

    status, output = _verify(capsys)

    assert status == 1
    assert f"row {altered.pk} (" in output
    assert "altered: its stored content does not match its hash" in output


@pytest.mark.django_db
def test_a_deleted_row_is_found(capsys, unprotected):
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [unprotected[1].pk])

    status, output = _verify(capsys)

    assert status == 1
    assert f"row {unprotected[2].pk} (" in output
    assert "deleted rows: 1 row missing before this one" in output


@pytest.mark.django_db
def test_two_deleted_rows_are_counted_in_words(capsys, unprotected):
    _raw(
        "DELETE FROM audit_auditevent WHERE id IN (%s, %s)",
        [unprotected[1].pk, unprotected[2].pk],
    )

    status, output = _verify(capsys)

    assert status == 1
    assert "deleted rows: 2 rows missing before this one" in output


@pytest.mark.django_db
def test_deleted_last_rows_are_found(capsys, unprotected):
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [unprotected[-1].pk])

    status, output = _verify(capsys)

    assert status == 1
    assert "after the last row: deleted rows: the last 1 row is missing" in output


@pytest.mark.django_db
def test_two_deleted_last_rows_agree_with_their_verb(capsys, unprotected):
    _raw(
        "DELETE FROM audit_auditevent WHERE id IN (%s, %s)",
        [unprotected[-2].pk, unprotected[-1].pk],
    )

    status, output = _verify(capsys)

    assert status == 1
    assert "after the last row: deleted rows: the last 2 rows are missing" in output


@pytest.mark.django_db
def test_reordered_rows_are_found(capsys, unprotected):
    first, second = unprotected[0], unprotected[1]
    _raw("UPDATE audit_auditevent SET sequence = 0 WHERE id = %s", [first.pk])
    _raw("UPDATE audit_auditevent SET sequence = 1 WHERE id = %s", [second.pk])
    _raw("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [first.pk])

    status, output = _verify(capsys)

    assert status == 1
    assert f"row {first.pk} (" in output
    assert f"reordered: it comes after row {second.pk} in the chain" in output


@pytest.mark.django_db
def test_a_rehashed_row_breaks_the_next_link(capsys, unprotected):
    """Recomputing the hash of an altered row does not hide it: the next row still points
    at the hash it had."""
    altered = AuditEvent.objects.get(pk=unprotected[1].pk)
    altered.record_label = "Rewritten"
    _raw(
        "UPDATE audit_auditevent SET record_label = %s, hash = %s WHERE id = %s",
        ["Rewritten", chain.compute_hash(altered), altered.pk],
    )

    status, output = _verify(capsys)

    assert status == 1
    assert f"row {unprotected[2].pk} (" in output
    assert "does not follow the previous row" in output


@pytest.mark.django_db
def test_an_unknown_organisation_is_an_error(trail):
    with pytest.raises(Exception, match="No organisation 'nowhere'"):
        call_command("audit_verify", "--organisation", "nowhere")


@pytest.mark.django_db(transaction=True)
def test_flushing_empties_the_trail_and_keeps_it_protected(organisation):
    """What pytest-django does after each transactional test (live server, threads)."""
    _write(organisation, 1)

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    assert protection.installed(connection)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(capsys):
    """Each writer locks the chain head: none can follow a row another one follows too."""
    if connection.vendor != "postgresql":
        # The in-memory test database is shared between threads with table locks that
        # fail at once instead of queueing; a real SQLite file queues IMMEDIATE writers.
        pytest.skip("needs a database that queues concurrent writers")
    organisation = OrganisationFactory(slug="busy")
    failures = []

    def write_some(start):
        try:
            for number in range(start, start + 10):
                with transaction.atomic():
                    _write(organisation, number)
        except DatabaseError as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write_some, args=(start,)) for start in (0, 100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert AuditEvent.objects.count() == 30
    assert _verify(capsys) == (0, "busy: 30 rows, chain sound\n")


@pytest.mark.django_db
def test_the_migrated_database_protects_the_trail():
    """SQLite rebuilds a table for most changes of a column, dropping its triggers: a later
    migration of the audit table must install them again (``protection.install``)."""
    assert protection.installed(connection)
