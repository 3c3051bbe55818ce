import pytest
from django.urls import reverse

from parcours.dashboard.navigation import menu_for


def _urls(menu):
    return [entry["url"] for entry in menu]


@pytest.mark.django_db
def test_each_role_sees_its_own_menu(personas):
    menus = {role: _urls(menu_for(user, "/")) for role, user in personas.items()}
    assert "/audit/" in menus["coordinator"]
    assert "/audit/" not in menus["social_worker"]
    assert "/attendance/registers/" in menus["workshop_leader"]
    assert "/attendance/registers/" not in menus["social_worker"]
    assert menus["viewer"] == [
        "/",
        "/attendance/hours/",
        reverse("reporting:report"),
        reverse("funding:grant_list"),
    ]


@pytest.mark.django_db
def test_the_longest_matching_entry_is_the_current_one(coordinator):
    menu = menu_for(coordinator, "/attendance/hours/")
    assert [entry["url"] for entry in menu if entry["current"]] == ["/attendance/hours/"]


@pytest.mark.django_db
def test_the_dashboard_is_current_only_on_its_own_page(coordinator):
    assert menu_for(coordinator, "/")[0]["current"] is True
    assert menu_for(coordinator, "/participants/")[0]["current"] is False
