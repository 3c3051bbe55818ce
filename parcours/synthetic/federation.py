"""A synthetic federation: ``generate_programme`` once per member CPAS, the participants
spread over them, the members grouped in a federation with an analyst account."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from parcours.accounts.enums import Role
from parcours.accounts.models import Federation, Organisation, User
from parcours.synthetic.generate import SyntheticError, analyse_tables, generate_programme


@dataclass
class FederationSummary:
    federation: Federation
    analyst: User
    members: list = field(default_factory=list)  # one generate_programme Summary each


def member_slug(slug: str, index: int) -> str:
    """``fed`` and 1 give ``fed-001``."""
    return f"{slug}-{index:03d}"


def shares(participants: int, organisations: int) -> list[int]:
    """The participants of each member: as even as possible, the first ones one more."""
    each, rest = divmod(participants, organisations)
    return [each + (1 if index < rest else 0) for index in range(organisations)]


def generate_federation(
    *, slug: str, organisations: int, participants: int, seed: int = 1, password=None, **options
) -> FederationSummary:
    """The federation ``slug`` of ``organisations`` synthetic CPAS (``slug-001``…), each
    with its own staff, and its analyst ``slug-analyst``. ``options`` are those of
    ``generate_programme`` (years, until, replace, log)."""
    if organisations < 1 or participants < organisations:
        raise SyntheticError("Give at least one CPAS and one participant per CPAS.")
    federation, _created = Federation.objects.get_or_create(
        slug=slug, defaults={"name": f"Fédération synthétique ({slug})"}
    )
    members = []
    for index, count in enumerate(shares(participants, organisations), start=1):
        # A different seed per member: the CPAS differ, the whole stays reproducible.
        members.append(
            generate_programme(
                slug=member_slug(slug, index),
                participants=count,
                seed=seed * 1000 + index,
                password=password,
                analyse=False,
                check_rows=False,
                **options,
            )
        )
        Organisation.objects.filter(pk=members[-1].organisation.pk).update(federation=federation)
    # Once for the whole federation: analysing the shared tables after each member made
    # the generation quadratic in the number of members.
    analyse_tables(sorted({table for member in members for table in member.rows}))
    return FederationSummary(federation, _analyst(federation, password), members)


@transaction.atomic
def _analyst(federation, password) -> User:
    analyst, _created = User.objects.update_or_create(
        username=f"{federation.slug}-analyst",
        defaults={
            "organisation": None,
            "federation": federation,
            "role": Role.FEDERATION_ANALYST,
            "first_name": "Analyste",
            "last_name": federation.name,
            "password": make_password(password),
        },
    )
    return analyst
