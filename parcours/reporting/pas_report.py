"""The PAS subsidy's yearly justification, laid out like the SPP Intégration sociale's
"rapport unique": one sheet per part (A social participation, B collective modules, C
fighting child poverty), one line per beneficiary, group or activity, the amounts by
category of expense, the totals per category and what is left of each part.

The official template's exact columns are not public: ``COLUMNS`` below is the one
table that says which column holds what; the XLSX, the PDF, the JSON and the grant page
all read their lines through it, so that the four give the same figures.

Figures are database aggregates: one query for the expense lines, one for the budgets,
two for the collective modules' sessions and two for their attendance, whatever the
number of expenses, sessions or people.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Count, F, FloatField, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.attendance.enums import ATTENDED
from parcours.attendance.hours import as_hours, held_sessions
from parcours.attendance.models import Attendance
from parcours.funding.allocation import session_share
from parcours.funding.enums import STAFF_CAPPED_PARTS, ExpenseCategory, FunderKind, PasPart
from parcours.funding.expenses import staff_cap, subsidy_year
from parcours.funding.models import Expense, Grant, PasBudget
from parcours.participants.models import display_name

ZERO = Decimal("0")


@dataclass
class Line:
    """One line of a part's sheet: a beneficiary, a group (part B) or an activity."""

    label: str
    reference: str = ""
    participant_id: int | None = None
    group_id: int | None = None
    amounts: dict = field(default_factory=dict)
    sessions: int | None = None
    hours: float | None = None
    charged_hours: float | None = None
    participants: int | None = None
    attendances: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    def amount(self, category) -> Decimal:
        return self.amounts.get(category, ZERO)


def _amount_of(category):
    return lambda line: line.amount(category)


# The layout of the sheets: (column header, how to get the value from a line, the parts
# whose sheet has the column).
COLUMNS = (
    (gettext_lazy("Beneficiary, group or activity"), lambda line: line.label, "ABC"),
    (gettext_lazy("File reference"), lambda line: line.reference, "AC"),
    (gettext_lazy("Sessions held"), lambda line: line.sessions, "B"),
    (gettext_lazy("Hours of the sessions"), lambda line: line.hours, "B"),
    (gettext_lazy("Hours charged"), lambda line: line.charged_hours, "B"),
    (gettext_lazy("Distinct participants"), lambda line: line.participants, "B"),
    (gettext_lazy("Attendances"), lambda line: line.attendances, "B"),
    *((category.label, _amount_of(category), "ABC") for category in ExpenseCategory),
    (gettext_lazy("Total"), lambda line: line.total, "ABC"),
)


def columns_of(part) -> list[tuple]:
    return [(header, value) for header, value, parts in COLUMNS if part in parts]


@dataclass
class Modules:
    """Part B's collective modules as a whole: each session and person counted once."""

    sessions: int = 0
    hours: float = 0.0
    charged_hours: float = 0.0
    participants: int = 0
    attendances: int = 0


@dataclass
class PartFigures:
    part: str
    amount: Decimal
    lines: list
    modules: Modules | None = None

    @property
    def label(self) -> str:
        return PasPart(self.part).label

    @property
    def categories(self) -> dict:
        return {
            category: sum((line.amount(category) for line in self.lines), ZERO)
            for category in ExpenseCategory
        }

    @property
    def spent(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.spent

    @property
    def staff_costs(self) -> Decimal:
        return self.categories[ExpenseCategory.STAFF]

    @property
    def staff_cap(self) -> Decimal | None:
        return staff_cap(self.amount) if self.part in STAFF_CAPPED_PARTS else None

    @property
    def total_line(self) -> Line:
        """The sheet's last line: the totals per category and, for part B, the modules
        with each session and person counted once."""
        line = Line(label=_("Total"), amounts=self.categories)
        if self.modules is not None:
            line.sessions = self.modules.sessions
            line.hours = self.modules.hours
            line.charged_hours = self.modules.charged_hours
            line.participants = self.modules.participants
            line.attendances = self.modules.attendances
        return line

    @property
    def staff_headroom(self) -> Decimal | None:
        cap = self.staff_cap
        return None if cap is None else cap - self.staff_costs


def as_number(value):
    """A figure as JSON and XLSX hold it: a real number, two decimals for money."""
    if isinstance(value, Decimal):
        return float(value)
    return value


class PasReport:
    """The justification of ``year`` for ``grants`` (PAS grants of ``organisation``)."""

    def __init__(self, organisation, year, grants, parts, as_of):
        self.organisation = organisation
        self.year = year
        self.grants = grants
        self.parts = parts
        self.as_of = as_of

    @property
    def amount(self) -> Decimal:
        return sum((part.amount for part in self.parts.values()), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((part.spent for part in self.parts.values()), ZERO)

    def category_rows(self) -> list[dict]:
        """``[{"category", "label", "values": [(part, amount) for A, B, C]}]``, one per
        category of expense."""
        return [
            {
                "category": category.value,
                "label": category.label,
                "values": [(key, part.categories[category]) for key, part in self.parts.items()],
            }
            for category in ExpenseCategory
        ]

    def title(self) -> str:
        return _("PAS yearly justification %(year)s") % {"year": self.year}

    def as_json(self) -> dict:
        parts = {}
        for key, part in self.parts.items():
            data = {
                "label": str(part.label),
                "amount": as_number(part.amount),
                "spent": as_number(part.spent),
                "remaining": as_number(part.remaining),
                "staff_costs": as_number(part.staff_costs),
                "staff_cap": as_number(part.staff_cap),
                "categories": {
                    category.value: as_number(value) for category, value in part.categories.items()
                },
                "lines": [
                    {
                        "label": line.label,
                        "reference": line.reference,
                        "participant_id": line.participant_id,
                        "group_id": line.group_id,
                        "categories": {
                            category.value: as_number(line.amount(category))
                            for category in ExpenseCategory
                        },
                        "total": as_number(line.total),
                        **(
                            {
                                "sessions": line.sessions,
                                "hours": line.hours,
                                "charged_hours": line.charged_hours,
                                "participants": line.participants,
                                "attendances": line.attendances,
                            }
                            if key == PasPart.B
                            else {}
                        ),
                    }
                    for line in part.lines
                ],
            }
            if part.modules is not None:
                data["modules"] = asdict(part.modules)
            parts[key] = data
        return {
            "organisation": self.organisation.slug,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "grants": [grant.name for grant in self.grants],
            "amount": as_number(self.amount),
            "spent": as_number(self.spent),
            "parts": parts,
        }

    # The files module reads this one's COLUMNS: imported when a file is asked for.
    def as_xlsx(self) -> bytes:
        from parcours.reporting.pas_files import pas_xlsx

        return pas_xlsx(self)

    def as_pdf(self) -> bytes:
        from parcours.reporting.pas_files import pas_pdf

        return pas_pdf(self)


def pas_grants(organisation, year):
    """The organisation's PAS grants whose period overlaps ``year``."""
    return (
        Grant.objects.filter(organisation=organisation, funder__kind=FunderKind.PAS)
        .overlapping(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .order_by("start_date", "name")
    )


def _budgets(grants) -> dict:
    sums = PasBudget.objects.filter(grant__in=grants).aggregate(
        A=Sum("amount_a"), B=Sum("amount_b"), C=Sum("amount_c")
    )
    return {part: sums[part] or ZERO for part in PasPart.values}


def _participant_label(row) -> str:
    return display_name(
        row["beneficiary__last_name"],
        row["beneficiary__first_name"],
        anonymised=bool(row["beneficiary__anonymised_on"]),
    )


def _expense_lines(grants, year) -> dict:
    """``{part: {line key: Line}}`` from one grouped query over the year's expenses."""
    sums = {
        category.value: Sum("amount", filter=Q(category=category)) for category in ExpenseCategory
    }
    rows = (
        Expense.objects.filter(grant__in=grants, date__year=year)
        .order_by()
        .values(
            "part",
            "beneficiary_id",
            "beneficiary__last_name",
            "beneficiary__first_name",
            "beneficiary__reference",
            "beneficiary__anonymised_on",
            "group_id",
            "group__name",
            "activity",
        )
        .annotate(**sums)
    )
    lines = {part: {} for part in PasPart.values}
    for row in rows:
        if row["beneficiary_id"]:
            key = ("participant", row["beneficiary_id"])
            line = Line(
                label=_participant_label(row),
                reference=row["beneficiary__reference"],
                participant_id=row["beneficiary_id"],
            )
        elif row["group_id"]:
            key = ("group", row["group_id"])
            line = Line(label=row["group__name"], group_id=row["group_id"])
        else:
            key = ("activity", row["activity"].casefold())
            line = Line(label=row["activity"])
        line = lines[row["part"]].setdefault(key, line)
        for category in ExpenseCategory:
            if row[category.value]:
                line.amounts[category] = line.amount(category) + row[category.value]
    return lines


def _charged_sessions(organisation, grants, year, as_of):
    """The sessions of ``year`` held so far with a part charged to ``grants``."""
    last = min(datetime.date(year, 12, 31), as_of)
    sessions = held_sessions(organisation, first=datetime.date(year, 1, 1), last=last)
    return sessions.annotate(share=session_share(grants)).filter(share__gt=0)


def _modules(organisation, grants, year, as_of, lines) -> Modules:
    """Part B's lines per group from the charged sessions and their attendance, and the
    totals over the distinct sessions and people."""
    sessions = _charged_sessions(organisation, grants, year, as_of)
    charged = Sum(F("minutes") * F("share"), output_field=FloatField())
    per_group = (
        sessions.order_by()
        .values("groups__id", "groups__name")
        .annotate(count=Count("pk"), minutes_sum=Sum("minutes"), charged_sum=charged)
    )
    marks = Attendance.objects.filter(
        session__in=sessions.values("pk"), status__in=ATTENDED
    ).order_by()
    attendance = {
        row["session__groups__id"]: row
        for row in marks.values("session__groups__id").annotate(
            people=Count("participant", distinct=True), count=Count("pk")
        )
    }
    for row in per_group:
        if row["groups__id"] is None:
            continue
        line = lines.setdefault(
            ("group", row["groups__id"]),
            Line(label=row["groups__name"], group_id=row["groups__id"]),
        )
        seen = attendance.get(row["groups__id"], {})
        line.sessions = row["count"]
        line.hours = as_hours(row["minutes_sum"])
        line.charged_hours = as_hours(row["charged_sum"])
        line.participants = seen.get("people", 0)
        line.attendances = seen.get("count", 0)
    totals = sessions.order_by().aggregate(
        count=Count("pk"), minutes_sum=Sum("minutes"), charged_sum=charged
    )
    people = marks.aggregate(people=Count("participant", distinct=True), count=Count("pk"))
    return Modules(
        sessions=totals["count"],
        hours=as_hours(totals["minutes_sum"]),
        charged_hours=as_hours(totals["charged_sum"]),
        participants=people["people"],
        attendances=people["count"],
    )


def _ordered(lines: dict) -> list:
    return sorted(lines.values(), key=lambda line: (line.label.casefold(), line.reference))


def build_pas_report(organisation, year, grant=None, *, as_of=None) -> PasReport:
    """The PAS justification of ``year``: of ``grant``, or of every PAS grant of the
    organisation overlapping the year, combined. Collective modules count the sessions
    held up to ``as_of`` (today by default)."""
    as_of = as_of or timezone.localdate()
    grants = [grant] if grant is not None else list(pas_grants(organisation, year))
    budgets = _budgets(grants)
    lines = _expense_lines(grants, year)
    modules = _modules(organisation, grants, year, as_of, lines[PasPart.B])
    parts = {
        part: PartFigures(
            part=part,
            amount=budgets[part],
            lines=_ordered(lines[part]),
            modules=modules if part == PasPart.B else None,
        )
        for part in PasPart.values
    }
    return PasReport(organisation, year, grants, parts, as_of)


def grant_pas_report(grant) -> PasReport | None:
    """The justification of a PAS grant's subsidy year as of today, as its pages and the
    API show it; None for another funder's grant."""
    if grant.funder.kind != FunderKind.PAS:
        return None
    return build_pas_report(grant.organisation, subsidy_year(grant)[0].year, grant)
