"""A grant's report pack: one ZIP with what its funder asks for.

- ``rapport.pdf``, ``rapport.xlsx`` and ``rapport.csv``: the figures of the grant's
  period, narrowed to the grant (``Scope(grant=...)``: its groups' participants, the
  charged part of the hours), with the small counts hidden alike in the three
  (``reporting.disclosure``);
- ``heures.csv``: each session charged, its hours, the share charged and the charged
  hours, with the totals per month;
- ``participants.csv``: one row per participant of the period, under a pseudonym unless
  the funder needs names; never notes, addresses or national numbers, nor anybody who
  withdrew their consent to reporting (counted in the last line);
- ``feuilles-de-presence.pdf``: the monthly attendance sheets of the grant's groups.
"""

import datetime
import io
import zipfile

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.attendance.enums import ATTENDED
from parcours.attendance.grids import month_grid
from parcours.attendance.hours import as_hours
from parcours.attendance.models import Attendance
from parcours.core import dates
from parcours.core.exports import local_number, spreadsheet_csv
from parcours.core.pdf import render_pdf
from parcours.funding.logos import printed_logos
from parcours.funding.pseudonyms import pseudonymiser
from parcours.funding.scope import Scope
from parcours.funding.selectors import (
    charged_hours_by_month,
    charged_sessions,
    grant_until,
)
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import Participant
from parcours.participants.selectors import NamesShown
from parcours.programme.models import Group
from parcours.reporting.exports import report_csv, report_xlsx
from parcours.reporting.figures import Period, active_enrolments, characterised_participants
from parcours.reporting.figures import period_report as compute_period_report
from parcours.reporting.pdf import report_pdf
from parcours.reporting.people import left_out_message

AGE_BANDS = ((0, 25), (25, 35), (35, 45), (45, 55), (55, None))


class Pseudonymous:
    """A participant on a pack's sheet: their code in place of their name."""

    def __init__(self, pk, code):
        self.pk = pk
        self.last_name = code(pk)
        self.first_name = ""

    def __str__(self):
        return self.last_name


def age_band(age) -> str:
    if age is None:
        return ""
    for low, high in AGE_BANDS:
        if high is None:
            return f"{low}+"
        if low <= age < high:
            return f"{low}-{high - 1}" if low else f"<{high}"
    return ""


def _number(value) -> str:
    """A number as the funder's spreadsheet reads it in the active language."""
    return local_number(value, decimal_pos=2)


def _csv(header, rows) -> bytes:
    return spreadsheet_csv(header, rows).encode("utf-8")


def hours_csv(grant, sessions, months) -> bytes:
    rows = []
    for session in sessions:
        hours = session.minutes / 60
        rows.append(
            [
                session.date.isoformat(),
                f"{session.start_time:%H:%M}-{session.end_time:%H:%M}",
                session.workshop.name,
                ", ".join(group.name for group in session.groups.all()),
                _number(hours),
                _number(session.share * 100),
                _number(as_hours(session.minutes * session.share)),
            ]
        )
    for month in months:
        rows.append(
            [
                f"{month['month']:%Y-%m}",
                "",
                _("Total of the month (%(count)s sessions)") % {"count": month["sessions"]},
                "",
                _number(month["hours"]),
                "",
                _number(month["charged_hours"]),
            ]
        )
    rows.append(
        [
            f"{grant.start_date.isoformat()} / {grant.end_date.isoformat()}",
            "",
            _("Total of the grant"),
            "",
            _number(sum(month["hours"] for month in months)),
            "",
            _number(sum(month["charged_hours"] for month in months)),
        ]
    )
    header = [
        _("Date"),
        _("Time"),
        _("Workshop"),
        _("Groups"),
        _("Hours of the session"),
        _("Share charged (%)"),
        _("Charged hours"),
    ]
    return _csv(header, rows)


def _hours_attended(session_minutes, people):
    """Per participant: minutes attended at the charged sessions, whole and charged."""
    whole, charged = {}, {}
    marks = Attendance.objects.filter(
        session__in=list(session_minutes), participant__in=people, status__in=ATTENDED
    ).values_list("participant_id", "session_id")
    for participant_id, session_id in marks:
        minutes, share = session_minutes[session_id]
        whole[participant_id] = whole.get(participant_id, 0) + minutes
        charged[participant_id] = charged.get(participant_id, 0) + minutes * share
    return whole, charged


def participants_csv(grant, period, scope, session_minutes) -> bytes:
    organisation = grant.organisation
    with_names = grant.funder.needs_names
    code = pseudonymiser(grant)
    everybody = characterised_participants(organisation, period, scope)
    people = list(
        everybody.without_withdrawn(ConsentPurpose.REPORTING)
        .order_by("last_name", "first_name", "pk")
        .values("pk", "reference", "last_name", "first_name", "gender", "age")
    )
    enrolments = {}
    for enrolment in (
        active_enrolments(organisation, period, scope)
        .select_related("group")
        .order_by("start_date", "pk")
    ):
        enrolments.setdefault(enrolment.participant_id, []).append(enrolment)
    whole, charged = _hours_attended(session_minutes, [person["pk"] for person in people])
    rows = []
    for person in people:
        spans = enrolments.get(person["pk"], [])
        identity = (
            [person["reference"], person["last_name"], person["first_name"]]
            if with_names
            else [code(person["pk"])]
        )
        rows.append(
            [
                *identity,
                person["gender"],
                age_band(person["age"]),
                " ; ".join(span.group.name for span in spans),
                " ; ".join(span.start_date.isoformat() for span in spans),
                " ; ".join(span.exit_date.isoformat() if span.exit_date else "" for span in spans),
                " ; ".join(span.get_outcome_display() for span in spans),
                _number(as_hours(whole.get(person["pk"], 0))),
                _number(as_hours(charged.get(person["pk"], 0))),
            ]
        )
    identity = [_("Reference"), _("Last name"), _("First name")] if with_names else [_("Code")]
    header = [
        *identity,
        _("Gender"),
        _("Age band"),
        _("Groups"),
        _("Enrolment start"),
        _("Exit"),
        _("Outcome"),
        _("Hours attended"),
        _("Charged hours attended"),
    ]
    left_out = left_out_message(everybody.having_withdrawn(ConsentPurpose.REPORTING).count())
    if left_out:
        rows.append([left_out])
    return _csv(header, rows)


def grant_groups(grant):
    """The groups whose work is charged to the grant, by themselves or by a session."""
    return (
        Group.objects.filter(organisation_id=grant.organisation_id)
        .filter(Q(charges__grant=grant) | Q(sessions__charges__grant=grant))
        .distinct()
        .order_by("name")
    )


def _no_progress(percent: int, stage: str = "") -> None:
    pass


def attendance_sheets(grant, until, *, with_names, progress=None) -> bytes | None:
    """The monthly sheets of the grant's groups over its period, in one PDF; the people
    who withdrew their consent to reporting are left out (and counted at the foot).

    ``progress(done, total)``, when given, is told after each month of each group, then
    once more when the PDF is drawn. The sheets are one document: WeasyPrint reads the
    styles and lays the pages out once, rather than once a sheet and then merging
    (docs/performance.md)."""
    sheets = []
    code = pseudonymiser(grant)
    withdrawn = set(
        Participant.objects.filter(organisation_id=grant.organisation_id)
        .having_withdrawn(ConsentPurpose.REPORTING)
        .values_list("pk", flat=True)
    )
    groups = list(grant_groups(grant))
    months = list(dates.months(grant.start_date, until))
    logos = printed_logos([grant.funder])
    # The drawing of the PDF counts as much as reading the grids.
    total = 2 * len(groups) * len(months)
    done = 0
    for group in groups:
        for first in months:
            done += 1
            if progress:
                progress(done, total)
            grid = month_grid(group, first)
            if not grid["sessions"]:
                continue
            rows = [row for row in grid["rows"] if row["participant"].pk not in withdrawn]
            left_out = len(grid["rows"]) - len(rows)
            grid["rows"] = rows
            if not with_names:
                for row in rows:
                    row["participant"] = Pseudonymous(row["participant"].pk, code)
            sheets.append({"group": group, "grid": grid, "left_out": left_out_message(left_out)})
    if not sheets:
        return None
    context = {
        "title": grant.name,
        "sheets": sheets,
        "organisation": grant.organisation,
        "names": NamesShown.for_document(),
        "logos": logos,
    }
    pdf = render_pdf("attendance/sheet_months.html", context)
    if progress:
        progress(total, total)
    return pdf


def grant_report(grant, *, as_of: datetime.date | None = None):
    """The figures of the grant's period as of ``as_of`` (today by default), narrowed to
    the grant: those of the pack's report files and of the API's funder report."""
    return compute_period_report(
        grant.organisation,
        first=grant.start_date,
        last=grant.end_date,
        as_of=as_of or timezone.localdate(),
        scope=Scope(grant=grant),
    )


def grant_pack(grant, *, as_of: datetime.date | None = None, progress=None) -> bytes:
    """The ZIP of the grant's report pack, in the active language.

    ``progress(percent, stage)``, when given, is told before each file of the pack and
    as the attendance sheets are drawn, month by month (a background download shows
    it); it changes nothing in the pack."""
    progress = progress or _no_progress
    progress(0, _("Computing the figures of the grant"))
    as_of = as_of or timezone.localdate()
    until = grant_until(grant, as_of)
    scope = Scope(grant=grant)
    report = grant_report(grant, as_of=as_of)
    sessions = list(
        charged_sessions(grant, as_of=as_of)
        .select_related("workshop")
        .prefetch_related("groups")
        .order_by("date", "start_time", "pk")
    )
    session_minutes = {session.pk: (session.minutes, session.share) for session in sessions}
    period = Period(grant.start_date, until, as_of)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        progress(10, _("Writing the report (PDF)"))
        archive.writestr("rapport.pdf", report_pdf(report, for_funder=True))
        progress(25, _("Writing the report (XLSX and CSV)"))
        archive.writestr("rapport.xlsx", report_xlsx(report, for_funder=True))
        archive.writestr("rapport.csv", report_csv(report, for_funder=True))
        progress(30, _("Listing the hours charged"))
        archive.writestr(
            "heures.csv", hours_csv(grant, sessions, charged_hours_by_month(grant, as_of=as_of))
        )
        progress(35, _("Listing the participants"))
        archive.writestr(
            "participants.csv", participants_csv(grant, period, scope, session_minutes)
        )
        stage = _("Drawing the attendance sheets")
        progress(40, stage)

        def sheet_done(done, total):
            # The sheets take from 40 % to 95 %, month by month of each group.
            progress(40 + (55 * done) // max(total, 1), stage)

        sheets = attendance_sheets(
            grant, until, with_names=grant.funder.needs_names, progress=sheet_done
        )
        progress(95, _("Saving the file"))
        if sheets:
            archive.writestr("feuilles-de-presence.pdf", sheets)
    return out.getvalue()


def pack_filename(grant, as_of: datetime.date | None = None) -> str:
    as_of = as_of or timezone.localdate()
    return f"dossier-{grant.pk}-{grant.start_date:%Y%m%d}-{as_of:%Y%m%d}.zip"
