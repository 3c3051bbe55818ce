"""The generator writes the sessions' lengths with its rows and fills the hours summary
(docs/summaries.md), a second time too."""

import datetime

from parcours.accounts.models import Organisation
from parcours.funding import summaries
from parcours.funding.models import HoursSummary
from parcours.synthetic.generate import generate_programme
from parcours.workshops.models import Session

UNTIL = datetime.date(2026, 6, 30)


def test_the_synthetic_programme_keeps_the_summary(db):
    generate_programme(slug="synthetic", participants=12, years=1, until=UNTIL)
    organisation = Organisation.objects.get(slug="synthetic")
    assert Session.objects.filter(organisation=organisation, duration_minutes__gt=0).exists()
    assert HoursSummary.objects.filter(organisation=organisation).exists()
    assert summaries.check(organisation.pk) == (0, [])
    generate_programme(slug="synthetic", participants=12, years=1, until=UNTIL, replace=True)
    assert summaries.check(organisation.pk) == (0, [])
