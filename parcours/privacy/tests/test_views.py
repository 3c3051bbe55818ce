import datetime

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse

from parcours.audit.models import AuditEvent
from parcours.participants.models import Participant
from parcours.privacy.enums import ErasureReason
from parcours.privacy.models import Processing, RetentionPolicy
from parcours.privacy.tests.files import full_file, secrets_of
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import assert_bounded_queries

D = datetime.date
QUEUE = reverse("privacy:queue")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def old_group(organisation):
    return GroupFactory(
        organisation=organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26)
    )


@pytest.fixture
def old_files(organisation, coordinator, old_group):
    return [
        full_file(
            organisation,
            by=coordinator,
            group=old_group,
            number=n,
            start=D(2018, 1, 8),
            exit_date=D(2018, 6, 1),
        )
        for n in (1, 2, 3)
    ]


def approve(client, data):
    """Post an approval; its task is queued once the request's transaction commits (here
    the test's, which never does: the callbacks are run by hand)."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        response = client.post(QUEUE, data)
    for callback in callbacks:  # not those they register (the wipe: not in a test)
        callback()
    return response


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_queue_lists_the_files_due_with_their_last_activity(
    coordinator_client, old_files, organisation, coordinator
):
    recent_group = GroupFactory(
        organisation=organisation, start_date=D(2024, 1, 8), end_date=D(2024, 6, 28)
    )
    full_file(
        organisation,
        by=coordinator,
        group=recent_group,
        number=9,
        start=D(2024, 1, 8),
        exit_date=D(2024, 6, 28),
    )
    page = coordinator_client.get(QUEUE).content.decode()
    assert "3 dossiers à anonymiser" in page
    for person in old_files:
        assert person.reference in page
    assert "REF-0009" not in page
    assert "28/11/2018" in page  # the follow-up, 180 days after the exit


def test_nothing_happens_without_the_approval(coordinator_client, old_files):
    response = coordinator_client.post(QUEUE, {"all": "1"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()
    assert not Processing.objects.exists()


def test_the_coordinator_approves_the_files_ticked(coordinator_client, old_files, coordinator):
    approve(coordinator_client, {"files": [old_files[0].pk, old_files[2].pk], "confirm": "on"})
    response = coordinator_client.get(QUEUE)
    assert "2 dossiers anonymisés" in response.content.decode()
    anonymised = Participant.objects.filter(anonymised_on__isnull=False)
    assert set(anonymised.values_list("pk", flat=True)) == {old_files[0].pk, old_files[2].pk}
    processing = Processing.objects.get()
    assert (processing.approved_by, processing.file_count) == (coordinator, 2)
    assert "Approuvé le" in response.content.decode()


def test_the_coordinator_approves_every_file_due(coordinator_client, old_files):
    approve(coordinator_client, {"all": "1", "confirm": "on"})
    assert Participant.objects.filter(anonymised_on__isnull=False).count() == 3
    assert "a dépassé la durée de conservation" in coordinator_client.get(QUEUE).content.decode()


def test_neither_ticked_nor_all_is_refused(coordinator_client, old_files):
    response = coordinator_client.post(QUEUE, {"confirm": "on"})
    assert "Cochez les dossiers" in response.content.decode()
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()


def test_a_file_of_another_organisation_cannot_be_chosen(
    coordinator_client, old_files, other_organisation, outsider
):
    group = GroupFactory(
        organisation=other_organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26)
    )
    theirs = full_file(
        other_organisation,
        by=outsider,
        group=group,
        number=7,
        start=D(2018, 1, 8),
        exit_date=D(2018, 6, 1),
    )
    response = coordinator_client.post(QUEUE, {"files": [theirs.pk], "confirm": "on"})
    assert response.status_code == 200
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()


def test_the_queue_page_keeps_its_queries_bounded(
    coordinator_client, organisation, coordinator, old_group
):
    full_file(
        organisation,
        by=coordinator,
        group=old_group,
        number=1,
        start=D(2018, 1, 8),
        exit_date=D(2018, 6, 1),
    )

    def grow():
        for number in range(2, 12):
            full_file(
                organisation,
                by=coordinator,
                group=old_group,
                number=number,
                start=D(2018, 1, 8),
                exit_date=D(2018, 6, 1),
            )
        approve(
            coordinator_client,
            {"files": [Participant.objects.order_by("pk").last().pk], "confirm": "on"},
        )

    # The session, the user; the policy; the count and the page of files due; the latest
    # anonymisations with who approved them; the latest approvals run as tasks.
    assert_bounded_queries(coordinator_client, QUEUE, grow=grow, expected=7)


def test_the_retention_period_is_set_on_its_page(coordinator_client, organisation, old_files):
    url = reverse("privacy:retention")
    page = coordinator_client.get(url).content.decode()
    assert "archiviste" in page
    assert 'value="5"' in page
    coordinator_client.post(url, {"years": "10"})
    assert RetentionPolicy.objects.get(organisation=organisation).years == 10
    assert AuditEvent.objects.about("privacy.retentionpolicy").exists()
    # Ten years after mid-2018 is not over: nothing is due any more.
    assert "a dépassé la durée de conservation" in coordinator_client.get(QUEUE).content.decode()


def test_the_file_page_offers_the_erasure_to_the_coordinator_only(
    client, coordinator, social_worker, old_files
):
    url = reverse("participants:participant_detail", args=[old_files[0].pk])
    erase = reverse("privacy:erase", args=[old_files[0].pk])
    client.force_login(coordinator)
    assert erase in client.get(url).content.decode()
    client.force_login(social_worker)
    assert erase not in client.get(url).content.decode()


def test_the_erasure_asks_for_a_reason_and_a_confirmation(
    coordinator_client, old_files, coordinator
):
    url = reverse("privacy:erase", args=[old_files[0].pk])
    assert "Supprimés définitivement" in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"reason": ErasureReason.REQUEST})
    assert Participant.objects.get(pk=old_files[0].pk).anonymised_on is None
    response = coordinator_client.post(
        url, {"reason": ErasureReason.REQUEST, "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "participants:participant_detail", args=[old_files[0].pk]
    )
    page = response.content.decode()
    assert "Le dossier est effacé." in page
    assert "Dossier anonymisé" in page
    assert secrets_of(1).last_name.lower() not in page.lower()
    processing = Processing.objects.get()
    assert (processing.kind, processing.erasure_reason, processing.approved_by) == (
        "erasure",
        "request",
        coordinator,
    )


def test_the_erasure_of_a_person_still_in_a_group_is_not_offered(
    coordinator_client, old_files, organisation
):
    EnrolmentFactory(
        participant=old_files[0], group__organisation=organisation, start_date=D(2026, 1, 5)
    )
    url = reverse("privacy:erase", args=[old_files[0].pk])
    page = coordinator_client.get(url).content.decode()
    assert "une personne effacée ne peut pas rester" in page
    assert 'name="confirm"' not in page


def test_an_anonymised_person_shows_as_such_in_the_file_the_list_and_the_search(
    coordinator_client, old_files, coordinator
):
    approve(coordinator_client, {"files": [old_files[0].pk], "confirm": "on"})
    file_page = coordinator_client.get(
        reverse("participants:participant_detail", args=[old_files[0].pk])
    ).content.decode()
    assert "Dossier anonymisé" in file_page
    assert "Ce dossier a été anonymisé le 10/03/2026" in file_page
    assert "Année de naissance" in file_page
    for value in secrets_of(1).values():
        assert value not in file_page
    listing = coordinator_client.get(reverse("participants:participant_list")).content.decode()
    assert "Dossier anonymisé" in listing
    assert secrets_of(1).last_name.lower() not in listing.lower()
    assert secrets_of(2).last_name.upper() in listing
    found = coordinator_client.get(
        reverse("participants:participant_list"), {"q": secrets_of(1).last_name}
    )
    assert "Aucun participant ne correspond" in found.content.decode()


def test_the_report_drill_down_shows_an_anonymised_person_without_a_name(
    coordinator_client, old_files
):
    approve(coordinator_client, {"files": [old_files[0].pk], "confirm": "on"})
    url = reverse("reporting:people")
    for key in ("participants", "exits"):
        page = coordinator_client.get(url, {"year": 2018, "key": key}).content.decode()
        assert page.count("Dossier anonymisé") == 1
        assert secrets_of(2).last_name.upper() in page
        assert secrets_of(1).last_name.lower() not in page.lower()
