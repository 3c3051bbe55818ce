import copy

import pytest

from parcours.funding.scope import Scope
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.projects.factories import EvaluationFactory, ProjectFactory, ProjectVersionFactory
from parcours.projects.tests.conftest import D
from parcours.reporting.closing import differences
from parcours.reporting.exports import report_csv
from parcours.reporting.figures import Report, yearly_figures, yearly_report
from parcours.reporting.tables import report_tables
from parcours.testing import report_csv_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(organisation):
    autumn = GroupFactory(
        organisation=organisation, start_date=D(2025, 9, 1), end_date=D(2026, 6, 30)
    )
    spring = GroupFactory(
        organisation=organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )
    # Signed in 2025, amended and signed again in 2026: one project, of 2025.
    older = ProjectFactory(enrolment=EnrolmentFactory(group=autumn), signed_on=D(2025, 11, 3))
    ProjectVersionFactory(project=older, number=2, signed_on=D(2026, 2, 9))
    EvaluationFactory(project=older, date=D(2025, 12, 15))
    EvaluationFactory(project=older, date=D(2026, 2, 2), outcome="amend")
    newer = ProjectFactory(enrolment=EnrolmentFactory(group=spring), signed_on=D(2026, 1, 26))
    EvaluationFactory(project=newer, date=D(2026, 4, 27))
    ProjectFactory(enrolment=EnrolmentFactory(group=spring))  # a draft, never signed
    return {"autumn": autumn, "spring": spring}


def test_projects_signed_and_evaluations_held_in_the_year(organisation, projects):
    as_of = D(2026, 6, 15)
    assert yearly_figures(organisation, year=2025, as_of=as_of)["projects"] == {
        "signed": 1,
        "evaluations_held": 1,
    }
    assert yearly_figures(organisation, year=2026, as_of=as_of)["projects"] == {
        "signed": 1,
        "evaluations_held": 2,
    }
    spring_only = yearly_figures(
        organisation, year=2026, as_of=as_of, scope=Scope(group=projects["spring"])
    )
    assert spring_only["projects"] == {"signed": 1, "evaluations_held": 1}
    # Nothing after the date asked for counts.
    assert yearly_figures(organisation, year=2026, as_of=D(2026, 2, 1))["projects"] == {
        "signed": 1,
        "evaluations_held": 0,
    }


def test_the_files_carry_the_counts(organisation, projects):
    report = yearly_report(organisation, year=2026, as_of=D(2026, 6, 15))
    table = {table.key: table for table in report_tables(report)}["projects"]
    assert (table.cell("signed", "count"), table.cell("evaluations_held", "count")) == (1, 2)
    values = report_csv_values(report_csv(report))
    assert values[("projects", "signed", "count")] == "1"
    assert values[("projects", "evaluations_held", "count")] == "2"


def test_a_year_closed_before_the_projects_were_counted_still_reads(organisation, projects):
    live = yearly_report(organisation, year=2025, as_of=D(2025, 12, 31))
    stored = copy.deepcopy(live.as_json())
    del stored["figures"]["projects"]
    frozen = Report.from_json(stored)
    assert "projects" not in {table.key for table in report_tables(frozen)}
    assert "projects," not in report_csv(frozen)
    assert "projects" in live.figures
    assert differences(frozen, live) == []
