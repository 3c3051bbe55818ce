"""Writes on individual projects, each audited.

A version is written while it is a draft; recording its signature date makes it signed
and from then on nothing changes it: a change is an amendment, a new version to sign.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record, delete_record, update_record
from parcours.audit.versions import claim_version
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment
from parcours.projects.enums import EvaluationOutcome
from parcours.projects.models import (
    Evaluation,
    EvaluationInterval,
    OtherParty,
    Project,
    ProjectVersion,
)

# Another party of a project: its name, role and commitments.
type Party = Mapping[str, str]


def _refuse_anonymised(participant: Participant) -> None:
    if participant.anonymised_on is not None:
        raise ValidationError(_("This file has been anonymised: it can no longer be changed."))


def _add_parties(version: ProjectVersion, parties: Iterable[Party], *, by: User) -> None:
    for position, party in enumerate(parties):
        create_record(obj=OtherParty(version=version, position=position, **party), by=by)


@transaction.atomic
def evaluation_interval_set(
    *, organisation: Organisation, months: int, by: User
) -> EvaluationInterval:
    """Set how many months apart the organisation's projects are evaluated."""
    interval = (
        EvaluationInterval.objects.select_for_update().filter(organisation=organisation).first()
    )
    if interval is None:
        return create_record(
            obj=EvaluationInterval(organisation=organisation, months=months), by=by
        )
    return update_record(obj=interval, by=by, months=months)


@transaction.atomic
def project_create(
    *,
    enrolment: Enrolment,
    objectives: str,
    participant_commitments: str,
    cpas_commitments: str,
    social_worker: User | None,
    by: User,
    other_parties: Iterable[Party] = (),
) -> Project:
    """Draw up the project of ``enrolment``: the project and its first version, a draft.
    ``other_parties`` are dicts of name, role and commitments."""
    _refuse_anonymised(enrolment.participant)
    if Project.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("This enrolment already has an individual project."))
    project = create_record(
        obj=Project(
            organisation_id=enrolment.group.organisation_id,
            enrolment=enrolment,
            participant=enrolment.participant,
        ),
        by=by,
    )
    version = create_record(
        obj=ProjectVersion(
            project=project,
            number=1,
            objectives=objectives,
            participant_commitments=participant_commitments,
            cpas_commitments=cpas_commitments,
            social_worker=social_worker,
            created_by=by,
        ),
        by=by,
    )
    _add_parties(version, other_parties, by=by)
    return project


def latest_version(project: Project) -> ProjectVersion | None:
    return ProjectVersion.objects.filter(project=project).order_by("-number").first()


@transaction.atomic
def project_change(
    *,
    project: Project,
    by: User,
    version: int | None,
    other_parties: Iterable[Party] = (),
    amendment_reason: str = "",
    **fields: Any,
) -> ProjectVersion:
    """Save a change to the project. On a draft, the draft is changed if ``version`` is
    still its stored one (``StaleVersion`` otherwise); once the latest version is signed,
    the change becomes the next version, an amendment; an amendment needs its reason."""
    _refuse_anonymised(project.participant)
    current = (
        ProjectVersion.objects.select_for_update()
        .filter(project=project)
        .order_by("-number")
        .first()
    )
    if current is None:  # a project is drawn up with its first version
        raise ProjectVersion.DoesNotExist(f"{project} has no version.")
    if (current.is_signed or current.is_amendment) and not amendment_reason.strip():
        raise ValidationError({"amendment_reason": _("Say why the project is amended.")})
    if current.is_signed:
        amended = create_record(
            obj=ProjectVersion(
                project=project,
                number=current.number + 1,
                amendment_reason=amendment_reason.strip(),
                created_by=by,
                **fields,
            ),
            by=by,
        )
        _add_parties(amended, other_parties, by=by)
        return amended
    claim_version(current, version)
    update_record(obj=current, by=by, amendment_reason=amendment_reason.strip(), **fields)
    for party in current.other_parties.all():
        delete_record(obj=party, by=by)
    _add_parties(current, other_parties, by=by)
    return current


@transaction.atomic
def version_sign(
    *,
    version: ProjectVersion,
    signed_on: datetime.date,
    place: str,
    by: User,
    form_version: int | None = None,
) -> ProjectVersion:
    """Record that the version was signed on ``signed_on`` at ``place``: it is signed
    and cannot change any more. Not in the future, nor before the signature of the
    version it amends."""
    _refuse_anonymised(version.project.participant)
    if version.is_signed:
        raise ValidationError(_("This version is already signed."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("A signature cannot be dated in the future.")})
    earlier = (
        ProjectVersion.objects.filter(project=version.project, number__lt=version.number)
        .exclude(signed_on=None)
        .order_by("-number")
        .values_list("signed_on", flat=True)
        .first()
    )
    if earlier is not None and signed_on < earlier:
        raise ValidationError(
            {"signed_on": _("An amendment cannot be signed before the version it amends.")}
        )
    if not place.strip():
        raise ValidationError({"signed_at_place": _("Say where the project was signed.")})
    claim_version(version, form_version)
    return update_record(obj=version, by=by, signed_on=signed_on, signed_at_place=place.strip())


@transaction.atomic
def evaluation_record(
    *, project: Project, date: datetime.date, outcome: str, notes: str, by: User
) -> Evaluation:
    """Record an evaluation held with the participant. Only a signed project is
    evaluated, not before its signature nor in the future, and no more once ended."""
    _refuse_anonymised(project.participant)
    # Locked: two evaluations recorded at once both see whether the project has ended.
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    first_signed = (
        ProjectVersion.objects.filter(project=project)
        .exclude(signed_on=None)
        .order_by("signed_on")
        .values_list("signed_on", flat=True)
        .first()
    )
    if first_signed is None:
        raise ValidationError(_("The project is evaluated once it is signed."))
    if Evaluation.objects.filter(project=project, outcome=EvaluationOutcome.END).exists():
        raise ValidationError(_("This project has ended: it is not evaluated any more."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("An evaluation cannot be dated in the future.")})
    if date < first_signed:
        raise ValidationError({"date": _("An evaluation cannot come before the signature.")})
    return create_record(
        obj=Evaluation(project=project, date=date, outcome=outcome, notes=notes.strip(), author=by),
        by=by,
    )
