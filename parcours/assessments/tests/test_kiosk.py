"""Kiosk mode: started from the assessment page, locked on its screens until the staff
member's password, one domain a screen, the answers stored beside the assessment."""

import re

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.assessments.kiosk import SESSION_KEY, UNLOCK_TRIES
from parcours.assessments.models import SelfAssessment, SelfRating
from parcours.audit.models import AuditAction, AuditEvent
from parcours.core.domains import Domain
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import EnrolmentFactory
from parcours.testing import assert_bounded_queries, speaking

WELCOME = reverse("assessments:kiosk_welcome")
DONE = reverse("assessments:kiosk_done")
UNLOCK = reverse("assessments:kiosk_unlock")


def question(domain):
    return reverse("assessments:kiosk_question", args=[domain])


def start_url(enrolment, moment="entry"):
    return reverse("assessments:kiosk_start", args=[enrolment.pk, moment])


def edit_url(enrolment, moment="entry"):
    return reverse("assessments:assessment_edit", args=[enrolment.pk, moment])


@pytest.fixture
def enrolment(social_worker):
    return EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
        participant__first_name="Awa",
    )


@pytest.fixture
def kiosk(client, social_worker, enrolment):
    """A social worker's session (screens in English), handed over in kiosk mode for the
    entry assessment."""
    client.force_login(speaking(social_worker, "en"))
    response = client.post(start_url(enrolment))
    assert response.status_code == 302
    assert response["Location"] == WELCOME
    return client


@pytest.mark.django_db
def test_the_assessment_page_offers_the_self_assessment(client, social_worker, enrolment):
    client.force_login(social_worker)

    html = client.get(edit_url(enrolment, "middle")).content.decode()

    assert f'action="{start_url(enrolment, "middle")}"' in html


@pytest.mark.django_db
def test_starting_locks_the_session_and_is_traced(kiosk, social_worker, enrolment):
    state = kiosk.session[SESSION_KEY]
    assert (state["enrolment_id"], state["moment"], state["user_id"]) == (
        enrolment.pk,
        "entry",
        social_worker.pk,
    )
    opened = AuditEvent.objects.get(action=AuditAction.VIEW, actor=social_worker)
    assert opened.record_type == "programme.enrolment"
    assert opened.record_id == str(enrolment.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["workshop_leader", "viewer"])
def test_only_staff_who_do_the_assessment_may_start_it(client, personas, enrolment, role):
    client.force_login(personas[role])

    assert client.post(start_url(enrolment)).status_code == 403
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_an_enrolment_of_another_organisation_cannot_be_handed_over(client, outsider, enrolment):
    client.force_login(outsider)

    assert client.post(start_url(enrolment)).status_code == 404
    assert client.post(start_url(enrolment, "later")).status_code == 404
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_starting_takes_a_post(client, social_worker, enrolment):
    client.force_login(social_worker)

    assert client.get(start_url(enrolment)).status_code == 405


@pytest.mark.django_db
def test_every_other_page_leads_back_to_the_kiosk(kiosk, social_worker, enrolment):
    other = ParticipantFactory(organisation=social_worker.organisation)
    kiosk.get(question("housing"))
    pages = [
        reverse("dashboard:home"),
        reverse("participants:participant_detail", args=[enrolment.participant_id]),
        reverse("participants:participant_detail", args=[other.pk]),
        edit_url(enrolment),
        reverse("accounts:profile"),
        "/no-such-page/",
        "/admin/",
    ]
    for url in pages:
        response = kiosk.get(url)
        assert (url, response.status_code, response["Location"]) == (url, 302, question("housing"))
    # Signing out, changing the language of the staff screens, starting another kiosk.
    for url in [reverse("accounts:logout"), start_url(EnrolmentFactory())]:
        assert kiosk.post(url)["Location"] == question("housing")
    assert kiosk.get(reverse("dashboard:home"), headers={"HX-Request": "true"})[
        "HX-Redirect"
    ] == question("housing")
    assert kiosk.session[SESSION_KEY]["enrolment_id"] == enrolment.pk
    # A made-up kiosk address starts the questions again, and is not remembered.
    assert kiosk.get("/assessments/kiosk/no-such-domain/")["Location"] == WELCOME
    assert kiosk.get(reverse("dashboard:home"))["Location"] == question("housing")


@pytest.mark.django_db
def test_the_screens_carry_no_menu_and_no_link_out(kiosk):
    kiosk.post(question("housing"), {"answer": "3"})
    for url in [WELCOME, question("housing"), DONE, UNLOCK]:
        html = kiosk.get(url).content.decode()
        assert 'id="main-menu"' not in html
        # Beside the kiosk's own addresses, only the warning before the session closes
        # (accounts/_session_timeout.html): "I need more time", which shows nothing,
        # and, once the session is closed, the sign-in page.
        links = set(re.findall(r'<a [^>]*href="([^"]+)"', html)) - {reverse("accounts:login")}
        assert links, url
        assert all(link.startswith("/assessments/kiosk/") for link in links), (url, links)
        actions = set(re.findall(r'<form [^>]*action="([^"]+)"', html))
        actions -= {reverse("accounts:keep_alive")}
        assert all(action.startswith("/assessments/kiosk/") for action in actions), actions
        assert "<script>" not in html  # the policy allows no inline script


@pytest.mark.django_db
def test_the_welcome_screen_greets_the_person_in_easy_words(kiosk):
    html = kiosk.get(WELCOME).content.decode()

    assert "Hello Awa" in html
    assert "There are 7 questions." in html
    assert "You can skip a question." in html
    assert f'href="{question(Domain.values[0])}"' in html
    assert "data-listen" in html


@pytest.mark.django_db
def test_one_domain_a_screen_with_a_picture_and_a_sentence_a_level(kiosk):
    response = kiosk.get(question("housing"))

    html = response.content.decode()
    assert "Question 4 of 7" in html
    assert "My home" in html
    assert 'class="kiosk-picto"' in html
    assert re.findall(r'name="answer" value="([^"]+)"', html) == ["5", "4", "3", "2", "1", "skip"]
    # One idea a line: each sentence of an answer on a line of its own.
    assert '<span class="kiosk-answer__line" data-say>I have no home.</span>' in html
    assert '<span class="kiosk-answer__line" data-say>Or I will lose it soon.</span>' in html
    assert html.count('class="kiosk-face ') == 5
    assert f'href="{question("social_cultural")}"' in html  # back


@pytest.mark.django_db
def test_answering_goes_on_to_the_next_domain_and_stores_the_answer(
    kiosk, social_worker, enrolment
):
    response = kiosk.post(question("administrative"), {"answer": "4"})
    assert response["Location"] == question("family")
    response = kiosk.post(question("family"), {"answer": "skip"})
    assert response["Location"] == question("social_cultural")
    response = kiosk.post(question("employment_training"), {"answer": "1"})
    assert response["Location"] == DONE

    self_assessment = SelfAssessment.objects.get(enrolment=enrolment, moment="entry")
    assert self_assessment.started_by == social_worker
    assert dict(self_assessment.ratings.values_list("domain", "rating")) == {
        "administrative": 4,
        "family": None,
        "employment_training": 1,
    }
    # The answer given shows as chosen when the person comes back to it.
    html = kiosk.get(question("administrative")).content.decode()
    assert re.search(
        r'value="4"\s+class="kiosk-answer kiosk-answer--4"\s+aria-pressed="true"', html
    )


@pytest.mark.django_db
def test_a_made_up_answer_writes_nothing(kiosk):
    for answer in ["6", "0", "", "-"]:
        response = kiosk.post(question("housing"), {"answer": answer})
        assert response["Location"] == question("housing")
    assert not SelfRating.objects.exists()


@pytest.mark.django_db
def test_the_end_shows_the_persons_own_star_chart(kiosk):
    kiosk.post(question("housing"), {"answer": "2"})
    kiosk.post(question("health"), {"answer": "skip"})

    html = kiosk.get(DONE).content.decode()

    assert "Thank you!" in html
    assert html.count('class="radar__series"') == 1
    assert "My answers" in html
    assert html.count("No answer") == 6  # skipped, or not reached
    assert f'href="{question("housing")}"' in html


@pytest.mark.django_db
def test_the_language_of_the_screens_is_the_participants_choice(kiosk, social_worker):
    response = kiosk.post(reverse("assessments:kiosk_language"), {"language": "nl"})
    assert response["Location"] == WELCOME

    response = kiosk.get(question("housing"))
    html = response.content.decode()
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl">' in html
    assert "Mijn huis" in html
    kiosk.post(question("housing"), {"answer": "3"})
    assert SelfAssessment.objects.get().language == "nl"
    # The unlock screen speaks the staff member's language.
    unlock = kiosk.get(UNLOCK).content.decode()
    assert "Password" in unlock
    assert "Wachtwoord" not in unlock

    kiosk.post(reverse("assessments:kiosk_language"), {"language": "xx"})
    assert kiosk.session[SESSION_KEY]["language"] == "nl"


@pytest.mark.django_db
def test_the_staff_members_password_unlocks(kiosk, enrolment):
    kiosk.get(question("health"))
    assert 'href="/assessments/kiosk/health/"' in kiosk.get(UNLOCK).content.decode()

    response = kiosk.post(UNLOCK, {"password": TEST_PASSWORD})

    assert response["Location"] == edit_url(enrolment)
    assert SESSION_KEY not in kiosk.session
    assert kiosk.get(reverse("dashboard:home")).status_code == 200
    # Without a kiosk, its screens are closed.
    assert kiosk.get(WELCOME)["Location"] == reverse("dashboard:home")


@pytest.mark.django_db
def test_a_wrong_password_is_refused_and_the_kiosk_stays(kiosk):
    response = kiosk.post(UNLOCK, {"password": "guess"})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert f"{UNLOCK_TRIES - 1} more tries" in response.content.decode()
    assert kiosk.get(reverse("dashboard:home"))["Location"] == WELCOME
    assert kiosk.session[SESSION_KEY]["failures"] == 1


@pytest.mark.django_db
def test_too_many_wrong_passwords_sign_the_session_out(kiosk, enrolment):
    kiosk.post(question("housing"), {"answer": "3"})
    for _ in range(UNLOCK_TRIES - 1):
        assert kiosk.post(UNLOCK, {"password": "guess"}).status_code == 200

    response = kiosk.post(UNLOCK, {"password": TEST_PASSWORD + "!"})

    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in kiosk.session
    assert SESSION_KEY not in kiosk.session
    dashboard = kiosk.get(reverse("dashboard:home"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("accounts:login"))
    assert SelfRating.objects.get().rating == 3  # the answers given are kept


@pytest.mark.django_db
def test_a_session_signed_in_as_someone_else_is_not_locked(kiosk, coordinator):
    kiosk.force_login(coordinator)

    assert kiosk.get(reverse("dashboard:home")).status_code == 200


@pytest.mark.django_db
def test_the_answers_show_beside_the_assessment_on_the_staff_pages(kiosk, social_worker, enrolment):
    kiosk.post(question("housing"), {"answer": "4"})
    kiosk.post(question("health"), {"answer": "skip"})
    kiosk.post(UNLOCK, {"password": TEST_PASSWORD})

    page = kiosk.get(edit_url(enrolment)).content.decode()
    assert "Self-assessment: 4" in page
    assert "Self-assessment · Entry assessment (" in page
    assert "skipped" in page
    file = kiosk.get(
        reverse("participants:participant_detail", args=[enrolment.participant_id])
    ).content.decode()
    assert "Self-assessment · Entry assessment (" in file
    assert "Never counted in the yearly figures." in file


@pytest.mark.django_db
def test_the_screens_read_a_bounded_number_of_queries(kiosk, social_worker, enrolment):
    kiosk.post(question("housing"), {"answer": "4"})

    def grow():
        for domain in Domain.values:
            kiosk.post(question(domain), {"answer": "2"})
        for _ in range(3):
            other = EnrolmentFactory(group=enrolment.group)
            SelfAssessment.objects.create(
                enrolment=other, moment="entry", date=other.start_date, started_by=social_worker
            )

    # Session, user, the enrolment with its person and group, the answers so far.
    assert_bounded_queries(kiosk, question("family"), grow=grow, expected=4)
    assert_bounded_queries(kiosk, DONE, grow=grow, expected=4)
