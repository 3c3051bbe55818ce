"""The right of access (GDPR art. 15): everything Parcours holds about one person.

``participant_data`` gathers the file into plain values (the JSON export, and the context
of the PDF): dates stay ``date`` objects (ISO in JSON through DjangoJSONEncoder), every
code comes with its label in the active language so that the person can read the file.
It reads the file in a fixed number of queries, whatever its history.

``render_pdf`` turns the same data into an A4 document with WeasyPrint, without any
network access: the stylesheet is inline and the URL fetcher refuses everything.
"""

import re

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from parcours.assessments.charts import journey_context
from parcours.assessments.easy_read import LEVEL_WORDS
from parcours.assessments.enums import ActionStatus, Moment, Rating
from parcours.assessments.models import Action, Assessment, SelfAssessment
from parcours.assessments.progress import MOMENTS
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.core.pdf import html_document, write_pdf
from parcours.funding.enums import ExpenseCategory, PasPart
from parcours.funding.models import Expense
from parcours.participants.enums import (
    ISCED_LEVELS,
    Answer,
    ConsentPurpose,
    CpasProofKind,
    FrenchLevel,
    Gender,
    InterventionKind,
    LabourMarketStatus,
    LanguageCourse,
    LiteracyLevel,
    Orientation,
    QualificationLevel,
    Recognition,
    Referrer,
    UnemploymentDuration,
)
from parcours.participants.models import Intervention, LiteracyTest
from parcours.participants.niss import format_niss
from parcours.programme.enums import (
    OUTCOME_DETAILS,
    ExitOutcome,
    FollowUpSituation,
    ProcessType,
    YesNo,
)
from parcours.programme.models import Enrolment, ExitFollowUp
from parcours.projects.enums import EvaluationOutcome
from parcours.projects.models import Evaluation, ProjectVersion

EXPORT_FORMAT = "parcours.participant-export"
EXPORT_VERSION = 1

_DOMAIN_ORDER = {code: rank for rank, code in enumerate(Domain.values)}


def _choice(choices, code):
    """``{"code", "label"}`` for a code of ``choices``; None when the field is empty."""
    if not code:
        return None
    labels = dict(choices.choices)
    return {"code": code, "label": str(labels.get(code, code))}


def _country(country):
    """``{"code", "label"}`` for a country (ISO 3166-1 code and its name); None when empty."""
    if not country:
        return None
    return {"code": country.code, "label": str(country.name)}


def _name(user):
    """A member of staff, by name only."""
    if user is None:
        return None
    return user.get_full_name() or user.username


def _inactive_since(participant):
    day = participant.inactive_since
    if day is None:
        return None
    if participant.inactive_since_month_only:
        return {"value": day.strftime("%Y-%m"), "label": date_format(day, "YEAR_MONTH_FORMAT")}
    return {"value": day.isoformat(), "label": date_format(day, "DATE_FORMAT")}


def _qualification(participant):
    level = _choice(QualificationLevel, participant.qualification_level)
    if level is not None:
        low, high = ISCED_LEVELS[QualificationLevel(participant.qualification_level)]
        level["isced"] = {"from": low, "to": high}
    return level


def _outcome_detail(enrolment):
    if not enrolment.outcome_detail:
        return None
    details = OUTCOME_DETAILS.get(enrolment.outcome)
    if details is None:
        return {"code": enrolment.outcome_detail, "label": enrolment.outcome_detail}
    return _choice(details, enrolment.outcome_detail)


def _ratings(assessment):
    """The seven domains in their order, each with its rating (None: not concerned)."""
    stored = {row.domain: row for row in assessment.ratings.all()}
    ratings = []
    for domain in Domain.values:
        row = stored.get(domain)
        rating = row.rating if row is not None else None
        ratings.append(
            {
                "domain": _choice(Domain, domain),
                "rating": rating,
                "rating_label": (
                    str(Rating(rating).label) if rating is not None else gettext("not concerned")
                ),
                "comment": row.comment if row is not None else "",
            }
        )
    return ratings


def _assessment(assessment):
    return {
        "moment": _choice(Moment, assessment.moment),
        "date": assessment.date,
        "duration_minutes": assessment.duration_minutes,
        "author": _name(assessment.author),
        "overall_note": assessment.overall_note,
        "ratings": _ratings(assessment),
    }


def _self_assessment(self_assessment):
    """The person's own answers on the tablet, in the words they chose from; only the
    domains they answered or skipped (None: skipped)."""
    answers = {row.domain: row.rating for row in self_assessment.ratings.all()}
    return {
        "moment": _choice(Moment, self_assessment.moment),
        "date": self_assessment.date,
        "language": self_assessment.language,
        "handed_over_by": _name(self_assessment.started_by),
        "answers": [
            {
                "domain": _choice(Domain, domain),
                "rating": answers[domain],
                "answer": str(LEVEL_WORDS[answers[domain]])
                if answers[domain] is not None
                else gettext("skipped"),
            }
            for domain in Domain.values
            if domain in answers
        ],
    }


def _action(action, moments):
    """An action of the plan; ``moments`` gives the moment of each of the enrolment's
    assessments, for the one where the action was agreed and last reviewed."""
    return {
        "domain": _choice(Domain, action.domain),
        "description": action.description,
        "own_words": action.own_words,
        "responsible": action.responsible,
        "due_date": action.due_date,
        "status": _choice(ActionStatus, action.status),
        "agreed_at": _choice(Moment, moments.get(action.agreed_at_id)),
        "reviewed_at": _choice(Moment, moments.get(action.reviewed_at_id)),
    }


def _follow_up(enrolment):
    """The follow-up six months after the exit; None before the exit."""
    try:
        follow_up = enrolment.follow_up
    except ExitFollowUp.DoesNotExist:
        return None
    if follow_up is None:
        return None
    return {
        "due_on": follow_up.due_on,
        "situation": _choice(FollowUpSituation, follow_up.situation),
        "better_situation": _choice(YesNo, follow_up.better_situation),
        "recorded_on": follow_up.recorded_on,
        "recorded_by": _name(follow_up.recorded_by),
        "note": follow_up.note,
    }


def _project(enrolment):
    """The individual project of the enrolment, every version and evaluation; None
    when none was drawn up."""
    try:
        project = enrolment.project
    except ObjectDoesNotExist:
        return None
    if project is None:
        return None
    return {
        "versions": [
            {
                "number": version.number,
                "objectives": version.objectives,
                "participant_commitments": version.participant_commitments,
                "cpas_commitments": version.cpas_commitments,
                "social_worker": _name(version.social_worker),
                "amendment_reason": version.amendment_reason,
                "signed_on": version.signed_on,
                "signed_at": version.signed_at_place,
                "other_parties": [
                    {"name": party.name, "role": party.role, "commitments": party.commitments}
                    for party in version.other_parties.all()
                ],
            }
            for version in project.versions.all()
        ],
        "evaluations": [
            {
                "date": evaluation.date,
                "outcome": _choice(EvaluationOutcome, evaluation.outcome),
                "notes": evaluation.notes,
                "by": _name(evaluation.author),
            }
            for evaluation in project.evaluations.all()
        ],
    }


def _enrolment(enrolment):
    assessments = list(enrolment.assessments.all())
    moments = {assessment.pk: assessment.moment for assessment in assessments}
    return {
        "group": enrolment.group.name,
        "process_type": _choice(ProcessType, enrolment.group.process_type),
        "start_date": enrolment.start_date,
        "exit_date": enrolment.exit_date,
        "outcome": _choice(ExitOutcome, enrolment.outcome),
        "outcome_detail": _outcome_detail(enrolment),
        "qualification_gained": _choice(YesNo, enrolment.qualification_gained),
        "assessments": [_assessment(assessment) for assessment in assessments],
        "self_assessments": [_self_assessment(one) for one in enrolment.self_assessments.all()],
        "actions": [_action(action, moments) for action in enrolment.actions.all()],
        "follow_up": _follow_up(enrolment),
        "project": _project(enrolment),
    }


def participant_data(participant, *, exported_by=None, now=None) -> dict:
    """Everything the application holds about ``participant``, readable as it is."""
    prefetch_related_objects([participant], "organisation", "social_worker")
    consents = participant.consents.select_related("collected_by").order_by("given_on", "id")
    enrolments = (
        Enrolment.objects.filter(participant=participant)
        .select_related("group", "follow_up__recorded_by", "project")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("author")
                .prefetch_related("ratings")
                .order_by("date", "id"),
            ),
            Prefetch(
                "self_assessments",
                queryset=SelfAssessment.objects.select_related("started_by")
                .prefetch_related("ratings")
                .order_by("date", "id"),
            ),
            Prefetch("actions", queryset=Action.objects.order_by("due_date", "id")),
            Prefetch(
                "project__versions",
                queryset=ProjectVersion.objects.select_related("social_worker")
                .prefetch_related("other_parties")
                .order_by("number"),
            ),
            Prefetch(
                "project__evaluations",
                queryset=Evaluation.objects.select_related("author").order_by("date", "id"),
            ),
        )
        .order_by("start_date", "id")
    )
    interventions = (
        Intervention.objects.filter(participant=participant)
        .select_related("author")
        .prefetch_related("domains")
        .order_by("date", "id")
    )
    literacy_tests = (
        LiteracyTest.objects.filter(participant=participant)
        .select_related("examiner")
        .order_by("date", "id")
    )
    now = timezone.localtime(now or timezone.now())

    return {
        "export": {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "organisation": participant.organisation.name,
            "exported_at": now,
            "exported_by": _name(exported_by),
            "language": get_language(),
        },
        "identity": {
            "reference": participant.reference,
            "last_name": participant.last_name,
            "first_name": participant.first_name,
            "gender": _choice(Gender, participant.gender),
            "birth_date": participant.birth_date,
            "birth_country": _country(participant.birth_country),
            "nationality": _country(participant.nationality),
            "national_register_number": format_niss(participant.niss) or None,
            "file_created_at": timezone.localtime(participant.created_at),
        },
        "contact": {
            "phone": participant.phone or None,
            "email": participant.email or None,
            "address": participant.address or None,
            "postal_code": participant.postal_code or None,
            "city": participant.city or None,
        },
        "profile": {
            "qualification_level": _qualification(participant),
            "qualification_recognised": _choice(Recognition, participant.qualification_recognised),
            "never_worked": participant.never_worked,
            "inactive_since": _inactive_since(participant),
            "french_level": _choice(FrenchLevel, participant.french_level),
            "language_course": _choice(LanguageCourse, participant.language_course),
            "labour_market_status": _choice(LabourMarketStatus, participant.labour_market_status),
            "unemployment_duration": _choice(
                UnemploymentDuration, participant.unemployment_duration
            ),
            "housing_exclusion": _choice(Answer, participant.housing_exclusion),
            "rural_area": _choice(Answer, participant.rural_area),
            "disability": _choice(Answer, participant.disability),
            "foreign_background": _choice(Answer, participant.foreign_background),
            "minority": _choice(Answer, participant.minority),
        },
        "referral": {
            "referred_by": _choice(Referrer, participant.referred_by),
            "detail": participant.referral_detail or None,
        },
        "social_worker": _name(participant.social_worker),
        "cpas_support_proof": (
            {
                "kind": _choice(CpasProofKind, participant.cpas_proof_kind),
                "date": participant.cpas_proof_date,
            }
            if participant.cpas_proof_kind
            else None
        ),
        "consents": [
            {
                "purpose": _choice(ConsentPurpose, consent.purpose),
                "given_on": consent.given_on,
                "collected_by": _name(consent.collected_by),
                "withdrawn_on": consent.withdrawn_on,
            }
            for consent in consents
        ],
        "enrolments": [_enrolment(enrolment) for enrolment in enrolments],
        "interventions": [
            {
                "date": intervention.date,
                "duration_minutes": intervention.duration_minutes,
                "kind": _choice(InterventionKind, intervention.kind),
                "domains": [
                    _choice(Domain, row.domain)
                    for row in sorted(
                        intervention.domains.all(),
                        key=lambda row: _DOMAIN_ORDER.get(row.domain, len(_DOMAIN_ORDER)),
                    )
                ],
                "notes": intervention.notes,
                "author": _name(intervention.author),
            }
            for intervention in interventions
        ],
        "literacy_tests": [
            {
                "date": test.date,
                "duration_minutes": test.duration_minutes,
                "examiner": _name(test.examiner),
                **{skill: _choice(LiteracyLevel, getattr(test, skill)) for skill in test.SKILLS},
                "orientation": _choice(Orientation, test.orientation),
                "comment": test.comment,
            }
            for test in literacy_tests
        ],
        "attendance": [
            {
                "date": mark.session.date,
                "start_time": mark.session.start_time,
                "workshop": mark.session.workshop.name,
                "status": _choice(Presence, mark.status),
            }
            for mark in Attendance.objects.filter(participant=participant)
            .select_related("session__workshop")
            .order_by("session__date", "session__start_time")
        ],
        # What a PAS grant paid for the person: it names them in the CPAS's books.
        "pas_expenses": [
            {
                "date": expense.date,
                "grant": expense.grant.name,
                "part": _choice(PasPart, expense.part),
                "category": _choice(ExpenseCategory, expense.category),
                "amount": expense.amount,
                "activity": expense.activity or None,
                "proof_reference": expense.proof_reference,
            }
            for expense in Expense.objects.filter(beneficiary=participant)
            .select_related("grant")
            .order_by("date", "id")
        ],
        # The session reminders sent to the person (parcours.reminders): the log keeps
        # neither their text nor the number or address they went to.
        "reminders": [
            _reminder(message) for message in participant.reminder_messages.order_by("period", "pk")
        ],
    }


def _reminder(message) -> dict:
    fields = message._meta
    return {
        "for_day": message.period,
        "channel": _choice(fields.get_field("channel"), message.channel),
        "status": _choice(fields.get_field("status"), message.status),
        "sent_at": message.sent_at,
    }


def export_filename(participant, extension: str) -> str:
    """``parcours-<reference>.<extension>``, with only safe characters in the name."""
    reference = re.sub(r"[^A-Za-z0-9._-]+", "-", participant.reference).strip("-.") or str(
        participant.pk
    )
    return f"parcours-{reference}.{extension}"


def _rating_grid(enrolment):
    """The ratings of an exported enrolment as rows of the seven domains, each with one
    cell per moment (entry, middle, end): ``{"domain", "cells": [rating or None]}``."""
    by_moment = {row["moment"]["code"]: row for row in enrolment["assessments"]}
    grid = []
    for index, domain in enumerate(Domain.values):
        cells = []
        for moment in MOMENTS:
            assessment = by_moment.get(moment)
            cells.append(None if assessment is None else assessment["ratings"][index])
        grid.append({"domain": _choice(Domain, domain), "cells": cells})
    return grid


def _latest_journey(participant) -> dict:
    """The journey chart of the person's latest enrolment (two queries); empty without one."""
    latest = (
        Enrolment.objects.filter(participant=participant)
        .select_related("group")
        .order_by("-start_date", "-id")
        .first()
    )
    if latest is None:
        return {"latest_enrolment": None, "radar": ""}
    context = journey_context(latest)
    return {"latest_enrolment": latest, "radar": context["radar"]}


def render_html(participant, data) -> str:
    """The HTML of the PDF document (also what tests read)."""
    enrolments = [
        {**enrolment, "rating_grid": _rating_grid(enrolment)} for enrolment in data["enrolments"]
    ]
    return render_to_string(
        "participants/export_pdf.html",
        {
            "participant": participant,
            "data": data,
            "enrolments": enrolments,
            "moments": [Moment(moment).label for moment in MOMENTS],
            "rating_scale": [str(label) for label in Rating.labels],
            "total_minutes": sum(row["duration_minutes"] for row in data["interventions"]),
            **_latest_journey(participant),
        },
    )


def render_pdf(participant, data, *, request) -> bytes:
    """The file as an A4 PDF to hand to the person (tagged, as every PDF: core.pdf)."""
    html = render_html(participant, data)
    return write_pdf(html_document(html, base_url=request.build_absolute_uri("/")))
