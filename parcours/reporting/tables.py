"""The report as tables: one list of tables read by the screen, the PDF, the workbook
and the CSV file, so that they can only show the same figures.

Each table has a stable ``key``, a title, its definition (docs/statistics.md in the user's
words), columns and rows. A cell is a plain number (or None, shown as a dash) or a label; a row
may name the drill-down key of its count.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from parcours.core.domains import Domain
from parcours.programme.enums import DropoutReason, ExitOutcome
from parcours.reporting.figures import Report
from parcours.reporting.people import CHARACTERISTIC_LABELS
from parcours.workshops.enums import Axis, ProviderKind


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "number"  # "label", "number", "pct", "hours"


@dataclass
class Row:
    key: str
    cells: dict
    drilldown: dict = field(default_factory=dict)  # column key -> drill-down key


@dataclass
class Table:
    key: str
    title: str
    definition: str
    columns: list
    rows: list

    def cell(self, row_key, column_key):
        for row in self.rows:
            if row.key == row_key:
                return row.cells[column_key]
        raise KeyError(row_key)


LABEL = Column("label", _("Figure"), "label")

CHARACTERISTIC_KEYS = [
    "men",
    "women",
    "x",
    "non_eu",
    "no_qualification",
    "inactive_24m",
    "french_weak_to_medium",
    "fle",
    "literacy",
]


def _characteristics(report: Report) -> Table:
    figures, counts = report.figures, report.counts
    n = figures["participants"]
    rows = [
        Row(
            "participants",
            {"label": _("Participants of the year"), "count": n, "pct": None, "unknown": None},
            {"count": "participants"},
        )
    ]
    for key in CHARACTERISTIC_KEYS:
        rows.append(
            Row(
                key,
                {
                    "label": CHARACTERISTIC_LABELS[key],
                    "count": counts["characteristics"][key],
                    "pct": figures["characteristics"][f"{key}_pct"],
                    "unknown": counts["unknown"].get(key),
                },
                {"count": key},
            )
        )
    rows.append(
        Row(
            "average_age",
            {
                "label": _("Average age (years)"),
                "count": figures["characteristics"]["average_age"],
                "pct": None,
                "unknown": None,
            },
        )
    )
    return Table(
        "characteristics",
        _("Main characteristics of the participants"),
        _(
            "Participants of the year: the people with at least one enrolment active in the "
            "period, counted once. Percentages are of all of them; a person whose answer is "
            "unknown stays in the denominator and is counted in the last column. Age and "
            "inactivity are taken on the start of the person's first enrolment of the year; "
            "the European Union is taken as it was on 31 December."
        ),
        [
            LABEL,
            Column("count", _("Number")),
            Column("pct", _("% of participants"), "pct"),
            Column("unknown", _("Unknown (left in the denominator)")),
        ],
        rows,
    )


def _results(report: Report) -> Table:
    results, outcomes = report.figures["results"], report.counts["outcomes"]
    rows = [
        Row(
            "exits",
            {"label": _("Exits of the year"), "count": results["exits"], "pct": None},
            {"count": "exits"},
        )
    ]
    for outcome in ExitOutcome:
        rows.append(
            Row(
                outcome.value,
                {
                    "label": outcome.label,
                    "count": outcomes[outcome.value],
                    "pct": results[f"{outcome.value}_pct"],
                },
                {"count": f"outcome:{outcome.value}"},
            )
        )
    return Table(
        "results",
        _("Results"),
        _(
            "Exits of the year: the enrolments whose exit date lies in the period. Each "
            "outcome's share is of all these exits; the shares add up to 100."
        ),
        [LABEL, Column("count", _("Number")), Column("pct", _("% of exits"), "pct")],
        rows,
    )


def _dropout_reasons(report: Report) -> Table:
    reasons = report.figures["results"]["dropout_reasons"]
    rows = [
        Row(
            reason.value,
            {"label": reason.label, "count": reasons[reason.value]},
            {"count": f"dropout:{reason.value}"},
        )
        for reason in DropoutReason
    ]
    return Table(
        "dropout_reasons",
        _("Reasons for dropping out"),
        _("Dropouts of the year by reason; a dropout recorded without reason counts as other."),
        [LABEL, Column("count", _("Number"))],
        rows,
    )


def _improvement(report: Report) -> Table:
    figures, counts = report.figures, report.counts
    rows = []
    for domain in Domain:
        d = domain.value
        rows.append(
            Row(
                d,
                {
                    "label": domain.label,
                    "improved": counts["improved"][d],
                    "rated": figures["improvement_n"][d],
                    "improvement_pct": figures["improvement_pct"][d],
                    "deteriorated": counts["deteriorated"][d],
                    "deteriorated_pct": figures["deteriorated_pct"][d],
                    "not_rated": counts["not_rated"][d],
                    "workshop_hours": report.domain_hours[d],
                },
                {
                    "improved": f"improved:{d}",
                    "rated": f"rated:{d}",
                    "deteriorated": f"deteriorated:{d}",
                    "not_rated": f"not_rated:{d}",
                },
            )
        )
    rows.sort(key=lambda row: -(row.cells["improvement_pct"] or -1))
    return Table(
        "improvement",
        _("Improvement by domain"),
        _(
            "Among the completed exits of the year (all outcomes but dropping out) rated in "
            "the domain at both their entry and their end assessment, the share whose end "
            "rating is higher (improved) or lower (went down). Exits not rated at both "
            "moments are left out of that domain (last but one column). Workshop hours: the "
            "hours of the sessions whose workshop serves the domain (a session counts in "
            "each domain its workshop serves)."
        ),
        [
            LABEL,
            Column("improved", _("Improved")),
            Column("rated", _("Rated at both moments")),
            Column("improvement_pct", _("% improved"), "pct"),
            Column("deteriorated", _("Went down")),
            Column("deteriorated_pct", _("% went down"), "pct"),
            Column("not_rated", _("Left out (not rated)")),
            Column("workshop_hours", _("Workshop hours serving the domain"), "hours"),
        ],
        rows,
    )


def _self_assessed(report: Report) -> Table:
    figures, counts = report.figures["self_assessed"], report.counts["self_assessed"]
    rows = [
        Row(
            domain.value,
            {
                "label": domain.label,
                "improved": counts["improved"][domain.value],
                "rated": figures["improvement_n"][domain.value],
                "improvement_pct": figures["improvement_pct"][domain.value],
                "deteriorated": counts["deteriorated"][domain.value],
                "deteriorated_pct": figures["deteriorated_pct"][domain.value],
                "not_rated": counts["not_rated"][domain.value],
            },
        )
        for domain in Domain
    ]
    rows.sort(key=lambda row: -(row.cells["improvement_pct"] or -1))
    return Table(
        "self_assessed",
        _("Self-assessed progression by domain"),
        _(
            "The participants' own answers on the tablet, not the social workers' ratings. "
            "Among the completed exits of the year (all outcomes but dropping out) answered "
            "in the domain at entry and at their latest later self-assessment (the end one, "
            "else the middle one), the share whose later answer is higher (improved) or "
            "lower (went down). A skipped domain is not answered; exits not answered at "
            "both moments are left out of that domain (last column). Counted because the "
            "organisation chose it; no other figure reads these answers."
        ),
        [
            LABEL,
            Column("improved", _("Improved")),
            Column("rated", _("Answered at both moments")),
            Column("improvement_pct", _("% improved"), "pct"),
            Column("deteriorated", _("Went down")),
            Column("deteriorated_pct", _("% went down"), "pct"),
            Column("not_rated", _("Left out (not answered)")),
        ],
        rows,
    )


HOURS_LABELS = {
    "total": _("All workshops"),
    ProviderKind.TEAM.value: _("Led by the team"),
    ProviderKind.SUBCONTRACTOR.value: _("Led by subcontractors"),
    ProviderKind.PARTNER.value: _("Led by partners"),
    Axis.EDUCATIONAL.value: Axis.EDUCATIONAL.label,
    Axis.CULTURAL.value: Axis.CULTURAL.label,
}


def _hours(report: Report) -> Table:
    hours = report.figures["hours"]
    return Table(
        "hours",
        _("Workshop hours"),
        _(
            "Hours of the sessions held in the period (not cancelled), each counted once "
            "whatever the number of groups it served."
        ),
        [LABEL, Column("hours", _("Hours"), "hours")],
        [Row(key, {"label": label, "hours": hours[key]}) for key, label in HOURS_LABELS.items()],
    )


def _evolution(report: Report) -> Table:
    rows = [
        Row(
            str(row["year"]),
            {"label": str(row["year"]), "participants": row["participants"], **row["hours"]},
        )
        for row in report.figures.get("evolution", [])
    ]
    return Table(
        "evolution",
        _("Evolution"),
        _(
            "Participants and workshop hours of each year; earlier years are complete, the "
            "last one is as of the report's date."
        ),
        [
            Column("label", _("Year"), "label"),
            Column("participants", _("Participants")),
            *[Column(key, label, "hours") for key, label in HOURS_LABELS.items()],
        ],
        rows,
    )


def _work_share(report: Report) -> Table:
    share = report.work_share
    rows = [
        Row(row["quarter"], {"label": row["quarter"], **_share_cells(row)})
        for row in share["quarters"]
    ]
    rows.append(Row("total", {"label": _("Whole period"), **_share_cells(share["total"])}))
    return Table(
        "work_share",
        _("Individual and collective work"),
        _(
            "Hours of individual work recorded in the participants' files (interventions, "
            "social assessments and literacy tests) against hours of workshops, per quarter. "
            "A record whose duration was not recorded adds no hours: it is counted in the "
            "last column, and the individual hours are then a floor."
        ),
        [
            Column("label", _("Quarter"), "label"),
            Column("individual_hours", _("Individual hours"), "hours"),
            Column("collective_hours", _("Workshop hours"), "hours"),
            Column("individual_pct", _("% individual"), "pct"),
            Column("collective_pct", _("% collective"), "pct"),
            Column("individual_items", _("Individual records")),
            Column("individual_no_duration", _("Of which without duration")),
        ],
        rows,
    )


def _projects(report: Report) -> Table:
    projects = report.figures["projects"]
    return Table(
        "projects",
        _("Individual projects"),
        _(
            "Individual projects (PIIS) whose first version was signed in the period, and "
            "their evaluations held in the period."
        ),
        [LABEL, Column("count", _("Number"))],
        [
            Row("signed", {"label": _("Projects signed"), "count": projects["signed"]}),
            Row(
                "evaluations_held",
                {"label": _("Evaluations held"), "count": projects["evaluations_held"]},
            ),
        ],
    )


SHARE_KEYS = (
    "individual_hours",
    "collective_hours",
    "individual_pct",
    "collective_pct",
    "individual_items",
    "individual_no_duration",
)


def _share_cells(row):
    # A year closed before the records were counted (definitions 2026.1) has no counts:
    # they show as a dash.
    return {key: row.get(key) for key in SHARE_KEYS}


def report_tables(report: Report) -> list[Table]:
    """Every table of the report, in reading order."""
    tables = [
        _characteristics(report),
        _results(report),
        _dropout_reasons(report),
        _improvement(report),
    ]
    # Only when the organisation counts the self-assessments (docs/statistics.md §7).
    if "self_assessed" in report.figures:
        tables.append(_self_assessed(report))
    tables.append(_hours(report))
    if "evolution" in report.figures:
        tables.append(_evolution(report))
    tables.append(_work_share(report))
    # A year closed before the projects were counted has no such figures.
    if "projects" in report.figures:
        tables.append(_projects(report))
    return tables
