"""The report reads the hours from the summary where the scope allows (the whole
programme, a funder, a grant; funding.summaries): whole months from it, the days of a
month begun or not ended from the sessions, the same minutes as the sessions alone."""

import datetime

import pytest

from parcours.attendance.hours import KEYS as HOURS_KEYS
from parcours.attendance.hours import as_hours, minutes_by_domain, minutes_by_quarter
from parcours.demo.seed_history import build_seed_history
from parcours.funding import summaries
from parcours.funding.scope import Scope
from parcours.funding.tests.worlds import half_year_grant_world
from parcours.programme.factories import GroupFactory
from parcours.reporting.figures import DOMAINS, Period, _domain_hours, _quarter_minutes, sessions_of
from parcours.workshops import planning
from parcours.workshops.factories import SessionFactory

D = datetime.date
T = datetime.time


@pytest.fixture
def funded(organisation, coordinator):
    """Weekly sessions of two groups, one charged 60 % to a half-year grant."""
    world = half_year_grant_world(organisation, coordinator)
    (first, second), grant, funder = world["groups"], world["grant"], world["funder"]
    workshop = world["workshop"]
    planning.plan_series(
        organisation=organisation,
        by=coordinator,
        workshop=workshop,
        groups=[first, second],
        weekday=1,
        start_time=T(13, 30),
        end_time=T(16, 15),
        first_date=D(2026, 3, 1),
        last_date=D(2026, 7, 31),
    )
    SessionFactory(organisation=organisation, groups=[first], date=D(2026, 4, 14))
    return {"funder": funder, "grant": grant}


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2026, 1, 1), D(2026, 12, 31)),
        (D(2026, 3, 11), D(2026, 5, 19)),
        (D(2026, 4, 2), D(2026, 4, 20)),
    ],
)
@pytest.mark.parametrize("narrowed", ["whole", "funder", "grant"])
def test_the_report_reads_the_same_minutes_from_the_summary(
    organisation, funded, first, last, narrowed
):
    scope = {
        "whole": Scope(),
        "funder": Scope(funder=funded["funder"]),
        "grant": Scope(grant=funded["grant"]),
    }[narrowed]
    assert scope.summarised
    period = Period(first=first, last=last, as_of=last)
    live = sessions_of(organisation, period, scope)
    expected = minutes_by_quarter(live, weight=scope.session_weight())
    found = _quarter_minutes(organisation, period, scope)
    assert expected
    nothing = dict.fromkeys(HOURS_KEYS, 0)
    for quarter in found.keys() | expected.keys():
        assert found.get(quarter, nothing) == pytest.approx(expected.get(quarter, nothing))
    domains = minutes_by_domain(live, weight=scope.session_weight())
    assert domains
    assert _domain_hours(organisation, period, scope) == {
        domain: as_hours(domains.get(domain, 0)) for domain in DOMAINS
    }


def test_a_group_scope_reads_the_sessions(organisation):
    group = GroupFactory(organisation=organisation)
    assert not Scope(group=group).summarised
    assert not Scope(process_type=group.process_type).summarised


def test_the_seed_history_keeps_the_summary(organisation):
    build_seed_history(organisation)
    assert summaries.check(organisation.pk) == (0, [])
