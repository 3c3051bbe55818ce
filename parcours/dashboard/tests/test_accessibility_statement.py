"""The accessibility statement: open without signing in, in the sections of the model
statement, linked from the foot of every page, in the visitor's language."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from parcours.dashboard.accessibility import PREPARED_ON

STATEMENT = reverse("dashboard:accessibility")


@pytest.mark.django_db
def test_open_to_everyone_with_the_sections_of_the_model(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibilite@cpas.example"

    response = client.get(STATEMENT)

    assert response.status_code == 200
    html = response.content.decode()
    for heading in [
        "Déclaration d\u2019accessibilité",
        "État de conformité",
        "Contenu non accessible",
        "Établissement de cette déclaration",
        "Retour d\u2019information et contact",
        "Procédure de recours",
    ]:
        assert heading in html
    assert "partiellement conforme" in html
    assert f"{PREPARED_ON.day} décembre {PREPARED_ON.year}" in html
    assert 'href="mailto:accessibilite@cpas.example"' in html
    assert "https://www.le-mediateur.be" in html
    assert "https://accessibility.belgium.be" in html
    # Each known gap is listed.
    assert html.count("<li>", html.index("Contenu non accessible")) >= 5


@pytest.mark.django_db
def test_the_complaint_goes_to_the_ombudsman_of_the_region(client, settings):
    settings.ACCESSIBILITY_REGION = "flanders"
    client.post(reverse("accounts:set_language"), {"language": "nl"})

    html = client.get(STATEMENT).content.decode()

    assert '<html lang="nl">' in html
    assert "Toegankelijkheidsverklaring" in html
    assert "Vlaamse Ombudsdienst" in html
    assert "https://www.vlaamseombudsdienst.be" in html
    assert "le-mediateur.be" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_to_it_from_its_foot(client, social_worker, signed_in):
    if signed_in:
        client.force_login(social_worker)
        url = reverse("dashboard:home")
    else:
        url = reverse("accounts:login")

    html = client.get(url).content.decode()

    footer = html[html.index("<footer") :]
    assert f'href="{STATEMENT}"' in footer


def test_an_unknown_region_stops_the_checks(settings):
    settings.ACCESSIBILITY_REGION = "atlantis"

    with pytest.raises(SystemCheckError, match="ACCESSIBILITY_REGION is 'atlantis'"):
        call_command("check")
