"""A mark and the validation of the register never interleave: the session's row is
locked from the checks to the write."""

import datetime
import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from parcours.attendance import services
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditEvent
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import SessionFactory

D = datetime.date


def _session_with_one_person(organisation, leader):
    group = GroupFactory(organisation=organisation)
    group.staff.add(leader)
    session = SessionFactory(
        organisation=organisation, groups=[group], leader=leader, date=D(2026, 3, 3)
    )
    person = EnrolmentFactory(group=group, start_date=D(2026, 1, 5)).participant
    return session, person


@pytest.mark.django_db
def test_a_mark_arriving_after_validation_is_refused_and_writes_nothing(
    organisation, workshop_leader
):
    session, person = _session_with_one_person(organisation, workshop_leader)
    services.attendance_mark(
        session=session, participant=person, status="present", by=workshop_leader
    )
    # The leader's page was opened before the validation: its session object is stale.
    stale_page_session = type(session).objects.get(pk=session.pk)
    services.register_validate(session=session, by=workshop_leader)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="La liste de présences a été validée"):
        services.attendance_mark(
            session=stale_page_session, participant=person, status="absent", by=workshop_leader
        )

    assert Attendance.objects.get(session=session).status == "present"
    assert AuditEvent.objects.count() == events


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: SQLite serialises whole transactions"
)
@pytest.mark.django_db(transaction=True)
def test_a_mark_waits_for_the_validation_under_way_then_is_refused(organisation, workshop_leader):
    session, person = _session_with_one_person(organisation, workshop_leader)
    services.attendance_mark(
        session=session, participant=person, status="present", by=workshop_leader
    )
    checking, may_finish = threading.Event(), threading.Event()
    outcome = {}
    count_unmarked = services.unmarked_count

    def unmarked_then_wait(stored):
        checking.set()  # the validation holds the session's lock from here
        may_finish.wait(30)
        return count_unmarked(stored)

    def validate():
        try:
            with mock.patch.object(services, "unmarked_count", unmarked_then_wait):
                services.register_validate(session=session, by=workshop_leader)
        finally:
            connections.close_all()

    def mark():
        try:
            services.attendance_mark(
                session=session, participant=person, status="absent", by=workshop_leader
            )
        except ValidationError as error:
            outcome["refused"] = error.messages
        finally:
            connections.close_all()

    validating = threading.Thread(target=validate)
    validating.start()
    assert checking.wait(30)
    marking = threading.Thread(target=mark)
    marking.start()
    # The mark is blocked on the session's row: PostgreSQL shows it waiting for a lock.
    with connection.cursor() as cursor:
        for _attempt in range(3000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the mark did not wait for the validation's lock")
    may_finish.set()
    validating.join(30)
    marking.join(30)

    assert outcome["refused"][0].startswith("La liste de présences a été validée")
    session.refresh_from_db()
    assert session.register_validated_at is not None
    assert Attendance.objects.get(session=session).status == "present"
