"""The import's planners, one a sheet (``participants``, ``groups``, ``enrolments``,
``assessments``, ``sessions``, ``attendance``), each driven by its column table
(``base.column_table``, built from ``format.SHEETS``). They run in the order the sheets
name each other's records: a sheet may name what an earlier one holds."""

from parcours.workbook.planners.assessments import AssessmentsPlanner
from parcours.workbook.planners.attendance import AttendancePlanner
from parcours.workbook.planners.base import Context, Plan
from parcours.workbook.planners.enrolments import EnrolmentsPlanner
from parcours.workbook.planners.groups import GroupsPlanner
from parcours.workbook.planners.participants import ParticipantsPlanner
from parcours.workbook.planners.sessions import SessionsPlanner
from parcours.workbook.reading import Sheet

PLANNERS = (
    ParticipantsPlanner,
    GroupsPlanner,
    EnrolmentsPlanner,
    AssessmentsPlanner,
    SessionsPlanner,
    AttendancePlanner,
)


def plan_sheets(organisation, sheets: dict[str, Sheet], plan: Plan) -> None:
    """Check every sheet's rows for ``organisation`` (None for one that does not exist
    yet) and fill ``plan``."""
    context = Context(organisation=organisation, sheets=sheets, plan=plan)
    for planner in PLANNERS:
        planner(context).run()
