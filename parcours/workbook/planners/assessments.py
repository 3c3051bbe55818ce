"""The assessments sheet: an assessment of an enrolment at one moment a row, matched on
(participant, group, moment), with a rating a domain. A workbook without the duration's
column (one made before durations were kept) leaves the stored durations as they are,
and new assessments without one. The author of a new assessment is the person importing
(``import_workbook``)."""

from parcours.assessments.models import Assessment, DomainRating
from parcours.workbook.format import SHEETS
from parcours.workbook.planners.base import SheetPlanner, changed_fields, column_table
from parcours.workbook.reading import Row

# The domains' columns: a rating each, kept as the assessment's DomainRating rows.
RATING_COLUMNS = tuple(column.name for column in SHEETS["assessments"] if column.kind == "rating")

TABLE = column_table("assessments", key=("participant", "group", "moment"), apart=RATING_COLUMNS)


class AssessmentsPlanner(SheetPlanner):
    table = TABLE

    def run(self) -> None:
        existing = self.stored_assessments()
        domains = [domain for domain in RATING_COLUMNS if domain in self.columns]
        seen = {}
        for row, key in self.rows(seen):
            if not row.ok or not self.enrolment_known(row):
                continue
            ref, group, moment = key
            values = self.values(row)
            ratings = {domain: row.values.get(domain) for domain in domains}
            before = existing.get(key)
            if before is None:
                minutes = values.get("duration_minutes")
                self.plan.assessments_new.append(
                    (ref, group, moment, values["date"], minutes, ratings)
                )
                self.count("created")
                continue
            values.setdefault("duration_minutes", before["duration_minutes"])
            changed = changed_fields(values, before) + [
                domain
                for domain, rating in ratings.items()
                if before["ratings"].get(domain, (None, None))[1] != rating
            ]
            if not changed:
                self.count("unchanged")
                continue
            self.plan.assessments_changed.append(
                (before, values["date"], values["duration_minutes"], ratings)
            )
            self.note_change(row.number, f"{ref} · {group} · {moment}", changed)

    def stored_assessments(self) -> dict:
        """The organisation's assessments by key, each with its ratings (domain → (pk,
        rating))."""
        existing = {}
        if self.organisation is None:
            return existing
        for row in Assessment.objects.filter(
            enrolment__group__organisation=self.organisation
        ).values(
            "pk",
            "enrolment__participant__reference",
            "enrolment__group__name",
            "moment",
            "date",
            "duration_minutes",
            "version",
        ):
            key = (
                row["enrolment__participant__reference"],
                row["enrolment__group__name"],
                row["moment"],
            )
            existing[key] = {**row, "ratings": {}}
        by_pk = {row["pk"]: row for row in existing.values()}
        for rating in DomainRating.objects.filter(
            assessment__enrolment__group__organisation=self.organisation
        ).values("pk", "assessment_id", "domain", "rating"):
            by_pk[rating["assessment_id"]]["ratings"][rating["domain"]] = (
                rating["pk"],
                rating["rating"],
            )
        return existing

    def enrolment_known(self, row: Row) -> bool:
        ref, group = row.values["participant"], row.values["group"]
        if (ref, group) in self.context.known["enrolment"]:
            return True
        self.problem(row.number, "group", "unknown_enrolment", {"participant": ref, "group": group})
        return False
