"""Two organisations with the same small programme each (and its casework), and tokens
for their people."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.factories import UserFactory
from parcours.api.tokens import issue_token
from parcours.assessments.factories import ActionFactory, AssessmentFactory, DomainRatingFactory
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.funding.expenses import expense_save, pas_budget_save
from parcours.funding.models import Expense, Grant
from parcours.funding.services import charge_group, funder_create, save_grant
from parcours.participants.factories import (
    InterventionFactory,
    LiteracyTestFactory,
    ParticipantFactory,
)
from parcours.participants.models import InterventionDomain
from parcours.programme.factories import EnrolmentFactory, ExitFollowUpFactory, GroupFactory
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory
from parcours.workshops.models import ClosingPeriod


@dataclass
class Programme:
    """One of each record, and a second person outside the leader's group."""

    group: object
    other_group: object
    participant: object
    stranger: object
    enrolment: object
    workshop: object
    session: object
    mark: object
    assessment: object
    action: object
    intervention: object
    literacy_test: object
    follow_up: object
    provider: object
    closing_period: object


def build_casework(enrolment, *, words: str):
    """An entry assessment of the enrolment with its seven ratings, an action agreed at
    it, an intervention and a literacy positioning test; ``words`` mark their texts as
    this organisation's."""
    assessment = AssessmentFactory(
        enrolment=enrolment, duration_minutes=60, overall_note=f"Bilan {words}"
    )
    for index, domain in enumerate(Domain.values):
        DomainRatingFactory(
            assessment=assessment,
            domain=domain,
            rating=index % 5 + 1 if index < 6 else None,
            comment=f"Logement {words}" if domain == Domain.HOUSING else "",
        )
    action = ActionFactory(enrolment=enrolment, agreed_at=assessment, description=f"Agir {words}")
    intervention = InterventionFactory(
        participant=enrolment.participant, notes=f"Confidentiel {words}"
    )
    InterventionDomain.objects.create(intervention=intervention, domain=Domain.HEALTH)
    literacy_test = LiteracyTestFactory(
        participant=enrolment.participant, duration_minutes=50, comment=f"Positionnement {words}"
    )
    return assessment, action, intervention, literacy_test


def build_programme(organisation, *, leader=None) -> Programme:
    group = GroupFactory(organisation=organisation, name=f"Groupe {organisation.slug}")
    if leader is not None:
        group.staff.add(leader)
    other_group = GroupFactory(organisation=organisation)
    participant = ParticipantFactory(
        organisation=organisation, niss="", phone="0471 00 00 00", city="Namur"
    )
    stranger = ParticipantFactory(organisation=organisation)
    enrolment = EnrolmentFactory(group=group, participant=participant)
    # The stranger left in March: their follow-up after exit is recorded.
    follow_up = ExitFollowUpFactory(
        enrolment=EnrolmentFactory(
            group=other_group,
            participant=stranger,
            exit_date=datetime.date(2026, 3, 31),
            outcome="professional_project",
            outcome_detail="job_search",
        ),
        note=f"Suivi {organisation.slug}",
    )
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(organisation=organisation, workshop=workshop, groups=[group])
    mark = Attendance.objects.create(
        session=session, participant=participant, status=Presence.PRESENT
    )
    return Programme(
        group,
        other_group,
        participant,
        stranger,
        enrolment,
        workshop,
        session,
        mark,
        *build_casework(enrolment, words=organisation.slug),
        follow_up,
        ProviderFactory(organisation=organisation, name=f"Partenaire {organisation.slug}"),
        ClosingPeriod.objects.create(
            organisation=organisation,
            label=f"Fermeture {organisation.slug}",
            start_date=datetime.date(2026, 7, 20),
            end_date=datetime.date(2026, 8, 14),
        ),
    )


@pytest.fixture
def programme(organisation, workshop_leader):
    return build_programme(organisation, leader=workshop_leader)


@pytest.fixture
def elsewhere(other_organisation):
    leader = UserFactory(organisation=other_organisation, workshop_leader=True)
    return build_programme(other_organisation, leader=leader)


@pytest.fixture
def bearer():
    """The headers of a request with a new token of ``user``."""

    def make(user, *, scope="read"):
        by = user
        if user.role != Role.COORDINATOR:
            by = UserFactory(organisation=user.organisation, coordinator=True)
        _token, secret = issue_token(
            user=user,
            name="tests",
            scope=scope,
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=by,
        )
        return {"Authorization": f"Bearer {secret}"}

    return make


@dataclass
class Funding:
    """A funder with a grant of 2026 charged half of the programme's group, and a PAS
    grant with its parts' amounts and one expense of a collective module."""

    funder: object
    grant: object
    pas_funder: object
    pas_grant: object
    expense: object


def build_funding(programme: Programme, *, by) -> Funding:
    organisation = programme.group.organisation
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    funder = funder_create(
        organisation=organisation, by=by, name=f"FSE {organisation.slug}", kind="esf"
    )
    grant = save_grant(
        grant=Grant(
            organisation=organisation,
            funder=funder,
            name=f"FSE 2026 {organisation.slug}",
            start_date=year[0],
            end_date=year[1],
            amount=Decimal("10000"),
        ),
        by=by,
    )
    charge_group(group=programme.group, grant=grant, share=Decimal("50"), by=by)
    pas_funder = funder_create(
        organisation=organisation, by=by, name=f"SPP IS {organisation.slug}", kind="pas"
    )
    pas_grant = save_grant(
        grant=Grant(
            organisation=organisation,
            funder=pas_funder,
            name=f"PAS 2026 {organisation.slug}",
            start_date=year[0],
            end_date=year[1],
            amount=Decimal("1000"),
        ),
        by=by,
    )
    pas_budget_save(
        grant=pas_grant,
        by=by,
        amount_a=Decimal("500"),
        amount_b=Decimal("300"),
        amount_c=Decimal("200"),
    )
    expense = expense_save(
        expense=Expense(
            organisation=organisation,
            grant=pas_grant,
            date=programme.session.date,
            part="B",
            category="activities",
            amount=Decimal("20"),
            group=programme.group,
            proof_reference="T-1",
            proof_total=Decimal("20"),
        ),
        by=by,
    )
    return Funding(funder, grant, pas_funder, pas_grant, expense)


@pytest.fixture
def funding(programme, coordinator):
    return build_funding(programme, by=coordinator)


@pytest.fixture
def funding_elsewhere(elsewhere, other_organisation):
    return build_funding(
        elsewhere, by=UserFactory(organisation=other_organisation, coordinator=True)
    )
