"""Consents that gate: what a partner's leader sees of the people of their groups."""

import datetime
import subprocess

import pytest
from django.urls import reverse

from parcours.participants.enums import ConsentPurpose
from parcours.participants.factories import ConsentFactory
from parcours.participants.models import Participant
from parcours.participants.selectors import (
    NamesShown,
    consent_in_force,
    neutral_label,
    visible_participants,
)
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import FROZEN_TODAY
from parcours.workshops.enums import ProviderKind
from parcours.workshops.factories import ProviderFactory, SessionFactory

# Who is on the register today: the consents in force and the sessions of the day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


@pytest.fixture
def partner_world(organisation, workshop_leader):
    group = GroupFactory(
        organisation=organisation,
        start_date=TODAY - datetime.timedelta(days=30),
        end_date=TODAY + datetime.timedelta(days=30),
    )
    group.staff.add(workshop_leader)
    partner = ProviderFactory(organisation=organisation, kind=ProviderKind.PARTNER)
    partner.leaders.add(workshop_leader)
    sharing = EnrolmentFactory(
        group=group,
        start_date=group.start_date,
        participant__last_name="Sharing",
        participant__first_name="Samira",
    ).participant
    private = EnrolmentFactory(
        group=group,
        start_date=group.start_date,
        participant__last_name="Private",
        participant__first_name="Paul",
        participant__reference="CPAS-0042",
    ).participant
    ConsentFactory(participant=sharing, purpose=ConsentPurpose.PARTNER_SHARING)
    ConsentFactory(  # withdrawn: no longer in force
        participant=private,
        purpose=ConsentPurpose.PARTNER_SHARING,
        given_on=datetime.date(2026, 1, 1),
        withdrawn_on=datetime.date(2026, 1, 2),
    )
    ConsentFactory(participant=private, purpose=ConsentPurpose.PHOTOS)  # not this purpose
    session = SessionFactory(
        organisation=organisation,
        groups=[group],
        date=TODAY,
        leader=workshop_leader,
        provider_kind=ProviderKind.PARTNER,
        provider=partner,
    )
    return {"group": group, "sharing": sharing, "private": private, "session": session}


def test_the_consent_rules_read_what_is_in_force(partner_world):
    sharing, private = partner_world["sharing"], partner_world["private"]
    assert consent_in_force(sharing, ConsentPurpose.PARTNER_SHARING)
    assert not consent_in_force(private, ConsentPurpose.PARTNER_SHARING)
    assert list(Participant.objects.with_consent(ConsentPurpose.PARTNER_SHARING)) == [sharing]
    assert list(Participant.objects.having_withdrawn(ConsentPurpose.PARTNER_SHARING)) == [private]
    assert neutral_label(private) == "P. · CPAS-0042"


def test_a_partner_leader_sees_only_the_names_shared_with_partners(
    client, workshop_leader, partner_world
):
    client.force_login(workshop_leader)
    pages = [
        client.get(reverse("attendance:register", args=[partner_world["session"].pk])),
        client.get(reverse("programme:group_detail", args=[partner_world["group"].pk])),
        client.get(reverse("attendance:group_month", args=[partner_world["group"].pk])),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "Sharing" in html or "SHARING" in html
        for hidden in ("Private", "PRIVATE", "Paul"):
            assert hidden not in html
        assert "P. · CPAS-0042" in html
    assert list(visible_participants(workshop_leader)) == [partner_world["sharing"]]
    detail = reverse("participants:participant_detail", args=[partner_world["private"].pk])
    assert client.get(detail).status_code == 404


def test_the_partner_leaders_printed_sheet_hides_the_names_too(
    client, workshop_leader, partner_world
):
    client.force_login(workshop_leader)
    response = client.get(reverse("attendance:session_sheet", args=[partner_world["session"].pk]))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "SHARING Samira" in text
    assert "PRIVATE" not in text
    assert "P. · CPAS-0042" in text


def test_the_teams_own_leader_sees_every_name(client, workshop_leader, partner_world):
    partner_world["session"].provider.leaders.remove(workshop_leader)
    client.force_login(workshop_leader)
    html = client.get(
        reverse("attendance:register", args=[partner_world["session"].pk])
    ).content.decode()
    assert "PRIVATE Paul" in html
    assert NamesShown(workshop_leader).shows(partner_world["private"])


def test_a_subcontractors_leader_is_no_partner(workshop_leader, partner_world):
    provider = partner_world["session"].provider
    provider.kind = ProviderKind.SUBCONTRACTOR
    provider.save()
    assert NamesShown(workshop_leader).shows(partner_world["private"])
