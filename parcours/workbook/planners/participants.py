"""The participants sheet: a participant a row, matched on the file number. A column the
workbook has not (the contact details, the ESF+ indicators of an older one) leaves what is
stored as it is."""

import datetime

from django.core.exceptions import ValidationError

from parcours.participants.models import Participant
from parcours.participants.services import checked_niss
from parcours.workbook.planners.base import SheetPlanner, changed_fields, column_table, day
from parcours.workbook.reading import Row


def first_day(cell: tuple | None) -> datetime.date | None:
    return cell[0] if cell else None


def month_only(cell: tuple | None) -> bool:
    return bool(cell and cell[1])


TABLE = column_table(
    "participants",
    key=("reference",),
    # A month (2014-03) is kept as its first day, with a flag saying only the month is known.
    fills={
        "inactive_since": {"inactive_since": first_day, "inactive_since_month_only": month_only}
    },
)
PARTICIPANT_FIELDS = TABLE.fields


class ParticipantsPlanner(SheetPlanner):
    table = TABLE

    def run(self) -> None:
        org = self.organisation
        existing = {
            row["reference"]: row
            for row in self.stored(Participant.objects.filter(organisation=org)).values(
                "pk", "reference", *PARTICIPANT_FIELDS
            )
        }
        in_file = {}
        niss_rows = {}
        for row, ref in self.rows(in_file):
            if not row.ok:
                continue
            born_ok = self.born_in_the_past(row)
            niss = self.checked_niss(row, ref, niss_rows)
            if not born_ok or niss is None:
                continue
            values = self.values(row)
            if "niss" in values:
                values["niss"] = niss
            before = existing.get(ref)
            if before is None:
                person = Participant(organisation=org, reference=ref, **values)
                person.refresh_search_text()
                self.plan.participants_new.append(person)
                self.count("created")
                continue
            changed = changed_fields(values, before)
            if not changed:
                self.count("unchanged")
                continue
            merged = {name: before[name] for name in PARTICIPANT_FIELDS} | values
            person = Participant(pk=before["pk"], organisation=org, reference=ref, **merged)
            person.refresh_search_text()
            self.plan.participants_changed.append((person, changed))
            self.note_change(row.number, ref, changed)
        self.check_niss_kept(existing, niss_rows, in_file)
        self.make_known("participant", in_file, existing)

    def born_in_the_past(self, row: Row) -> bool:
        birth_date = row.values["birth_date"]
        if birth_date and birth_date > self.context.today:
            self.problem(row.number, "birth_date", "birth_in_future", {"value": day(birth_date)})
            return False
        return True

    def checked_niss(self, row: Row, ref: str, niss_rows: dict) -> str | None:
        """The row's national number as stored (empty without one), or None when it is
        refused: invalid, or already on another row (``niss_rows``: number → (row, ref))."""
        v = row.values
        if not v.get("niss"):
            return ""
        try:
            niss = checked_niss(v["niss"], birth_date=v["birth_date"])
        except ValidationError:
            self.problem(
                row.number,
                "niss",
                "niss_invalid",
                {"value": v["niss"], "birth_date": day(v["birth_date"])},
            )
            return None
        if niss in niss_rows:
            self.problem(row.number, "niss", "niss_twice", {"row": niss_rows[niss][0]})
            return None
        niss_rows[niss] = (row.number, ref)
        return niss

    def check_niss_kept(self, existing: dict, niss_rows: dict, in_file: dict) -> None:
        """A number kept by a participant the file does not change is still taken."""
        db_niss = {p["niss"]: r for r, p in existing.items() if p["niss"]}
        for niss, (number, ref) in niss_rows.items():
            owner = db_niss.get(niss)
            if owner and owner != ref and owner not in in_file:
                self.problem(number, "niss", "niss_taken", {"reference": owner})
