"""``manage.py run_schedule``: each job once per organisation and day."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from parcours.background import schedule
from parcours.background.models import ScheduleRun
from parcours.background.schedule import DAILY, WEEKLY, Job, run_schedule
from parcours.background.tests import jobs_for_tests

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 9)

COUNT = Job("count", "parcours.background.tests.jobs_for_tests.count_call", DAILY)
WEEKLY_COUNT = Job("weekly", "parcours.background.tests.jobs_for_tests.count_call", WEEKLY)
BROKEN = Job("broken", "parcours.background.tests.jobs_for_tests.broken", DAILY)


@pytest.fixture(autouse=True)
def _calls():
    jobs_for_tests.CALLS.clear()


def test_running_twice_the_same_day_does_nothing_the_second_time(organisation, other_organisation):
    first = run_schedule(MONDAY, jobs=[COUNT])
    assert [(o.organisation, o.status) for o in first] == [("test", "done"), ("ailleurs", "done")]
    second = run_schedule(MONDAY, jobs=[COUNT])
    assert {o.status for o in second} == {"skipped"}
    assert len(jobs_for_tests.CALLS) == 2
    assert ScheduleRun.objects.filter(outcome="done").count() == 2
    # The next day is another day.
    run_schedule(MONDAY + datetime.timedelta(days=1), jobs=[COUNT])
    assert len(jobs_for_tests.CALLS) == 4


def test_a_weekly_job_runs_on_mondays(organisation):
    run_schedule(MONDAY + datetime.timedelta(days=1), jobs=[WEEKLY_COUNT])
    assert jobs_for_tests.CALLS == []
    run_schedule(MONDAY, jobs=[WEEKLY_COUNT])
    assert jobs_for_tests.CALLS == [("test", MONDAY)]


def test_a_failed_job_is_recorded_and_the_others_run(organisation):
    outcomes = run_schedule(MONDAY, jobs=[BROKEN, COUNT])
    assert [(o.job, o.status) for o in outcomes] == [("broken", "failed"), ("count", "done")]
    run = ScheduleRun.objects.get(job="broken")
    assert (run.outcome, run.failure) == ("failed", "RuntimeError: no mail server for test")
    # Not run again by a second run of the day, unless asked.
    assert run_schedule(MONDAY, jobs=[BROKEN])[0].status == "skipped"
    assert run_schedule(MONDAY, jobs=[BROKEN], retry_failed=True)[0].status == "failed"


def test_the_command_runs_the_table_once_a_day(organisation, monkeypatch, capsys):
    monkeypatch.setattr(schedule, "SCHEDULE", [COUNT, BROKEN])
    with pytest.raises(CommandError, match="1 scheduled job"):
        call_command("run_schedule", "--date", "2026-03-09")
    out = capsys.readouterr().out
    assert "count\ttest\tdone" in out
    assert "broken\ttest\tfailed\tRuntimeError: no mail server for test" in out
    call_command("run_schedule", "--date", "2026-03-09", "--job", "count")
    assert "count\ttest\tskipped" in capsys.readouterr().out
    assert len(jobs_for_tests.CALLS) == 1


def test_the_retention_queue_is_refreshed_nightly(organisation):
    call_command("run_schedule", "--date", "2026-03-09", "--job", "retention_queue")
    run = ScheduleRun.objects.get(job="retention_queue")
    assert run.result == {"due": 0, "inactive_before": "2021-03-09"}
