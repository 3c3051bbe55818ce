"""The import keeps the sessions' stored lengths and the hours summary (docs/summaries.md)."""

import datetime
from decimal import Decimal

from parcours.funding import summaries
from parcours.funding.models import Funder, Grant, HoursSummary
from parcours.funding.services import charge_group, save_grant
from parcours.programme.models import Group
from parcours.workbook.importer import import_workbook
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

D = datetime.date


def assert_in_step(organisation):
    assert summaries.check(organisation.pk) == (0, [])


def test_the_workbook_import_keeps_the_summary(organisation, coordinator):
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    assert_in_step(organisation)
    funder = Funder.objects.create(organisation=organisation, name="PAS", kind="pas")
    grant = save_grant(
        grant=Grant(
            organisation=organisation,
            funder=funder,
            name="PAS 2024",
            start_date=D(2024, 1, 1),
            end_date=D(2024, 12, 31),
            amount=Decimal("1000"),
        ),
        by=coordinator,
    )
    for group in Group.objects.filter(organisation=organisation):
        charge_group(group=group, grant=grant, share=Decimal("50"), by=coordinator)
    sheets = sample_sheets()
    sheets["sessions"][0][4] = "Remobilisation 2024-A;Immersion 2024"  # another group
    sheets["sessions"][0][7] = "17:15"  # a longer session
    import_workbook(workbook_bytes(sheets), organisation=organisation, by=coordinator)
    assert_in_step(organisation)
    assert HoursSummary.objects.filter(grant=grant).exists()
