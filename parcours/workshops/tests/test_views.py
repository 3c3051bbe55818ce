import datetime

import icalendar
import pytest
from django.urls import reverse

from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.enums import Axis
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory
from parcours.workshops.models import ClosingPeriod, FeedKind, Provider, Session, Workshop
from parcours.workshops.planning import renew_feed_token

D = datetime.date
T = datetime.time


@pytest.fixture
def group(organisation):
    return GroupFactory(organisation=organisation, name="Remob A")


def test_workshop_create_with_domains(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:workshop_create"),
        {
            "name": "Couture",
            "axis": Axis.CULTURAL,
            "objectives": "Créer ensemble",
            "domains": ["social_cultural", "financial"],
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(name="Couture")
    assert sorted(workshop.domains.values_list("domain", flat=True)) == [
        "financial",
        "social_cultural",
    ]
    response = client.post(
        reverse("workshops:workshop_update", args=[workshop.pk]),
        {
            "name": "Couture",
            "axis": Axis.CULTURAL,
            "objectives": "",
            "domains": ["health"],
            "version": workshop.version,
        },
    )
    assert response.status_code == 302
    assert list(workshop.domains.values_list("domain", flat=True)) == ["health"]
    page = client.get(reverse("workshops:workshop_list")).content.decode()
    assert "Couture" in page


def test_provider_create(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:provider_create"),
        {"name": "ASBL Vélo", "kind": "partner", "contact_name": "Ana", "phone": "", "email": ""},
    )
    assert response.status_code == 302
    assert Provider.objects.get().organisation == coordinator.organisation


def test_closing_period_create_and_delete(client, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("workshops:closing_create"),
        {"label": "Été", "start_date": "2026-07-01", "end_date": "2026-08-15"},
    )
    period = ClosingPeriod.objects.get()
    client.post(reverse("workshops:closing_delete", args=[period.pk]))
    assert not ClosingPeriod.objects.exists()


def test_plan_series_view_reports_created_and_skipped(client, coordinator, group):
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:series_plan"),
        {
            "workshop": workshop.pk,
            "groups": [group.pk],
            "weekday": 0,
            "start_time": "13:30",
            "end_time": "16:30",
            "first_date": "2026-04-01",
            "last_date": "2026-05-31",
            "provider_kind": "team",
            "leader": coordinator.pk,
            "room": "",
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert Session.objects.count() == 6
    assert any("6" in m for m in messages)
    assert sum("06/04/2026" in m or "25/05/2026" in m for m in messages) == 2


def test_plan_series_form_checks_provider(client, coordinator, group):
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:series_plan"),
        {
            "workshop": workshop.pk,
            "groups": [group.pk],
            "weekday": 0,
            "start_time": "13:30",
            "end_time": "16:30",
            "first_date": "2026-04-01",
            "last_date": "2026-05-31",
            "provider_kind": "partner",
        },
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not Session.objects.exists()


def test_cancel_with_reason(client, coordinator):
    session = SessionFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    url = reverse("workshops:session_cancel", args=[session.pk])
    assert client.post(url, {"cancel_reason": ""}).status_code == 200
    client.post(url, {"cancel_reason": "Salle inondée", "version": session.version})
    session.refresh_from_db()
    assert session.cancelled
    assert session.cancel_reason == "Salle inondée"
    page = client.get(reverse("workshops:session_detail", args=[session.pk])).content.decode()
    assert "Salle inondée" in page


def test_change_following_through_the_view(client, coordinator, group):
    from parcours.workshops.planning import plan_series

    workshop = WorkshopFactory(organisation=coordinator.organisation)
    _series, created, _skipped = plan_series(
        organisation=coordinator.organisation,
        by=coordinator,
        workshop=workshop,
        groups=[group],
        weekday=1,
        start_time=T(9, 0),
        end_time=T(12, 0),
        first_date=D(2026, 3, 1),
        last_date=D(2026, 3, 31),
        provider_kind="team",
        provider=None,
        leader=coordinator,
        room="A",
    )
    client.force_login(coordinator)
    client.post(
        reverse("workshops:session_change", args=[created[2].pk]),
        {
            "date": created[2].date.isoformat(),
            "start_time": "09:00",
            "end_time": "12:00",
            "room": "B",
            "leader": coordinator.pk,
            "scope": "following",
            "version": created[2].version,
        },
    )
    rooms = list(Session.objects.order_by("date").values_list("room", flat=True))
    assert rooms == ["A", "A", "B", "B", "B"][: len(rooms)]


def test_session_page_shows_conflicts(client, coordinator, group):
    first = SessionFactory(organisation=coordinator.organisation, groups=[group], room="Salle 1")
    SessionFactory(organisation=coordinator.organisation, room="Salle 1", start_time=T(14, 0))
    client.force_login(coordinator)
    response = client.get(reverse("workshops:session_detail", args=[first.pk]))
    assert len(response.context["conflicts"]) == 1


def test_week_view_has_bounded_queries(client, coordinator, django_assert_max_num_queries):
    organisation = coordinator.organisation
    for day in range(5):
        groups = [GroupFactory(organisation=organisation) for _ in range(2)]
        SessionFactory(
            organisation=organisation, groups=groups, date=D(2026, 3, 2 + day), leader=coordinator
        )
    SessionFactory(organisation=organisation, date=D(2026, 3, 9))  # the next week
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("workshops:week"), {"week": "2026-W10"})
    days = response.context["days"]
    assert days[0]["date"] == D(2026, 3, 2)
    assert sum(len(day["sessions"]) for day in days) == 5
    assert response.context["previous"] == "2026-W09"
    assert response.context["next"] == "2026-W11"
    same = client.get(reverse("workshops:week"), {"date": "2026-03-08"})
    assert same.context["monday"] == D(2026, 3, 2)


def test_group_and_leader_weeks(client, coordinator, workshop_leader, group):
    SessionFactory(organisation=coordinator.organisation, groups=[group], leader=workshop_leader)
    SessionFactory(organisation=coordinator.organisation, start_time=T(9, 0))
    client.force_login(coordinator)
    by_group = client.get(reverse("workshops:group_week", args=[group.pk]), {"week": "2026-W10"})
    assert sum(len(day["sessions"]) for day in by_group.context["days"]) == 1
    by_leader = client.get(
        reverse("workshops:leader_week", args=[workshop_leader.pk]), {"week": "2026-W10"}
    )
    assert sum(len(day["sessions"]) for day in by_leader.context["days"]) == 1


def _feed_session(organisation, group, leader, **values):
    today = datetime.date.today()
    return SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=leader,
        date=today,
        room="Salle 3",
        **values,
    )


def test_ical_feed_content(client, organisation, workshop_leader, group, frozen_today):
    participant = ParticipantFactory(organisation=organisation, last_name="Discrète")
    EnrolmentFactory(group=group, participant=participant)
    held = _feed_session(organisation, group, workshop_leader)
    cancelled = _feed_session(
        organisation,
        group,
        workshop_leader,
        start_time=T(9, 0),
        end_time=T(10, 0),
        cancelled=True,
        cancel_reason="Grève",
    )
    _feed_session(organisation, group, None, start_time=T(17, 0), end_time=T(18, 0))  # not theirs
    SessionFactory(organisation=organisation, leader=workshop_leader, date=D(2020, 1, 6))  # too old
    token = renew_feed_token(organisation, FeedKind.LEADER, workshop_leader.pk)
    response = client.get(reverse("workshops:feed", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "Discrète" not in response.content.decode()
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"session-{held.pk}@parcours", f"session-{cancelled.pk}@parcours"}
    assert str(events[f"session-{cancelled.pk}@parcours"]["status"]) == "CANCELLED"
    event = events[f"session-{held.pk}@parcours"]
    assert str(event["location"]) == "Salle 3"
    assert event.decoded("dtstart").time() == T(13, 30)
    assert str(event["summary"]) == held.workshop.name
    again = icalendar.Calendar.from_ical(
        client.get(reverse("workshops:feed", args=[token])).content
    )
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)


def test_group_feed(client, organisation, coordinator, group, frozen_today):
    _feed_session(organisation, group, coordinator)
    token = renew_feed_token(organisation, FeedKind.GROUP, group.pk)
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("workshops:feed", args=[token])).content
    )
    assert len(calendar.walk("VEVENT")) == 1


def test_renewal_invalidates_the_old_link(client, workshop_leader):
    client.force_login(workshop_leader)
    renew = reverse("workshops:leader_feed_renew", args=[workshop_leader.pk])
    client.post(renew)
    page = client.get(reverse("workshops:leader_week", args=[workshop_leader.pk]))
    old = page.context["feed"]["url"]
    client.post(renew)
    new = client.get(reverse("workshops:leader_week", args=[workshop_leader.pk])).context["feed"][
        "url"
    ]
    assert old != new
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(reverse("workshops:feed", args=["made-up"])).status_code == 404


def test_only_the_leader_or_coordinator_renews_a_leader_feed(
    client, social_worker, workshop_leader, coordinator
):
    url = reverse("workshops:leader_feed_renew", args=[workshop_leader.pk])
    client.force_login(social_worker)
    assert client.post(url).status_code == 403
    client.force_login(coordinator)
    assert client.post(url).status_code == 302


def test_another_organisation_gets_404(client, outsider, organisation, group):
    session = SessionFactory(organisation=organisation, groups=[group])
    provider = ProviderFactory(organisation=organisation)
    client.force_login(outsider)
    for url in (
        reverse("workshops:session_detail", args=[session.pk]),
        reverse("workshops:session_change", args=[session.pk]),
        reverse("workshops:workshop_update", args=[session.workshop_id]),
        reverse("workshops:provider_update", args=[provider.pk]),
        reverse("workshops:group_week", args=[group.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("workshops:session_cancel", args=[session.pk]), {"cancel_reason": "x"}
        ).status_code
        == 404
    )
    session.refresh_from_db()
    assert not session.cancelled
    # A session of another organisation never shows in the outsider's week.
    week = client.get(reverse("workshops:week"), {"week": "2026-W10"})
    assert sum(len(day["sessions"]) for day in week.context["days"]) == 0


def _one_session(workshop, group, leader, **values):
    return {
        "workshop": workshop.pk,
        "groups": [group.pk],
        "date": "2026-03-03",
        "start_time": "14:00",
        "end_time": "16:00",
        "provider_kind": "team",
        "leader": leader.pk,
        "room": "Salle 1",
        **values,
    }


def test_a_clash_is_shown_before_saving_then_saved_anyway(client, coordinator, group):
    other = SessionFactory(
        organisation=coordinator.organisation, groups=[group], leader=coordinator, room="salle 1"
    )
    workshop = WorkshopFactory(organisation=coordinator.organisation, name="Cuisine")
    client.force_login(coordinator)
    url = reverse("workshops:session_create")
    data = _one_session(workshop, group, coordinator)

    shown = client.post(url, data)
    assert shown.status_code == 200
    assert not Session.objects.filter(workshop=workshop).exists()
    clashes = shown.context["confirm"]["clashes"]
    assert [(clash.kind, clash.other) for clash in clashes] == [
        ("leader", other),
        ("room", other),
        ("group", other),
    ]
    page = shown.content.decode()
    assert "Enregistrer quand même" in page
    assert clashes[1].label in page
    assert clashes[1].label.startswith("même local")
    assert reverse("workshops:session_detail", args=[other.pk]) in page
    key = shown.context["confirm"]["key"]

    # The key confirms these values only: another room asks again.
    moved = client.post(url, {**data, "room": "Salle 2", "confirm_clashes": key})
    assert [clash.kind for clash in moved.context["confirm"]["clashes"]] == ["leader", "group"]
    assert not Session.objects.filter(workshop=workshop).exists()
    forged = client.post(url, {**data, "confirm_clashes": "0" * 64})
    assert forged.context["confirm"] is not None

    saved = client.post(url, {**data, "confirm_clashes": key}, follow=True)
    session = Session.objects.get(workshop=workshop)
    assert saved.redirect_chain[-1][0] == reverse("workshops:session_detail", args=[session.pk])
    # Said once before saving: no warning after it.
    assert [str(m) for m in saved.context["messages"]] == ["La séance a été planifiée."]


def test_a_session_without_clash_is_saved_at_once(client, coordinator, group):
    SessionFactory(organisation=coordinator.organisation, room="Salle 1", start_time=T(9, 0))
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:session_create"),
        _one_session(workshop, group, coordinator, start_time="16:30", end_time="18:00"),
    )
    assert response.status_code == 302
    assert Session.objects.filter(workshop=workshop).count() == 1


def test_a_series_is_checked_for_clashes_on_every_day(
    client, coordinator, group, django_assert_max_num_queries
):
    tuesday = SessionFactory(
        organisation=coordinator.organisation, date=D(2026, 4, 14), room="Atelier"
    )
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    data = {
        "workshop": workshop.pk,
        "groups": [group.pk],
        "weekday": 1,
        "start_time": "13:00",
        "end_time": "14:00",
        "first_date": "2026-04-01",
        "last_date": "2026-06-30",
        "provider_kind": "team",
        "leader": coordinator.pk,
        "room": "ATELIER",
    }
    # However many Tuesdays: one query for the clashes and one for their groups.
    with django_assert_max_num_queries(14):
        shown = client.post(reverse("workshops:series_plan"), data)
    clashes = shown.context["confirm"]["clashes"]
    assert [(clash.kind, clash.other) for clash in clashes] == [("room", tuesday)]
    assert "mardi 14 avril 2026" in shown.content.decode()
    assert not Session.objects.filter(workshop=workshop).exists()
    client.post(
        reverse("workshops:series_plan"),
        {**data, "confirm_clashes": shown.context["confirm"]["key"]},
    )
    assert Session.objects.filter(workshop=workshop).count() == 13


def test_a_change_that_clashes_asks_first(client, coordinator, group):
    SessionFactory(organisation=coordinator.organisation, room="B", start_time=T(9, 0))
    session = SessionFactory(organisation=coordinator.organisation, room="A")
    client.force_login(coordinator)
    url = reverse("workshops:session_change", args=[session.pk])
    data = {
        "date": "2026-03-03",
        "start_time": "09:00",
        "end_time": "12:00",
        "room": "B",
        "leader": "",
        "version": session.version,
    }
    shown = client.post(url, data)
    assert [clash.kind for clash in shown.context["confirm"]["clashes"]] == ["room"]
    session.refresh_from_db()
    assert session.room == "A"
    client.post(url, {**data, "confirm_clashes": shown.context["confirm"]["key"]})
    session.refresh_from_db()
    assert (session.room, session.start_time) == ("B", T(9, 0))


def test_the_session_form_takes_only_the_groups_running_that_day(client, coordinator, group):
    ended = GroupFactory(
        organisation=coordinator.organisation,
        name="Ancien groupe",
        start_date=D(2025, 1, 6),
        end_date=D(2025, 6, 27),
    )
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:session_create"),
        _one_session(workshop, group, coordinator, groups=[group.pk, ended.pk]),
    )
    assert response.context["form"].errors["groups"] == [
        "Le groupe Ancien groupe n\u2019a pas lieu ce jour-là (du 06/01/2025 au 27/06/2025)."
    ]
    assert not Session.objects.exists()


def test_the_group_search_offers_the_groups_running_at_the_date(client, coordinator, group):
    GroupFactory(
        organisation=coordinator.organisation,
        name="Remob ancien",
        start_date=D(2025, 1, 6),
        end_date=D(2025, 6, 27),
    )
    client.force_login(coordinator)
    url = reverse("workshops:group_search")

    def offered(**params):
        page = client.get(url, {"term": "remob", **params}).content.decode()
        return [name for name in ("Remob A", "Remob ancien") if name in page]

    assert offered(date="2026-03-03") == ["Remob A"]
    assert offered(date="2025-03-03") == ["Remob ancien"]
    assert offered(first_date="2025-06-01", last_date="2026-02-01") == ["Remob A", "Remob ancien"]


def test_the_session_form_lists_the_workshops_as_a_reader_expects(client, coordinator):
    for name in ("Zumba", "écriture", "Atelier vélo", "Expression", "atelier cuisine"):
        WorkshopFactory(organisation=coordinator.organisation, name=name)
    client.force_login(coordinator)
    form = client.get(reverse("workshops:session_create")).context["form"]
    assert [label for _value, label in form.fields["workshop"].choices][1:] == [
        "atelier cuisine",
        "Atelier vélo",
        "écriture",
        "Expression",
        "Zumba",
    ]


def test_the_week_gives_an_empty_weekend_day_a_narrow_column(client, coordinator):
    # The week of 2 March 2026: a session on Saturday 7, none on Sunday 8.
    SessionFactory(organisation=coordinator.organisation, date=D(2026, 3, 7))
    client.force_login(coordinator)
    response = client.get(reverse("workshops:week"), {"date": "2026-03-04"})
    assert [day["quiet"] for day in response.context["days"]] == [False] * 6 + [True]
    page = response.content.decode()
    assert "week-grid--quiet-sunday" in page
    assert "week-grid--quiet-saturday" not in page
