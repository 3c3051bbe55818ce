"""The participant list: search, filters, order, pages, who sees whom, and its cost."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.participants.factories import InterventionFactory, ParticipantFactory
from parcours.participants.models import Participant, status_of
from parcours.programme.enums import ExitOutcome, ProcessType
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import assert_bounded_queries

pytestmark = pytest.mark.django_db


def url(**params):
    base = reverse("participants:participant_list")
    return f"{base}?{urlencode(params)}" if params else base


def person(organisation, last_name, first_name, **fields):
    """A participant whose search text is kept the way the services keep it."""
    participant = ParticipantFactory.build(
        organisation=organisation, last_name=last_name, first_name=first_name, **fields
    )
    participant.refresh_search_text()
    participant.save()
    return participant


def enrol(participant, group, *, exited=False):
    enrolment = EnrolmentFactory(participant=participant, group=group)
    if exited:
        enrolment.exit_date = group.start_date + datetime.timedelta(days=30)
        enrolment.outcome = ExitOutcome.DROPOUT
        enrolment.outcome_detail = "health"
        enrolment.save()
    return enrolment


def listed(response):
    """The last names on the page, in their order."""
    assert response.status_code == 200
    return [participant.last_name for participant in response.context["page"]]


@pytest.fixture
def signed_in(client, social_worker):
    # In English, so that the texts checked do not depend on the catalogues.
    social_worker.language = "en"
    social_worker.save()
    client.force_login(social_worker)
    return client


# Search


def test_search_ignores_accents_and_case(signed_in, organisation):
    person(organisation, "Diallo", "Aïcha")
    person(organisation, "Dupont", "Marc")

    assert listed(signed_in.get(url(q="Aicha"))) == ["Diallo"]
    assert listed(signed_in.get(url(q="DIALLO"))) == ["Diallo"]
    assert listed(signed_in.get(url(q="aïcha  diallo"))) == ["Diallo"]
    # Every word must match.
    assert listed(signed_in.get(url(q="aicha dupont"))) == []


def test_search_by_file_reference(signed_in, organisation):
    person(organisation, "Diallo", "Aïcha", reference="2024-015")
    person(organisation, "Dupont", "Marc", reference="P-00012")

    assert listed(signed_in.get(url(q="2024-015"))) == ["Diallo"]
    assert listed(signed_in.get(url(q="p-00012"))) == ["Dupont"]
    assert listed(signed_in.get(url(q="00012"))) == ["Dupont"]


def test_search_by_national_number_typed_with_dots_and_dashes(signed_in, organisation):
    person(
        organisation, "Diallo", "Aïcha", niss="85073003328", birth_date=datetime.date(1985, 7, 30)
    )
    # The same groups of digits, but not in a row: a search word by word would find it.
    person(organisation, "Dupont", "Marc", niss="30078512345")

    assert listed(signed_in.get(url(q="85.07.30-033.28"))) == ["Diallo"]
    assert listed(signed_in.get(url(q="85073003328"))) == ["Diallo"]
    assert listed(signed_in.get(url(q="85.07.30"))) == ["Diallo"]
    assert listed(signed_in.get(url(q="85 07 30"))) == ["Diallo"]


def test_an_empty_result_says_so(signed_in, organisation):
    person(organisation, "Diallo", "Aïcha")

    response = signed_in.get(url(q="nobody"))

    assert listed(response) == []
    assert "No participant matches this search." in response.content.decode()


# Filters


@pytest.fixture
def programme(organisation, social_worker, coordinator):
    """Active in a remobilisation group, exited from an immersion group, a candidate."""
    remobilisation = GroupFactory(
        organisation=organisation, name="Remob A", process_type=ProcessType.REMOBILISATION
    )
    immersion = GroupFactory(
        organisation=organisation, name="Immersion B", process_type=ProcessType.IMMERSION
    )
    active = person(organisation, "Active", "Anna", social_worker=social_worker)
    exited = person(organisation, "Exited", "Eric", social_worker=coordinator)
    candidate = person(organisation, "Candidate", "Carla")
    enrol(active, remobilisation)
    enrol(exited, immersion, exited=True)
    return {
        "remobilisation": remobilisation,
        "immersion": immersion,
        "active": active,
        "exited": exited,
        "candidate": candidate,
    }


def test_filters_by_group(signed_in, programme):
    assert listed(signed_in.get(url(group=programme["remobilisation"].pk))) == ["Active"]
    # A past member of the group is still found through it.
    assert listed(signed_in.get(url(group=programme["immersion"].pk))) == ["Exited"]


def test_filters_by_process_type(signed_in, programme):
    assert listed(signed_in.get(url(process_type=ProcessType.IMMERSION))) == ["Exited"]
    assert listed(signed_in.get(url(process_type=ProcessType.REMOBILISATION))) == ["Active"]


def test_filters_by_social_worker(signed_in, programme, social_worker, coordinator):
    assert listed(signed_in.get(url(social_worker=social_worker.pk))) == ["Active"]
    assert listed(signed_in.get(url(social_worker=coordinator.pk))) == ["Exited"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("active", ["Active"]), ("exited", ["Exited"]), ("candidate", ["Candidate"])],
)
def test_filters_by_status(signed_in, programme, status, expected):
    response = signed_in.get(url(status=status))

    assert listed(response) == expected


def test_shows_status_current_group_and_social_worker(signed_in, programme, social_worker):
    social_worker.first_name, social_worker.last_name = "Sofia", "Vandenbroucke"
    social_worker.save()

    content = signed_in.get(url(status="active")).content.decode()

    assert "Remob A" in content
    assert "Sofia Vandenbroucke" in content
    assert reverse("participants:participant_detail", args=[programme["active"].pk]) in content


def test_an_exited_group_is_not_a_current_group(signed_in, programme):
    content = signed_in.get(url(status="exited")).content.decode()

    assert "EXITED Eric" in content
    assert "Immersion B" not in content.split("<tbody>")[1]


def test_filters_combine(signed_in, programme, social_worker):
    response = signed_in.get(url(status="active", social_worker=social_worker.pk, q="anna"))
    assert listed(response) == ["Active"]
    response = signed_in.get(url(status="candidate", social_worker=social_worker.pk))
    assert listed(response) == []


# Order and pages


def test_sorts_by_name_both_ways(signed_in, organisation):
    for last_name in ["Bernard", "Albert", "Claes"]:
        person(organisation, last_name, "Jo")

    assert listed(signed_in.get(url())) == ["Albert", "Bernard", "Claes"]
    assert listed(signed_in.get(url(sort="name"))) == ["Albert", "Bernard", "Claes"]
    assert listed(signed_in.get(url(sort="-name"))) == ["Claes", "Bernard", "Albert"]


def test_sorts_by_reference_and_recent_files(signed_in, organisation):
    person(organisation, "Bernard", "Jo", reference="B-2")
    person(organisation, "Albert", "Jo", reference="C-3")
    person(organisation, "Claes", "Jo", reference="A-1")

    assert listed(signed_in.get(url(sort="reference"))) == ["Claes", "Bernard", "Albert"]
    assert listed(signed_in.get(url(sort="-created_at"))) == ["Claes", "Albert", "Bernard"]


def test_pages_of_25_with_the_total(signed_in, organisation):
    ParticipantFactory.create_batch(26, organisation=organisation)

    first = signed_in.get(url())
    second = signed_in.get(url(page=2))

    first_ids = [participant.pk for participant in first.context["page"]]
    second_ids = [participant.pk for participant in second.context["page"]]
    assert (len(first_ids), len(second_ids)) == (25, 1)
    assert set(first_ids).isdisjoint(second_ids)
    assert first.context["page"].paginator.num_pages == 2
    assert "26 participants" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()


def test_page_links_keep_the_filters(signed_in, organisation):
    for number in range(26):
        person(organisation, f"Martin{number:02d}", "Jo")

    content = signed_in.get(url(q="martin", sort="-name")).content.decode()

    assert "?q=martin&amp;sort=-name&amp;page=2" in content


# Who sees whom


def test_a_leader_sees_only_the_people_of_their_groups(client, organisation, workshop_leader):
    mine = GroupFactory(organisation=organisation, name="Mon groupe")
    mine.staff.add(workshop_leader)
    other = GroupFactory(organisation=organisation, name="Autre groupe")
    worker = UserFactory(organisation=organisation, first_name="Sofia", last_name="Vandenbroucke")
    enrol(person(organisation, "Mine", "Jo", social_worker=worker), mine)
    enrol(person(organisation, "Notmine", "Jo", social_worker=worker), other)
    person(organisation, "Candidate", "Jo")
    client.force_login(workshop_leader)

    response = client.get(url())

    assert listed(response) == ["Mine"]
    content = response.content.decode()
    assert "Vandenbroucke" not in content
    assert response.context["show_social_worker"] is False
    assert "social_worker" not in response.context["form"].fields
    # The group filter only offers the leader's groups.
    assert list(response.context["form"].fields["group"].queryset) == [mine]
    assert listed(client.get(url(group=other.pk))) == ["Mine"]


def test_people_of_another_organisation_never_appear(signed_in, organisation, outsider):
    person(organisation, "Diallo", "Aïcha")
    elsewhere = person(outsider.organisation, "Secret", "Ailleurs")
    foreign_group = GroupFactory(organisation=outsider.organisation)
    enrol(elsewhere, foreign_group)

    assert listed(signed_in.get(url())) == ["Diallo"]
    assert listed(signed_in.get(url(q="secret"))) == []
    response = signed_in.get(url(group=foreign_group.pk))
    assert response.context["form"].errors["group"]
    assert listed(response) == ["Diallo"]
    response = signed_in.get(url(social_worker=outsider.pk))
    assert response.context["form"].errors["social_worker"]
    assert "Secret" not in signed_in.get(url(q="secret")).content.decode()


def test_a_viewer_may_not_open_the_list(client, viewer):
    client.force_login(viewer)
    assert client.get(url()).status_code == 403


def test_social_data_stays_out_of_the_list(signed_in, organisation):
    participant = person(
        organisation, "Diallo", "Aïcha", phone="0470 12 34 56", address="Rue Haute 12"
    )
    InterventionFactory(participant=participant, notes="Dettes importantes chez le bailleur")

    content = signed_in.get(url()).content.decode()

    assert "DIALLO" in content
    for secret in ["0470 12 34 56", "Rue Haute", "Dettes importantes"]:
        assert secret not in content


# htmx and robustness


def test_an_htmx_request_gets_only_the_results(signed_in, organisation):
    person(organisation, "Diallo", "Aïcha")

    partial = signed_in.get(url(q="aicha"), headers={"HX-Request": "true"})
    whole = signed_in.get(url(q="aicha"))

    assert "<html" not in partial.content.decode()
    assert "<form" not in partial.content.decode()
    assert "DIALLO Aïcha" in partial.content.decode()
    assert "<html" in whole.content.decode()
    assert 'hx-get="' in whole.content.decode()
    assert "DIALLO Aïcha" in whole.content.decode()
    assert "HX-Request" in partial["Vary"]
    assert "HX-Request" in whole["Vary"]


def test_going_back_in_history_gets_the_whole_page(signed_in, organisation):
    person(organisation, "Diallo", "Aïcha")

    response = signed_in.get(
        url(q="aicha"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"group": "999999"},
        {"group": "abc"},
        {"status": "zzz"},
        {"sort": "password"},
        {"sort": "organisation__name"},
        {"process_type": "zzz"},
        {"social_worker": "abc"},
        {"page": "zzz"},
        {"page": "99"},
        {"q": "x" * 500},
    ],
)
def test_invalid_values_are_ignored(signed_in, organisation, params):
    person(organisation, "Diallo", "Aïcha")

    response = signed_in.get(url(**params))

    assert listed(response) == ["Diallo"]
    if "page" not in params:
        assert list(response.context["form"].errors) == list(params)


def test_an_invalid_filter_leaves_the_others_in_force(signed_in, organisation):
    person(organisation, "Diallo", "Aïcha")
    person(organisation, "Dupont", "Marc")

    response = signed_in.get(url(q="diallo", status="zzz", sort="password"))

    assert listed(response) == ["Diallo"]
    assert set(response.context["form"].errors) == {"status", "sort"}
    assert "Select a valid choice" in response.content.decode()


# Cost


def _grow(organisation, groups, social_worker, count):
    def grow():
        for number in range(count):
            participant = person(
                organisation, f"Martin{number:02d}", "Jo", social_worker=social_worker
            )
            enrol(participant, groups[number % len(groups)])
            enrol(participant, groups[(number + 1) % len(groups)], exited=number % 3 == 0)

    return grow


def test_query_count_does_not_grow_with_participants(signed_in, organisation, social_worker):
    groups = [GroupFactory(organisation=organisation) for _ in range(4)]
    enrol(person(organisation, "Diallo", "Aïcha", social_worker=social_worker), groups[0])

    # Session, user with organisation; the participant count; the page of participants
    # with their social worker (join) and status (subqueries); their open enrolments
    # with groups (one prefetch); the social workers of the filter (the groups are
    # searched for, not listed).
    assert_bounded_queries(
        signed_in, url(), grow=_grow(organisation, groups, social_worker, 59), expected=6
    )


def test_query_count_stays_bounded_with_search_and_filters(signed_in, organisation, social_worker):
    groups = [GroupFactory(organisation=organisation) for _ in range(4)]
    enrol(person(organisation, "Martin", "Aïcha", social_worker=social_worker), groups[0])
    filtered = url(
        q="martin",
        group=groups[0].pk,
        status="active",
        social_worker=social_worker.pk,
        process_type=ProcessType.REMOBILISATION,
        sort="-name",
    )

    # The same six, plus the lookup of the chosen group and of the chosen social worker.
    assert_bounded_queries(
        signed_in, filtered, grow=_grow(organisation, groups, social_worker, 59), expected=8
    )


def test_query_count_for_a_leader(client, organisation, workshop_leader, social_worker):
    groups = [GroupFactory(organisation=organisation) for _ in range(4)]
    for group in groups:
        group.staff.add(workshop_leader)
    enrol(person(organisation, "Diallo", "Aïcha"), groups[0])
    client.force_login(workshop_leader)

    # Session, user; whether the leader belongs to a partner; count; page; open
    # enrolments with groups (the leader's groups are searched for, not listed).
    assert_bounded_queries(
        client, url(), grow=_grow(organisation, groups, social_worker, 59), expected=6
    )


def test_the_status_read_from_the_enrolments_is_the_one_computed_in_sql(organisation):
    group = GroupFactory(organisation=organisation)
    candidate = person(organisation, "Candidate", "Ann")
    active = person(organisation, "Active", "Bob")
    enrol(active, group)
    enrol(active, GroupFactory(organisation=organisation), exited=True)
    exited = person(organisation, "Exited", "Cem")
    enrol(exited, group, exited=True)

    in_sql = dict(Participant.objects.with_status().values_list("pk", "status"))
    read = {p.pk: status_of(list(p.enrolments.all())) for p in (candidate, active, exited)}

    assert read == in_sql
    assert sorted(read.values()) == ["active", "candidate", "exited"]
