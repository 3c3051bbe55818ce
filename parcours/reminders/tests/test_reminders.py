"""Participants' session reminders: only with their consent, date, time, place and
workshop only, once a day, stopped by their opt-out link."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.audit.models import AuditEvent
from parcours.participants.enums import ConsentPurpose
from parcours.participants.factories import ConsentFactory
from parcours.participants.models import Consent
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reminders.enums import Channel, MessageStatus
from parcours.reminders.models import MessageLog
from parcours.reminders.services import send_session_reminders
from parcours.reminders.tasks import send_reminders
from parcours.reminders.tests.conftest import TODAY, TOMORROW, body_of
from parcours.workshops.factories import SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def group(organisation):
    group = GroupFactory(organisation=organisation)
    SessionFactory(
        organisation=organisation,
        groups=[group],
        date=TOMORROW,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(12, 0),
        room="Salle du jardin",
        workshop=WorkshopFactory(organisation=organisation, name="Atelier cuisine"),
    )
    return group


def _person(group, *, purposes=(), phone="0470 12 34 56", email="", **fields):
    enrolment = EnrolmentFactory(
        group=group,
        participant__phone=phone,
        participant__email=email,
        participant__last_name="Vandenbroucke",
        participant__first_name="Mireille",
        **fields,
    )
    for purpose in purposes:
        ConsentFactory(participant=enrolment.participant, purpose=purpose)
    return enrolment.participant


def _sms(sms_dir):
    return sorted(path.read_text() for path in sms_dir.glob("*.sms")) if sms_dir.exists() else []


def test_an_sms_gives_date_time_place_and_workshop_and_an_opt_out_link(sms_dir, group):
    person = _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])

    with time_machine.travel(datetime.datetime(2026, 3, 3, 18, 0, tzinfo=BRUSSELS), tick=False):
        outcome = send_session_reminders(group.organisation, TODAY)

    assert (outcome.sent, outcome.failed) == (1, 0)
    [sms] = _sms(sms_dir)
    number, text = sms.split("\n", 1)
    assert number == "+32470123456"
    assert text.startswith(
        "Rappel : Atelier cuisine mercredi 4 mars à 09:30, Salle du jardin. "
        "Ne plus recevoir de rappels : https://parcours.example.be/reminders/stop/"
    )
    for word in ["Vandenbroucke", "Mireille", person.reference, group.name]:
        assert word not in text
    log = MessageLog.objects.get()
    assert (log.participant, log.channel, log.status, log.period) == (
        person,
        Channel.SMS,
        MessageStatus.SENT,
        "2026-03-04",
    )
    assert log.sent_at == datetime.datetime(2026, 3, 3, 17, 0, tzinfo=datetime.UTC)


def test_an_email_reminder_through_smtp(smtp_server, sms_dir, group):
    person = _person(
        group, purposes=[ConsentPurpose.REMINDERS_EMAIL], phone="", email="mireille@example.org"
    )

    assert send_session_reminders(group.organisation, TODAY).sent == 1

    [mail] = smtp_server.to("mireille@example.org")
    assert mail["Subject"] == "Rappel : votre atelier du mercredi 4 mars"
    text, html = body_of(mail), body_of(mail, "html")
    assert "Atelier cuisine, mercredi 4 mars, de 09:30 à 12:00 (Salle du jardin)" in text
    assert "Atelier cuisine" in html
    for word in ["Vandenbroucke", "Mireille", person.reference, group.name]:
        assert word not in text
        assert word not in html
    opt_out = mail["List-Unsubscribe"].strip().strip("<>")
    assert opt_out.startswith("https://parcours.example.be/reminders/stop/")
    assert opt_out in text
    assert f'href="{opt_out}"' in html
    assert _sms(sms_dir) == []


def test_sms_first_when_both_are_consented(smtp_server, sms_dir, group):
    _person(
        group,
        purposes=[ConsentPurpose.REMINDERS_SMS, ConsentPurpose.REMINDERS_EMAIL],
        email="mireille@example.org",
    )

    assert send_session_reminders(group.organisation, TODAY).sent == 1
    assert len(_sms(sms_dir)) == 1
    assert smtp_server.messages == []


def test_no_reminder_without_consent(smtp_server, sms_dir, group):
    _person(group)  # no consent at all
    _person(group, purposes=[ConsentPurpose.FOLLOW_UP, ConsentPurpose.PHOTOS])
    withdrawn = _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])
    withdrawn.consents.update(withdrawn_on=TODAY)

    assert send_session_reminders(group.organisation, TODAY).sent == 0
    assert _sms(sms_dir) == []
    assert MessageLog.objects.count() == 0


def test_only_the_held_sessions_of_the_persons_running_enrolments(sms_dir, organisation, group):
    # Left the group before tomorrow.
    _person(
        group,
        purposes=[ConsentPurpose.REMINDERS_SMS],
        exit_date=TODAY,
        outcome="professional_project",
        outcome_detail="job_search",
    )
    # A group whose session tomorrow is cancelled.
    cancelled = GroupFactory(organisation=organisation)
    SessionFactory(
        organisation=organisation,
        groups=[cancelled],
        date=TOMORROW,
        cancelled=True,
        cancel_reason="Formateur malade",
    )
    _person(cancelled, purposes=[ConsentPurpose.REMINDERS_SMS])

    assert send_session_reminders(organisation, TODAY).sent == 0
    assert _sms(sms_dir) == []


def test_another_organisation_is_not_reminded(sms_dir, group, other_organisation):
    elsewhere = GroupFactory(organisation=other_organisation)
    SessionFactory(organisation=other_organisation, groups=[elsewhere], date=TOMORROW)
    _person(elsewhere, purposes=[ConsentPurpose.REMINDERS_SMS])
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])

    assert send_session_reminders(group.organisation, TODAY).sent == 1
    assert MessageLog.objects.filter(organisation=other_organisation).count() == 0
    assert send_session_reminders(other_organisation, TODAY).sent == 1


def test_a_second_run_the_same_day_sends_nothing_more(sms_dir, group):
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])

    assert send_session_reminders(group.organisation, TODAY).sent == 1
    second = send_session_reminders(group.organisation, TODAY)

    assert (second.sent, second.failed) == (0, 0)
    assert len(_sms(sms_dir)) == 1


def test_two_sessions_the_same_day_make_one_message(sms_dir, organisation, group):
    SessionFactory(
        organisation=organisation,
        groups=[group],
        date=TOMORROW,
        start_time=datetime.time(13, 30),
        end_time=datetime.time(15, 0),
        workshop=WorkshopFactory(organisation=organisation, name="Atelier vélo"),
    )
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])

    send_session_reminders(organisation, TODAY)

    [sms] = _sms(sms_dir)
    assert "Atelier cuisine mercredi 4 mars à 09:30, Salle du jardin; " in sms
    assert "Atelier vélo mercredi 4 mars à 13:30." in sms


def test_the_number_of_days_ahead_is_a_setting(settings, sms_dir, group):
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])
    settings.REMINDER_DAYS_AHEAD = 2

    assert send_session_reminders(group.organisation, TODAY).sent == 0
    assert send_session_reminders(group.organisation, TODAY - datetime.timedelta(days=1)).sent == 1


def test_a_consent_without_a_number_is_logged_as_failed(sms_dir, group):
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS], phone="")

    outcome = send_session_reminders(group.organisation, TODAY)

    assert (outcome.sent, outcome.failed) == (0, 1)
    assert MessageLog.objects.get().error == "no mobile number on the file"


def test_the_opt_out_link_withdraws_the_consents(client, sms_dir, group):
    person = _person(group, purposes=[ConsentPurpose.REMINDERS_SMS, ConsentPurpose.REMINDERS_EMAIL])
    ConsentFactory(participant=person, purpose=ConsentPurpose.FOLLOW_UP)
    send_session_reminders(group.organisation, TODAY)
    [sms] = _sms(sms_dir)
    url = sms.split()[-1].removeprefix("https://parcours.example.be")
    assert len(url) < 40

    page = client.get(url)
    assert page.status_code == 200
    assert "Vandenbroucke" not in page.content.decode()
    assert Consent.objects.filter(participant=person).in_force().count() == 3
    with time_machine.travel(datetime.datetime(2026, 3, 3, 19, 0, tzinfo=BRUSSELS), tick=False):
        response = client.post(url)

    assert response.status_code == 200
    withdrawn = Consent.objects.filter(participant=person).withdrawn()
    assert {(c.purpose, c.withdrawn_on) for c in withdrawn} == {
        (ConsentPurpose.REMINDERS_SMS, TODAY),
        (ConsentPurpose.REMINDERS_EMAIL, TODAY),
    }
    assert Consent.objects.filter(participant=person).in_force().get().purpose == "follow_up"
    assert (
        AuditEvent.objects.filter(record_type="participants.consent", action="update").count() == 2
    )
    # The next day's run reminds nobody.
    session_after = SessionFactory(
        organisation=group.organisation, groups=[group], date=TOMORROW + datetime.timedelta(days=1)
    )
    assert session_after.pk
    assert send_session_reminders(group.organisation, TOMORROW).sent == 0


def test_a_forged_opt_out_link_is_not_found(client, group):
    person = _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])
    url = reverse("reminders:opt_out", kwargs={"token": f"{person.pk:x}-AAAAAAAAAAAA"})

    assert client.post(url).status_code == 404
    assert person.consents.in_force().count() == 1


def test_the_task_and_the_command_send_both(sms_dir, group, settings):
    from django.core.management import call_command

    coordinator = UserFactory(organisation=group.organisation, coordinator=True)
    assert coordinator.pk
    _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])

    result = send_reminders.enqueue(group.organisation.pk, TODAY.isoformat())
    assert result.return_value["reminders_sent"] == 1

    from io import StringIO

    out = StringIO()
    call_command("send_reminders", organisation="test", date="2026-03-03", stdout=out)
    assert out.getvalue() == (
        "test 2026-03-03: digests 0 sent, 0 failed; reminders 0 sent, 0 failed\n"
    )
    assert len(_sms(sms_dir)) == 1


def test_the_right_of_access_lists_the_reminders_sent(sms_dir, group):
    from parcours.privacy.right_of_access import participant_data

    person = _person(group, purposes=[ConsentPurpose.REMINDERS_SMS])
    send_session_reminders(group.organisation, TODAY)

    [reminder] = participant_data(person)["reminders"]
    assert reminder["for_day"] == "2026-03-04"
    assert reminder["channel"]["code"] == "sms"
    assert reminder["status"]["code"] == "sent"
