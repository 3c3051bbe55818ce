"""Builds the demo organisation: a believable CPAS with a living programme.

Every record goes through the same service functions as the screens, so the demo has
its audit trail too. The data is fixed (seeded random) so that screenshots and
walkthroughs are the same on every machine, relative to today's date.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record
from parcours.core.demo.catalogue import SEED_WORKSHOPS
from parcours.core.demo.people import DEMO_PEOPLE
from parcours.participants.models import Participant
from parcours.programme.enums import ProcessType
from parcours.programme.models import Group
from parcours.workshops.models import Workshop, WorkshopDomain

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


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def build_demo(*, today: date) -> Organisation:
    rng = random.Random(2012)  # the year the programme opened
    organisation = create_record(
        obj=Organisation(name="CPAS de Démo-sur-Meuse", slug=DEMO_SLUG), by=None
    )
    staff = _create_users(organisation)
    _create_catalogue(organisation)
    _create_groups(organisation, staff, today=today)
    _create_participants(organisation, rng, today=today)
    return organisation


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


def _create_catalogue(organisation) -> None:
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
                _add_months(start, 10) - timedelta(days=1),
            )
        )
        if month == 9:
            cohorts.append(
                (
                    f"Immersion {start_year}",
                    ProcessType.IMMERSION,
                    start,
                    _add_months(start, 12) - timedelta(days=1),
                )
            )
    return cohorts


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _create_groups(organisation, staff, *, today: date) -> None:
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


def _create_participants(organisation, rng: random.Random, *, today: date) -> None:
    for number, (first_name, last_name, gender, country) in enumerate(DEMO_PEOPLE, start=1):
        age = rng.randint(22, 61)
        birth_date = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        create_record(
            obj=Participant(
                organisation=organisation,
                reference=f"ER-{number:04d}",
                first_name=first_name,
                last_name=last_name,
                gender=gender,
                birth_date=birth_date,
                birth_country=country,
                nationality=country if rng.random() < 0.7 else "BE",
            ),
            by=None,
        )
