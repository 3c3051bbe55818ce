"""The ESF+ common indicators as files and tables (``esf`` computes them): the report of
``funder_report --kind esf`` and of the report page (JSON, XLSX, PDF, the same figures),
and the managing authority's participant-level file: one line per participant entering in
the period, under the grant's pseudonym, with their gender, age on entering and a 0/1 for
each output indicator (docs/statistics.md). No names, national numbers or addresses; small
counts are not hidden there (each line is one pseudonymised person). People who withdrew
their consent to reporting are left out of that file, as from the grant pack
(``reporting.grant_pack``), and the file says how many."""

import io
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parcours.core.exports import spreadsheet_csv, xlsx_row
from parcours.core.pdf import render_pdf
from parcours.funding.pseudonyms import pseudonymiser
from parcours.funding.scope import Scope
from parcours.participants.enums import ConsentPurpose
from parcours.reporting.esf import (
    BREAKDOWN,
    BREAKDOWN_LABELS,
    GENDER_CODES,
    INDICATOR_CODES,
    LABELS,
    LABELS_RESULT,
    OUTPUT_CODES,
    SPECIAL_CATEGORY_CODES,
    entered_participants,
    esf_figures,
    output_conditions,
)
from parcours.reporting.figures import WHOLE_PROGRAMME, Period
from parcours.reporting.pdf import css_string
from parcours.reporting.people import left_out_message
from parcours.reporting.tables import Column, Row, Table

PART_OF_GENDER = {gender: part for part, gender in GENDER_CODES.items()}


@dataclass
class EsfReport:
    """The indicators of one organisation, period and scope (the whole programme or a
    grant), with what the files say around them. ``figures`` maps each code to its
    gender breakdown."""

    organisation: object
    period: Period
    scope: Scope
    figures: dict

    @property
    def scope_label(self) -> str:
        return str(self.scope)

    @property
    def codes(self) -> list[str]:
        return [code for code in INDICATOR_CODES if code in self.figures]

    def without_special_categories(self) -> "EsfReport":
        """The report as the roles that may not see special categories of data get it."""
        figures = {c: v for c, v in self.figures.items() if c not in SPECIAL_CATEGORY_CODES}
        return EsfReport(self.organisation, self.period, self.scope, figures)

    def as_json(self) -> dict:
        return {code: dict(self.figures[code]) for code in self.codes}

    def rows(self) -> list[dict]:
        """The table as rows: code, label, then the breakdown (screen, XLSX and PDF)."""
        return [
            {"code": code, "label": str(LABELS[code]), **self.figures[code]} for code in self.codes
        ]

    def heading(self) -> list[str]:
        lines = [
            _("ESF+ common indicators"),
            str(self.organisation.name),
            _("Participants entering or leaving from %(first)s to %(last)s")
            % {
                "first": date_format(self.period.first, "DATE_FORMAT"),
                "last": date_format(self.period.last, "DATE_FORMAT"),
            },
            self.scope_label,
        ]
        return [str(line) for line in lines]

    def as_xlsx(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("ESF+ indicators")[:31]
        for line in self.heading():
            sheet.append(xlsx_row(sheet, [line]))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
        header = [_("Code"), _("Indicator"), *(str(BREAKDOWN_LABELS[p]) for p in BREAKDOWN)]
        sheet.append(xlsx_row(sheet, header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in self.rows():
            sheet.append(xlsx_row(sheet, [row["code"], row["label"], *(row[p] for p in BREAKDOWN)]))
        sheet.column_dimensions["A"].width = 10
        sheet.column_dimensions["B"].width = 70
        for letter in "CDEF":
            sheet.column_dimensions[letter].width = 12
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def as_pdf(self) -> bytes:
        title, organisation, period, scope_label = self.heading()

        def section(title, definition, result):
            rows = [
                {
                    "code": row["code"],
                    "label": row["label"],
                    "values": [row[part] for part in BREAKDOWN],
                }
                for row in self.rows()
                if LABELS_RESULT[row["code"]] is result
            ]
            return {"title": title, "definition": definition, "rows": rows}

        return render_pdf(
            "reporting/esf_pdf.html",
            {
                "title": title,
                "organisation": organisation,
                "period": period,
                "scope_label": scope_label,
                "breakdown": [BREAKDOWN_LABELS[part] for part in BREAKDOWN],
                "sections": [
                    section(
                        _("Outputs"),
                        _(
                            "The participants who entered in the period: their first enrolment "
                            "starts in it; ages on that date."
                        ),
                        False,
                    ),
                    section(
                        _("Results"),
                        _(
                            "The participants who left in the period (an extension into another "
                            "group is not leaving); six months after leaving: those whose "
                            "follow-up is recorded."
                        ),
                        True,
                    ),
                ],
                "footer_left": css_string(f"{organisation} · {title}"),
                "footer_page": css_string(_("Page")),
                "printed_on": date_format(timezone.localdate(), "DATE_FORMAT"),
            },
        )


def esf_report(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME) -> EsfReport:
    """The indicators of the period, in two queries."""
    figures = esf_figures(organisation, period, scope)
    return EsfReport(organisation=organisation, period=period, scope=scope, figures=figures)


def esf_report_of_year(
    organisation, year: int, as_of, scope: Scope, *, special_categories: bool
) -> EsfReport:
    """The indicators of the calendar ``year`` as of ``as_of``, as the report page and
    the API show them: the special categories of data only for the roles that see social
    data (``special_categories``)."""
    report = esf_report(organisation, Period.of_year(year, as_of), scope)
    return report if special_categories else report.without_special_categories()


def esf_builder(organisation, year: int, grant=None) -> EsfReport:
    """The builder of ``funder_report --kind esf``: the calendar ``year`` as of today, for
    the whole organisation or one of its grants."""
    scope = Scope(grant=grant) if grant else WHOLE_PROGRAMME
    return esf_report(organisation, Period.of_year(year, timezone.localdate()), scope)


def esf_table(report: EsfReport) -> Table:
    """The indicators as a table of the report page, each cell with its drill-down."""
    columns = [
        Column("code", _("Code"), "label"),
        Column("label", _("Indicator"), "label"),
        *(Column(part, BREAKDOWN_LABELS[part]) for part in BREAKDOWN),
    ]
    rows = [
        Row(row["code"], row, {part: f"esf:{row['code']}:{part}" for part in BREAKDOWN})
        for row in report.rows()
    ]
    return Table(
        "esf",
        _("ESF+ common indicators"),
        _(
            "Outputs (EECO): the participants who entered in the period, their first "
            "enrolment of the grant's groups starting in it, ages on that date. Results "
            "(EECR): the participants who left in the period; six months after leaving, "
            "those whose follow-up is recorded. Regulation (EU) 2021/1057, Annex I."
        ),
        columns,
        rows,
    )


# -- The participant-level file ----------------------------------------------------------


def participant_rows(grant, period: Period) -> tuple[list, list, int]:
    """The file's header, its rows and how many people are left out. One query for the
    rows, one for the pseudonym key, one for the count left out."""
    entered = entered_participants(grant.organisation, period, Scope(grant=grant))
    flags = {
        f"is_{code}": Case(
            When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        for code, condition in output_conditions(period).items()
    }
    people = (
        entered.without_withdrawn(ConsentPurpose.REPORTING)
        .annotate(**flags)
        .order_by("reference_date", "pk")
        .values("pk", "gender", "age", "reference_date", *flags)
    )
    code = pseudonymiser(grant)
    header = [_("Code"), _("Gender"), _("Age on entering"), _("Entry date"), *OUTPUT_CODES]
    rows = [
        [
            code(person["pk"]),
            PART_OF_GENDER.get(person["gender"], ""),
            person["age"],
            person["reference_date"].isoformat(),
            *(person[f"is_{c}"] for c in OUTPUT_CODES),
        ]
        for person in people
    ]
    left_out = entered.having_withdrawn(ConsentPurpose.REPORTING).count()
    return header, rows, left_out


def participants_csv(grant, period: Period) -> bytes:
    """The file as a Belgian CSV: ``;`` separated, UTF-8 with a byte-order mark."""
    header, rows, left_out = participant_rows(grant, period)
    if left_out:
        rows = [*rows, [left_out_message(left_out)]]
    return spreadsheet_csv(header, rows).encode("utf-8")


def participants_xlsx(grant, period: Period) -> bytes:
    header, rows, left_out = participant_rows(grant, period)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Participants")[:31]
    sheet.append(xlsx_row(sheet, header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    if left_out:
        sheet.append(xlsx_row(sheet, [left_out_message(left_out)]))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
