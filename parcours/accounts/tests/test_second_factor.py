"""Two-step sign-in: the authenticator app (TOTP), the recovery codes, the pages kept
closed until the second factor is given, the failures counted by django-axes, the
coordinator's reset.

Signing in goes through the login page (axes needs the request). TOTP codes are computed
from the device's key as the phone's app would; the clock is moved with time-machine
where a test needs a fresh code (a code is accepted once) or needs django-otp's
slow-down after a failure to have passed.
"""

import datetime
from base64 import b32encode

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts import services
from parcours.accounts.factories import TEST_PASSWORD
from parcours.accounts.views import RECOVERY_CODES_SESSION_KEY
from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.factories import ParticipantFactory

LOGIN_URL = reverse("accounts:login")
SECOND_FACTOR_URL = reverse("accounts:second_factor")
SETUP_URL = reverse("accounts:second_factor_setup")
RECOVERY_CODES_URL = reverse("accounts:recovery_codes")
DASHBOARD_URL = reverse("dashboard:home")
REPORT_CSV_URL = reverse("reporting:report_csv")

FIRST_ADDRESS = "203.0.113.10"
SECOND_ADDRESS = "198.51.100.20"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = services.second_factor_setup_start(user=user)
    codes = services.second_factor_setup_confirm(user=user, device=device)
    user.refresh_from_db()
    return device, codes


def code_of(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def next_step(clock):
    """A new TOTP time step, past django-otp's slow-down after a failure."""
    clock.shift(datetime.timedelta(seconds=31))


def sign_in(client, user, address=FIRST_ADDRESS, password=TEST_PASSWORD):
    return client.post(
        LOGIN_URL, {"username": user.username, "password": password}, REMOTE_ADDR=address
    )


def give_code(client, code, address=FIRST_ADDRESS, next_url=""):
    return client.post(SECOND_FACTOR_URL, {"code": code, "next": next_url}, REMOTE_ADDR=address)


def second_factor_redirect(url):
    return f"{SECOND_FACTOR_URL}?next={url.replace('/', '%2F')}"


@pytest.fixture
def participant(organisation):
    return ParticipantFactory(organisation=organisation)


# Pages closed until the second factor is given.


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "social_worker"])
def test_password_only_opens_no_page_with_data_until_the_code(
    client, request, mfa_required, clock, persona, participant
):
    user = request.getfixturevalue(persona)
    device, _codes = enrol(user)
    participant_url = reverse("participants:participant_detail", args=[participant.pk])

    assert sign_in(client, user).status_code == 302
    for url in (DASHBOARD_URL, participant_url, REPORT_CSV_URL):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == second_factor_redirect(url)

    next_step(clock)
    response = give_code(client, code_of(device), next_url=participant_url)

    assert response.status_code == 302
    assert response["Location"] == participant_url
    for url in (DASHBOARD_URL, participant_url, REPORT_CSV_URL):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_without_a_device_the_person_is_sent_to_the_set_up(client, mfa_required, viewer):
    sign_in(client, viewer)

    response = client.get(DASHBOARD_URL, follow=True)

    assert response.redirect_chain == [
        (second_factor_redirect(DASHBOARD_URL), 302),
        (f"{SETUP_URL}?next={DASHBOARD_URL.replace('/', '%2F')}", 302),
    ]
    assert "accounts/second_factor_setup.html" in [t.name for t in response.templates]
    assert 'class="qr-code"' in response.content.decode()
    # The menu of the application is not offered before the second factor.
    assert reverse("participants:participant_list") not in response.content.decode()


@pytest.mark.django_db
def test_htmx_requests_are_sent_to_the_second_factor_whole_page(client, mfa_required, viewer):
    sign_in(client, viewer)

    response = client.get(DASHBOARD_URL, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == second_factor_redirect(DASHBOARD_URL)


@pytest.mark.django_db
def test_public_pages_stay_open_before_the_second_factor(client, mfa_required, viewer):
    enrol(viewer)
    sign_in(client, viewer)

    language = client.post(reverse("accounts:set_language"), {"language": "nl", "next": "/"})
    reset_page = client.get(reverse("accounts:password_reset"))
    sign_out = client.post(reverse("accounts:logout"))

    assert language.status_code == 302
    viewer.refresh_from_db()
    assert viewer.language == "nl"
    assert reset_page.status_code == 200
    assert sign_out.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_an_enrolled_person_is_asked_for_the_code_even_when_not_required(
    client, settings, clock, social_worker
):
    settings.MFA_REQUIRED = False
    device, _codes = enrol(social_worker)
    sign_in(client, social_worker)

    assert client.get(DASHBOARD_URL)["Location"] == second_factor_redirect(DASHBOARD_URL)
    next_step(clock)
    give_code(client, code_of(device))
    assert client.get(DASHBOARD_URL).status_code == 200


@pytest.mark.django_db
def test_without_requirement_nor_device_the_password_suffices(client, settings, viewer):
    settings.MFA_REQUIRED = False
    sign_in(client, viewer)

    assert client.get(DASHBOARD_URL).status_code == 200


# Codes.


@pytest.mark.django_db
def test_a_wrong_code_shows_the_form_again(client, mfa_required, clock, viewer):
    enrol(viewer)
    sign_in(client, viewer)

    response = give_code(client, "000000")

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "wrong_code")
    assert client.get(DASHBOARD_URL).status_code == 302


@pytest.mark.django_db
def test_the_code_that_confirmed_the_set_up_cannot_sign_in_again(
    client, mfa_required, clock, viewer
):
    device = services.second_factor_setup_start(user=viewer)
    used = code_of(device)
    assert device.verify_token(used)
    services.second_factor_setup_confirm(user=viewer, device=device)
    sign_in(client, viewer)

    response = give_code(client, used)

    assert response.context["form"].has_error("code", "wrong_code")


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, mfa_required, clock, viewer):
    _device, codes = enrol(viewer)
    shown = f"{codes[0][:4]}-{codes[0][4:]}".upper()

    sign_in(client, viewer)
    response = give_code(client, shown)
    assert response.status_code == 302
    assert client.get(DASHBOARD_URL).status_code == 200
    client.post(reverse("accounts:logout"))

    next_step(clock)
    sign_in(client, viewer)
    response = give_code(client, shown)

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "wrong_code")
    assert client.get(DASHBOARD_URL).status_code == 302
    assert StaticToken.objects.filter(device__user=viewer).count() == 9


@pytest.mark.django_db
def test_after_a_recovery_code_the_person_is_told_how_many_are_left(client, mfa_required, viewer):
    _device, codes = enrol(viewer)
    sign_in(client, viewer)

    response = give_code(client, codes[3], next_url=DASHBOARD_URL)

    page = client.get(response["Location"])
    assert "9 codes restants" in page.content.decode()


@pytest.mark.django_db
def test_the_session_key_changes_when_the_second_factor_is_given(
    client, mfa_required, clock, viewer
):
    device, _codes = enrol(viewer)
    sign_in(client, viewer)
    before = client.session.session_key

    next_step(clock)
    give_code(client, code_of(device))

    assert client.session.session_key != before
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


# Set-up.


@pytest.mark.django_db
def test_set_up_keeps_the_app_only_after_a_right_code(client, mfa_required, clock, viewer):
    sign_in(client, viewer)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=viewer)
    assert not device.confirmed

    wrong = client.post(SETUP_URL, {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].has_error("code", "wrong_code")
    device.refresh_from_db()
    assert not device.confirmed

    next_step(clock)
    response = client.post(SETUP_URL, {"code": code_of(device), "next": DASHBOARD_URL})

    assert response.status_code == 302
    device.refresh_from_db()
    viewer.refresh_from_db()
    assert device.confirmed
    assert viewer.second_factor_enrolled
    assert client.get(DASHBOARD_URL).status_code == 200
    event = AuditEvent.objects.get(record_type="accounts.user", action=AuditAction.UPDATE)
    assert (event.actor, event.changes) == (
        viewer,
        {"second_factor_enrolled": {"before": False, "after": True}},
    )


@pytest.mark.django_db
def test_set_up_shows_the_key_for_typing_and_the_qr_code_inline(client, mfa_required, viewer):
    sign_in(client, viewer)

    content = client.get(SETUP_URL).content.decode()

    device = TOTPDevice.objects.get(user=viewer)
    assert "<svg" in content
    assert "<script" not in content.split("<main", 1)[1]
    shown_key = content.split("data-secret>", 1)[1].split("<", 1)[0].replace(" ", "")
    assert shown_key == b32encode(device.bin_key).decode()
    # A reload keeps the key the app may already have scanned.
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=viewer).count() == 1


@pytest.mark.django_db
def test_ten_recovery_codes_are_shown_once_after_the_set_up(client, mfa_required, clock, viewer):
    sign_in(client, viewer)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=viewer)
    next_step(clock)

    response = client.post(SETUP_URL, {"code": code_of(device)}, follow=True)

    codes = response.context["codes"]
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True))
    assert {code.replace("-", "") for code in codes} == stored
    assert codes[0] in response.content.decode()
    assert RECOVERY_CODES_SESSION_KEY not in client.session
    again = client.get(RECOVERY_CODES_URL)
    assert again.context["codes"] is None
    assert codes[0] not in again.content.decode()


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client, mfa_required, viewer):
    _device, old_codes = enrol(viewer)
    sign_in(client, viewer)
    give_code(client, old_codes[0])

    response = client.post(RECOVERY_CODES_URL, follow=True)

    new_codes = [code.replace("-", "") for code in response.context["codes"]]
    assert set(new_codes).isdisjoint(old_codes)
    stored = set(StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True))
    assert stored == set(new_codes)
    # The session verified by the old codes' device stays verified.
    assert client.get(DASHBOARD_URL).status_code == 200


@pytest.mark.django_db
def test_the_app_cannot_be_replaced_with_the_password_alone(client, mfa_required, viewer):
    device, _codes = enrol(viewer)
    sign_in(client, viewer)

    response = client.get(SETUP_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_FACTOR_URL)
    assert list(TOTPDevice.objects.filter(user=viewer)) == [device]


@pytest.mark.django_db
def test_replacing_the_app_keeps_only_the_new_one(client, mfa_required, clock, viewer):
    old, _codes = enrol(viewer)
    sign_in(client, viewer)
    next_step(clock)
    give_code(client, code_of(old))

    client.get(SETUP_URL)
    new = TOTPDevice.objects.get(user=viewer, confirmed=False)
    response = client.post(SETUP_URL, {"code": code_of(new)})

    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=viewer)) == [new]
    assert client.get(DASHBOARD_URL).status_code == 200


# Failures count for django-axes like wrong passwords.


@pytest.mark.django_db
def test_wrong_codes_lead_to_the_lockout_page_and_end_the_session(
    client, mfa_required, clock, viewer
):
    device, _codes = enrol(viewer)
    sign_in(client, viewer)
    for _ in range(4):
        next_step(clock)
        assert give_code(client, "000000").status_code == 200

    next_step(clock)
    response = give_code(client, "000000")

    assert response.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in response.templates]
    assert SESSION_KEY not in client.session
    # Locked for this address, even with the right password and code.
    assert sign_in(client, viewer).status_code == 429
    # The person, elsewhere, still signs in.
    assert sign_in(client, viewer, address=SECOND_ADDRESS).status_code == 302
    next_step(clock)
    assert give_code(client, code_of(device), address=SECOND_ADDRESS).status_code == 302


@pytest.mark.django_db
def test_the_password_alone_does_not_clear_the_failures(client, mfa_required, clock, viewer):
    enrol(viewer)
    for _ in range(4):
        sign_in(client, viewer, password="not-the-password")
    assert sign_in(client, viewer).status_code == 302

    response = give_code(client, "000000")

    assert response.status_code == 429


@pytest.mark.django_db
def test_the_second_factor_clears_the_failures(client, mfa_required, clock, viewer):
    device, _codes = enrol(viewer)
    for _ in range(4):
        sign_in(client, viewer, password="not-the-password")
    sign_in(client, viewer)
    next_step(clock)
    give_code(client, code_of(device))
    client.post(reverse("accounts:logout"))

    for _ in range(4):
        sign_in(client, viewer, password="not-the-password")

    assert sign_in(client, viewer).status_code == 302


# The coordinator's reset.


@pytest.mark.django_db
def test_coordinator_resets_a_colleague_who_sets_up_again(
    client, mfa_required, clock, coordinator, social_worker
):
    enrol(social_worker)
    coordinator_device, _codes = enrol(coordinator)
    sign_in(client, coordinator)
    give_code(client, code_of(coordinator_device))

    page = client.get(reverse("accounts:user_update", args=[social_worker.pk]))
    reset_url = reverse("accounts:user_second_factor_reset", args=[social_worker.pk])
    assert reset_url in page.content.decode()
    response = client.post(reset_url)

    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert not social_worker.second_factor_enrolled
    assert not TOTPDevice.objects.filter(user=social_worker).exists()
    assert not StaticDevice.objects.filter(user=social_worker).exists()
    event = AuditEvent.objects.get(
        record_id=str(social_worker.pk), action=AuditAction.UPDATE, actor=coordinator
    )
    assert event.changes == {"second_factor_enrolled": {"before": True, "after": False}}

    client.post(reverse("accounts:logout"))
    sign_in(client, social_worker, address=SECOND_ADDRESS)
    response = client.get(DASHBOARD_URL, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP_URL)


@pytest.mark.django_db
def test_only_a_coordinator_resets_and_only_in_their_organisation(
    client, social_worker, viewer, outsider
):
    enrol(viewer)
    reset_url = reverse("accounts:user_second_factor_reset", args=[viewer.pk])

    client.force_login(social_worker)
    assert client.post(reset_url).status_code == 403
    client.force_login(outsider)
    assert client.post(reset_url).status_code == 404

    viewer.refresh_from_db()
    assert viewer.second_factor_enrolled
    assert TOTPDevice.objects.filter(user=viewer, confirmed=True).exists()


@pytest.mark.django_db
def test_the_user_list_shows_who_has_two_step_sign_in(client, coordinator, viewer):
    enrol(viewer)
    client.force_login(coordinator)

    page = client.get(reverse("accounts:user_list")).content.decode()

    rows = {row.split("</td>", 1)[0]: row for row in page.split("<tr>")[2:]}
    viewer_row = next(row for row in rows.values() if viewer.username in row)
    coordinator_row = next(row for row in rows.values() if coordinator.username in row)
    assert "<td>Configurée</td>" in viewer_row
    assert "Non configurée" in coordinator_row
