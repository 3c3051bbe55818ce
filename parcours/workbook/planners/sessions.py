"""The sessions sheet: a session of a workshop a row, matched on (workshop, date, start
time). The workshops and the providers it names are created when new; a workshop's axis
is the one its rows give. A new session has no leader, room nor series; a cancelled one
gets a reason saying it came from the workbook (``writing``)."""

from parcours.workbook.planners.base import (
    Ordered,
    SheetPlanner,
    changed_fields,
    column_table,
    day,
)
from parcours.workbook.reading import Row
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import Provider, Session, Workshop

TABLE = column_table(
    "sessions",
    key=("workshop", "date", "start_time"),
    references={"groups": "group"},
    # The axis is the workshop's, not the session's.
    apart=("axis",),
    # A session names its provider or none: a workbook without the column names none.
    read_when_absent=("provider",),
    orders=(Ordered("end_time", after="start_time", code="end_not_after_start", strict=True),),
)


class SessionsPlanner(SheetPlanner):
    table = TABLE

    def run(self) -> None:
        org = self.organisation
        workshops = {
            row["name"]: row
            for row in self.stored(Workshop.objects.filter(organisation=org)).values(
                "pk", "name", "axis"
            )
        }
        providers = set(
            self.stored(Provider.objects.filter(organisation=org)).values_list("name", flat=True)
        )
        existing = self.stored_sessions()
        self.context.session_pks = {key: row["pk"] for key, row in existing.items()}
        in_file = {}
        defaults = TABLE.defaults()
        # Each workshop's axis and the first row giving it.
        axis_rows = {}
        for row, key in self.rows(in_file):
            if not row.ok:
                continue
            values = self.values(row)
            ok = self.orders_hold(row)
            ok = self.provider_named(row, values) and ok
            ok = self.references_known(row) and ok
            ok = self.axis_kept(row, axis_rows) and ok
            if not ok:
                continue
            workshop, date, start = key
            if workshop not in workshops and workshop not in self.plan.workshops_new:
                self.plan.workshops_new[workshop] = row.values["axis"]
                self.plan.count("workshops", "created")
            kind, provider = values["provider_kind"], values["provider"]
            if provider and provider not in providers and provider not in self.plan.providers_new:
                self.plan.providers_new[provider] = kind
                self.plan.count("providers", "created")
            groups = set(row.values["groups"])
            before = existing.get(key)
            if before is None:
                self.plan.sessions_new.append((key, defaults | values, groups))
                self.count("created")
                continue
            changed = changed_fields(values, before)
            if before["groups"] != groups:
                changed.append("groups")
            if not changed:
                self.count("unchanged")
                continue
            self.plan.sessions_changed.append((before, values, groups, changed))
            self.note_change(row.number, f"{workshop} · {day(date)} {start:%H:%M}", changed)
        for workshop, (axis, number) in axis_rows.items():
            if workshop in workshops and workshops[workshop]["axis"] != axis:
                self.plan.workshops_changed.append((workshops[workshop]["pk"], axis))
                self.plan.note_change("workshops", number, workshop, ["axis"])
        self.make_known("session", in_file, existing)

    def stored_sessions(self) -> dict:
        """The organisation's sessions by key, each with its provider's name and its
        groups' names."""
        existing = {}
        for row in self.stored(Session.objects.filter(organisation=self.organisation)).values(
            "pk",
            "workshop__name",
            "date",
            "start_time",
            "provider_kind",
            "provider__name",
            "end_time",
            "cancelled",
            "cancel_reason",
        ):
            row["provider"] = row.pop("provider__name") or ""
            row["groups"] = set()
            existing[(row["workshop__name"], row["date"], row["start_time"])] = row
        if existing:
            by_pk = {row["pk"]: row for row in existing.values()}
            for session_id, group_name in Session.groups.through.objects.filter(
                session__organisation=self.organisation
            ).values_list("session_id", "group__name"):
                by_pk[session_id]["groups"].add(group_name)
        return existing

    def provider_named(self, row: Row, values: dict) -> bool:
        """The team names no provider; a subcontractor or a partner is named."""
        team = values["provider_kind"] == ProviderKind.TEAM
        if team and values["provider"]:
            self.problem(row.number, "provider", "team_names_provider")
            return False
        if not team and not values["provider"]:
            self.problem(row.number, "provider", "provider_missing")
            return False
        return True

    def axis_kept(self, row: Row, axis_rows: dict) -> bool:
        """A workshop has one axis: the first row naming it gives it."""
        workshop, axis = row.values["workshop"], row.values["axis"]
        first = axis_rows.setdefault(workshop, (axis, row.number))
        if first[0] == axis:
            return True
        self.problem(
            row.number,
            "axis",
            "workshop_two_axes",
            {"workshop": workshop, "axis": first[0], "row": first[1]},
        )
        return False
