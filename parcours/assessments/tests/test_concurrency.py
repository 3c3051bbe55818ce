"""Two people on the same assessment: the second save never silently replaces the first."""

import re

import pytest

from parcours.assessments import services
from parcours.assessments.enums import ActionStatus
from parcours.assessments.factories import ActionFactory
from parcours.assessments.models import Assessment
from parcours.assessments.tests.test_assessment_form import (
    edit_url,
    payload,
    save,
    stored_ratings,
)
from parcours.audit.models import AuditEvent
from parcours.core.domains import Domain
from parcours.programme.factories import EnrolmentFactory

THEIRS = dict.fromkeys(Domain.values, 4) | {"housing": 1, "health": None}


@pytest.fixture
def enrolment(social_worker):
    return EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )


def opened_version(response) -> str:
    """The version the page carries, read from the HTML as a browser would send it."""
    match = re.search(r'<input type="hidden" name="version"(?: value="(\d*)")?', response.text)
    assert match, "the page carries no version"
    return match.group(1) or ""


def checked(response, domain) -> str:
    match = re.search(
        rf'<input type="radio" name="rating_{domain}" value="([^"]+)"[^>]*checked', response.text
    )
    return match.group(1) if match else ""


@pytest.mark.django_db
def test_a_save_in_between_is_shown_not_overwritten_then_a_second_save_goes_through(
    client, social_worker, coordinator, enrolment
):
    save(enrolment, by=social_worker)  # version 1
    client.force_login(social_worker)
    version = opened_version(client.get(edit_url(enrolment)))
    assert version == "1"

    # Meanwhile the coordinator saves the same assessment from another tablet.
    save(enrolment, by=coordinator, version=1, ratings=THEIRS, note="Vu avec la personne.")
    audit_before = AuditEvent.objects.count()

    mine = payload(
        version=version,
        overall_note="Mon bilan",
        comments={"housing": "Recherche d'un logement social."},
    )
    response = client.post(edit_url(enrolment), mine)

    # Nothing written, the page says why and shows the other version.
    assert response.status_code == 409
    assessment = Assessment.objects.get(enrolment=enrolment, moment="entry")
    assert assessment.version == 2
    assert assessment.author == social_worker  # the creator stays the author
    assert assessment.overall_note == "Vu avec la personne."
    assert stored_ratings(assessment) == THEIRS
    assert AuditEvent.objects.count() == audit_before
    html = response.text
    assert 'class="conflict" role="alert"' in html
    assert str(coordinator) in html
    assert "Vu avec la personne." in html
    assert response.context["theirs"].version == 2
    differing = {row["domain"] for row in response.context["rows"] if row["differs"]}
    assert differing == set(Domain.values) - {"family"}  # both rated family 4
    assert html.count('class="rating-row__theirs"') == len(differing)
    # The person's own input is kept, with the new version for a deliberate second save.
    assert checked(response, "housing") == "3"
    assert checked(response, "financial") == "-"
    assert "Recherche d&#x27;un logement social." in html
    assert "Mon bilan" in html
    assert opened_version(response) == "2"

    response = client.post(edit_url(enrolment), {**mine, "version": opened_version(response)})

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.version == 3
    assert assessment.overall_note == "Mon bilan"
    assert stored_ratings(assessment)["housing"] == 3
    assert AuditEvent.objects.count() > audit_before


@pytest.mark.django_db
def test_two_people_creating_the_same_assessment(client, social_worker, coordinator, enrolment):
    client.force_login(social_worker)
    assert opened_version(client.get(edit_url(enrolment))) == ""
    save(enrolment, by=coordinator, ratings=THEIRS)
    audit_before = AuditEvent.objects.count()

    response = client.post(edit_url(enrolment), payload())

    assert response.status_code == 409
    assert stored_ratings(Assessment.objects.get()) == THEIRS
    assert AuditEvent.objects.count() == audit_before
    assert opened_version(response) == "1"


@pytest.mark.django_db
def test_a_refused_save_reviews_no_action(client, social_worker, coordinator, enrolment):
    action = ActionFactory(enrolment=enrolment)
    save(enrolment, by=social_worker)
    client.force_login(social_worker)
    client.get(edit_url(enrolment))
    save(enrolment, by=coordinator, version=1)

    response = client.post(
        edit_url(enrolment),
        payload(version="1", **{f"review_{action.pk}": "done", f"shown_{action.pk}": "planned"}),
    )

    assert response.status_code == 409
    action.refresh_from_db()
    assert (action.status, action.reviewed_at) == (ActionStatus.PLANNED, None)
    # The person's choice stays on the page for the second save.
    assert response.context["form"][f"review_{action.pk}"].value() == "done"


@pytest.mark.django_db
def test_after_a_conflict_untouched_reviews_show_the_status_saved_meanwhile(
    client, social_worker, coordinator, enrolment
):
    touched = ActionFactory(enrolment=enrolment)
    untouched = ActionFactory(enrolment=enrolment)
    save(enrolment, by=social_worker)
    client.force_login(social_worker)
    client.get(edit_url(enrolment))
    assessment = save(enrolment, by=coordinator, version=1)
    services.action_review(
        action=untouched, status=ActionStatus.UNDER_WAY, assessment=assessment, by=coordinator
    )

    response = client.post(
        edit_url(enrolment),
        payload(
            version="1",
            **{
                f"review_{touched.pk}": "done",
                f"shown_{touched.pk}": "planned",
                f"review_{untouched.pk}": "planned",
                f"shown_{untouched.pk}": "planned",
            },
        ),
    )

    form = response.context["form"]
    assert form[f"review_{touched.pk}"].value() == "done"
    assert form[f"review_{untouched.pk}"].value() == "under_way"
    assert form[f"shown_{untouched.pk}"].value() == "under_way"

    client.post(edit_url(enrolment), form.data)

    touched.refresh_from_db()
    untouched.refresh_from_db()
    assert (touched.status, untouched.status) == ("done", "under_way")
