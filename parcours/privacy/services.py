"""Retention, anonymisation and erasure of participants' files.

What the two operations do, precisely (the data protection officer signs this list):

Anonymisation (the end of the retention period, approved by the coordinator) removes
everything that names or reaches the person and every free text written about them:
- last and first name, national register number, phone, e-mail, address, postal code,
  town, the referral detail (often a person's name), the link to the social worker in
  charge, and the file reference (the CPAS's number leads back to its other files): it
  becomes ``ANON-<id>``;
- the birth date, reduced to its year (``coarse_birth_date`` says which day is kept);
- the notes of interventions, the comment of literacy tests, the overall note and the
  domain comments of assessments, the text and the "who" of the actions, the note of
  the follow-ups after exit;
- in the audit trail, every value written about the person (``forget_subject`` destroys
  the key they were encrypted with).
It keeps what the yearly figures (parcours/reporting/figures.py) read: gender, country of
birth, nationality, qualification, work history, French level and course, how the person
was referred, the proof of CPAS support, the enrolments with their dates and outcomes,
the assessments' dates and ratings, the attendance marks, the interventions' dates,
durations and kinds, the literacy levels, the consents, the individual projects' versions
with their signature dates and their evaluations' dates and outcomes. Every yearly figure, open or
closed year, is the same before and after.

Erasure on request (art. 17 GDPR) is an anonymisation that also deletes what no figure
reads: the consents, the literacy tests, the action plan, the follow-ups after exit, the
domains of the interventions, the other parties of the individual projects, and clears
the nationality and how the person was referred.
It keeps, as the figures need them, the same rows as an anonymisation, and two proofs the
funders' controls require (art. 17(3)(b)): the attendance marks (the hours charged to a
grant) and the proof of CPAS support (the federal subsidy only pays for supported people).
Both delete the person's photo, file included (``participants.photos.photo_delete``), and
every file of the organisation prepared for download and not yet deleted (an export or
a pack may list the person; ``downloads``); an erasure also deletes the log of the
reminders sent to the person (``reminders.MessageLog``, which holds no text). An
erasure needs the enrolments closed first:
a person erased while still in a group would stay on its registers.

Neither keeps the removed values anywhere: the audit rows say which file was processed,
by whom and when, never what it held. The space the old values took is wiped once the
transaction is committed (``_wipe_freed_space``).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.assessments.models import Action, Assessment, DomainRating
from parcours.audit.services import create_record, forget_subject, update_record
from parcours.downloads.models import Download
from parcours.participants.models import (
    Consent,
    Intervention,
    InterventionDomain,
    LiteracyTest,
    Participant,
)
from parcours.participants.photos import photo_delete
from parcours.privacy.enums import ProcessingKind
from parcours.privacy.models import ProcessedFile, Processing, RetentionPolicy
from parcours.privacy.selectors import files_due
from parcours.programme.models import Enrolment, ExitFollowUp
from parcours.projects.models import Evaluation, OtherParty, ProjectVersion
from parcours.reminders.models import MessageLog

# Where a person's values live, so where the freed space is wiped after a processing.
PERSONAL_DATA_APPS = (
    "participants",
    "programme",
    "assessments",
    "projects",
    "attendance",
    "audit",
    "privacy",
    "downloads",
    "reminders",
)

ANONYMOUS_REFERENCE = "ANON-{pk}"


def coarse_birth_date(
    birth: datetime.date, reference_dates: Iterable[datetime.date]
) -> datetime.date:
    """The earliest day of the birth year that gives the same age in whole years as
    ``birth`` on every one of ``reference_dates``.

    The age of the figures is taken on the start of an enrolment (statistics.md), so no
    fixed day keeps it: with 1 January everyone born later in the year would look one
    year older at an enrolment starting before their birthday, with 1 July (or 31
    December) those born earlier would look younger. The age on a day only depends on
    whether the birthday has passed on that day's month and day; the day kept is the day
    after the last enrolment start (month and day) that comes before the birthday, or 1
    January when none does. It gives away no more than the figures themselves: which
    enrolment starts came before the birthday."""
    birthday = (birth.month, birth.day)
    before = [(day.month, day.day) for day in reference_dates if (day.month, day.day) < birthday]
    if not before:
        return datetime.date(birth.year, 1, 1)
    month, day = max(before)
    try:
        last_before = datetime.date(birth.year, month, day)
    except ValueError:  # 29 February of a leap year's start, in a common birth year
        last_before = datetime.date(birth.year, 2, 28)
    return last_before + datetime.timedelta(days=1)


@transaction.atomic
def retention_policy_set(*, organisation: Organisation, years: int, by: User) -> RetentionPolicy:
    """Set the organisation's retention period (created the first time)."""
    policy = RetentionPolicy.objects.select_for_update().filter(organisation=organisation).first()
    if policy is None:
        return create_record(obj=RetentionPolicy(organisation=organisation, years=years), by=by)
    return update_record(obj=policy, by=by, years=years)


@transaction.atomic
def anonymise_inactive(
    *,
    organisation: Organisation,
    inactive_before: datetime.date,
    by: User | None,
    only: Iterable[int] | None = None,
) -> Processing | None:
    """Anonymise the files due on ``inactive_before`` (all, or those of ``only``, ids),
    approved by ``by`` (None from the command line). Files no longer due by the time of
    the approval (a new enrolment, already anonymised) are left alone. None when no file
    was due."""
    due = files_due(organisation, inactive_before=inactive_before)
    if only is not None:
        due = due.filter(pk__in=list(only))
    candidates = list(due.values_list("pk", flat=True))
    # Locked, then checked again: a mark or an enrolment written meanwhile keeps the file.
    list(Participant.objects.select_for_update().filter(pk__in=candidates).values_list("pk"))
    ids = list(due.filter(pk__in=candidates).values_list("pk", flat=True))
    if not ids:
        return None
    processing = create_record(
        obj=Processing(
            organisation=organisation,
            kind=ProcessingKind.ANONYMISATION,
            approved_by=by,
            inactive_before=inactive_before,
            file_count=len(ids),
        ),
        by=by,
    )
    _anonymise(ids, processing=processing, by=by, erase=False)
    return processing


@transaction.atomic
def erase_file(*, participant: Participant, reason: str, by: User) -> Processing:
    """Erase ``participant``'s file on request (art. 17 GDPR), for ``reason``."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.anonymised_on is not None:
        raise ValidationError(_("This file is already anonymised."))
    if Enrolment.objects.open().filter(participant=locked).exists():
        raise ValidationError(
            _(
                "Record the exit of the enrolment under way first: an erased person cannot "
                "stay in a group."
            )
        )
    processing = create_record(
        obj=Processing(
            organisation_id=locked.organisation_id,
            kind=ProcessingKind.ERASURE,
            approved_by=by,
            erasure_reason=reason,
            file_count=1,
        ),
        by=by,
    )
    _anonymise([locked.pk], processing=processing, by=by, erase=True)
    return processing


def _anonymise(ids: list[int], *, processing: Processing, by: User | None, erase: bool) -> None:
    if connection.vendor == "sqlite":
        # Freed bytes are overwritten with zeros instead of lingering in the file's pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    for participant in Participant.objects.filter(pk__in=ids).exclude(photo=""):
        photo_delete(participant=participant, by=by)
    _strip_participants(ids, erase=erase)
    _strip_records(ids, erase=erase)
    people = Participant.objects.filter(pk__in=ids).order_by("pk")
    for participant in people:
        create_record(obj=ProcessedFile(processing=processing, participant=participant), by=by)
    # Last, so that no row about the person written above keeps a readable key.
    for participant_id in ids:
        forget_subject(participant_id=participant_id, organisation_id=processing.organisation_id)
    transaction.on_commit(_wipe_freed_space)


def _strip_participants(ids: list[int], *, erase: bool) -> None:
    starts: defaultdict[int, list[datetime.date]] = defaultdict(list)
    for participant_id, start in Enrolment.objects.filter(participant_id__in=ids).values_list(
        "participant_id", "start_date"
    ):
        starts[participant_id].append(start)
    people = Participant.objects.filter(pk__in=ids)
    coarse = [
        Participant(
            pk=pk,
            birth_date=coarse_birth_date(birth, starts[pk]),
            reference=ANONYMOUS_REFERENCE.format(pk=pk),
        )
        for pk, birth in people.values_list("pk", "birth_date")
    ]
    Participant.objects.bulk_update(coarse, ["birth_date", "reference"], batch_size=500)
    cleared = {
        "last_name": "",
        "first_name": "",
        "niss": "",
        "phone": "",
        "email": "",
        "address": "",
        "postal_code": "",
        "city": "",
        "referral_detail": "",
        "social_worker": None,
        "search_text": "",
        "anonymised_on": timezone.localdate(),
    }
    if erase:
        cleared |= {"nationality": "", "referred_by": ""}
    people.update(**cleared)


def _strip_records(ids: list[int], *, erase: bool) -> None:
    Intervention.objects.filter(participant_id__in=ids).update(notes="")
    Assessment.objects.filter(enrolment__participant_id__in=ids).update(overall_note="")
    DomainRating.objects.filter(assessment__enrolment__participant_id__in=ids).update(comment="")
    ProjectVersion.objects.filter(project__participant_id__in=ids).update(
        objectives="",
        participant_commitments="",
        cpas_commitments="",
        amendment_reason="",
        signed_at_place="",
    )
    Evaluation.objects.filter(project__participant_id__in=ids).update(notes="")
    organisation_ids = Participant.objects.filter(pk__in=ids).values("organisation_id")
    Download.objects.filter(organisation_id__in=organisation_ids).exclude(content=b"").update(
        content=b"", purged_at=timezone.now()
    )
    if erase:
        MessageLog.objects.filter(participant_id__in=ids).delete()
        Consent.objects.filter(participant_id__in=ids).delete()
        LiteracyTest.objects.filter(participant_id__in=ids).delete()
        Action.objects.filter(enrolment__participant_id__in=ids).delete()
        ExitFollowUp.objects.filter(enrolment__participant_id__in=ids).delete()
        InterventionDomain.objects.filter(intervention__participant_id__in=ids).delete()
        OtherParty.objects.filter(version__project__participant_id__in=ids).delete()
    else:
        LiteracyTest.objects.filter(participant_id__in=ids).update(comment="")
        Action.objects.filter(enrolment__participant_id__in=ids).update(
            description="", own_words="", responsible=""
        )
        ExitFollowUp.objects.filter(enrolment__participant_id__in=ids).update(note="")
        OtherParty.objects.filter(version__project__participant_id__in=ids).update(
            name="", role="", commitments=""
        )


def personal_data_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for label in PERSONAL_DATA_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    )


def _wipe_freed_space() -> None:
    """Make the old values unrecoverable from the database's files, after the commit (a
    VACUUM cannot run in a transaction).

    PostgreSQL keeps the old row versions until a VACUUM removes them; SQLite (with
    secure_delete on during the processing) zeroes the freed bytes of its pages, and a
    checkpoint writes the clean pages back over the old ones in the database file."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in personal_data_tables():
                cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
