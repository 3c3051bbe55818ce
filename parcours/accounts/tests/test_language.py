import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_french_by_default_whatever_the_browser_says(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_switching_language_is_kept_on_the_account(client, social_worker):
    client.force_login(social_worker)

    response = client.post(reverse("accounts:set_language"), {"language": "nl", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    social_worker.refresh_from_db()
    assert social_worker.language == "nl"
    # The choice follows the person to another browser (a new session without the cookie).
    client.cookies.clear()
    client.force_login(social_worker)
    assert client.get(reverse("dashboard:home"))["Content-Language"] == "nl"


@pytest.mark.django_db
def test_the_sign_in_page_follows_the_cookie(client):
    client.post(reverse("accounts:set_language"), {"language": "en"})
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"


@pytest.mark.django_db
def test_unknown_language_changes_nothing(client, social_worker):
    client.force_login(social_worker)
    client.post(reverse("accounts:set_language"), {"language": "de"})
    social_worker.refresh_from_db()
    assert social_worker.language == "fr"


@pytest.mark.django_db
def test_next_must_stay_on_the_site(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("accounts:set_language"), {"language": "nl", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard:home")
