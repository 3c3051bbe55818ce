import datetime
from decimal import Decimal

import pytest
import time_machine

from parcours.attendance.models import Attendance
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import SessionFactory

# A fixed moment: the files written twice (prepared, and by the direct view) carry the
# same dates inside (ZIP entries, the workbooks' and PDFs' metadata).
NOW = datetime.datetime(2026, 12, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(organisation, frozen):
    """A group with one participant present at a session, charged to a grant."""
    group = GroupFactory(
        organisation=organisation, name="Atelier cuisine", start_date=datetime.date(2026, 1, 1)
    )
    enrolment = EnrolmentFactory(
        group=group,
        start_date=datetime.date(2026, 1, 5),
        participant__organisation=organisation,
        participant__reference="P-7",
        participant__last_name="Vandenbroucke",
        participant__first_name="Josiane",
    )
    session = SessionFactory(
        organisation=organisation, groups=[group], date=datetime.date(2026, 3, 3)
    )
    Attendance.objects.create(session=session, participant=enrolment.participant, status="present")
    funder = Funder.objects.create(organisation=organisation, name="FSE+", kind="esf")
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("1000"),
    )
    GroupCharge.objects.create(grant=grant, group=group, share=Decimal("100"))
    return {"group": group, "grant": grant, "participant": enrolment.participant}
