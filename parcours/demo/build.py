"""Builds the demo organisation: a believable CPAS with a living programme.

Every record goes through the same service functions as the screens, so the demo has
its audit trail too. The data is fixed (seeded random) so that screenshots and
walkthroughs are the same on every machine, relative to today's date.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction

from parcours.accounts.enums import Role
from parcours.accounts.models import Federation, Organisation, User
from parcours.assessments import services as assessment_services
from parcours.assessments.enums import ActionStatus, Moment
from parcours.attendance.enums import Presence
from parcours.attendance.selectors import expected_participants
from parcours.attendance.services import attendance_mark, register_validate
from parcours.audit.services import create_record
from parcours.core.dates import add_months, month_of
from parcours.core.domains import Domain
from parcours.demo import esf as demo_esf
from parcours.demo.catalogue import SEED_WORKSHOPS
from parcours.demo.durations import (
    ASSESSMENT_MINUTES,
    LITERACY_TEST_MINUTES,
    REGULAR_INTERVIEW_MINUTES,
)
from parcours.demo.people import DEMO_PEOPLE
from parcours.demo.projects import draw_up_projects
from parcours.funding.enums import FunderKind
from parcours.funding.expenses import expense_save, pas_budget_save
from parcours.funding.models import Expense, Funder, Grant
from parcours.funding.services import charge_group, save_grant
from parcours.participants import services as participant_services
from parcours.participants.enums import (
    ConsentPurpose,
    CpasProofKind,
    FrenchLevel,
    InterventionKind,
    LanguageCourse,
    LiteracyLevel,
    Orientation,
    QualificationLevel,
    Recognition,
    Referrer,
)
from parcours.participants.models import Participant
from parcours.programme import services as programme_services
from parcours.programme.enums import (
    DropoutReason,
    ExitOutcome,
    FollowUpSituation,
    ProcessType,
    ProfessionalProject,
    SocialProject,
)
from parcours.programme.models import Enrolment, Group
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import ClosingPeriod, Provider, Session, Workshop, WorkshopDomain
from parcours.workshops.planning import plan_series

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    first_name: str
    last_name: str


DEMO_LOGINS = [
    DemoLogin("coordinator", Role.COORDINATOR, "Claire", "Vandenbroucke"),
    DemoLogin("socialworker", Role.SOCIAL_WORKER, "Samia", "Benhaddou"),
    DemoLogin("leader", Role.WORKSHOP_LEADER, "Marc", "Delvaux"),
    DemoLogin("viewer", Role.VIEWER, "Bernard", "Dumont"),
]
# Colleagues who make the team believable; they sign in with the same password.
DEMO_COLLEAGUES = [
    DemoLogin("julie.lefevre", Role.SOCIAL_WORKER, "Julie", "Lefèvre"),
    DemoLogin("koen.desmet", Role.WORKSHOP_LEADER, "Koen", "De Smet"),
]


# Of the demo federation, not of the CPAS: reads its anonymous figures only.
DEMO_ANALYST = DemoLogin("analyst", Role.FEDERATION_ANALYST, "Anne", "Lambert")


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def build_demo(*, today: date) -> Organisation:
    rng = random.Random(2012)  # the year the programme opened
    organisation = create_record(
        obj=Organisation(name="CPAS de Démo-sur-Meuse", slug=DEMO_SLUG), by=None
    )
    staff = _create_users(organisation)
    create_catalogue(organisation)
    groups = _create_groups(organisation, staff, today=today)
    participants = _create_participants(organisation, staff, rng, today=today)
    _enrol(participants, groups, rng, today=today)
    _follow_up(participants, staff, rng, today=today)
    _regular_interviews(organisation, today=today)
    _plan_programme(organisation, staff, groups, today=today)
    _take_attendance(organisation, staff, rng, today=today)
    _fund(organisation, staff["coordinator"], groups, today=today)
    draw_up_projects(organisation, staff, today=today)
    return organisation


def federate_demo() -> User:
    """The demo CPAS in a federation of its own with the analyst ``analyst``: the
    federation's page to look at (docs/federation.md; ``generate_synthetic
    --organisations`` builds one of many CPAS). Safe to run again, and on a demo built
    before federations existed."""
    federation, _created = Federation.objects.get_or_create(
        slug="demo-federation", defaults={"name": "Fédération des CPAS de démo"}
    )
    Organisation.objects.filter(slug=DEMO_SLUG, federation=None).update(federation=federation)
    analyst = User.objects.filter(username=DEMO_ANALYST.username).first()
    if analyst is None:
        analyst = User(
            username=DEMO_ANALYST.username,
            federation=federation,
            first_name=DEMO_ANALYST.first_name,
            last_name=DEMO_ANALYST.last_name,
            email=f"{DEMO_ANALYST.username}@demo.parcours.invalid",
            role=DEMO_ANALYST.role,
        )
        analyst.set_password(DEMO_PASSWORD)
        # No organisation, so no trail to write the account in (docs/federation.md).
        analyst.full_clean()
        analyst.save()
    return analyst


def _fund(organisation, coordinator, groups, *, today: date) -> None:
    """The seed's funding in its latest form: the federal "Participation et Activation
    Sociale" subsidy pays for most of each year's groups, the CPAS's own funds for the
    rest."""
    own = create_record(
        obj=Funder(
            organisation=organisation, name="Fonds propres du CPAS", kind=FunderKind.OWN_FUNDS
        ),
        by=coordinator,
    )
    federal = create_record(
        obj=Funder(
            organisation=organisation,
            name="SPP Intégration sociale (PAS)",
            kind=FunderKind.PAS,
        ),
        by=coordinator,
    )
    for year in sorted({group.start_date.year for group in groups} | {today.year}):
        grants = [
            (federal, f"PAS {year}", Decimal("48000"), Decimal("70")),
            (own, f"Fonds propres {year}", Decimal("15000"), Decimal("30")),
        ]
        for funder, name, amount, share in grants:
            grant = save_grant(
                grant=Grant(
                    organisation=organisation,
                    funder=funder,
                    name=name,
                    start_date=date(year, 1, 1),
                    end_date=date(year, 12, 31),
                    amount=amount,
                ),
                by=coordinator,
            )
            for group in groups:
                if group.start_date.year <= year <= group.end_date.year:
                    charge_group(group=group, grant=grant, share=share, by=coordinator)
            if funder is federal and year == today.year:
                _pas_ledger(organisation, coordinator, grant, groups, today=today)


# The current year's PAS expenses: (day of the year, part, category, amount, proof
# reference, proof total, for whom: a supported participant's rank, "group" or an activity).
DEMO_EXPENSES = (
    (20, "A", "tickets", "45.00", "STIB-2041", "45.00", 0),
    (34, "A", "education", "180.00", "ACAD-118", "180.00", 1),
    (41, "A", "staff", "950.00", "PAIE-02", "3800.00", "Accompagnement individuel"),
    (55, "B", "activities", "320.00", "F-2026-014", "320.00", "group"),
    (62, "B", "staff", "2400.00", "PAIE-02", "3800.00", "group"),
    (70, "C", "holidays", "260.00", "JEUN-77", "390.00", 2),
    (70, "C", "subscriptions", "130.00", "JEUN-77", "390.00", 2),
    (85, "C", "leisure", "75.50", "CINE-12", "75.50", "Après-midi cinéma en famille"),
)


def _pas_ledger(organisation, coordinator, grant, groups, *, today: date) -> None:
    """The parts' amounts of the current PAS grant and a few expenses entered so far."""
    pas_budget_save(
        grant=grant,
        by=coordinator,
        amount_a=grant.amount * Decimal("0.6"),
        amount_b=grant.amount * Decimal("0.3"),
        amount_c=grant.amount * Decimal("0.1"),
    )
    supported = list(
        Participant.objects.filter(organisation=organisation)
        .exclude(cpas_proof_kind="")
        .order_by("pk")[:3]
    )
    group = next(g for g in groups if g.start_date.year <= today.year <= g.end_date.year)
    elapsed = (today - date(today.year, 1, 1)).days
    for day, part, category, amount, reference, total, target in DEMO_EXPENSES:
        expense = Expense(
            organisation=organisation,
            grant=grant,
            date=date(today.year, 1, 1) + timedelta(days=min(day, elapsed)),
            part=part,
            category=category,
            amount=Decimal(amount),
            proof_reference=reference,
            proof_total=Decimal(total),
        )
        if target == "group":
            expense.group = group
        elif isinstance(target, int):
            expense.beneficiary = supported[target]
        else:
            expense.activity = target
        expense_save(expense=expense, by=coordinator)


def _create_users(organisation) -> dict[str, User]:
    users = {}
    for login in DEMO_LOGINS + DEMO_COLLEAGUES:
        user = User(
            organisation=organisation,
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{login.username}@demo.parcours.invalid",
            role=login.role,
        )
        user.set_password(DEMO_PASSWORD)
        users[login.username] = create_record(obj=user, by=None)
    return users


def create_catalogue(organisation) -> None:
    for name, axis, objectives, domains in SEED_WORKSHOPS:
        workshop = create_record(
            obj=Workshop(organisation=organisation, name=name, axis=axis, objectives=objectives),
            by=None,
        )
        WorkshopDomain.objects.bulk_create(
            WorkshopDomain(workshop=workshop, domain=domain) for domain in domains
        )


def _cohort_dates(today: date) -> list[tuple[str, str, date, date]]:
    """Cohorts starting in January and September over the last two years and this one."""
    year = today.year
    cohorts = []
    for start_year, month, letter in [
        (year - 2, 9, "B"),
        (year - 1, 1, "A"),
        (year - 1, 9, "B"),
        (year, 1, "A"),
        (year, 9, "B"),
    ]:
        start = date(start_year, month, 1)
        cohorts.append(
            (
                f"Remobilisation {start_year}-{letter}",
                ProcessType.REMOBILISATION,
                start,
                month_of(add_months(start, 10)) - timedelta(days=1),
            )
        )
        if month == 9:
            cohorts.append(
                (
                    f"Immersion {start_year}",
                    ProcessType.IMMERSION,
                    start,
                    month_of(add_months(start, 12)) - timedelta(days=1),
                )
            )
    return cohorts


def _create_groups(organisation, staff, *, today: date) -> list[Group]:
    groups = []
    for name, process_type, start, end in _cohort_dates(today):
        group = create_record(
            obj=Group(
                organisation=organisation,
                name=name,
                process_type=process_type,
                start_date=start,
                end_date=end,
                capacity=12 if process_type == ProcessType.REMOBILISATION else 15,
            ),
            by=None,
        )
        group.staff.set([staff["socialworker"], staff["leader"]])
        groups.append(group)
    return sorted(groups, key=lambda group: group.start_date)


def _weighted(rng: random.Random, choices: list[tuple[object, int]]):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _demo_phone(rng: random.Random) -> str:
    pairs = " ".join(f"{rng.randint(10, 99)}" for _ in range(3))
    return f"04{rng.randint(70, 99)} {pairs}"


def _create_participants(organisation, staff, rng: random.Random, *, today: date):
    workers = [staff["socialworker"], staff["julie.lefevre"]]
    participants = []
    for number, (first_name, last_name, gender, country) in enumerate(DEMO_PEOPLE, start=1):
        age = rng.randint(22, 61)
        born_abroad = country != "BE"
        course = _weighted(
            rng,
            [(LanguageCourse.FLE, 37), (LanguageCourse.LITERACY, 26), (LanguageCourse.NONE, 37)]
            if born_abroad
            else [(LanguageCourse.NONE, 1)],
        )
        never_worked = rng.random() < 0.3
        inactive_since = (
            None if never_worked else date(today.year - rng.randint(2, 12), rng.randint(1, 12), 1)
        )
        participants.append(
            participant_services.participant_create(
                organisation=organisation,
                by=None,
                reference=f"ER-{number:04d}",
                first_name=first_name,
                last_name=last_name,
                gender=gender,
                birth_date=date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
                birth_country=country,
                nationality=country if rng.random() < 0.7 else "BE",
                phone=_demo_phone(rng),
                city="Démo-sur-Meuse",
                postal_code="5000",
                qualification_level=_weighted(
                    rng,
                    [
                        (QualificationLevel.NONE, 25),
                        (QualificationLevel.PRIMARY, 25),
                        (QualificationLevel.LOWER_SECONDARY, 25),
                        (QualificationLevel.UPPER_SECONDARY, 18),
                        (QualificationLevel.HIGHER, 7),
                    ],
                ),
                qualification_recognised=(
                    _weighted(
                        rng, [(Recognition.NO, 6), (Recognition.PENDING, 2), (Recognition.YES, 2)]
                    )
                    if born_abroad
                    else Recognition.YES
                ),
                never_worked=never_worked,
                inactive_since=inactive_since,
                inactive_since_month_only=inactive_since is not None,
                french_level=(
                    _weighted(
                        rng,
                        [
                            (FrenchLevel.VERY_WEAK, 3),
                            (FrenchLevel.WEAK, 3),
                            (FrenchLevel.MEDIUM, 3),
                            (FrenchLevel.GOOD, 1),
                        ],
                    )
                    if born_abroad
                    else FrenchLevel.NATIVE
                ),
                language_course=course,
                referred_by=_weighted(
                    rng, [(Referrer.SOCIAL_SERVICE, 6), (Referrer.PARTNER, 2), (Referrer.SELF, 1)]
                ),
                social_worker=workers[number % 2],
                cpas_proof_kind=CpasProofKind.INTEGRATION_INCOME,
                cpas_proof_date=today - timedelta(days=rng.randint(30, 700)),
                **demo_esf.entry_answers(number, born_abroad=born_abroad),
            )
        )
    return participants


OUTCOMES = [
    (ExitOutcome.DROPOUT, 17),
    (ExitOutcome.EXTENSION, 22),
    (ExitOutcome.SOCIAL_PROJECT, 25),
    (ExitOutcome.PROFESSIONAL_PROJECT, 36),
]
OUTCOME_DETAILS = {
    ExitOutcome.DROPOUT: list(DropoutReason),
    ExitOutcome.EXTENSION: [""],
    ExitOutcome.SOCIAL_PROJECT: list(SocialProject),
    ExitOutcome.PROFESSIONAL_PROJECT: list(ProfessionalProject),
}


def _enrol(participants, groups, rng: random.Random, *, today: date) -> None:
    """About ten people a group; finished groups have their exits, an extension goes on
    in the next group of the same process."""
    waiting = list(participants)
    rng.shuffle(waiting)
    for group in groups:
        for participant in waiting[:10]:
            _enrol_one(participant, group, groups, rng, today=today)
        waiting = waiting[10:] + waiting[:10]


def _enrol_one(participant, group, groups, rng, *, today: date) -> None:
    if Enrolment.objects.filter(participant=participant, exit_date__isnull=True).exists():
        return
    if Enrolment.objects.filter(participant=participant, group=group).exists():
        return
    enrolment = programme_services.enrolment_create(
        participant=participant, group=group, start_date=group.start_date, by=None
    )
    _run_enrolment(enrolment, groups, rng, today=today)


def _run_enrolment(enrolment, groups, rng, *, today: date) -> None:
    """The assessments, actions and exit of one enrolment, as the team would record them."""
    group, participant = enrolment.group, enrolment.participant
    author = participant.social_worker
    if enrolment.start_date > today:
        return
    entry = _demo_ratings(rng)
    _assess(enrolment, Moment.ENTRY, enrolment.start_date, entry, author, today=today)
    _agree_actions(enrolment, entry, author, rng, today=today)
    finished = group.end_date < today
    outcome = _weighted(rng, OUTCOMES) if finished else None
    dropout_date = group.start_date + timedelta(days=rng.randint(20, 150))
    if group.mid_date <= today and not (
        outcome == ExitOutcome.DROPOUT and dropout_date < group.mid_date
    ):
        middle = _progressed(entry, rng, share=0.5)
        _assess(enrolment, Moment.MIDDLE, group.mid_date, middle, author, today=today)
    if outcome is None:
        return
    if outcome == ExitOutcome.DROPOUT:
        programme_services.enrolment_exit(
            enrolment=enrolment,
            exit_date=dropout_date,
            outcome=outcome,
            detail=rng.choice(list(DropoutReason)),
            qualification_gained=demo_esf.qualification_gained(enrolment.pk, outcome),
            by=author,
        )
        _record_follow_up(enrolment, rng, today=today)
        return
    end = _progressed(entry, rng, share=1)
    _assess(enrolment, Moment.END, group.end_date, end, author, today=today)
    following = [
        later
        for later in groups
        if later.process_type == group.process_type and later.start_date > group.end_date
    ]
    if outcome == ExitOutcome.EXTENSION and following:
        next_enrolment = programme_services.enrolment_extend(
            enrolment=enrolment,
            exit_date=group.end_date,
            next_group=following[0],
            next_start_date=following[0].start_date,
            by=author,
        )
        _run_enrolment(next_enrolment, groups, rng, today=today)
        return
    if outcome == ExitOutcome.EXTENSION:
        outcome = ExitOutcome.SOCIAL_PROJECT
    programme_services.enrolment_exit(
        enrolment=enrolment,
        exit_date=group.end_date,
        outcome=outcome,
        detail=rng.choice(OUTCOME_DETAILS[outcome]),
        qualification_gained=demo_esf.qualification_gained(enrolment.pk, outcome),
        by=author,
    )
    _record_follow_up(enrolment, rng, today=today)


# How often each domain improves by the end (the seed's "Résultats chiffrés" 2016).
IMPROVEMENT_SHARE = {
    Domain.SOCIAL_CULTURAL: 0.80,
    Domain.HEALTH: 0.46,
    Domain.HOUSING: 0.44,
    Domain.EMPLOYMENT_TRAINING: 0.42,
    Domain.FINANCIAL: 0.34,
    Domain.FAMILY: 0.34,
    Domain.ADMINISTRATIVE: 0.29,
}
DOMAIN_COMMENTS = {
    Domain.ADMINISTRATIVE: "Courriers en retard, besoin d'aide pour les démarches.",
    Domain.FAMILY: "Relations tendues avec un des enfants.",
    Domain.SOCIAL_CULTURAL: "Sort peu de chez soi, peu de contacts.",
    Domain.HOUSING: "Logement humide, loyer élevé.",
    Domain.FINANCIAL: "Factures d'énergie impayées.",
    Domain.HEALTH: "Suivi médical irrégulier.",
    Domain.EMPLOYMENT_TRAINING: "Pas encore prêt pour une formation.",
}


def _demo_ratings(rng: random.Random) -> dict:
    ratings = {}
    for domain in Domain.values:
        rating = None if rng.random() < 0.1 else rng.choice([1, 2, 2, 3, 3, 3, 4])
        comment = DOMAIN_COMMENTS[domain] if rating is not None and rating <= 2 else ""
        ratings[domain] = (rating, comment)
    return ratings


def _progressed(entry: dict, rng: random.Random, *, share: float) -> dict:
    ratings = {}
    for domain, (rating, _comment) in entry.items():
        if rating is None:
            ratings[domain] = (None, "")
            continue
        draw = rng.random()
        if draw < IMPROVEMENT_SHARE[domain] * share:
            rating = min(5, rating + rng.choice([1, 1, 2]))
        elif draw > 0.95:
            rating = max(1, rating - 1)
        ratings[domain] = (rating, "")
    return ratings


def _minutes(choices, *key) -> int:
    # A generator of their own for durations: adding them left the rest of the demo as it
    # was (the same people, ratings and exits).
    return random.Random(":".join(str(part) for part in key)).choice(choices)


def _assess(enrolment, moment, day, ratings, author, *, today: date) -> None:
    # The cohorts that ended over a year ago were assessed before durations were kept:
    # their assessments have none, as the report then says.
    recorded = enrolment.group.end_date >= today - timedelta(days=365)
    assessment_services.assessment_save(
        enrolment=enrolment,
        moment=moment,
        date=day,
        duration_minutes=(
            _minutes(ASSESSMENT_MINUTES[moment], "assessment", enrolment.pk, moment)
            if recorded
            else None
        ),
        overall_note="",
        ratings=ratings,
        by=author,
    )


ACTION_TEXTS = {
    Domain.ADMINISTRATIVE: "Trier les courriers et répondre à la mutuelle.",
    Domain.FAMILY: "Prendre contact avec le centre de planning familial.",
    Domain.SOCIAL_CULTURAL: "Participer à une sortie culturelle avec le groupe.",
    Domain.HOUSING: "Constituer le dossier pour l'agence immobilière sociale.",
    Domain.FINANCIAL: "Rendez-vous au service de médiation de dettes.",
    Domain.HEALTH: "Reprendre rendez-vous chez le médecin traitant.",
    Domain.EMPLOYMENT_TRAINING: "Visiter un centre de formation avec l'animateur.",
}
# The same actions as the person says them, for their sheet (easy-to-read French).
ACTION_OWN_WORDS = {
    Domain.ADMINISTRATIVE: "Je range mes lettres. Je réponds à la mutuelle.",
    Domain.FAMILY: "Je téléphone au planning familial.",
    Domain.SOCIAL_CULTURAL: "Je vais à une sortie avec le groupe.",
    Domain.HOUSING: "Je prépare mes papiers pour avoir un logement.",
    Domain.FINANCIAL: "Je vais au rendez-vous pour mes dettes.",
    Domain.HEALTH: "Je prends rendez-vous chez mon médecin.",
    Domain.EMPLOYMENT_TRAINING: "Je visite un centre de formation.",
}


def _agree_actions(enrolment, entry, author, rng, *, today: date) -> None:
    rated = sorted(
        (rating, domain) for domain, (rating, _comment) in entry.items() if rating is not None
    )
    for _rating, domain in rated[:2]:
        due = enrolment.start_date + timedelta(days=rng.randint(45, 150))
        action = assessment_services.action_create(
            enrolment=enrolment,
            domain=domain,
            description=ACTION_TEXTS[domain],
            own_words=ACTION_OWN_WORDS[domain],
            responsible=rng.choice(["Participant", "Assistant social", "Participant et animateur"]),
            due_date=due,
            by=author,
        )
        if due < today:
            status = _weighted(
                rng,
                [(ActionStatus.DONE, 6), (ActionStatus.UNDER_WAY, 3), (ActionStatus.GIVEN_UP, 1)],
            )
            assessment_services.action_update(action=action, by=author, status=status)


def _record_follow_up(enrolment, rng, *, today: date) -> None:
    follow_up = enrolment.follow_up
    if follow_up.due_on < today - timedelta(days=30) and rng.random() < 0.8:
        programme_services.follow_up_record(
            follow_up=follow_up,
            situation=rng.choice(list(FollowUpSituation)),
            recorded_on=follow_up.due_on + timedelta(days=rng.randint(0, 20)),
            note="",
            by=enrolment.participant.social_worker,
        )


INTERVENTION_NOTES = {
    InterventionKind.INTERVIEW: "Entretien de suivi : point sur les démarches en cours.",
    InterventionKind.ACCOMPANIMENT: (
        "Accompagnement au service population pour le renouvellement de la carte d'identité."
    ),
    InterventionKind.PHONE_CALL: "Appel pour rappeler le rendez-vous chez le médecin.",
    InterventionKind.HOME_VISIT: "Visite à domicile : discussion sur la gestion du budget du mois.",
    InterventionKind.REFERRAL: "Orientation vers le service de médiation de dettes.",
    InterventionKind.OTHER: "Préparation de l'inscription à une formation en informatique.",
}


def _follow_up(participants, staff, rng: random.Random, *, today: date) -> None:
    workers = [staff["socialworker"], staff["julie.lefevre"]]
    domains = [domain for _name, _axis, _objectives, served in SEED_WORKSHOPS for domain in served]
    for participant in participants:
        author = participant.social_worker or workers[0]
        participant_services.consent_record(
            participant=participant,
            purpose=ConsentPurpose.FOLLOW_UP,
            given_on=today - timedelta(days=rng.randint(60, 700)),
            by=author,
        )
        participant_services.consent_record(
            participant=participant,
            purpose=ConsentPurpose.REPORTING,
            given_on=today - timedelta(days=rng.randint(60, 700)),
            by=author,
        )
        for _ in range(rng.randint(0, 5)):
            kind = rng.choice(list(InterventionKind))
            participant_services.intervention_create(
                participant=participant,
                by=author,
                date=today - timedelta(days=rng.randint(1, 500)),
                duration_minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                kind=kind,
                domains=sorted(set(rng.sample(domains, rng.randint(1, 2)))),
                notes=INTERVENTION_NOTES[kind],
            )
        if participant.language_course == LanguageCourse.LITERACY:
            _literacy_tests(participant, author, rng, today=today)


def _regular_interviews(organisation, *, today: date) -> None:
    """The social worker's interview with each person every six to eight weeks while
    their group runs: with the assessments, the seed's quarter of individual work. Only
    for the cohorts whose workshops the demo plans (the older ones have none either)."""
    enrolments = Enrolment.objects.filter(
        group__organisation=organisation, group__end_date__gte=today - timedelta(days=365)
    ).select_related("participant__social_worker")
    for enrolment in enrolments:
        participant = enrolment.participant
        rng = random.Random(f"interviews:{enrolment.pk}")
        last = min(enrolment.exit_date or today, today - timedelta(days=1))
        day = enrolment.start_date + timedelta(days=rng.randint(21, 42))
        while day <= last:
            participant_services.intervention_create(
                participant=participant,
                by=participant.social_worker,
                date=day,
                duration_minutes=rng.choice(REGULAR_INTERVIEW_MINUTES),
                kind=InterventionKind.INTERVIEW,
                domains=[rng.choice(Domain.values)],
                notes="Entretien de suivi : point sur le plan d'action et la vie du groupe.",
            )
            day += timedelta(days=rng.randint(42, 56))


def _literacy_tests(participant, examiner, rng: random.Random, *, today: date) -> None:
    levels = list(LiteracyLevel)
    start = rng.randint(0, 3)
    for months_ago, step in ((10, 0), (2, 1)):
        participant_services.literacy_test_record(
            participant=participant,
            by=examiner,
            examiner=examiner,
            date=today - timedelta(days=30 * months_ago),
            duration_minutes=_minutes(LITERACY_TEST_MINUTES, "test", participant.pk, months_ago),
            orientation=Orientation.LITERACY,
            oral_comprehension=levels[min(start + 2 + step, len(levels) - 1)],
            oral_expression=levels[min(start + 1 + step, len(levels) - 1)],
            reading=levels[start + step],
            writing=levels[start],
        )


# The weekly programme of each group: (workshop, weekday, start, end, led by).
WEEKLY_PROGRAMME = {
    ProcessType.REMOBILISATION: [
        ("Atelier prélude et convivialité", 0, time(13, 30), time(16, 30), "team"),
        ("Atelier citoyen", 1, time(13, 30), time(16, 0), "team"),
        ("Ateliers créatifs et artistiques", 3, time(13, 30), time(16, 30), "subcontractor"),
        ("Atelier santé", 4, time(13, 30), time(15, 30), "partner"),
    ],
    ProcessType.IMMERSION: [
        ("Ateliers conversation, pourparlers et mots croisés", 0, time(9, 30), time(12, 0), "team"),
        ("Activités culturelles", 1, time(13, 30), time(16, 30), "partner"),
        ("Ateliers conte, impro et jeux de société", 2, time(9, 30), time(12, 0), "team"),
        ("Atelier d'initiation à l'informatique", 3, time(9, 30), time(12, 0), "team"),
    ],
}
ATTENDANCE_WEEKS = 12


def _plan_programme(organisation, staff, groups, *, today: date) -> None:
    """Each group's weekly workshops over its months, as the coordinator would plan them;
    public holidays and the summer closing are skipped by the planning itself."""
    for year in {group.start_date.year for group in groups} | {today.year}:
        create_record(
            obj=ClosingPeriod(
                organisation=organisation,
                label=f"Fermeture d'été {year}",
                start_date=date(year, 7, 20),
                end_date=date(year, 8, 14),
            ),
            by=None,
        )
    providers = {
        "subcontractor": create_record(
            obj=Provider(
                organisation=organisation,
                name="Atelier des Couleurs ASBL",
                kind=ProviderKind.SUBCONTRACTOR,
                contact_name="Léa Martin",
            ),
            by=None,
        ),
        "partner": create_record(
            obj=Provider(
                organisation=organisation,
                name="Maison médicale du Quartier",
                kind=ProviderKind.PARTNER,
                contact_name="Dr Youssef Amrani",
            ),
            by=None,
        ),
    }
    workshops = {w.name: w for w in Workshop.objects.filter(organisation=organisation)}
    for group in groups:
        if group.end_date < today - timedelta(days=365):
            continue  # older cohorts: their programme is history the demo does not need
        # Autumn cohorts overlap the spring ones for a few months: they meet in the
        # morning, with the other leader, in the other room.
        autumn = group.name.endswith("-B")
        leader = staff["koen.desmet" if autumn else "leader"]
        room = "Salle 2" if autumn else "Salle polyvalente"
        for name, weekday, start, end, led_by in WEEKLY_PROGRAMME[group.process_type]:
            if autumn:
                start, end = time(9, 0), time(12, 0)
            plan_series(
                organisation=organisation,
                by=staff["coordinator"],
                workshop=workshops[name],
                groups=[group],
                weekday=weekday,
                start_time=start,
                end_time=end,
                first_date=group.start_date,
                last_date=group.end_date,
                provider_kind=led_by,
                provider=providers.get(led_by),
                leader=leader if led_by == "team" else None,
                room=room if led_by == "team" else "",
            )


def _take_attendance(organisation, staff, rng: random.Random, *, today: date) -> None:
    """Registers of the last weeks: mostly present, some absences, the last few days'
    registers not yet taken (they show on the dashboard)."""
    leader = staff["leader"]
    sessions = (
        Session.objects.filter(
            organisation=organisation,
            cancelled=False,
            date__gte=today - timedelta(weeks=ATTENDANCE_WEEKS),
            date__lt=today - timedelta(days=4),
        )
        .prefetch_related("groups")
        .order_by("date", "start_time")
    )
    for session in sessions:
        for participant in expected_participants(session):
            status = _weighted(
                rng,
                [
                    (Presence.PRESENT, 80),
                    (Presence.LATE, 5),
                    (Presence.EXCUSED, 7),
                    (Presence.ABSENT, 8),
                ],
            )
            attendance_mark(session=session, participant=participant, status=status, by=leader)
        register_validate(session=session, by=leader)
