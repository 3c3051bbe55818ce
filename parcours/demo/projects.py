"""The demo's individual projects: a few signed projects with their evaluations, one of
them late and one due soon, an amended one and a draft, so that the project pages and
the dashboard show each state. Dates are placed relative to today; an enrolment too
recent for a state gets what its dates allow.

The demo CPAS evaluates every two months, not the default three: its open enrolments
can be as young as two months (in November, only September's cohorts are running), and
an evaluation must be able to be late."""

from datetime import date, timedelta

from parcours.assessments.enums import Moment
from parcours.core.dates import add_months
from parcours.programme.models import Enrolment
from parcours.projects import services
from parcours.projects.enums import EvaluationOutcome
from parcours.projects.selectors import objectives_from_plan

PARTICIPANT_COMMITMENTS = (
    "Participer aux ateliers du groupe, réaliser les démarches du plan d'actions qui me "
    "reviennent et venir aux évaluations du projet."
)
CPAS_COMMITMENTS = (
    "Assurer un suivi individuel, soutenir les démarches du plan d'actions et évaluer le "
    "projet avec la personne tous les deux mois."
)
PARTNER = {
    "name": "Lire et Écrire Namur",
    "role": "Opérateur de formation",
    "commitments": "Accueillir la personne en cours d'alphabétisation deux matinées par semaine.",
}
# For an entry assessment that found no difficulty and a plan without actions.
FALLBACK_OBJECTIVES = "Vie sociale : reprendre un rythme et des contacts réguliers."
STATES = ("overdue", "due_soon", "amended", "draft")
EVALUATION_MONTHS = 2


def draw_up_projects(organisation, staff, *, today: date) -> None:
    """A project for the oldest open enrolments that have an entry assessment, those of
    the demo's own social worker first, so that their dashboard lists them."""
    social_worker = staff["socialworker"]
    services.evaluation_interval_set(
        organisation=organisation, months=EVALUATION_MONTHS, by=staff["coordinator"]
    )
    enrolments = list(
        Enrolment.objects.filter(
            group__organisation=organisation,
            exit_date__isnull=True,
            start_date__lte=today - timedelta(days=21),
            assessments__moment=Moment.ENTRY,
        )
        .select_related("participant__social_worker", "group")
        .order_by("start_date", "participant__last_name", "pk")
    )
    enrolments.sort(key=lambda enrolment: enrolment.participant.social_worker != social_worker)
    for state, enrolment in zip(STATES, enrolments, strict=False):
        _project(enrolment, state, today=today, fallback=social_worker)


def _project(enrolment, state, *, today: date, fallback) -> None:
    author = enrolment.participant.social_worker or fallback
    project = services.project_create(
        enrolment=enrolment,
        objectives=objectives_from_plan(enrolment) or FALLBACK_OBJECTIVES,
        participant_commitments=PARTICIPANT_COMMITMENTS,
        cpas_commitments=CPAS_COMMITMENTS,
        social_worker=author,
        other_parties=[PARTNER] if state == "amended" else [],
        by=author,
    )
    if state == "draft":
        return
    signed_on = min(enrolment.start_date + timedelta(days=7), today - timedelta(days=7))
    version = project.versions.get(number=1)
    services.version_sign(version=version, signed_on=signed_on, place="Démo-sur-Meuse", by=author)
    months = EVALUATION_MONTHS
    if state == "overdue":
        # The last evaluation a little over an interval ago: the next one is late.
        last = add_months(today, -months) - timedelta(days=12)
        _evaluate_until(project, signed_on, last, author)
    elif state == "due_soon":
        last = add_months(today, -months) + timedelta(days=6)
        _evaluate_until(project, signed_on, last, author)
    else:
        held = max(signed_on, today - timedelta(days=40))
        _evaluate_until(project, signed_on, held, author, outcome=EvaluationOutcome.AMEND)
        amendment = services.project_change(
            project=project,
            by=author,
            version=None,
            objectives=version.objectives
            + "\n\nFrançais : suivre un cours d'alphabétisation deux matinées par semaine.",
            participant_commitments=version.participant_commitments,
            cpas_commitments=version.cpas_commitments,
            social_worker=author,
            other_parties=[PARTNER],
            amendment_reason="À l'évaluation, la personne a demandé à apprendre à lire et écrire.",
        )
        services.version_sign(
            version=amendment,
            signed_on=min(held + timedelta(days=7), today),
            place="Démo-sur-Meuse",
            by=author,
        )


def _evaluate_until(project, signed_on, last, author, *, outcome=EvaluationOutcome.CONTINUE):
    """Evaluations every interval from the signature, the latest on ``last`` (none when
    ``last`` comes before the signature)."""
    if last < signed_on:
        return
    day = add_months(signed_on, EVALUATION_MONTHS)
    while day < last:
        services.evaluation_record(
            project=project,
            date=day,
            outcome=EvaluationOutcome.CONTINUE,
            notes="Les démarches avancent ; on continue comme convenu.",
            by=author,
        )
        day = add_months(day, EVALUATION_MONTHS)
    services.evaluation_record(
        project=project,
        date=last,
        outcome=outcome,
        notes="Point fait avec la personne et son assistante sociale.",
        by=author,
    )
