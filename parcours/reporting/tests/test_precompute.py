"""Reports computed ahead: the open years' reports are in the cache under the keys the
report page reads, and a committed change of records queues their computation once."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.tasks import task_backends
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.factories import UserFactory
from parcours.audit.models import AuditPurpose
from parcours.audit.services import create_record, record_opened, update_record
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant
from parcours.programme.enums import ExitOutcome
from parcours.programme.models import Enrolment
from parcours.reporting import precompute
from parcours.reporting.closing import close_year
from parcours.reporting.precompute import (
    open_years,
    precompute_open_years,
    precompute_reports,
    report_languages,
)
from parcours.reporting.tests.test_views import build_year

D = datetime.date
TODAY = D(2026, 3, 10)
REPORT = reverse("reporting:report")
# The tables the figures are computed from: a page served from the cache reads none.
FIGURE_TABLES = ('"programme_enrolment"', '"workshops_session"', '"assessments_assessment"')


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def precompute_on(settings):
    settings.REPORT_PRECOMPUTE = True


@pytest.fixture
def waiting_queue(settings):
    """A task backend that keeps the queued tasks without running them."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    yield backend
    backend.clear()


def _figure_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if any(table in q["sql"] for table in FIGURE_TABLES)]


def _page(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORT, params)
    assert response.status_code == 200
    return response, queries.captured_queries


# -- Which reports ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_open_years_are_this_year_and_last_year_with_activity_unless_closed(
    organisation, coordinator
):
    assert open_years(organisation, today=TODAY) == []

    build_year(organisation, year=2025)  # one person is still enrolled in 2026
    assert open_years(organisation, today=TODAY) == [(2026, TODAY), (2025, D(2025, 12, 31))]

    close_year(organisation, year=2025, by=coordinator)
    assert open_years(organisation, today=TODAY) == [(2026, TODAY)]


@pytest.mark.django_db
def test_a_year_without_anyone_enrolled_nor_any_session_is_left_out(organisation):
    build_year(organisation, year=2024)  # nobody left in 2025 but the one still enrolled
    Enrolment.objects.filter(exit_date=None).update(
        exit_date=D(2024, 12, 31), outcome=ExitOutcome.SOCIAL_PROJECT
    )

    assert open_years(organisation, today=TODAY) == []


@pytest.mark.django_db
def test_the_languages_are_those_of_the_organisations_active_people_and_french(
    organisation, other_organisation
):
    UserFactory(organisation=organisation, language="en")
    UserFactory(organisation=organisation, language="nl", is_active=False)
    UserFactory(organisation=other_organisation, language="nl")

    assert report_languages(organisation) == ["fr", "en"]


# -- The next page view is served from the cache --------------------------------------------


@pytest.mark.django_db
def test_after_precomputing_the_report_page_computes_no_figure(client, organisation, coordinator):
    build_year(organisation, year=2025)
    client.force_login(coordinator)

    assert sorted(precompute_open_years(organisation)) == [(2025, "fr"), (2026, "fr")]

    for year in (2025, 2026):
        response, queries = _page(client, year=year)
        assert _figure_queries(queries) == [], year
        assert response.context["figures"]["as_of"] == (
            "2026-03-10" if year == 2026 else "2025-12-31"
        )
    # The page without a year is the current year's.
    _response, queries = _page(client)
    assert _figure_queries(queries) == []


@pytest.mark.django_db
def test_without_precomputing_the_page_computes_its_figures(client, organisation, coordinator):
    build_year(organisation, year=2025)
    client.force_login(coordinator)

    _response, queries = _page(client, year=2025)

    assert _figure_queries(queries)  # the check above would see a computation


@pytest.mark.django_db
def test_each_persons_language_is_precomputed(client, organisation):
    build_year(organisation, year=2025)
    reader = UserFactory(organisation=organisation, coordinator=True, language="nl")
    client.force_login(reader)

    precompute_open_years(organisation)
    response, queries = _page(client, year=2025)

    assert response["Content-Language"] == "nl"
    assert _figure_queries(queries) == []


@pytest.mark.django_db
def test_precomputing_replaces_what_the_cache_holds_with_the_records_of_now(
    client, organisation, coordinator
):
    group = build_year(organisation, year=2025)
    client.force_login(coordinator)
    before = _page(client, year=2025)[0].context["figures"]["participants"]
    # Written without the trail, as a bulk tool does: the page's report is kept...
    ParticipantFactory.create_batch(2, organisation=organisation)
    for person in Participant.objects.filter(organisation=organisation).order_by("-pk")[:2]:
        Enrolment.objects.create(group=group, participant=person, start_date=group.start_date)
    assert _page(client, year=2025)[0].context["figures"]["participants"] == before

    precompute_open_years(organisation)  # ...until computed again

    response, queries = _page(client, year=2025)
    assert response.context["figures"]["participants"] == before + 2
    assert _figure_queries(queries) == []


# -- After a change ---------------------------------------------------------------------------


def _enrol(organisation, group, by):
    return create_record(
        obj=Enrolment(
            group=group,
            participant=ParticipantFactory(organisation=organisation),
            start_date=group.start_date,
        ),
        by=by,
    )


@pytest.mark.django_db
def test_a_committed_change_computes_the_reports_the_page_then_reads(
    client, organisation, coordinator, precompute_on, django_capture_on_commit_callbacks
):
    group = build_year(organisation, year=2025)
    client.force_login(coordinator)

    # The tests' backend (ImmediateBackend) runs the task as soon as it is queued.
    with django_capture_on_commit_callbacks(execute=True):
        _enrol(organisation, group, coordinator)

    for year in (2025, 2026):
        response, queries = _page(client, year=year)
        assert _figure_queries(queries) == [], year
    assert response.context["figures"]["participants"] == 2  # the one still enrolled, the new


@pytest.mark.django_db(transaction=True)
def test_a_change_queues_one_task_after_commit_and_the_burst_after_it_waits_for_it(
    organisation, coordinator, precompute_on, waiting_queue
):
    group = build_year(organisation, year=2025)

    with transaction.atomic():
        _enrol(organisation, group, coordinator)
        assert waiting_queue.results == []  # nothing before the commit
    (queued,) = waiting_queue.results
    assert queued.task.func is precompute_reports.func
    assert queued.args == [organisation.pk]
    assert queued.task.run_after == timezone.now() + datetime.timedelta(
        seconds=precompute.PRECOMPUTE_DELAY_SECONDS
    )

    # More writes, each committed, while it waits: nothing more is queued.
    for _ in range(3):
        _enrol(organisation, group, coordinator)
    assert len(waiting_queue.results) == 1

    # Once it starts, the next write queues the next one.
    assert precompute_reports.call(organisation.pk) == 2
    _enrol(organisation, group, coordinator)
    assert len(waiting_queue.results) == 2


@pytest.mark.django_db
def test_many_writes_in_one_transaction_register_one_callback(
    organisation, coordinator, precompute_on, waiting_queue, django_capture_on_commit_callbacks
):
    group = build_year(organisation, year=2025)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(5):
            enrolment = _enrol(organisation, group, coordinator)
        update_record(obj=enrolment, by=coordinator, outcome_detail="moved")

    assert [type(callback) for callback in callbacks] == [precompute._AfterCommit]
    assert len(waiting_queue.results) == 1


@pytest.mark.django_db
def test_organisations_are_queued_apart(
    organisation,
    other_organisation,
    coordinator,
    outsider,
    precompute_on,
    waiting_queue,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _enrol(organisation, build_year(organisation, year=2025), coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _enrol(other_organisation, build_year(other_organisation, year=2025), outsider)

    assert sorted(result.args[0] for result in waiting_queue.results) == sorted(
        [organisation.pk, other_organisation.pk]
    )


@pytest.mark.django_db
def test_reading_a_file_queues_nothing(
    organisation, coordinator, precompute_on, waiting_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_opened(obj=organisation, by=coordinator, purpose=AuditPurpose.REPORT)

    assert waiting_queue.results == []


@pytest.mark.django_db
def test_nothing_is_queued_when_precomputing_is_off(
    organisation, coordinator, waiting_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _enrol(organisation, build_year(organisation, year=2025), coordinator)

    assert waiting_queue.results == []


@pytest.mark.django_db
def test_a_rolled_back_write_queues_nothing(
    organisation, coordinator, precompute_on, waiting_queue, django_capture_on_commit_callbacks
):
    group = build_year(organisation, year=2025)

    @transaction.atomic
    def enrol_then_fail():
        _enrol(organisation, group, coordinator)
        raise RuntimeError("changed my mind")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="changed my mind"):
            enrol_then_fail()
        # The write after it in the same transaction still registers its own callback.
        _enrol(organisation, group, coordinator)

    assert len(callbacks) == 1
    assert len(waiting_queue.results) == 1


@pytest.mark.django_db
def test_the_task_of_an_organisation_gone_computes_nothing(organisation):
    assert precompute_reports.call(organisation.pk + 1000) == 0
