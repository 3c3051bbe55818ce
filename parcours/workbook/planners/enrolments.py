"""The enrolments sheet: a participant's enrolment in a group a row, matched on the pair.
The exit (its date, outcome and detail) is read as one: a workbook with one of its
columns gives all three, one with none of them leaves the stored exits alone. No follow-up
after exit is created for an imported exit."""

import datetime

from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome
from parcours.programme.exits import ExitProblem, exit_problems
from parcours.programme.models import Enrolment, Group
from parcours.workbook.planners.base import (
    SheetPlanner,
    changed_fields,
    column_table,
    day,
)

EXIT_COLUMNS = ("exit_date", "outcome", "outcome_detail")

TABLE = column_table(
    "enrolments",
    key=("participant", "group"),
    references={"participant": "participant", "group": "group"},
    together=(EXIT_COLUMNS,),
)


class EnrolmentsPlanner(SheetPlanner):
    table = TABLE

    def run(self) -> None:
        existing = {
            (row["participant__reference"], row["group__name"]): row
            for row in self.stored(
                Enrolment.objects.filter(group__organisation=self.organisation)
            ).values("pk", "participant__reference", "group__name", *TABLE.fields)
        }
        in_file = {}
        defaults = TABLE.defaults()
        for row, (ref, group) in self.rows(in_file):
            named_known = self.references_known(row)
            if not (row.ok and named_known):
                continue
            if not self.open_for_enrolment(row.number, group, row.values["start_date"]):
                continue
            values = self.values(row)
            if EXIT_COLUMNS[0] in values and not self.exit_holds(row.number, values):
                continue
            before = existing.get((ref, group))
            if before is None:
                self.plan.enrolments_new.append((ref, group, defaults | values))
                self.count("created")
                continue
            changed = changed_fields(values, before)
            if not changed:
                self.count("unchanged")
                continue
            merged = {name: before[name] for name in TABLE.fields} | values
            self.plan.enrolments_changed.append(Enrolment(pk=before["pk"], **merged))
            self.note_change(row.number, f"{ref} · {group}", changed)
        self.make_known("enrolment", in_file, existing)

    def open_for_enrolment(self, number: int, group: str, start_date: datetime.date) -> bool:
        """The rule of the pages and the API: no enrolment starts after its group ended."""
        end = self.context.group_ends.get(group)
        if end is None or start_date is None:
            return True  # a problem of the group's row or of this one, reported already
        if Group(name=group, end_date=end).open_for_enrolment(start_date):
            return True
        self.problem(number, "start_date", "group_ended", {"group": group, "date": day(end)})
        return False

    def exit_holds(self, number: int, values: dict) -> bool:
        """The exit rule of ``programme.exits``, with the allowance for imports: a workbook
        may leave an outcome's detail empty."""
        exit_date, outcome, detail = (
            values["exit_date"],
            values["outcome"],
            values["outcome_detail"],
        )
        problems = exit_problems(
            start_date=values["start_date"],
            exit_date=exit_date,
            outcome=outcome,
            detail=detail,
            imported=True,
        )
        if not problems:
            return True
        problem = problems[0]
        params = {}
        if problem is ExitProblem.EXIT_BEFORE_START:
            params = {"exit": day(exit_date), "start": day(values["start_date"])}
        elif problem is ExitProblem.DETAIL_NOT_OF_OUTCOME:
            details = OUTCOME_DETAILS[ExitOutcome(outcome)]
            allowed = ", ".join(details.values) if details else "—"
            params = {"detail": detail, "outcome": outcome, "allowed": allowed}
        self.problem(number, problem.field, problem.code, params)
        return False
