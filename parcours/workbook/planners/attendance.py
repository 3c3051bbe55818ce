"""The attendance sheet: a participant's mark at a session a row, matched on the
participant and the session (workshop, date, start time). Imported marks have no
``marked_by``. Up to 500,000 rows: the loop keeps its lookups close at hand."""

from parcours.attendance.models import Attendance
from parcours.participants.models import Participant
from parcours.workbook.planners.base import SheetPlanner, column_table, day

TABLE = column_table(
    "attendance",
    key=("participant", "workshop", "date", "start_time"),
    references={"participant": "participant"},
)


class AttendancePlanner(SheetPlanner):
    table = TABLE

    def run(self) -> None:
        if not self.sheet_rows:
            return
        existing = self.stored_marks()
        # Up to 500,000 rows: the table's one reference (the participant) and one field
        # (the mark) are taken out of the loop.
        ((participant_column, kind, _each),) = self.references
        ((status_column, _field, read),) = self.readers
        participants, sessions = self.context.known[kind], self.context.known["session"]
        new, changed_rows = self.plan.attendance_new, self.plan.attendance_changed
        created = unchanged = 0
        for row, key in self.rows({}):
            ref, workshop, date, start = key
            participant_known = ref in participants
            if not participant_known:
                self.unknown(row.number, participant_column, kind, ref)
            session = (workshop, date, start)
            session_known = session in sessions
            if not session_known:
                self.unknown(
                    row.number, "workshop", "session", f"'{workshop}' {day(date)} {start:%H:%M}"
                )
            if not (row.ok and participant_known and session_known):
                continue
            status = read(row.values[status_column])
            before = existing.get(key)
            if before is None:
                new.append((ref, session, status))
                created += 1
            elif before[1] != status:
                changed_rows.append((before[0], status))
                self.note_change(
                    row.number, f"{ref} · {workshop} · {day(date)} {start:%H:%M}", ["status"]
                )
            else:
                unchanged += 1
        self.count("created", created)
        self.count("unchanged", unchanged)

    def stored_marks(self) -> dict:
        """The marks stored, by (participant's reference, workshop, date, start time):
        (pk, status)."""
        stored_sessions = self.context.session_pks
        if self.organisation is None or not stored_sessions:
            return {}
        refs = dict(
            Participant.objects.filter(organisation=self.organisation).values_list(
                "pk", "reference"
            )
        )
        session_keys = {pk: key for key, pk in stored_sessions.items()}
        return {
            (refs[participant_id], *session_keys[session_id]): (pk, status)
            for pk, session_id, participant_id, status in Attendance.objects.filter(
                session__organisation=self.organisation
            ).values_list("pk", "session_id", "participant_id", "status")
        }
