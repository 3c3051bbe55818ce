"""The viewer's dashboard links to what a viewer may open: the figures, the workshop
hours, the funding."""

import datetime

import time_machine
from django.urls import reverse


@time_machine.travel(datetime.datetime(2026, 3, 11, 9, 0), tick=False)
def test_the_viewers_dashboard_links_to_the_reports(client, viewer):
    client.force_login(viewer)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert 'id="reports-title"' in html
    for url in (
        reverse("reporting:report"),
        reverse("reporting:report") + "?year=2025",
        reverse("attendance:hours"),
        reverse("funding:grant_list"),
    ):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200, url
    assert "Les chiffres de 2026 à ce jour" in html
    # The PDF is prepared in the background from the report's page (docs/downloads.md).
    assert reverse("reporting:report_pdf") not in html


def test_programme_staff_find_the_reports_in_the_menu_not_in_a_card(client, workshop_leader):
    client.force_login(workshop_leader)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert 'id="reports-title"' not in html
