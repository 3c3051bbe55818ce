"""Sign-in, lockout after repeated failures, password reset by e-mail, password rules.

Every sign-in goes through a POST to the login page: django-axes needs the request,
which ``client.login`` does not give it. Axes keeps its attempts in the database, so the
transaction rolled back after each test leaves the next one with a clean slate.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD, UserFactory

LOGIN_URL = reverse("accounts:login")
DASHBOARD_URL = reverse("dashboard:home")
NEW_PASSWORD = "Velo-rouge-le-long-de-la-Meuse-7"

# Documentation addresses (RFC 5737): two different machines.
FIRST_ADDRESS = "203.0.113.10"
SECOND_ADDRESS = "198.51.100.20"


def sign_in(client, username, password, address=FIRST_ADDRESS, **data):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, **data}, REMOTE_ADDR=address
    )


def fail(client, username, times, address=FIRST_ADDRESS):
    for _ in range(times):
        sign_in(client, username, "not-the-password", address)


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


# Sign-in.


@pytest.mark.django_db
def test_right_credentials_lead_to_the_dashboard(client, social_worker):
    response = sign_in(client, "socialworker", TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL
    assert signed_in_user_id(client) == str(social_worker.pk)
    assert client.get(DASHBOARD_URL).status_code == 200


@pytest.mark.django_db
def test_wrong_password_shows_the_form_again_with_an_error(client, social_worker):
    response = sign_in(client, "socialworker", "not-the-password")

    assert response.status_code == 200
    assert "accounts/login.html" in [template.name for template in response.templates]
    assert response.context["form"].non_field_errors()
    assert 'class="errorlist nonfield"' in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_unknown_username_is_refused_like_a_wrong_password(client, social_worker):
    response = sign_in(client, "nobody", TEST_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_deactivated_account_cannot_sign_in(client, organisation):
    UserFactory(organisation=organisation, username="former", is_active=False)

    response = sign_in(client, "former", TEST_PASSWORD)

    assert response.status_code == 200
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_next_outside_the_site_is_ignored_after_sign_in(client, social_worker):
    response = sign_in(client, "socialworker", TEST_PASSWORD, next="https://evil.example/")

    assert response["Location"] == DASHBOARD_URL


# Lockout (django-axes): five failures lock the pair account + address; twenty, the
# address whatever the account.


@pytest.mark.django_db
def test_four_failures_do_not_lock_the_account(client, social_worker):
    fail(client, "socialworker", 4)

    response = sign_in(client, "socialworker", TEST_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(social_worker.pk)


@pytest.mark.django_db
def test_fifth_failure_answers_with_the_lockout_page(client, social_worker):
    fail(client, "socialworker", 4)

    response = sign_in(client, "socialworker", "not-the-password")

    assert response.status_code == 429
    assert "accounts/lockout.html" in [template.name for template in response.templates]


@pytest.mark.django_db
def test_after_five_failures_even_the_right_password_is_refused(client, social_worker):
    fail(client, "socialworker", 5)

    response = sign_in(client, "socialworker", TEST_PASSWORD)

    assert response.status_code == 429
    assert "accounts/lockout.html" in [template.name for template in response.templates]
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_person_out_elsewhere(client, social_worker):
    fail(client, "socialworker", 5, address=FIRST_ADDRESS)

    response = sign_in(client, "socialworker", TEST_PASSWORD, address=SECOND_ADDRESS)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(social_worker.pk)


@pytest.mark.django_db
def test_the_locked_pair_stays_locked_after_a_sign_in_from_elsewhere(client, social_worker):
    fail(client, "socialworker", 5, address=FIRST_ADDRESS)
    sign_in(client, "socialworker", TEST_PASSWORD, address=SECOND_ADDRESS)
    client.logout()

    response = sign_in(client, "socialworker", TEST_PASSWORD, address=FIRST_ADDRESS)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_another_account_signs_in_from_the_address_of_a_locked_pair(client, social_worker, viewer):
    fail(client, "socialworker", 5, address=FIRST_ADDRESS)

    response = sign_in(client, "viewer", TEST_PASSWORD, address=FIRST_ADDRESS)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(viewer.pk)


@pytest.mark.django_db
def test_an_address_failing_for_many_accounts_is_locked_for_every_account(
    client, settings, social_worker, viewer
):
    # Four tries for each of five names: no pair reaches five, the address reaches 20.
    for number in range(5):
        fail(client, f"guess{number}", 4, address=FIRST_ADDRESS)

    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    refused = sign_in(client, "viewer", TEST_PASSWORD, address=FIRST_ADDRESS)
    elsewhere = sign_in(client, "socialworker", TEST_PASSWORD, address=SECOND_ADDRESS)

    assert refused.status_code == 429
    assert "accounts/lockout.html" in [template.name for template in refused.templates]
    assert elsewhere.status_code == 302
    assert signed_in_user_id(client) == str(social_worker.pk)


@pytest.mark.django_db
def test_an_address_below_its_limit_still_signs_in(client, viewer):
    for number in range(4):
        fail(client, f"guess{number}", 4, address=FIRST_ADDRESS)
    fail(client, "guess-last", 3, address=FIRST_ADDRESS)

    response = sign_in(client, "viewer", TEST_PASSWORD, address=FIRST_ADDRESS)

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_password_only_sign_in_clears_the_failures_of_its_pair(client, social_worker):
    fail(client, "socialworker", 4)
    sign_in(client, "socialworker", TEST_PASSWORD)
    client.logout()

    fail(client, "socialworker", 4)
    response = sign_in(client, "socialworker", TEST_PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(social_worker.pk)


@pytest.mark.django_db
def test_each_test_starts_without_recorded_failures():
    assert not AccessAttempt.objects.exists()


# Password reset by e-mail.


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_reset_link_sent_by_email_lets_the_person_choose_a_new_password(
    client, social_worker, mailoutbox
):
    response = client.post(reverse("accounts:password_reset"), {"email": social_worker.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [social_worker.email]

    form_page = client.get(reset_link(mailoutbox[0]), follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    assert sign_in(client, "socialworker", TEST_PASSWORD).status_code == 200
    response = sign_in(client, "socialworker", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL


@pytest.mark.django_db
def test_reset_link_works_only_once(client, social_worker, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": social_worker.email})
    link = reset_link(mailoutbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert not response.context["validlink"]


@pytest.mark.django_db
def test_unknown_email_sends_nothing_but_shows_the_same_page(client, social_worker, mailoutbox):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )

    assert mailoutbox == []
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert "accounts/password_reset_done.html" in [t.name for t in response.templates]


# Password rules: at least 12 characters, not a common password.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "error_code"),
    [("Abc123!x", "password_too_short"), ("password1234", "password_too_common")],
)
def test_password_change_refuses_weak_passwords(client, social_worker, password, error_code):
    client.force_login(social_worker)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", error_code)
    social_worker.refresh_from_db()
    assert social_worker.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_password_change_accepts_a_long_uncommon_password(client, social_worker):
    client.force_login(social_worker)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    social_worker.refresh_from_db()
    assert social_worker.check_password(NEW_PASSWORD)
    # Still signed in: the session follows the new password.
    assert client.get(DASHBOARD_URL).status_code == 200


# Password reset requests: five an hour per requesting address and per e-mail address.

RESET_URL = reverse("accounts:password_reset")


def ask_reset(client, email, address=FIRST_ADDRESS):
    return client.post(RESET_URL, {"email": email}, REMOTE_ADDR=address, follow=True)


@pytest.mark.django_db
def test_the_sixth_reset_request_of_an_hour_sends_no_mail_but_the_same_page(
    client, social_worker, mailoutbox
):
    for _ in range(5):
        ask_reset(client, social_worker.email)
    assert len(mailoutbox) == 5

    response = ask_reset(client, social_worker.email)

    assert len(mailoutbox) == 5
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert "aucun nouvel e-mail" in response.content.decode()


@pytest.mark.django_db
def test_reset_requests_for_one_email_are_limited_from_any_address(
    client, social_worker, mailoutbox
):
    for number in range(5):
        ask_reset(client, social_worker.email, address=f"192.0.2.{number + 1}")

    ask_reset(client, social_worker.email, address=SECOND_ADDRESS)

    assert len(mailoutbox) == 5


@pytest.mark.django_db
def test_reset_requests_from_one_address_are_limited_for_any_email(
    client, social_worker, viewer, mailoutbox
):
    for number in range(5):
        ask_reset(client, f"nobody{number}@example.org")

    response = ask_reset(client, viewer.email)

    assert mailoutbox == []
    assert "aucun nouvel e-mail" in response.content.decode()
    # Another address and another e-mail are not concerned.
    ask_reset(client, social_worker.email, address=SECOND_ADDRESS)
    assert [message.to for message in mailoutbox] == [[social_worker.email]]


@pytest.mark.django_db
def test_an_unknown_email_past_the_limit_gets_the_same_answer_as_a_known_one(client, social_worker):
    for _ in range(6):
        known = ask_reset(client, social_worker.email, address=FIRST_ADDRESS)
        unknown = ask_reset(client, "nobody@example.org", address=SECOND_ADDRESS)

    def answer(response):
        return (
            response.redirect_chain,
            [template.name for template in response.templates],
            [str(message) for message in response.context["messages"]],
        )

    assert answer(known) == answer(unknown)
    assert "aucun nouvel e-mail" in answer(known)[2][0]
