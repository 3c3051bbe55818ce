"""The project's texts are social data: anonymisation and erasure wipe them, and keep
what the yearly figures count (the signature dates, the evaluations' dates)."""

import datetime

import pytest
import time_machine

from parcours.audit.models import AuditEvent
from parcours.audit.sealing import open_events
from parcours.privacy.enums import ErasureReason
from parcours.privacy.services import anonymise_inactive, erase_file
from parcours.privacy.tests.files import full_file
from parcours.programme.factories import GroupFactory
from parcours.programme.services import enrolment_exit
from parcours.projects import services
from parcours.projects.models import Evaluation, OtherParty, ProjectVersion
from parcours.reporting.figures import yearly_figures

D = datetime.date
SECRET = "Secretobjective about the family"
PARTY = "Partnerqwerty"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def old_file(organisation, coordinator):
    group = GroupFactory(
        organisation=organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26)
    )
    participant = full_file(
        organisation,
        by=coordinator,
        group=group,
        number=1,
        start=D(2018, 1, 8),
        exit_date=None,
    )
    enrolment = participant.enrolments.get()
    project = services.project_create(
        enrolment=enrolment,
        objectives=SECRET,
        participant_commitments=SECRET,
        cpas_commitments=SECRET,
        social_worker=coordinator,
        other_parties=[{"name": PARTY, "role": "Formateur", "commitments": SECRET}],
        by=coordinator,
    )
    services.version_sign(
        version=project.versions.get(), signed_on=D(2018, 1, 29), place="Namur", by=coordinator
    )
    services.evaluation_record(
        project=project, date=D(2018, 4, 30), outcome="continue", notes=SECRET, by=coordinator
    )
    enrolment_exit(
        enrolment=enrolment,
        exit_date=D(2018, 10, 26),
        outcome="social_project",
        detail="volunteering",
        by=coordinator,
    )
    return participant


def _texts():
    versions = list(
        ProjectVersion.objects.values_list(
            "objectives", "participant_commitments", "cpas_commitments", "signed_at_place"
        )
    )
    parties = list(OtherParty.objects.values_list("name", "role", "commitments"))
    notes = list(Evaluation.objects.values_list("notes", flat=True))
    return repr([versions, parties, notes])


def test_anonymisation_wipes_the_project_texts_and_keeps_the_counts(old_file, coordinator):
    before = yearly_figures(old_file.organisation, year=2018, as_of=D(2018, 12, 31))
    assert before["projects"] == {"signed": 1, "evaluations_held": 1}
    assert SECRET in _texts()
    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    assert SECRET not in _texts()
    assert PARTY not in _texts()
    assert "Namur" not in _texts()
    assert OtherParty.objects.count() == 1
    after = yearly_figures(old_file.organisation, year=2018, as_of=D(2018, 12, 31))
    assert after == before


def test_erasure_deletes_the_other_parties_and_keeps_the_counts(old_file, coordinator):
    before = yearly_figures(old_file.organisation, year=2018, as_of=D(2018, 12, 31))
    erase_file(participant=old_file, reason=ErasureReason.REQUEST, by=coordinator)
    assert not OtherParty.objects.exists()
    assert SECRET not in _texts()
    assert ProjectVersion.objects.get().signed_on == D(2018, 1, 29)
    assert yearly_figures(old_file.organisation, year=2018, as_of=D(2018, 12, 31)) == before


def test_what_the_trail_said_about_the_project_is_erased_with_the_person(old_file, coordinator):
    rows = AuditEvent.objects.filter(record_type__startswith="projects.")
    assert {row.subject_id for row in rows} == {old_file.pk}
    assert all(SECRET not in repr((row.record_label, row.changes)) for row in rows)
    anonymise_inactive(
        organisation=old_file.organisation, inactive_before=D(2021, 3, 10), by=coordinator
    )
    after = list(rows.all())
    open_events(after)
    assert all(row.opened["erased"] for row in after)
