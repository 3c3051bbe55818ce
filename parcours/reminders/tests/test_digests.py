"""Staff digests, sent through a real SMTP server: what each person's dashboard would
show, as counts and links only, once per period, stopped by one click."""

import datetime
import html as html_lib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.assessments.factories import ActionFactory
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditEvent
from parcours.programme.factories import EnrolmentFactory, ExitFollowUpFactory, GroupFactory
from parcours.reminders.enums import Frequency, MessageStatus
from parcours.reminders.models import DigestPreference, MessageLog
from parcours.reminders.services import digest_preference_save, send_due_digests
from parcours.reminders.tests.conftest import TODAY, body_of
from parcours.workshops.factories import SessionFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def _daily(*users):
    for user in users:
        digest_preference_save(user=user, frequency=Frequency.DAILY, weekday=0, by=user)


def _programme(organisation, *, worker, leader=None, reference_prefix="P"):
    """A group with two people followed by ``worker``: each owes an entry assessment
    (overdue), one has an overdue action, one absent at the group's three last
    sessions, whose last register (led by ``leader``) nobody took. One earlier person
    owes the follow-up after exit."""
    group = GroupFactory(organisation=organisation)
    if leader is not None:
        group.staff.add(leader)
    first, second = (
        EnrolmentFactory(
            group=group,
            participant__social_worker=worker,
            participant__reference=f"{reference_prefix}-{n}",
            participant__last_name=f"Nomdefamille{reference_prefix}{n}",
            participant__first_name=f"Prenom{reference_prefix}{n}",
        )
        for n in (1, 2)
    )
    ActionFactory(enrolment=first, due_date=datetime.date(2026, 2, 1))
    for day in (9, 16, 23):
        session = SessionFactory(
            organisation=organisation, groups=[group], date=datetime.date(2026, 2, day)
        )
        Attendance.objects.create(
            session=session, participant=second.participant, status=Presence.ABSENT
        )
        Attendance.objects.create(
            session=session, participant=first.participant, status=Presence.PRESENT
        )
    SessionFactory(
        organisation=organisation, groups=[group], date=datetime.date(2026, 3, 2), leader=leader
    )
    ExitFollowUpFactory(
        enrolment__group=group,
        enrolment__participant__social_worker=worker,
        enrolment__participant__last_name=f"Sortie{reference_prefix}",
        due_on=datetime.date(2026, 3, 1),
        situation="",
        recorded_on=None,
    )
    return [first.participant, second.participant]


@pytest.fixture
def world(organisation, other_organisation, coordinator, social_worker, workshop_leader):
    people = _programme(organisation, worker=social_worker, leader=workshop_leader)
    # Another CPAS with as much to do: it never counts here.
    elsewhere_worker = UserFactory(organisation=other_organisation, social_worker=True)
    _programme(other_organisation, worker=elsewhere_worker, reference_prefix="X")
    _daily(coordinator, social_worker, workshop_leader)
    return {"people": people}


def _forbidden_words(people):
    words = []
    for person in people:
        words += [person.last_name, person.first_name, person.reference]
    return [*words, "SortieP", "SortieX", "NomdefamilleX"]


def test_each_member_of_staff_gets_their_counts_and_links(
    smtp_server, world, coordinator, social_worker, workshop_leader
):
    with time_machine.travel(
        datetime.datetime(2026, 3, 3, 6, 0, tzinfo=ZoneInfo("Europe/Brussels")), tick=False
    ):
        outcome = send_due_digests(coordinator.organisation, TODAY)

    assert (outcome.sent, outcome.failed) == (3, 0)
    [mail] = smtp_server.to(social_worker.email)
    assert mail["To"] == social_worker.email
    assert mail["Subject"] == "Parcours : ce qui vous attend (03/03/2026)"
    text, html = body_of(mail), html_lib.unescape(body_of(mail, "html"))
    # The social worker's own people: two entry assessments, one action, one follow-up,
    # one person absent three times; the registers are the organisation's (casework).
    for line in [
        "2 évaluations à faire ou en retard",
        "1 action d'un plan en retard",
        "1 suivi après sortie à faire",
        "1 personne absente plusieurs fois de suite",
    ]:
        assert line in text
        assert line in html
    assert "https://parcours.example.be/" in text
    assert 'href="https://parcours.example.be/"' in html
    for word in _forbidden_words(world["people"]):
        assert word not in text
        assert word not in html
    unsubscribe = mail["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<https://parcours.example.be/reminders/unsubscribe/")
    assert unsubscribe.strip("<>") in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        MessageLog.objects.get(user=social_worker).status,
        MessageLog.objects.get(user=social_worker).period,
    ) == (MessageStatus.SENT, "2026-03-03")


def test_a_leader_gets_only_what_a_leader_sees(smtp_server, world, workshop_leader):
    send_due_digests(workshop_leader.organisation, TODAY)

    [mail] = smtp_server.to(workshop_leader.email)
    text = body_of(mail)
    assert "1 registre de présences non pris" in text
    assert "https://parcours.example.be/attendance/registers/" in text
    assert "1 personne absente plusieurs fois de suite" in text
    assert "évaluation" not in text
    assert "action" not in text
    assert "suivi" not in text


def test_the_coordinator_counts_the_organisation_only(smtp_server, world, coordinator):
    send_due_digests(coordinator.organisation, TODAY)

    text = body_of(smtp_server.to(coordinator.email)[0])
    # Two people of this CPAS (the other CPAS's two are not counted), one action, one
    # register, one follow-up, one person absent.
    assert "2 évaluations à faire ou en retard" in text
    assert "1 action d'un plan en retard" in text
    assert "1 registre de présences non pris" in text
    assert "1 suivi après sortie à faire" in text


def test_a_second_run_the_same_day_sends_nothing_more(smtp_server, world, coordinator):
    first = send_due_digests(coordinator.organisation, TODAY)
    second = send_due_digests(coordinator.organisation, TODAY)

    assert (first.sent, second.sent, second.failed) == (3, 0, 0)
    assert len(smtp_server.messages) == 3
    assert MessageLog.objects.filter(organisation=coordinator.organisation).count() == 3
    # The next day is another period.
    assert send_due_digests(coordinator.organisation, TODAY + datetime.timedelta(days=1)).sent == 3


def test_the_digest_is_in_the_users_language(smtp_server, world, social_worker):
    social_worker.language = "nl"
    social_worker.save()

    send_due_digests(social_worker.organisation, TODAY)

    mail = smtp_server.to(social_worker.email)[0]
    assert mail["Subject"] == "Parcours: wat op u wacht (03/03/2026)"
    assert "2 evaluaties te doen of te laat" in body_of(mail)


def test_weekly_by_default_on_monday_and_once_a_week(
    smtp_server, organisation, social_worker, viewer
):
    _programme(organisation, worker=social_worker)
    assert not DigestPreference.objects.filter(user=social_worker).exists()

    assert send_due_digests(organisation, TODAY).sent == 0  # a Tuesday
    assert send_due_digests(organisation, MONDAY).sent == 1
    assert send_due_digests(organisation, MONDAY).sent == 0
    assert MessageLog.objects.get().period == "2026-W10"
    # A viewer is no member of staff: nothing waits for them.
    assert smtp_server.to(viewer.email) == []


def test_never_and_empty_digests_are_not_sent(
    smtp_server, organisation, coordinator, social_worker
):
    _programme(organisation, worker=social_worker)
    digest_preference_save(
        user=social_worker, frequency=Frequency.NEVER, weekday=0, by=social_worker
    )
    # The coordinator has nothing waiting in an empty organisation.
    other = UserFactory(organisation=UserFactory().organisation, coordinator=True)
    _daily(other)

    assert send_due_digests(organisation, MONDAY).sent == 1  # the coordinator's
    assert send_due_digests(other.organisation, MONDAY).sent == 0
    assert smtp_server.to(social_worker.email) == []
    assert smtp_server.to(other.email) == []


def test_a_refused_address_is_logged_and_the_others_still_go(
    smtp_server, world, coordinator, social_worker
):
    social_worker.email = "refused.worker@example.org"
    social_worker.save()

    outcome = send_due_digests(coordinator.organisation, TODAY)

    assert (outcome.sent, outcome.failed) == (2, 1)
    failed = MessageLog.objects.get(user=social_worker)
    assert failed.status == MessageStatus.FAILED
    assert "SMTPRecipientsRefused" in failed.error
    assert "refused.worker" not in failed.error
    # The next run tries the failed one again, and only it.
    again = send_due_digests(coordinator.organisation, TODAY)
    assert (again.sent, again.failed) == (0, 1)
    assert MessageLog.objects.get(user=social_worker).attempts == 2
    social_worker.email = "worker@example.org"
    social_worker.save()
    assert send_due_digests(coordinator.organisation, TODAY).sent == 1
    assert MessageLog.objects.get(user=social_worker).status == MessageStatus.SENT


def test_one_click_unsubscribes_without_signing_in(client, smtp_server, world, social_worker):
    send_due_digests(social_worker.organisation, TODAY)
    mail = smtp_server.to(social_worker.email)[0]
    url = mail["List-Unsubscribe"].strip().strip("<>").removeprefix("https://parcours.example.be")

    # Opening the link (as a mail scanner would) changes nothing; the button does.
    page = client.get(url)
    assert page.status_code == 200
    assert DigestPreference.objects.get(user=social_worker).frequency == Frequency.DAILY
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert DigestPreference.objects.get(user=social_worker).frequency == Frequency.NEVER
    assert AuditEvent.objects.filter(
        record_type="reminders.digestpreference", actor=social_worker
    ).exists()
    assert (
        send_due_digests(social_worker.organisation, TODAY + datetime.timedelta(days=1)).sent == 2
    )


def test_a_forged_unsubscribe_link_is_not_found(client, social_worker):
    url = reverse("reminders:unsubscribe", kwargs={"token": f"{social_worker.pk}-forgedtoken1"})
    assert client.post(url).status_code == 404
    assert not DigestPreference.objects.filter(user=social_worker).exists()
