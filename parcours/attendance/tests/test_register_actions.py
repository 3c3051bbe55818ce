"""The register's shortcuts: the count that follows the taps, "everyone present" (which
never overwrites a mark) and the summary shown before the validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from parcours.attendance import services
from parcours.attendance.models import AbsenceRun, Attendance
from parcours.attendance.runs import stale_runs
from parcours.attendance.selectors import RegisterCounts, register_counts
from parcours.audit.models import AuditEvent
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import Session

D = datetime.date


@pytest.fixture(autouse=True)
def english(workshop_leader):
    workshop_leader.language = "en"
    workshop_leader.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def group(organisation, workshop_leader):
    group = GroupFactory(organisation=organisation, start_date=D(2026, 1, 5))
    group.staff.add(workshop_leader)
    return group


@pytest.fixture
def session(organisation, group, workshop_leader):
    return SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 3)
    )


def enrol(group, count=1):
    return [
        EnrolmentFactory(group=group, start_date=D(2026, 1, 5)).participant for _ in range(count)
    ]


def _mark(session, person, status, by):
    services.attendance_mark(session=session, participant=person, status=status, by=by)


def _statuses(session):
    return dict(Attendance.objects.filter(session=session).values_list("participant", "status"))


def test_everyone_present_marks_only_the_unmarked_and_audits_each(
    organisation, group, session, workshop_leader
):
    late, absent, *others = enrol(group, 5)
    _mark(session, late, "late", workshop_leader)
    _mark(session, absent, "absent", workshop_leader)
    events_before = AuditEvent.objects.filter(record_type="attendance.attendance").count()

    marked = services.register_mark_unmarked_present(session=session, by=workshop_leader)

    assert marked == 3
    assert _statuses(session) == {
        late.pk: "late",
        absent.pk: "absent",
        **{person.pk: "present" for person in others},
    }
    created = AuditEvent.objects.filter(record_type="attendance.attendance").exclude(
        pk__in=AuditEvent.objects.order_by("pk").values("pk")[:events_before]
    )
    assert sorted(created.values_list("action", "record_id")) == sorted(
        ("create", str(pk))
        for pk in Attendance.objects.filter(participant__in=others).values_list("pk", flat=True)
    )
    assert all(a.marked_by == workshop_leader for a in Attendance.objects.filter(session=session))
    # A second tap has nobody left to mark, and writes nothing.
    assert services.register_mark_unmarked_present(session=session, by=workshop_leader) == 0
    assert AuditEvent.objects.filter(record_type="attendance.attendance").count() == (
        events_before + 3
    )


def test_everyone_present_keeps_the_stored_runs_of_absences(
    organisation, group, session, workshop_leader
):
    (person,) = enrol(group)
    earlier = SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 2)
    )
    _mark(earlier, person, "absent", workshop_leader)
    assert AbsenceRun.objects.get(participant=person).absences == 1

    services.register_mark_unmarked_present(session=session, by=workshop_leader)

    assert stale_runs(organisation.pk) == []
    assert Session.objects.get(pk=session.pk).has_marks


def test_everyone_present_is_refused_on_a_validated_or_cancelled_register(
    group, session, workshop_leader
):
    first, second = enrol(group, 2)
    _mark(session, first, "present", workshop_leader)
    _mark(session, second, "present", workshop_leader)
    services.register_validate(session=session, by=workshop_leader)
    with pytest.raises(ValidationError, match="only the coordinator can still correct it"):
        services.register_mark_unmarked_present(session=session, by=workshop_leader)

    cancelled = SessionFactory(
        organisation=session.organisation,
        groups=[group],
        date=D(2026, 3, 4),
        cancelled=True,
        cancel_reason="Flood",
    )
    with pytest.raises(ValidationError, match="cancelled"):
        services.register_mark_unmarked_present(session=cancelled, by=workshop_leader)
    assert not Attendance.objects.filter(session=cancelled).exists()


def test_register_counts(group, session, workshop_leader, django_assert_max_num_queries):
    people = enrol(group, 6)
    for person, status in zip(
        people[:5], ["present", "present", "late", "excused", "absent"], strict=True
    ):
        _mark(session, person, status, workshop_leader)
    with django_assert_max_num_queries(2):
        counts = register_counts(session)
    assert counts == RegisterCounts(present=2, late=1, excused=1, absent=1, unmarked=1)
    assert counts.total == 6


def _queries_of_a_mark(client, session, person):
    url = reverse("attendance:mark", args=[session.pk, person.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"status": "present"}, HTTP_HX_REQUEST="true")
    return len(queries), response


def test_the_htmx_mark_answers_the_count_out_of_band(client, group, session, workshop_leader):
    first, second, third = enrol(group, 3)
    client.force_login(workshop_leader)
    _queries_of_a_mark(client, session, third)
    few, response = _queries_of_a_mark(client, session, first)
    html = " ".join(response.content.decode().split())
    assert f'id="register-row-{first.pk}"' in html
    assert 'id="register-actions" hx-swap-oob="true"' in html
    assert "1 person has no mark yet." in html

    response = client.post(
        reverse("attendance:mark", args=[session.pk, second.pk]),
        {"status": "late"},
        HTTP_HX_REQUEST="true",
    )
    html = " ".join(response.content.decode().split())
    assert "Everyone is marked." in html
    assert "everyone_present" not in html  # nobody left for the shortcut

    # The count costs the same whatever the size of the register (a second mark of a
    # session, as the one above: the first one also starts the register).
    other = SessionFactory(
        organisation=session.organisation,
        groups=[group],
        leader=workshop_leader,
        date=D(2026, 3, 5),
    )
    warm_up, newcomer, *_ = enrol(group, 10)
    _queries_of_a_mark(client, other, warm_up)
    assert _queries_of_a_mark(client, other, newcomer)[0] == few


def test_the_count_is_singular_for_one_person(client, group, session, workshop_leader):
    enrol(group)
    client.force_login(workshop_leader)
    html = " ".join(
        client.get(reverse("attendance:register", args=[session.pk])).content.decode().split()
    )
    assert "1 person has no mark yet." in html
    assert "person(s)" not in html


def test_everyone_present_without_javascript_saves_the_chosen_marks_first(
    client, group, session, workshop_leader
):
    chosen, marked, *others = enrol(group, 4)
    _mark(session, marked, "excused", workshop_leader)
    client.force_login(workshop_leader)
    response = client.post(
        reverse("attendance:register", args=[session.pk]),
        {f"status-{chosen.pk}": "absent", "everyone_present": "1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("attendance:register", args=[session.pk])
    assert _statuses(session) == {
        chosen.pk: "absent",
        marked.pk: "excused",
        **{person.pk: "present" for person in others},
    }
    assert "2 people marked present." in response.content.decode()


def test_validation_asks_to_confirm_with_a_summary(
    client, group, session, workshop_leader, django_assert_max_num_queries
):
    people = enrol(group, 5)
    client.force_login(workshop_leader)
    url = reverse("attendance:validate", args=[session.pk])
    for person, status in zip(people[:4], ["present", "present", "late", "excused"], strict=True):
        _mark(session, person, status, workshop_leader)

    page = client.get(url)
    html = " ".join(page.content.decode().split())
    assert '<dd data-count="present">2</dd>' in html
    assert '<dd data-count="late">1</dd>' in html
    assert '<dd data-count="excused">1</dd>' in html
    assert '<dd data-count="absent">0</dd>' in html
    assert '<dd data-count="unmarked">1</dd>' in html
    assert "data-register-confirm" not in html  # someone is left to mark
    assert Session.objects.get(pk=session.pk).register_validated_at is None

    _mark(session, people[-1], "absent", workshop_leader)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    html = " ".join(page.content.decode().split())
    assert '<dd data-count="absent">1</dd>' in html
    assert 'data-count="unmarked"' not in html
    assert "data-register-confirm" in html
    assert Session.objects.get(pk=session.pk).register_validated_at is None  # not yet

    assert client.post(url).status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.register_validated_by == workshop_leader
    # Once validated, the summary page leads back to the (locked) register.
    assert client.get(url).url == reverse("attendance:register", args=[session.pk])


def test_a_refused_validation_says_how_many_are_left(group, session, workshop_leader):
    enrol(group, 2)
    with pytest.raises(ValidationError, match="2 people have no mark yet"):
        services.register_validate(session=session, by=workshop_leader)
