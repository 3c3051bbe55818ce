"""``manage.py run_schedule``: each job once per organisation and day."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from parcours.background import schedule
from parcours.background.models import ScheduleRun
from parcours.background.schedule import DAILY, WEEKLY, Job, run_schedule
from parcours.background.tests import jobs_for_tests

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 9)
ONE_DAY = datetime.timedelta(days=1)
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")

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
    with pytest.raises(CommandError, match=r"^1 scheduled job failed\.$"):
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


def test_a_job_of_today_waits_for_its_hour(organisation):
    morning = Job("morning", "parcours.background.tests.jobs_for_tests.count_call", DAILY, hour=7)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 3, 0, tzinfo=BRUSSELS), tick=False):
        assert run_schedule(jobs=[morning]) == []
        assert jobs_for_tests.CALLS == []
    with time_machine.travel(datetime.datetime(2026, 3, 9, 7, 5, tzinfo=BRUSSELS), tick=False):
        assert [o.status for o in run_schedule(jobs=[morning])] == ["done"]
        assert [o.status for o in run_schedule(jobs=[morning])] == ["skipped"]
    # A day asked for by name runs all its jobs, whatever the hour.
    with time_machine.travel(datetime.datetime(2026, 3, 10, 1, 0, tzinfo=BRUSSELS), tick=False):
        assert [o.status for o in run_schedule(MONDAY, jobs=[morning])] == ["skipped"]
        assert [o.status for o in run_schedule(MONDAY + ONE_DAY, jobs=[morning])] == ["done"]
    assert jobs_for_tests.CALLS == [("test", MONDAY), ("test", MONDAY + ONE_DAY)]


def test_every_scheduled_job_runs_and_keeps_its_result(organisation):
    call_command("run_schedule", "--date", "2026-03-09")
    runs = dict(ScheduleRun.objects.values_list("job", "result"))
    assert set(runs) == {job.name for job in schedule.SCHEDULE}
    assert runs["reports"] == {"reports": 0}  # an empty organisation has no open year
    assert runs["downloads_purge"] == {"purged": 0}
    assert runs["digests"] == {"sent": 0, "failed": 0}
    assert runs["session_reminders"] == {"sent": 0, "failed": 0}
    assert ScheduleRun.objects.exclude(outcome="done").count() == 0
