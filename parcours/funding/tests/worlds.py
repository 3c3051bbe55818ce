"""A small funded programme shared by the hours summary's tests (funding, reporting)."""

import datetime
from decimal import Decimal

from parcours.funding.models import Funder, Grant
from parcours.funding.services import charge_group, save_grant
from parcours.programme.factories import GroupFactory
from parcours.workshops.enums import Axis
from parcours.workshops.factories import WorkshopFactory
from parcours.workshops.models import WorkshopDomain

D = datetime.date


def half_year_grant_world(organisation, coordinator) -> dict:
    """Two groups, the first charged 60 % to a grant of the first half of 2026, and a
    cultural workshop serving the health domain."""
    first = GroupFactory(organisation=organisation, start_date=D(2026, 1, 1))
    second = GroupFactory(organisation=organisation, start_date=D(2026, 1, 1))
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind="esf")
    grant = save_grant(
        grant=Grant(
            organisation=organisation,
            funder=funder,
            name="FSE 2026",
            start_date=D(2026, 1, 1),
            end_date=D(2026, 6, 30),
            amount=Decimal("1000"),
        ),
        by=coordinator,
    )
    charge_group(group=first, grant=grant, share=Decimal("60"), by=coordinator)
    workshop = WorkshopFactory(organisation=organisation, axis=Axis.CULTURAL)
    WorkshopDomain.objects.create(workshop=workshop, domain="health")
    return {"groups": (first, second), "grant": grant, "funder": funder, "workshop": workshop}
