"""Enrolling, exiting, extending, and the follow-up six months after an exit."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.factories import ParticipantFactory
from parcours.programme import services
from parcours.programme.enums import ExitOutcome, FollowUpSituation
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import Enrolment, ExitFollowUp

pytestmark = pytest.mark.django_db

JAN_5 = datetime.date(2026, 1, 5)


def english(user):
    """So that the texts checked do not depend on the catalogues."""
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def signed_in(client, social_worker):
    client.force_login(english(social_worker))
    return client


@pytest.fixture
def group(organisation):
    return GroupFactory(
        organisation=organisation,
        name="Remob A",
        start_date=JAN_5,
        end_date=datetime.date(2026, 10, 30),
        capacity=2,
    )


@pytest.fixture
def while_it_runs():
    """A day the group of these tests runs: nobody joins a group that has ended."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        yield


def enrol_url(group):
    return reverse("programme:enrolment_create", args=[group.pk])


def exit_url(enrolment):
    return reverse("programme:enrolment_exit", args=[enrolment.pk])


def extend_url(enrolment):
    return reverse("programme:enrolment_extend", args=[enrolment.pk])


def follow_up_url(follow_up):
    return reverse("programme:follow_up_record", args=[follow_up.pk])


def events(record_type):
    return list(
        AuditEvent.objects.filter(record_type=record_type)
        .order_by("id")
        .values_list("action", "record_id")
    )


# Enrolling


def test_enrol_a_participant(while_it_runs, signed_in, social_worker, group, organisation):
    participant = ParticipantFactory(organisation=organisation)

    response = signed_in.post(
        enrol_url(group), {"participant": participant.pk, "start_date": "2026-01-12"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("programme:group_detail", args=[group.pk])
    enrolment = Enrolment.objects.get()
    assert (enrolment.participant, enrolment.group) == (participant, group)
    assert enrolment.start_date == datetime.date(2026, 1, 12)
    assert enrolment.exit_date is None
    event = AuditEvent.objects.get(record_type="programme.enrolment")
    assert (event.action, event.actor) == (AuditAction.CREATE, social_worker)


def test_the_choice_lists_the_organisation_s_people_not_in_the_group(
    signed_in, group, organisation, other_organisation
):
    ParticipantFactory(organisation=organisation, last_name="Zola")
    ParticipantFactory(organisation=organisation, last_name="Adam")
    EnrolmentFactory(group=group, participant__last_name="Already")
    EnrolmentFactory(
        group=group,
        participant__last_name="Left",
        exit_date=datetime.date(2026, 2, 1),
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="health",
    )
    ParticipantFactory(organisation=other_organisation, last_name="Elsewhere")

    response = signed_in.get(enrol_url(group))

    choices = response.context["form"].fields["participant"].queryset
    assert [participant.last_name for participant in choices] == ["Adam", "Zola"]


def test_someone_of_another_organisation_cannot_be_enrolled(
    while_it_runs, signed_in, group, other_organisation
):
    stranger = ParticipantFactory(organisation=other_organisation)

    response = signed_in.post(
        enrol_url(group), {"participant": stranger.pk, "start_date": "2026-01-12"}
    )

    assert "participant" in response.context["form"].errors
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("start_date", "message"),
    [("2026-01-04", "only starts on 05/01/2026"), ("2026-11-02", "ends on 30/10/2026")],
)
def test_enrolment_outside_the_group_s_dates_is_refused(
    while_it_runs, signed_in, group, organisation, start_date, message
):
    participant = ParticipantFactory(organisation=organisation)

    response = signed_in.post(
        enrol_url(group), {"participant": participant.pk, "start_date": start_date}
    )

    assert message in " ".join(response.context["form"].errors["start_date"])
    assert not Enrolment.objects.exists()


def test_over_capacity_is_warned_then_confirmed(while_it_runs, signed_in, group, organisation):
    EnrolmentFactory(group=group)
    EnrolmentFactory(group=group)
    participant = ParticipantFactory(organisation=organisation)
    data = {"participant": participant.pk, "start_date": "2026-01-12"}

    response = signed_in.post(enrol_url(group), data)

    assert response.status_code == 200
    warnings = response.context["warnings"]
    assert warnings.over_capacity is True
    assert warnings.overlapping == []
    content = response.content.decode()
    assert "already has its 2 participants or more" in content
    assert 'name="confirm_warnings"' in content
    assert Enrolment.objects.filter(participant=participant).count() == 0

    confirmed = signed_in.post(enrol_url(group), {**data, "confirm_warnings": "on"})

    assert confirmed.status_code == 302
    assert group.enrolments.open().count() == 3


def test_an_overlapping_enrolment_is_warned_then_confirmed(
    while_it_runs, signed_in, group, organisation
):
    elsewhere = EnrolmentFactory(group=GroupFactory(organisation=organisation, name="Immersion B"))
    data = {"participant": elsewhere.participant.pk, "start_date": "2026-02-02"}

    response = signed_in.post(enrol_url(group), data)

    warnings = response.context["warnings"]
    assert warnings.over_capacity is False
    assert warnings.overlapping == [elsewhere]
    assert "also in the group Immersion B since 05/01/2026" in response.content.decode()
    assert not group.enrolments.exists()

    signed_in.post(enrol_url(group), {**data, "confirm_warnings": "on"})

    assert group.enrolments.get().participant == elsewhere.participant


def test_a_form_without_warnings_shows_no_confirmation(signed_in, group):
    assert 'name="confirm_warnings"' not in signed_in.get(enrol_url(group)).content.decode()


# Exits


@pytest.mark.parametrize(
    ("outcome", "detail"),
    [
        (ExitOutcome.DROPOUT, "health"),
        (ExitOutcome.DROPOUT, "moving"),
        (ExitOutcome.SOCIAL_PROJECT, "volunteering"),
        (ExitOutcome.PROFESSIONAL_PROJECT, "qualifying_training"),
    ],
)
def test_exit_with_its_outcome(signed_in, social_worker, group, outcome, detail):
    enrolment = EnrolmentFactory(group=group)

    response = signed_in.post(
        exit_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-03-31",
            "outcome": outcome,
            "outcome_detail": detail,
        },
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.exit_date == datetime.date(2026, 3, 31)
    assert (enrolment.outcome, enrolment.outcome_detail) == (outcome, detail)
    # Six months later, the follow-up of the person's situation is due.
    follow_up = ExitFollowUp.objects.get(enrolment=enrolment)
    assert follow_up.due_on == datetime.date(2026, 9, 30)
    assert follow_up.recorded_on is None
    assert events("programme.enrolment") == [(AuditAction.UPDATE, str(enrolment.pk))]
    assert events("programme.exitfollowup") == [(AuditAction.CREATE, str(follow_up.pk))]
    update = AuditEvent.objects.get(record_type="programme.enrolment")
    assert update.actor == social_worker
    assert update.plain_changes["outcome"] == {"before": "", "after": outcome}


def test_exit_message_tells_when_the_follow_up_is_due(signed_in, group):
    enrolment = EnrolmentFactory(group=group)

    response = signed_in.post(
        exit_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-08-31",
            "outcome": "professional_project",
            "outcome_detail": "employment",
        },
        follow=True,
    )

    assert "A follow-up is due on 28/02/2027" in response.content.decode()


def test_the_detail_select_groups_the_details_by_outcome(signed_in, group):
    enrolment = EnrolmentFactory(group=group)

    content = signed_in.get(exit_url(enrolment)).content.decode()

    assert '<optgroup label="Dropped out">' in content
    assert '<optgroup label="Social insertion project">' in content
    assert '<optgroup label="Professional insertion project">' in content
    assert 'value="job_search"' in content
    # The extension has its own action.
    assert 'value="extension"' not in content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"outcome": "dropout", "outcome_detail": "volunteering"},
            "outcome_detail",
            "“Volunteering” does not go with the outcome “Dropped out”",
        ),
        (
            {"outcome": "professional_project", "outcome_detail": "health"},
            "outcome_detail",
            "does not go with the outcome “Professional insertion project”",
        ),
        ({"outcome": "dropout", "outcome_detail": ""}, "outcome_detail", "Say why"),
        (
            {"outcome": "social_project", "outcome_detail": ""},
            "outcome_detail",
            "Choose the kind of project",
        ),
        ({"outcome": "extension", "outcome_detail": ""}, "outcome", ""),
        ({"outcome": "", "outcome_detail": "health"}, "outcome", ""),
        ({"outcome": "dropout", "outcome_detail": "bored"}, "outcome_detail", ""),
        (
            {"outcome": "dropout", "outcome_detail": "health", "exit_date": "2026-01-04"},
            "exit_date",
            "cannot come before the start of the enrolment (05/01/2026)",
        ),
    ],
)
def test_a_wrong_exit_is_refused_with_a_message(signed_in, group, data, field, message):
    enrolment = EnrolmentFactory(group=group)

    response = signed_in.post(
        exit_url(enrolment), {"version": enrolment.version, "exit_date": "2026-03-31", **data}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.outcome) == (None, "")
    assert not ExitFollowUp.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_closed_enrolment_cannot_exit_again(signed_in, group):
    enrolment = EnrolmentFactory(
        group=group,
        exit_date=datetime.date(2026, 3, 31),
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="health",
    )

    response = signed_in.post(
        exit_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-04-30",
            "outcome": "dropout",
            "outcome_detail": "moving",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("programme:group_detail", args=[group.pk])
    assert "closed on 31/03/2026" in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.outcome_detail) == (datetime.date(2026, 3, 31), "health")
    assert not AuditEvent.objects.exists()


def test_another_organisation_s_enrolment_is_not_found(signed_in, other_organisation):
    enrolment = EnrolmentFactory(group__organisation=other_organisation)

    response = signed_in.post(
        exit_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-03-31",
            "outcome": "dropout",
            "outcome_detail": "health",
        },
    )

    assert response.status_code == 404
    assert signed_in.get(extend_url(enrolment)).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None


# Extensions


@pytest.fixture
def next_group(organisation):
    return GroupFactory(
        organisation=organisation,
        name="Remob B",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2027, 8, 31),
    )


def test_extension_closes_and_opens_in_one_act(signed_in, social_worker, group, next_group):
    enrolment = EnrolmentFactory(group=group)

    response = signed_in.post(
        extend_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-10-30",
            "next_group": next_group.pk,
            "next_start_date": "",
        },
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.exit_date == datetime.date(2026, 10, 30)
    assert (enrolment.outcome, enrolment.outcome_detail) == (ExitOutcome.EXTENSION, "")
    following = Enrolment.objects.get(group=next_group)
    assert following.participant == enrolment.participant
    # Left empty: the start of the next group.
    assert following.start_date == datetime.date(2026, 11, 2)
    assert following.exit_date is None
    assert events("programme.enrolment") == [
        (AuditAction.UPDATE, str(enrolment.pk)),
        (AuditAction.CREATE, str(following.pk)),
    ]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {social_worker.pk}
    # The person goes on: no follow-up after an extension.
    assert not ExitFollowUp.objects.exists()


def test_extension_into_a_running_group_starts_on_the_exit_day(signed_in, group, organisation):
    running = GroupFactory(organisation=organisation, start_date=datetime.date(2026, 3, 2))
    enrolment = EnrolmentFactory(group=group)

    signed_in.post(
        extend_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-06-15",
            "next_group": running.pk,
            "next_start_date": "",
        },
    )

    assert Enrolment.objects.get(group=running).start_date == datetime.date(2026, 6, 15)


def test_when_the_next_enrolment_fails_the_exit_is_rolled_back(signed_in, group, next_group):
    enrolment = EnrolmentFactory(group=group)
    # The person was in the next group before, and left it: one enrolment per group.
    EnrolmentFactory(
        group=next_group,
        participant=enrolment.participant,
        start_date=datetime.date(2026, 11, 2),
        exit_date=datetime.date(2026, 11, 2),
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="other",
    )

    response = signed_in.post(
        extend_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-10-30",
            "next_group": next_group.pk,
            "next_start_date": "2026-11-03",
        },
    )

    assert response.status_code == 200
    assert "already enrolled in this group" in " ".join(response.context["form"].non_field_errors())
    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.outcome) == (None, "")
    assert next_group.enrolments.count() == 1
    assert not AuditEvent.objects.exists()
    # The page shows the enrolment as it still is.
    assert response.context["enrolment"].exit_date is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"exit_date": "2026-01-02"}, "exit_date", "cannot come before the start"),
        ({"next_start_date": "2026-10-29"}, "next_start_date", "cannot start before the exit"),
        ({"next_start_date": "2027-09-01"}, "next_start_date", "ends on 31/08/2027"),
    ],
)
def test_a_wrong_extension_is_refused(signed_in, group, next_group, data, field, message):
    enrolment = EnrolmentFactory(group=group)
    payload = {"exit_date": "2026-10-30", "next_group": next_group.pk, "next_start_date": ""}

    response = signed_in.post(
        extend_url(enrolment), {"version": enrolment.version, **payload, **data}
    )

    assert message in " ".join(response.context["form"].errors[field])
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None
    assert not AuditEvent.objects.exists()


def test_the_next_group_is_another_group_of_the_organisation(
    signed_in, group, next_group, other_organisation
):
    elsewhere = GroupFactory(organisation=other_organisation)
    enrolment = EnrolmentFactory(group=group)

    choices = signed_in.get(extend_url(enrolment)).context["form"].fields["next_group"].queryset

    assert list(choices) == [next_group]
    for refused in (group, elsewhere):
        response = signed_in.post(
            extend_url(enrolment),
            {"version": enrolment.version, "exit_date": "2026-10-30", "next_group": refused.pk},
        )
        assert "next_group" in response.context["form"].errors
    assert Enrolment.objects.count() == 1


def test_extension_into_a_full_group_is_warned_then_confirmed(signed_in, group, next_group):
    next_group.capacity = 1
    next_group.save()
    EnrolmentFactory(group=next_group)
    enrolment = EnrolmentFactory(group=group)
    data = {
        "exit_date": "2026-10-30",
        "next_group": next_group.pk,
        "next_start_date": "",
        "version": enrolment.version,
    }

    response = signed_in.post(extend_url(enrolment), data)

    warnings = response.context["warnings"]
    assert warnings.over_capacity is True
    # The enrolment being closed is not an overlap.
    assert warnings.overlapping == []
    assert "The group Remob B already has its 1 participants" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None

    signed_in.post(extend_url(enrolment), {**data, "confirm_warnings": "on"})

    enrolment.refresh_from_db()
    assert enrolment.outcome == ExitOutcome.EXTENSION
    assert next_group.enrolments.count() == 2


def test_the_extension_warnings_leave_out_the_enrolment_being_closed(group, next_group):
    enrolment = EnrolmentFactory(group=group)
    # Another enrolment of the person, still open: that one does overlap the next group.
    other = EnrolmentFactory(
        group=GroupFactory(organisation=group.organisation), participant=enrolment.participant
    )

    warnings = services.extension_warnings(
        enrolment=enrolment, next_group=next_group, next_start_date=datetime.date(2026, 11, 2)
    )

    assert warnings.overlapping == [other]
    assert warnings.over_capacity is False


# Follow-up after exit


def _exit(client, enrolment, exit_date="2026-03-31"):
    client.post(
        exit_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": exit_date,
            "outcome": "social_project",
            "outcome_detail": "volunteering",
        },
    )
    return ExitFollowUp.objects.get(enrolment=enrolment)


def test_follow_up_due_six_months_after_exit_is_recorded(
    signed_in, social_worker, group, frozen_today
):
    # A day after the follow-up recorded below: neither date may be in the future.
    frozen_today.move_to(datetime.datetime(2026, 10, 5, 10, 0, tzinfo=datetime.UTC))
    enrolment = EnrolmentFactory(group=group)
    follow_up = _exit(signed_in, enrolment)
    assert follow_up.due_on == datetime.date(2026, 9, 30)
    page = signed_in.get(follow_up_url(follow_up))
    assert page.context["form"]["recorded_on"].value() == timezone.localdate()

    response = signed_in.post(
        follow_up_url(follow_up),
        {
            "situation": "employment",
            "recorded_on": "2026-10-02",
            "note": "CDD de six mois.",
            "version": follow_up.version,
        },
    )

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.situation == FollowUpSituation.EMPLOYMENT
    assert follow_up.recorded_on == datetime.date(2026, 10, 2)
    assert follow_up.recorded_by == social_worker
    assert follow_up.note == "CDD de six mois."
    event = AuditEvent.objects.get(record_type="programme.exitfollowup", action=AuditAction.UPDATE)
    assert event.plain_changes["situation"] == {"before": "", "after": "employment"}
    assert event.actor == social_worker
    page = signed_in.get(reverse("programme:group_detail", args=[group.pk]))
    assert "In employment" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"situation": ""}, "situation", ""),
        ({"situation": "rich"}, "situation", ""),
        ({"recorded_on": ""}, "recorded_on", ""),
        ({"recorded_on": "2026-03-30"}, "recorded_on", "before the exit (31/03/2026)"),
        ({"recorded_on": "2099-01-01"}, "recorded_on", "in the future"),
    ],
)
def test_a_wrong_follow_up_is_refused(signed_in, group, data, field, message):
    follow_up = _exit(signed_in, EnrolmentFactory(group=group))
    written = AuditEvent.objects.count()

    response = signed_in.post(
        follow_up_url(follow_up),
        {
            "situation": "not_reached",
            "recorded_on": "2026-10-02",
            "note": "",
            "version": follow_up.version,
            **data,
        },
    )

    assert message in " ".join(response.context["form"].errors[field])
    follow_up.refresh_from_db()
    assert (follow_up.recorded_on, follow_up.situation) == (None, "")
    assert AuditEvent.objects.count() == written


def test_another_organisation_s_follow_up_is_not_found(signed_in, other_organisation):
    enrolment = EnrolmentFactory(
        group__organisation=other_organisation,
        exit_date=datetime.date(2026, 3, 31),
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="health",
    )
    follow_up = ExitFollowUp.objects.create(enrolment=enrolment, due_on=datetime.date(2026, 9, 30))

    response = signed_in.post(
        follow_up_url(follow_up),
        {"situation": "employment", "recorded_on": "2026-10-02", "version": follow_up.version},
    )

    assert response.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.recorded_on is None


def test_a_workshop_leader_may_not_record_exits(client, workshop_leader, group):
    group.staff.add(workshop_leader)
    enrolment = EnrolmentFactory(group=group)
    client.force_login(workshop_leader)

    response = client.post(
        exit_url(enrolment),
        {
            "version": enrolment.version,
            "exit_date": "2026-03-31",
            "outcome": "dropout",
            "outcome_detail": "health",
        },
    )

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None
