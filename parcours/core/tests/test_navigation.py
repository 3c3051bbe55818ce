import pytest

from parcours.core.navigation import menu_for


def _labels(menu):
    return [str(entry["label"]) for entry in menu]


@pytest.mark.django_db
def test_each_role_sees_its_own_menu(personas):
    with_labels = {role: _labels(menu_for(user, "/")) for role, user in personas.items()}
    assert "Journal d’audit" in with_labels["coordinator"]
    assert "Journal d’audit" not in with_labels["social_worker"]
    assert "Participants" not in with_labels["viewer"]
    assert len(with_labels["viewer"]) == 2  # the dashboard and the hours


@pytest.mark.django_db
def test_the_longest_matching_entry_is_the_current_one(coordinator):
    menu = menu_for(coordinator, "/attendance/hours/")
    assert [entry["url"] for entry in menu if entry["current"]] == ["/attendance/hours/"]


@pytest.mark.django_db
def test_the_dashboard_is_current_only_on_its_own_page(coordinator):
    assert [entry["current"] for entry in menu_for(coordinator, "/")][0] is True
    assert [entry["current"] for entry in menu_for(coordinator, "/participants/")][0] is False
