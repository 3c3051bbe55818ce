"""The groups sheet: a group a row, matched on its name. What the format has no column
for keeps the model's default on a new group (a capacity of 12, no staff)."""

from parcours.programme.models import Group
from parcours.workbook.planners.base import (
    Ordered,
    SheetPlanner,
    changed_fields,
    column_table,
)

TABLE = column_table(
    "groups",
    key=("name",),
    orders=(Ordered("end_date", after="start_date", code="end_before_start"),),
)


class GroupsPlanner(SheetPlanner):
    table = TABLE

    def run(self) -> None:
        org = self.organisation
        existing = {
            row["name"]: row
            for row in self.stored(Group.objects.filter(organisation=org)).values(
                "pk", "name", *TABLE.fields
            )
        }
        in_file = {}
        group_ends = self.context.group_ends
        group_ends.update((name, row["end_date"]) for name, row in existing.items())
        for row, name in self.rows(in_file):
            if not row.ok or not self.orders_hold(row):
                continue
            values = self.values(row)
            group_ends[name] = values["end_date"]
            before = existing.get(name)
            if before is None:
                self.plan.groups_new.append(Group(organisation=org, name=name, **values))
                self.count("created")
                continue
            changed = changed_fields(values, before)
            if not changed:
                self.count("unchanged")
                continue
            self.plan.groups_changed.append(
                Group(pk=before["pk"], organisation=org, name=name, **values)
            )
            self.note_change(row.number, name, changed)
        self.make_known("group", in_file, existing)
