"""Groups: planning one, the list, the group page, who sees which, and their cost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.factories import UserFactory
from parcours.assessments.enums import Moment
from parcours.assessments.factories import AssessmentFactory, DomainRatingFactory
from parcours.audit.models import AuditAction, AuditEvent
from parcours.core.domains import Domain
from parcours.programme.enums import ExitOutcome, ProcessType
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import ExitFollowUp, Group
from parcours.programme.views.groups import tenths
from parcours.testing import assert_bounded_queries

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("programme:group_create")
LIST_URL = reverse("programme:group_list")


def detail_url(group):
    return reverse("programme:group_detail", args=[group.pk])


def english(user):
    """So that the texts checked do not depend on the catalogues."""
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(english(coordinator))
    return client


@pytest.fixture
def as_social_worker(client, social_worker):
    client.force_login(english(social_worker))
    return client


@pytest.fixture
def as_leader(client, workshop_leader):
    client.force_login(english(workshop_leader))
    return client


def _group_data(**overrides):
    return {
        "name": "Remob 2026-B",
        "process_type": ProcessType.REMOBILISATION,
        "start_date": "2026-09-01",
        "end_date": "",
        "capacity": "12",
        **overrides,
    }


# Planning a group


@pytest.mark.parametrize(
    ("process_type", "start", "end"),
    [
        # 10 months for remobilisation, 12 for immersion, up to the day before.
        (ProcessType.REMOBILISATION, "2026-09-01", datetime.date(2027, 6, 30)),
        (ProcessType.IMMERSION, "2026-01-05", datetime.date(2027, 1, 4)),
        # A start on the 31st: the month's last day, then the day before.
        (ProcessType.REMOBILISATION, "2026-05-31", datetime.date(2027, 3, 30)),
    ],
)
def test_group_created_with_the_default_end_date(
    as_coordinator, coordinator, workshop_leader, process_type, start, end
):
    response = as_coordinator.post(
        CREATE_URL,
        _group_data(process_type=process_type, start_date=start, staff=[workshop_leader.pk]),
    )

    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(group)
    assert group.organisation == coordinator.organisation
    assert group.start_date == datetime.date.fromisoformat(start)
    assert group.end_date == end
    assert list(group.staff.all()) == [workshop_leader]
    event, staff = AuditEvent.objects.filter(record_type="programme.group").order_by("pk")
    assert staff.changes == {"staff": {"before": [], "after": [workshop_leader.pk]}}
    assert (event.action, event.actor, event.record_id) == (
        AuditAction.CREATE,
        coordinator,
        str(group.pk),
    )
    assert event.changes["end_date"]["after"] == end.isoformat()


def test_an_end_date_given_is_kept(as_coordinator):
    as_coordinator.post(CREATE_URL, _group_data(end_date="2027-05-28"))
    assert Group.objects.get().end_date == datetime.date(2027, 5, 28)


def test_the_form_shows_the_rhythm_of_each_process(as_coordinator):
    content = as_coordinator.get(CREATE_URL).content.decode()
    assert "4 or 5 afternoons a week for 10 months" in content
    assert "8 or 9 workshops a week for 12 months" in content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2026-08-31"}, "end_date", "cannot end before it starts"),
        ({"start_date": ""}, "start_date", ""),
        ({"process_type": "holiday"}, "process_type", ""),
        ({"capacity": "0"}, "capacity", "at least one"),
        ({"name": ""}, "name", ""),
    ],
)
def test_invalid_group_is_refused_and_nothing_is_written(as_coordinator, overrides, field, message):
    response = as_coordinator.post(CREATE_URL, _group_data(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Group.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_name_already_used_is_refused(as_coordinator, organisation):
    GroupFactory(organisation=organisation, name="Remob 2026-B")

    response = as_coordinator.post(CREATE_URL, _group_data(name="remob 2026-b"))

    assert "already has this name" in " ".join(response.context["form"].errors["name"])
    assert Group.objects.count() == 1


def test_the_same_name_in_another_organisation_is_fine(as_coordinator, other_organisation):
    GroupFactory(organisation=other_organisation, name="Remob 2026-B")
    assert as_coordinator.post(CREATE_URL, _group_data()).status_code == 302


def test_only_the_organisation_s_staff_can_be_put_in_charge(as_coordinator, outsider):
    response = as_coordinator.post(CREATE_URL, _group_data(staff=[outsider.pk]))
    assert "staff" in response.context["form"].errors
    assert not Group.objects.exists()


def test_group_update_is_audited_with_what_changed(
    as_coordinator, coordinator, organisation, workshop_leader
):
    group = GroupFactory(organisation=organisation, name="Remob A", capacity=12)

    response = as_coordinator.post(
        reverse("programme:group_update", args=[group.pk]),
        _group_data(
            version=group.version,
            name="Remob A",
            start_date="2026-01-05",
            end_date="2026-10-30",
            capacity="14",
            staff=[workshop_leader.pk],
        ),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.capacity == 14
    assert list(group.staff.all()) == [workshop_leader]
    fields, staff = AuditEvent.objects.filter(
        record_type="programme.group", action=AuditAction.UPDATE
    ).order_by("pk")
    assert fields.changes == {"capacity": {"before": 12, "after": 14}}
    assert staff.changes == {"staff": {"before": [], "after": [workshop_leader.pk]}}


def test_update_with_end_before_start_changes_nothing(as_coordinator, organisation):
    group = GroupFactory(organisation=organisation, name="Remob A")

    response = as_coordinator.post(
        reverse("programme:group_update", args=[group.pk]),
        _group_data(
            version=group.version, name="Renamed", start_date="2026-09-01", end_date="2026-01-01"
        ),
    )

    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    # The page still names the group as it is stored.
    assert "Edit the group Remob A" in response.content.decode()
    group.refresh_from_db()
    assert (group.name, group.start_date) == ("Remob A", datetime.date(2026, 1, 5))
    assert not AuditEvent.objects.exists()


# The list


def _dated_groups(organisation, today):
    day = datetime.timedelta(days=1)
    return {
        "current": GroupFactory(
            organisation=organisation,
            name="Current",
            start_date=today - 30 * day,
            end_date=today + 200 * day,
            capacity=2,
        ),
        "upcoming": GroupFactory(
            organisation=organisation,
            name="Upcoming",
            start_date=today + 10 * day,
            end_date=today + 300 * day,
        ),
        "past": GroupFactory(
            organisation=organisation,
            name="Past",
            start_date=today - 400 * day,
            end_date=today - 100 * day,
        ),
    }


def test_list_splits_current_upcoming_and_past_with_member_counts(
    as_social_worker, organisation, other_organisation, frozen_today
):
    today = timezone.localdate()
    groups = _dated_groups(organisation, today)
    GroupFactory(organisation=other_organisation, name="Elsewhere")
    for _n in range(3):
        EnrolmentFactory(group=groups["current"])
    EnrolmentFactory(
        group=groups["current"],
        exit_date=today,
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="health",
    )

    response = as_social_worker.get(LIST_URL)

    assert response.status_code == 200
    names = {
        period: [group.name for group in response.context[period]]
        for period in ("current", "upcoming", "past")
    }
    assert names == {"current": ["Current"], "upcoming": ["Upcoming"], "past": ["Past"]}
    current = response.context["current"][0]
    assert (current.members, current.enrolled, current.capacity) == (3, 4, 2)
    content = response.content.decode()
    assert "3 / 2" in content
    assert "Over capacity" in content
    assert "Elsewhere" not in content


def test_list_does_a_bounded_number_of_queries(as_social_worker, organisation, frozen_today):
    today = timezone.localdate()
    group = GroupFactory(
        organisation=organisation, start_date=today, end_date=today + datetime.timedelta(300)
    )
    EnrolmentFactory(group=group)
    group.staff.add(UserFactory(organisation=organisation, workshop_leader=True))

    def grow():
        for _n in range(39):
            EnrolmentFactory(group=group)
        for _n in range(5):
            other = GroupFactory(organisation=organisation)
            other.staff.add(UserFactory(organisation=organisation, workshop_leader=True))
            EnrolmentFactory(group=other)

    # The session, the user; the groups with their counts; their staff.
    assert_bounded_queries(as_social_worker, LIST_URL, grow=grow, expected=4)


def test_leader_sees_only_the_groups_in_their_charge(as_leader, workshop_leader, organisation):
    mine = GroupFactory(organisation=organisation, name="Mine")
    mine.staff.add(workshop_leader, UserFactory(organisation=organisation, workshop_leader=True))
    for _n in range(3):
        EnrolmentFactory(group=mine)
    other = GroupFactory(organisation=organisation, name="Not mine")

    response = as_leader.get(LIST_URL)

    listed = [
        group for period in ("current", "upcoming", "past") for group in response.context[period]
    ]
    assert [group.name for group in listed] == ["Mine"]
    # Two staff in charge do not double the count.
    assert listed[0].members == 3
    assert not response.context["can_manage"]
    assert reverse("programme:group_create") not in response.content.decode()
    assert as_leader.get(detail_url(mine)).status_code == 200
    assert as_leader.get(detail_url(other)).status_code == 404


# The group page


@pytest.fixture
def group_with_history(organisation):
    group = GroupFactory(organisation=organisation, name="Remob A", capacity=1)
    present = EnrolmentFactory(group=group, participant__last_name="Present")
    EnrolmentFactory(group=group, participant__last_name="Second")
    left = EnrolmentFactory(
        group=group,
        participant__last_name="Gone",
        exit_date=datetime.date(2026, 3, 31),
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="moving",
    )
    ExitFollowUp.objects.create(enrolment=left, due_on=datetime.date(2026, 9, 30))
    return {"group": group, "present": present, "left": left}


def test_group_page_shows_members_history_and_outcomes_to_casework(
    as_social_worker, group_with_history
):
    group = group_with_history["group"]

    response = as_social_worker.get(detail_url(group))

    assert response.status_code == 200
    assert [e.participant.last_name for e in response.context["members"]] == ["Present", "Second"]
    assert [e.participant.last_name for e in response.context["past"]] == ["Gone"]
    assert response.context["over_capacity"] is True
    content = response.content.decode()
    assert "4 or 5 afternoons a week for 10 months" in content
    assert "2 members for a capacity of 1" in content
    assert "Over capacity" in content
    assert "Dropped out" in content
    assert "Moving house" in content
    assert "Due on 30/09/2026" in content
    assert "Overdue" in content
    follow_up = group_with_history["left"].follow_up
    assert reverse("programme:follow_up_record", args=[follow_up.pk]) in content
    assert reverse("programme:enrolment_exit", args=[group_with_history["present"].pk]) in content
    assert "Change per domain" in content
    assert "No member has been assessed both at entry and at the end yet." in content


def test_leader_sees_member_names_and_nothing_social(
    as_leader, workshop_leader, group_with_history
):
    group = group_with_history["group"]
    group.staff.add(workshop_leader)

    response = as_leader.get(detail_url(group))

    content = response.content.decode()
    assert "PRESENT" in content
    assert "GONE" in content
    for social in ("Dropped out", "Moving house", "Due on", "Change per domain"):
        assert social not in content
    assert reverse("programme:enrolment_create", args=[group.pk]) not in content
    assert "/exit/" not in content
    assert response.context["changes"] == []


def test_change_per_domain_counts_members_rated_at_entry_and_end(as_social_worker, organisation):
    group = GroupFactory(organisation=organisation)
    ratings = [(2, 4), (3, 3), (4, 2), (2, 3)]  # improved, stable, worse, improved
    for entry, end in ratings:
        enrolment = EnrolmentFactory(group=group)
        for moment, rating in ((Moment.ENTRY, entry), (Moment.END, end)):
            DomainRatingFactory(
                assessment=AssessmentFactory(enrolment=enrolment, moment=moment),
                domain=Domain.HOUSING,
                rating=rating,
            )
    # Rated at entry only: not counted.
    DomainRatingFactory(
        assessment=AssessmentFactory(enrolment=EnrolmentFactory(group=group)),
        domain=Domain.HOUSING,
        rating=1,
    )

    response = as_social_worker.get(detail_url(group))

    rows = {row.label: row for row in response.context["changes"]}
    housing = rows["Housing"]
    assert (housing.improved, housing.stable, housing.worse, housing.rated) == (2, 1, 1, 4)
    assert housing.widths == (50, 30, 20)
    assert rows["Health"].rated == 0
    content = response.content.decode()
    assert "change-bar__part--improved change-bar__part--w50" in content
    assert 'style="' not in content  # the CSP refuses style attributes


@pytest.mark.parametrize(
    ("counts", "widths"),
    [
        ((0, 0, 0), (0, 0, 0)),
        ((1, 0, 0), (100, 0, 0)),
        ((1, 1, 1), (40, 30, 30)),
        ((2, 1, 1), (50, 30, 20)),
        ((1, 2, 7), (10, 20, 70)),
        ((5, 12, 3), (30, 60, 10)),
    ],
)
def test_bar_widths_go_by_tens_and_add_up_to_a_hundred(counts, widths):
    assert tenths(counts) == widths
    assert sum(widths) in (0, 100)


@pytest.mark.parametrize("persona", ["social_worker", "workshop_leader"])
def test_group_page_does_a_bounded_number_of_queries(client, personas, organisation, persona):
    user = personas[persona]
    group = GroupFactory(organisation=organisation)
    group.staff.add(personas["workshop_leader"])
    first = EnrolmentFactory(group=group)
    DomainRatingFactory(assessment=AssessmentFactory(enrolment=first))
    client.force_login(user)

    def grow():
        for number in range(39):
            enrolment = EnrolmentFactory(group=group)
            if number % 2:
                enrolment.exit_date = group.end_date
                enrolment.outcome = ExitOutcome.SOCIAL_PROJECT
                enrolment.outcome_detail = "volunteering"
                enrolment.save()
                ExitFollowUp.objects.create(enrolment=enrolment, due_on=group.end_date)
            DomainRatingFactory(assessment=AssessmentFactory(enrolment=enrolment))

    # The session, the user; the group, its staff; the enrolments with the participants
    # (and follow-ups); casework adds the change per domain, a leader whether they belong
    # to a partner (whose leaders see only the names shared with partners).
    expected = {"social_worker": 6, "workshop_leader": 6}[persona]
    assert_bounded_queries(client, detail_url(group), grow=grow, expected=expected)


def test_another_organisation_s_group_is_not_found(as_coordinator, other_organisation):
    group = GroupFactory(organisation=other_organisation)
    assert as_coordinator.get(detail_url(group)).status_code == 404
    update = reverse("programme:group_update", args=[group.pk])
    assert as_coordinator.post(update, _group_data()).status_code == 404
    assert not AuditEvent.objects.exists()
