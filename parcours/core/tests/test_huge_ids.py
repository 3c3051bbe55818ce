"""An id no database can hold (typed into a form, a filter or a link) is refused as an
invalid choice or a missing page, never a server error, on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from parcours.programme.factories import GroupFactory
from parcours.programme.models import Group
from parcours.workshops.factories import WorkshopFactory
from parcours.workshops.models import Session

HUGE = "99999999999999999999"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "9223372036854775808", "0"])
def test_a_multi_select_refuses_the_id(client, coordinator, value):
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    group = GroupFactory(organisation=coordinator.organisation)
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:session_create"),
        {
            "workshop": workshop.pk,
            "groups": [group.pk, value],
            "date": "2026-03-03",
            "start_time": "09:00",
            "end_time": "12:00",
            "provider_kind": "team",
            "leader": coordinator.pk,
        },
    )
    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert not Session.objects.exists()


def test_a_multi_select_of_a_model_form_refuses_the_id(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("programme:group_create"),
        {
            "name": "Remob",
            "process_type": "remobilisation",
            "start_date": "2026-09-01",
            "capacity": "12",
            "staff": [HUGE],
        },
    )
    assert response.status_code == 200
    assert "staff" in response.context["form"].errors
    assert not Group.objects.exists()


def test_a_single_select_refuses_the_id(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("workshops:session_create"),
        {"workshop": HUGE, "date": "2026-03-03", "start_time": "09:00", "end_time": "12:00"},
    )
    assert response.status_code == 200
    assert "workshop" in response.context["form"].errors


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("participants:participant_list", {"group": HUGE}),
        ("participants:participant_list", {"social_worker": HUGE}),
        ("reporting:report", {"year": "2026", "group": HUGE}),
        ("reporting:report", {"year": "2026", "funder": HUGE}),
    ],
)
def test_a_filter_in_the_query_string_refuses_the_id(client, coordinator, url_name, query):
    client.force_login(coordinator)
    response = client.get(reverse(url_name), query)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "url_name",
    [
        "participants:participant_detail",
        "workshops:workshop_update",
        "programme:group_detail",
        "funding:grant_detail",
        "workshops:session_detail",
    ],
)
def test_a_link_with_the_id_is_not_found(client, coordinator, url_name):
    client.force_login(coordinator)
    url = reverse(url_name, args=[1]).replace("/1/", f"/{HUGE}/")
    assert client.get(url).status_code == 404
