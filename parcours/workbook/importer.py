"""Importing the programme workbook: all or nothing, idempotent.

``analyse_workbook`` reads the file, checks every row (against the other rows and the
records already stored) and returns a ``Plan``: what would be created or changed, and
every problem found. ``import_workbook`` writes a plan without problems in one
transaction, with bulk inserts, and one audit event for the whole import (an audit row
per imported row would double the work for no reader).

Rows are matched on the keys of the format: a participant's reference, a group's or a
workshop's name, (participant, group) for an enrolment, (participant, group, moment)
for an assessment, (workshop, date, start time) for a session, (participant, session)
for an attendance. Records absent from the file are left alone: an import never deletes.

Fields the format has no column for get these values on the records it creates:
a group's capacity keeps the model's default (12) and has no staff; a session has no
leader, room nor series, and a cancelled one gets a reason saying it came from the
workbook; an assessment's author is the person importing (the command: ``--by``, by
default the organisation's first coordinator); imported attendance marks have no
``marked_by``; no follow-up after exit is created for imported exits.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parcours.assessments.models import Assessment, DomainRating
from parcours.attendance.models import Attendance
from parcours.audit.labels import message as audit_message
from parcours.audit.labels import register as register_label
from parcours.audit.labels import worded
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.services import record_event
from parcours.core.domains import Domain
from parcours.core.plurals import plural
from parcours.participants.models import Participant
from parcours.participants.services import checked_niss
from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome
from parcours.programme.exits import ExitProblem, exit_problems
from parcours.programme.models import Enrolment, Group
from parcours.workbook import writing
from parcours.workbook.problems import Problem
from parcours.workbook.reading import Sheet, read_workbook
from parcours.workbook.writing import ENROLMENT_FIELDS, GROUP_FIELDS
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import Provider, Session, Workshop

MAX_CHANGES_SHOWN = 200
SHEET_ORDER = (
    "participants",
    "groups",
    "enrolments",
    "assessments",
    "workshops",
    "providers",
    "sessions",
    "attendance",
)

PARTICIPANT_FIELDS = (
    "last_name",
    "first_name",
    "gender",
    "birth_date",
    "birth_country",
    "nationality",
    "niss",
    "qualification_level",
    "qualification_recognised",
    "never_worked",
    "inactive_since",
    "inactive_since_month_only",
    "french_level",
    "language_course",
    "labour_market_status",
    "unemployment_duration",
    "housing_exclusion",
    "rural_area",
    "disability",
    "foreign_background",
    "minority",
    "phone",
    "email",
    "address",
    "postal_code",
    "city",
)
SESSION_FIELDS = ("provider_kind", "provider", "end_time", "cancelled", "cancel_reason")


class WorkbookInvalid(Exception):
    """The workbook has problems: nothing was written."""

    def __init__(self, problems):
        super().__init__(f"{plural(len(problems), 'problem', 'problems')} in the workbook")
        self.problems = problems


@dataclass
class Plan:
    """What an import would do, and what stands in its way."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    # What to write, filled by the planner.
    participants_new: list = field(default_factory=list)
    participants_changed: list = field(default_factory=list)
    groups_new: list = field(default_factory=list)
    groups_changed: list = field(default_factory=list)
    enrolments_new: list = field(default_factory=list)
    enrolments_changed: list = field(default_factory=list)
    assessments_new: list = field(default_factory=list)
    assessments_changed: list = field(default_factory=list)
    workshops_new: dict = field(default_factory=dict)
    workshops_changed: list = field(default_factory=list)
    providers_new: dict = field(default_factory=dict)
    sessions_new: list = field(default_factory=list)
    sessions_changed: list = field(default_factory=list)
    attendance_new: list = field(default_factory=list)
    attendance_changed: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, sheet: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(sheet, {"created": 0, "updated": 0, "unchanged": 0})[what] += n

    def note_change(self, sheet, row, key, fields) -> None:
        self.count(sheet, "updated")
        if len(self.changes) < MAX_CHANGES_SHOWN:
            self.changes.append(
                {"sheet": sheet, "row": row, "key": key, "fields": sorted(set(fields))}
            )

    def summary(self) -> dict:
        """Counts by sheet, in the order of the workbook."""
        return {sheet: self.counts[sheet] for sheet in SHEET_ORDER if sheet in self.counts}


def _unknown(kind, value) -> tuple[str, dict]:
    return f"unknown_{kind}", {"value": value}


def _duplicate(first_row) -> tuple[str, dict]:
    return "duplicate_key", {"row": first_row}


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


class _Planner:
    def __init__(self, organisation, sheets: dict[str, Sheet], plan: Plan):
        self.organisation = organisation
        self.sheets = sheets
        self.plan = plan
        self.today = timezone.localdate()

    def problem(self, sheet, row, column, code, params=None):
        """Note a problem by its code (``problems.MESSAGES``) and parameters; a pair from
        ``_unknown`` or ``_duplicate`` stands for both."""
        if isinstance(code, tuple):
            code, params = code
        self.plan.problems.append(Problem(sheet, row, column, code, params or {}))

    def _rows(self, name):
        sheet = self.sheets.get(name)
        return (sheet.rows, sheet.columns) if sheet else ([], frozenset())

    def _existing(self, queryset):
        if self.organisation is None:
            return queryset.none()
        return queryset

    def run(self):
        self.participants()
        self.groups()
        self.enrolments()
        self.assessments()
        self.sessions()
        self.attendance()

    # -- participants ----------------------------------------------------------------------

    def participants(self):
        org = self.organisation
        existing = {
            row["reference"]: row
            for row in self._existing(Participant.objects.filter(organisation=org)).values(
                "pk", "reference", *PARTICIPANT_FIELDS
            )
        }
        self.db_refs = set(existing)
        rows, columns = self._rows("participants")
        self.file_refs = {}
        niss_rows = {}
        for row in rows:
            v = row.values
            ref = v["reference"]
            if ref is None:
                continue
            if ref in self.file_refs:
                self.problem(
                    "participants", row.number, "reference", _duplicate(self.file_refs[ref])
                )
                continue
            self.file_refs[ref] = row.number
            if not row.ok:
                continue
            ok = True
            if v["birth_date"] and v["birth_date"] > self.today:
                self.problem(
                    "participants",
                    row.number,
                    "birth_date",
                    "birth_in_future",
                    {"value": _day(v["birth_date"])},
                )
                ok = False
            niss = ""
            if v.get("niss"):
                try:
                    niss = checked_niss(v["niss"], birth_date=v["birth_date"])
                except ValidationError:
                    self.problem(
                        "participants",
                        row.number,
                        "niss",
                        "niss_invalid",
                        {"value": v["niss"], "birth_date": _day(v["birth_date"])},
                    )
                    ok = False
                else:
                    if niss in niss_rows:
                        self.problem(
                            "participants",
                            row.number,
                            "niss",
                            "niss_twice",
                            {"row": niss_rows[niss][0]},
                        )
                        ok = False
                    else:
                        niss_rows[niss] = (row.number, ref)
            if not ok:
                continue
            values = {}
            for name in PARTICIPANT_FIELDS:
                column = "inactive_since" if name == "inactive_since_month_only" else name
                if column not in columns:
                    continue
                raw = v.get(column)
                if name == "niss":
                    values[name] = niss
                elif name == "inactive_since":
                    values[name] = raw[0] if raw else None
                elif name == "inactive_since_month_only":
                    values[name] = bool(raw and raw[1])
                elif name == "never_worked":
                    values[name] = bool(raw)
                elif name in ("last_name", "first_name", "gender", "birth_date"):
                    values[name] = raw
                else:
                    values[name] = raw or ""
            before = existing.get(ref)
            if before is None:
                person = Participant(organisation=org, reference=ref, **values)
                person.refresh_search_text()
                self.plan.participants_new.append(person)
                self.plan.count("participants", "created")
                continue
            changed = [name for name, value in values.items() if before[name] != value]
            if not changed:
                self.plan.count("participants", "unchanged")
                continue
            merged = {name: before[name] for name in PARTICIPANT_FIELDS} | values
            person = Participant(pk=before["pk"], organisation=org, reference=ref, **merged)
            person.refresh_search_text()
            self.plan.participants_changed.append((person, changed))
            self.plan.note_change("participants", row.number, ref, changed)
        # A number kept by a participant the file does not change is still taken.
        db_niss = {p["niss"]: r for r, p in existing.items() if p["niss"]}
        for niss, (number, ref) in niss_rows.items():
            owner = db_niss.get(niss)
            if owner and owner != ref and owner not in self.file_refs:
                self.problem(
                    "participants",
                    number,
                    "niss",
                    "niss_taken",
                    {"reference": owner},
                )

    def known_participant(self, ref) -> bool:
        return ref in self.file_refs or ref in self.db_refs

    # -- groups ----------------------------------------------------------------------------

    def groups(self):
        org = self.organisation
        existing = {
            row["name"]: row
            for row in self._existing(Group.objects.filter(organisation=org)).values(
                "pk", "name", *GROUP_FIELDS
            )
        }
        self.db_groups = set(existing)
        self.file_groups = {}
        # The groups' last days, which no enrolment may start after.
        self.group_ends = {name: row["end_date"] for name, row in existing.items()}
        for row in self._rows("groups")[0]:
            v = row.values
            name = v["name"]
            if name is None:
                continue
            if name in self.file_groups:
                self.problem("groups", row.number, "name", _duplicate(self.file_groups[name]))
                continue
            self.file_groups[name] = row.number
            if not row.ok:
                continue
            if v["end_date"] < v["start_date"]:
                self.problem(
                    "groups",
                    row.number,
                    "end_date",
                    "end_before_start",
                    {"end": _day(v["end_date"]), "start": _day(v["start_date"])},
                )
                continue
            self.group_ends[name] = v["end_date"]
            values = {name_: v[name_] for name_ in GROUP_FIELDS}
            before = existing.get(name)
            if before is None:
                self.plan.groups_new.append(Group(organisation=org, name=name, **values))
                self.plan.count("groups", "created")
                continue
            changed = [f for f, value in values.items() if before[f] != value]
            if not changed:
                self.plan.count("groups", "unchanged")
                continue
            self.plan.groups_changed.append(
                Group(pk=before["pk"], organisation=org, name=name, **values)
            )
            self.plan.note_change("groups", row.number, name, changed)

    def known_group(self, name) -> bool:
        return name in self.file_groups or name in self.db_groups

    # -- enrolments ------------------------------------------------------------------------

    def enrolments(self):
        existing = {
            (row["participant__reference"], row["group__name"]): row
            for row in self._existing(
                Enrolment.objects.filter(group__organisation=self.organisation)
            ).values("pk", "participant__reference", "group__name", *ENROLMENT_FIELDS)
        }
        self.db_enrolments = set(existing)
        self.file_enrolments = {}
        rows, columns = self._rows("enrolments")
        for row in rows:
            v = row.values
            ref, group = v["participant"], v["group"]
            if ref is None or group is None:
                continue
            key = (ref, group)
            if key in self.file_enrolments:
                self.problem(
                    "enrolments", row.number, "participant", _duplicate(self.file_enrolments[key])
                )
                continue
            self.file_enrolments[key] = row.number
            ok = row.ok
            if not self.known_participant(ref):
                self.problem("enrolments", row.number, "participant", _unknown("participant", ref))
                ok = False
            if not self.known_group(group):
                self.problem("enrolments", row.number, "group", _unknown("group", group))
                ok = False
            if not ok or not self._open_for_enrolment(row.number, group, v["start_date"]):
                continue
            values = {"start_date": v["start_date"]}
            if "exit_date" in columns or "outcome" in columns or "outcome_detail" in columns:
                values["exit_date"] = v.get("exit_date")
                values["outcome"] = v.get("outcome") or ""
                values["outcome_detail"] = v.get("outcome_detail") or ""
                if not self._check_exit(row.number, values):
                    continue
            if "qualification_gained" in columns:
                values["qualification_gained"] = v.get("qualification_gained") or ""
            before = existing.get(key)
            if before is None:
                values.setdefault("exit_date", None)
                values.setdefault("outcome", "")
                values.setdefault("outcome_detail", "")
                values.setdefault("qualification_gained", "")
                self.plan.enrolments_new.append((ref, group, values))
                self.plan.count("enrolments", "created")
                continue
            changed = [f for f, value in values.items() if before[f] != value]
            if not changed:
                self.plan.count("enrolments", "unchanged")
                continue
            merged = {f: before[f] for f in ENROLMENT_FIELDS} | values
            self.plan.enrolments_changed.append(Enrolment(pk=before["pk"], **merged))
            self.plan.note_change("enrolments", row.number, f"{ref} · {group}", changed)

    def _open_for_enrolment(self, number, group, start_date) -> bool:
        """The rule of the pages and the API: no enrolment starts after its group ended."""
        end = self.group_ends.get(group)
        if end is None or start_date is None:
            return True  # a problem of the group's row or of this one, reported already
        if Group(name=group, end_date=end).open_for_enrolment(start_date):
            return True
        self.problem(
            "enrolments", number, "start_date", "group_ended", {"group": group, "date": _day(end)}
        )
        return False

    def _check_exit(self, number, values) -> bool:
        exit_date, outcome, detail = (
            values["exit_date"],
            values["outcome"],
            values["outcome_detail"],
        )
        # A workbook may leave an outcome's detail empty (the allowance for imports).
        problems = exit_problems(
            start_date=values["start_date"],
            exit_date=exit_date,
            outcome=outcome,
            detail=detail,
            imported=True,
        )
        if not problems:
            return True
        problem = problems[0]
        params = {}
        if problem is ExitProblem.EXIT_BEFORE_START:
            params = {"exit": _day(exit_date), "start": _day(values["start_date"])}
        elif problem is ExitProblem.DETAIL_NOT_OF_OUTCOME:
            details = OUTCOME_DETAILS[ExitOutcome(outcome)]
            allowed = ", ".join(details.values) if details else "—"
            params = {"detail": detail, "outcome": outcome, "allowed": allowed}
        self.problem("enrolments", number, problem.field, problem.code, params)
        return False

    # -- assessments -----------------------------------------------------------------------

    def assessments(self):
        existing = {}
        if self.organisation is not None:
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
        seen = {}
        rows, columns = self._rows("assessments")
        domains = [domain for domain in Domain.values if domain in columns]
        # A workbook without the column (one made before durations were kept) leaves
        # the stored durations as they are, and new assessments without one.
        with_duration = "duration_minutes" in columns
        for row in rows:
            v = row.values
            ref, group, moment = v["participant"], v["group"], v["moment"]
            if ref is None or group is None or moment is None:
                continue
            key = (ref, group, moment)
            if key in seen:
                self.problem("assessments", row.number, "participant", _duplicate(seen[key]))
                continue
            seen[key] = row.number
            if not row.ok:
                continue
            if (ref, group) not in self.file_enrolments and (ref, group) not in self.db_enrolments:
                self.problem(
                    "assessments",
                    row.number,
                    "group",
                    "unknown_enrolment",
                    {"participant": ref, "group": group},
                )
                continue
            ratings = {domain: v.get(domain) for domain in domains}
            before = existing.get(key)
            if before is None:
                minutes = v["duration_minutes"] if with_duration else None
                self.plan.assessments_new.append((ref, group, moment, v["date"], minutes, ratings))
                self.plan.count("assessments", "created")
                continue
            minutes = v["duration_minutes"] if with_duration else before["duration_minutes"]
            changed = [] if before["date"] == v["date"] else ["date"]
            if minutes != before["duration_minutes"]:
                changed.append("duration_minutes")
            changed += [
                domain
                for domain, rating in ratings.items()
                if before["ratings"].get(domain, (None, None))[1] != rating
            ]
            if not changed:
                self.plan.count("assessments", "unchanged")
                continue
            self.plan.assessments_changed.append((before, v["date"], minutes, ratings))
            self.plan.note_change("assessments", row.number, f"{ref} · {group} · {moment}", changed)

    # -- sessions --------------------------------------------------------------------------

    def sessions(self):
        org = self.organisation
        workshops = {
            row["name"]: row
            for row in self._existing(Workshop.objects.filter(organisation=org)).values(
                "pk", "name", "axis"
            )
        }
        self.workshops = workshops
        providers = {
            row["name"]: row["pk"]
            for row in self._existing(Provider.objects.filter(organisation=org)).values(
                "pk", "name"
            )
        }
        existing = {}
        for row in self._existing(Session.objects.filter(organisation=org)).values(
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
                session__organisation=org
            ).values_list("session_id", "group__name"):
                by_pk[session_id]["groups"].add(group_name)
        self.db_sessions = {key: row["pk"] for key, row in existing.items()}
        self.file_sessions = {}
        axis_rows = {}
        rows, columns = self._rows("sessions")
        for row in rows:
            v = row.values
            workshop, day, start = v["workshop"], v["date"], v["start_time"]
            if workshop is None or day is None or start is None:
                continue
            key = (workshop, day, start)
            if key in self.file_sessions:
                self.problem(
                    "sessions", row.number, "workshop", _duplicate(self.file_sessions[key])
                )
                continue
            self.file_sessions[key] = row.number
            if not row.ok:
                continue
            ok = True
            if v["end_time"] <= start:
                self.problem(
                    "sessions",
                    row.number,
                    "end_time",
                    "end_not_after_start",
                    {"end": v["end_time"].strftime("%H:%M"), "start": start.strftime("%H:%M")},
                )
                ok = False
            kind, provider = v["provider_kind"], v.get("provider") or ""
            if kind == ProviderKind.TEAM and provider:
                self.problem(
                    "sessions",
                    row.number,
                    "provider",
                    "team_names_provider",
                )
                ok = False
            if kind != ProviderKind.TEAM and not provider:
                self.problem(
                    "sessions",
                    row.number,
                    "provider",
                    "provider_missing",
                )
                ok = False
            for group in v["groups"]:
                if not self.known_group(group):
                    self.problem("sessions", row.number, "groups", _unknown("group", group))
                    ok = False
            axis = v["axis"]
            if workshop in axis_rows and axis_rows[workshop][0] != axis:
                self.problem(
                    "sessions",
                    row.number,
                    "axis",
                    "workshop_two_axes",
                    {
                        "workshop": workshop,
                        "axis": axis_rows[workshop][0],
                        "row": axis_rows[workshop][1],
                    },
                )
                ok = False
            axis_rows.setdefault(workshop, (axis, row.number))
            if not ok:
                continue
            if workshop not in workshops and workshop not in self.plan.workshops_new:
                self.plan.workshops_new[workshop] = axis
                self.plan.count("workshops", "created")
            if provider and provider not in providers and provider not in self.plan.providers_new:
                self.plan.providers_new[provider] = kind
                self.plan.count("providers", "created")
            values = {
                "provider_kind": kind,
                "provider": provider,
                "end_time": v["end_time"],
            }
            if "cancelled" in columns:
                values["cancelled"] = bool(v.get("cancelled"))
            groups = set(v["groups"])
            before = existing.get(key)
            if before is None:
                values.setdefault("cancelled", False)
                self.plan.sessions_new.append((key, values, groups))
                self.plan.count("sessions", "created")
                continue
            changed = [f for f, value in values.items() if before[f] != value]
            if before["groups"] != groups:
                changed.append("groups")
            if not changed:
                self.plan.count("sessions", "unchanged")
                continue
            self.plan.sessions_changed.append((before, values, groups, changed))
            self.plan.note_change(
                "sessions", row.number, f"{workshop} · {_day(day)} {start:%H:%M}", changed
            )
        for workshop, (axis, number) in axis_rows.items():
            if workshop in workshops and workshops[workshop]["axis"] != axis:
                self.plan.workshops_changed.append((workshops[workshop]["pk"], axis))
                self.plan.note_change("workshops", number, workshop, ["axis"])

    # -- attendance ------------------------------------------------------------------------

    def attendance(self):
        rows = self._rows("attendance")[0]
        if not rows:
            return
        existing = {}
        if self.organisation is not None and self.db_sessions:
            refs = dict(
                Participant.objects.filter(organisation=self.organisation).values_list(
                    "pk", "reference"
                )
            )
            session_keys = {pk: key for key, pk in self.db_sessions.items()}
            for pk, session_id, participant_id, status in Attendance.objects.filter(
                session__organisation=self.organisation
            ).values_list("pk", "session_id", "participant_id", "status"):
                existing[(refs[participant_id], session_keys[session_id])] = (pk, status)
        seen = {}
        file_refs, db_refs = self.file_refs, self.db_refs
        file_sessions, db_sessions = self.file_sessions, self.db_sessions
        new, changed_rows = self.plan.attendance_new, self.plan.attendance_changed
        created = unchanged = 0
        for row in rows:
            v = row.values
            ref, workshop, day, start = v["participant"], v["workshop"], v["date"], v["start_time"]
            if ref is None or workshop is None or day is None or start is None:
                continue
            session = (workshop, day, start)
            key = (ref, session)
            if key in seen:
                self.problem("attendance", row.number, "participant", _duplicate(seen[key]))
                continue
            seen[key] = row.number
            ok = row.ok
            if ref not in file_refs and ref not in db_refs:
                self.problem("attendance", row.number, "participant", _unknown("participant", ref))
                ok = False
            if session not in file_sessions and session not in db_sessions:
                self.problem(
                    "attendance",
                    row.number,
                    "workshop",
                    _unknown("session", f"'{workshop}' {_day(day)} {start:%H:%M}"),
                )
                ok = False
            if not ok:
                continue
            before = existing.get(key)
            status = v["status"]
            if before is None:
                new.append((ref, session, status))
                created += 1
            elif before[1] != status:
                changed_rows.append((before[0], status))
                self.plan.note_change(
                    "attendance",
                    row.number,
                    f"{ref} · {workshop} · {_day(day)} {start:%H:%M}",
                    ["status"],
                )
            else:
                unchanged += 1
        if created:
            self.plan.count("attendance", "created", created)
        if unchanged:
            self.plan.count("attendance", "unchanged", unchanged)


def analyse_workbook(
    organisation, source, *, progress: Callable[[int], None] | None = None
) -> Plan:
    """Read and check the workbook ``source`` (a path, bytes or a file) for
    ``organisation`` (None for one that does not exist yet). Writes nothing."""
    read = read_workbook(source, progress=progress)
    plan = Plan(problems=list(read.problems))
    if not read.readable:
        return plan
    _Planner(organisation, read.sheets, plan).run()
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
