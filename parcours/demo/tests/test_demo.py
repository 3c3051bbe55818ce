import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.audit.models import AuditEvent
from parcours.demo.build import DEMO_PASSWORD
from parcours.funding import summaries
from parcours.funding.enums import FunderKind
from parcours.funding.models import Funder
from parcours.funding.scope import Scope
from parcours.participants.models import Participant
from parcours.programme.models import Group
from parcours.reporting.figures import yearly_report
from parcours.workshops.models import Workshop


# One test builds the demo once (about a minute) and checks both that it lives and that a
# second load changes nothing.
@pytest.mark.django_db
def test_load_demo_builds_a_living_organisation_once(capsys):
    call_command("load_demo")

    organisation = Organisation.objects.get(slug="demo")
    users = User.objects.filter(organisation=organisation)
    for username, role in [
        ("coordinator", Role.COORDINATOR),
        ("socialworker", Role.SOCIAL_WORKER),
        ("leader", Role.WORKSHOP_LEADER),
        ("viewer", Role.VIEWER),
    ]:
        user = users.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
    assert Workshop.objects.filter(organisation=organisation).count() == 13
    assert Workshop.objects.get(name="Atelier vélo").domains.count() == 2
    years = {group.start_date.year for group in Group.objects.filter(organisation=organisation)}
    assert len(years) >= 2
    participants = Participant.objects.filter(organisation=organisation)
    assert participants.count() >= 50
    assert participants.exclude(birth_country="BE").exists()
    assert participants.filter(birth_country="BE").exists()
    assert AuditEvent.objects.filter(organisation=organisation, actor=None).exists()
    out = capsys.readouterr().out
    assert "coordinator" in out
    assert "analyst" in out
    analyst = User.objects.get(username="analyst")
    assert analyst.check_password(DEMO_PASSWORD)
    assert analyst.organisation is None
    assert organisation.federation_id == analyst.federation_id is not None
    # Every group is charged to a funder, never more than whole on any year.
    federal = Funder.objects.get(organisation=organisation, kind=FunderKind.PAS)
    this_year = datetime.date.today().year
    report = yearly_report(organisation, year=this_year, scope=Scope(funder=federal))
    whole = yearly_report(organisation, year=this_year)
    assert 0 < report.figures["hours"]["total"] < whole.figures["hours"]["total"]
    assert report.figures["participants"] == whole.figures["participants"]
    # Its stored hours follow its sessions (docs/summaries.md).
    assert summaries.check(organisation.pk) == (0, [])

    counts = (Participant.objects.count(), Group.objects.count(), AuditEvent.objects.count())
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert User.objects.filter(role=Role.FEDERATION_ANALYST).count() == 1
    assert (
        Participant.objects.count(),
        Group.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_load_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not Organisation.objects.exists()
