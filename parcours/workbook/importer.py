"""Importing the programme workbook: all or nothing, idempotent.

``analyse_workbook`` reads the file, checks every row (against the other rows and the
records already stored) and returns a ``Plan``: what would be created or changed, and
every problem found. ``import_workbook`` writes a plan without problems in one
transaction, with bulk inserts, and one audit event for the whole import (an audit row
per imported row would double the work for no reader).

Each sheet has its planner (``parcours.workbook.planners``), driven by a column table
built from ``format.SHEETS``: it matches the rows on the keys of the format (a
participant's reference, a group's or a workshop's name, (participant, group) for an
enrolment, (participant, group, moment) for an assessment, (workshop, date, start time)
for a session, (participant, session) for an attendance) and says what the format has no
column for. Records absent from the file are left alone: an import never deletes.
``writing`` writes the plan.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parcours.audit.labels import message as audit_message
from parcours.audit.labels import register as register_label
from parcours.audit.labels import worded
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.services import record_event
from parcours.core.plurals import plural
from parcours.workbook import writing
from parcours.workbook.planners import plan_sheets
from parcours.workbook.planners.base import SHEET_ORDER, Plan
from parcours.workbook.planners.participants import PARTICIPANT_FIELDS
from parcours.workbook.problems import Problem
from parcours.workbook.reading import read_workbook

__all__ = [
    "PARTICIPANT_FIELDS",
    "ImportResult",
    "Plan",
    "WorkbookInvalid",
    "analyse_workbook",
    "counts_text",
    "describe_counts",
    "import_workbook",
    "problems_as_dicts",
]


class WorkbookInvalid(Exception):
    """The workbook has problems: nothing was written."""

    def __init__(self, problems):
        super().__init__(f"{plural(len(problems), 'problem', 'problems')} in the workbook")
        self.problems = problems


def analyse_workbook(
    organisation, source, *, progress: Callable[[int], None] | None = None
) -> Plan:
    """Read and check the workbook ``source`` (a path, bytes or a file) for
    ``organisation`` (None for one that does not exist yet). Writes nothing."""
    read = read_workbook(source, progress=progress)
    plan = Plan(problems=list(read.problems), notices=list(read.notices))
    if not read.readable:
        return plan
    plan_sheets(organisation, read.sheets, plan)
    plan.problems.sort(
        key=lambda p: (SHEET_ORDER.index(p.sheet) if p.sheet in SHEET_ORDER else -1, p.row or 0)
    )
    return plan


@dataclass
class ImportResult:
    organisation: object
    organisation_created: bool
    counts: dict
    audit_event: AuditEvent | None
    notices: list[Problem] = field(default_factory=list)


def import_workbook(
    source,
    *,
    organisation=None,
    organisation_slug: str | None = None,
    by=None,
    author=None,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
    plan: Plan | None = None,
) -> ImportResult:
    """Import the workbook into ``organisation`` (or the one named ``organisation_slug``,
    created if new) all or nothing: raise ``WorkbookInvalid`` and write nothing when it
    has a problem. ``by`` is the person importing (None from the command line);
    ``author`` the author of new assessments (default ``by``)."""
    from parcours.accounts.models import Organisation

    if organisation is None and organisation_slug is None:
        raise ValueError("Name the organisation.")
    if organisation is None:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if plan is None:
        plan = analyse_workbook(organisation, source, progress=progress)
    if not plan.ok:
        raise WorkbookInvalid(plan.problems)
    author = author or by
    if plan.assessments_new and author is None:
        raise ValueError("Name the author of the imported assessments.")
    created = False
    with transaction.atomic():
        if organisation is None:
            organisation = Organisation.objects.create(
                name=organisation_slug, slug=organisation_slug
            )
            created = True
        writing.write_plan(plan, organisation, author=author)
        event = _audit(organisation, by=by, file_name=file_name, counts=plan.summary())
    return ImportResult(
        organisation=organisation,
        organisation_created=created,
        counts=plan.summary(),
        audit_event=event,
        notices=plan.notices,
    )


# The words of the import's row of the trail, kept as codes (parcours.audit.labels).
register_label("workbook_import", gettext_lazy("Workbook import: %(file)s"))
register_label("workbook_counts", lambda **numbers: counts_text(numbers))


def _audit(organisation, *, by, file_name, counts) -> AuditEvent:
    changes = {"file": {"before": None, "after": file_name}}
    for sheet, numbers in counts.items():
        changes[sheet] = {"before": None, "after": audit_message("workbook_counts", **numbers)}
    label = audit_message("workbook_import", file=file_name)
    return record_event(
        organisation=organisation,
        by=by,
        action=AuditAction.CREATE,
        record_type="workbook.import",
        record_id=timezone.now().strftime("%Y%m%d%H%M%S"),
        label=worded(label),
        label_message=label,
        changes=changes,
    )


def counts_text(numbers: dict) -> str:
    """ "12 created, 1 changed, 40 unchanged", each number with its own plural."""
    return ", ".join(
        [
            ngettext("%(count)s created", "%(count)s created", numbers["created"])
            % {"count": numbers["created"]},
            ngettext("%(count)s changed", "%(count)s changed", numbers["updated"])
            % {"count": numbers["updated"]},
            ngettext("%(count)s unchanged", "%(count)s unchanged", numbers["unchanged"])
            % {"count": numbers["unchanged"]},
        ]
    )


def describe_counts(counts: dict) -> list[str]:
    """One line a sheet: "participants: 12 created, 3 changed, 40 unchanged"."""
    return [
        _("%(sheet)s: %(counts)s") % {"sheet": sheet, "counts": counts_text(numbers)}
        for sheet, numbers in counts.items()
    ]


def problems_as_dicts(problems) -> list[dict]:
    return [problem.as_dict() for problem in problems]
