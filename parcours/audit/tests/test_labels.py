"""Rows of the trail whose words are kept as a code and read in the reader's language
(issue 20); the rows written before keep their words, and every hash still verifies."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from parcours.audit import chain, protection
from parcours.audit.labels import message, register, worded
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.services import record_event

# The label of an action is in every catalogue: the test needs no words of its own.
register("test_label", AuditAction.UPDATE.label)
register("test_change", "%(count)s change")


def _written(organisation, *, label_message=None, after="file.xlsx"):
    return record_event(
        organisation=organisation,
        by=None,
        action=AuditAction.CREATE,
        record_type="workbook.import",
        record_id="1",
        label="Words of the time",
        label_message=label_message,
        changes={"file": {"before": None, "after": after}},
    )


@pytest.mark.django_db
def test_a_label_kept_as_a_code_reads_in_the_language_of_the_reader(organisation):
    event = AuditEvent.objects.get(
        pk=_written(organisation, label_message=message("test_label")).pk
    )
    assert event.record_label == "Words of the time"  # kept beside the code
    with translation.override("nl"):
        assert event.plain_label == "Gewijzigd"
    with translation.override("fr"):
        assert event.plain_label == "Modification"
    with translation.override("en"):
        assert event.plain_label == "Changed"


@pytest.mark.django_db
def test_a_change_kept_as_a_code_reads_in_the_language_of_the_reader(organisation):
    event = _written(organisation, after=message("test_change", count=3))
    with translation.override("en"):
        assert event.change_rows()[0][2] == "3 change"
    assert worded(message("retired_code")) == message("retired_code")


@pytest.mark.django_db
def test_rows_of_before_keep_their_words_and_all_hashes_verify(organisation):
    old = _written(organisation)
    coded = _written(organisation, label_message=message("test_label"))
    unknown = _written(organisation, label_message=message("nobody_registers_this"))
    with translation.override("nl"):
        assert AuditEvent.objects.get(pk=old.pk).plain_label == "Words of the time"
        assert AuditEvent.objects.get(pk=coded.pk).plain_label == "Gewijzigd"
        assert AuditEvent.objects.get(pk=unknown.pk).plain_label == "Words of the time"
    # The code is in the hash of the rows that carry it, and in no other's.
    assert chain.verify(organisation.pk) == (3, [])
    assert b"label_message" not in chain.canonical(old)
    assert b"test_label" in chain.canonical(coded)


@pytest.mark.django_db
def test_the_page_of_the_trail_reads_a_stored_label_in_french_and_in_dutch(client, coordinator):
    _written(coordinator.organisation, label_message=message("test_label"))
    client.force_login(coordinator)
    for language, label in (("fr", "Modification"), ("nl", "Gewijzigd")):
        coordinator.language = language
        coordinator.save(update_fields=["language"])
        page = client.get(reverse("audit:event_list")).content.decode()
        assert f">{label}</a>" in page


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forth_keeping_rows_and_protection(organisation):
    before = _written(organisation)
    _migrate([("audit", "0004_append_only")])
    assert protection.installed(connection)
    _migrate([("audit", "0005_label_as_a_code")])
    assert protection.installed(connection)
    kept = AuditEvent.objects.get(pk=before.pk)
    assert (kept.record_label, kept.label_message) == ("Words of the time", None)
    assert chain.verify(organisation.pk) == (1, [])
