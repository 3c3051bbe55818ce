import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.assessments import services
from parcours.assessments.enums import ActionStatus
from parcours.assessments.factories import ActionFactory
from parcours.assessments.models import Action, Assessment
from parcours.audit.models import AuditEvent
from parcours.core.domains import Domain
from parcours.programme.factories import EnrolmentFactory
from parcours.testing import assert_bounded_queries

RATINGS = {
    "administrative": "2",
    "family": "4",
    "social_cultural": "1",
    "housing": "3",
    "financial": "-",  # not concerned
    "health": "5",
    "employment_training": "2",
}


def payload(*, version="", ratings=None, comments=None, **overrides):
    """What the assessment page sends: every domain rated, as a person would."""
    data = {
        "date": "2026-01-12",
        "duration_minutes": "75",
        "overall_note": "Première rencontre.",
        "version": version,
    }
    for domain, rating in (ratings or RATINGS).items():
        data[f"rating_{domain}"] = rating
        data[f"comment_{domain}"] = (comments or {}).get(domain, "")
    data.update(overrides)
    return data


def stored_ratings(assessment):
    return {row.domain: row.rating for row in assessment.ratings.all()}


def edit_url(enrolment, moment="entry"):
    return reverse(
        "assessments:assessment_edit", kwargs={"enrolment_pk": enrolment.pk, "moment": moment}
    )


def save(enrolment, *, by, version=None, moment="entry", ratings=None, note=""):
    """An assessment saved through the service, as another person's page would."""
    values = ratings or dict.fromkeys(Domain.values, 3)
    return services.assessment_save(
        enrolment=enrolment,
        moment=moment,
        date=datetime.date(2026, 1, 12),
        overall_note=note,
        ratings={domain: (rating, "") for domain, rating in values.items()},
        by=by,
        version=version,
    )


@pytest.fixture
def enrolment(social_worker):
    return EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )


@pytest.mark.django_db
def test_one_page_with_the_seven_domains_and_six_choices_each(
    client, social_worker, enrolment, frozen_today
):
    client.force_login(social_worker)

    response = client.get(edit_url(enrolment))

    assert response.status_code == 200
    html = response.content.decode()
    for domain in Domain.values:
        values = re.findall(rf'<input type="radio" name="rating_{domain}" value="([^"]+)"', html)
        assert values == ["1", "2", "3", "4", "5", "-"]
        assert f'name="comment_{domain}"' in html
    assert html.count('role="radiogroup"') == 7
    form_html = html.split('class="assessment-form"')[1].split("</form>")[0]
    assert form_html.count('type="submit"') == 2  # Save, and Save then add an action
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["version"].value() is None


@pytest.mark.django_db
def test_saving_creates_the_assessment_with_its_ratings_and_trail(client, social_worker, enrolment):
    client.force_login(social_worker)

    response = client.post(
        edit_url(enrolment), payload(comments={"housing": "Loyer trop élevé pour ses revenus."})
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(enrolment)
    assessment = Assessment.objects.get(enrolment=enrolment, moment="entry")
    assert assessment.author == social_worker
    assert assessment.overall_note == "Première rencontre."
    assert stored_ratings(assessment) == {
        domain: None if value == "-" else int(value) for domain, value in RATINGS.items()
    }
    assert assessment.ratings.get(domain="housing").comment == "Loyer trop élevé pour ses revenus."
    assert AuditEvent.objects.filter(record_type="assessments.assessment").count() == 1
    assert AuditEvent.objects.filter(record_type="assessments.domainrating").count() == 7


@pytest.mark.django_db
def test_the_saved_assessment_opens_with_its_values_and_can_be_edited(
    client, social_worker, enrolment
):
    client.force_login(social_worker)
    client.post(edit_url(enrolment), payload())

    form = client.get(edit_url(enrolment)).context["form"]
    assert form["version"].value() == 1
    assert form["rating_family"].value() == "4"
    assert form["rating_financial"].value() == "-"

    response = client.post(
        edit_url(enrolment), payload(version="1", ratings={**RATINGS, "family": "5"})
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get(enrolment=enrolment, moment="entry")
    assert assessment.version == 2
    assert stored_ratings(assessment)["family"] == 5


@pytest.mark.django_db
def test_each_moment_has_its_own_assessment(client, social_worker, enrolment):
    client.force_login(social_worker)
    client.post(edit_url(enrolment, "entry"), payload())

    response = client.post(edit_url(enrolment, "middle"), payload(date="2026-05-20"))

    assert response.status_code == 302
    assert set(enrolment.assessments.values_list("moment", flat=True)) == {"entry", "middle"}
    # The middle page recalls the entry ratings in each row.
    rows = {row["domain"]: row for row in client.get(edit_url(enrolment, "middle")).context["rows"]}
    assert [value for _label, value in rows["family"]["earlier"]] == [4]


@pytest.mark.django_db
def test_an_unknown_moment_is_not_found(client, social_worker, enrolment):
    client.force_login(social_worker)
    assert client.get(edit_url(enrolment, "later")).status_code == 404
    assert client.post(edit_url(enrolment, "later"), payload()).status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_another_organisation_cannot_write(client, outsider, enrolment):
    client.force_login(outsider)
    assert client.post(edit_url(enrolment), payload()).status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_a_workshop_leader_cannot_write(client, workshop_leader, enrolment):
    client.force_login(workshop_leader)
    assert client.post(edit_url(enrolment), payload()).status_code == 403
    assert not Assessment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rating_housing": "6"}, "rating_housing"),
        ({"rating_housing": "0"}, "rating_housing"),
        ({"rating_housing": "trois"}, "rating_housing"),
        ({"rating_housing": ""}, "rating_housing"),  # forgotten: choose, or "not concerned"
        ({"date": "2099-01-01"}, "date"),
        ({"date": ""}, "date"),
        ({"comment_health": "x" * 1001}, "comment_health"),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_written(
    client, social_worker, enrolment, overrides, field
):
    client.force_login(social_worker)

    response = client.post(edit_url(enrolment), payload(**overrides))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert 'class="form-errors" role="alert"' in response.content.decode()
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_rating_left_out_marks_its_row(client, social_worker, enrolment):
    client.force_login(social_worker)

    response = client.post(edit_url(enrolment), payload(rating_health=""))

    html = response.content.decode()
    assert html.count("rating-row--invalid") == 1
    assert 'id="id_rating_health_error"' in html
    # What was typed stays on the page.
    assert response.context["form"]["rating_family"].value() == "4"


@pytest.mark.django_db
def test_the_open_actions_are_reviewed_with_the_save(client, social_worker, enrolment):
    done = ActionFactory(enrolment=enrolment, domain="housing")
    kept = ActionFactory(enrolment=enrolment, domain="health", status=ActionStatus.UNDER_WAY)
    closed = ActionFactory(enrolment=enrolment, status=ActionStatus.GIVEN_UP)
    client.force_login(social_worker)
    page = client.get(edit_url(enrolment))
    assert [row["action"] for row in page.context["action_rows"]] == [done, kept]

    response = client.post(
        edit_url(enrolment),
        payload(
            **{
                f"review_{done.pk}": "done",
                f"shown_{done.pk}": "planned",
                f"review_{kept.pk}": "under_way",
                f"shown_{kept.pk}": "under_way",
            }
        ),
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    done.refresh_from_db()
    kept.refresh_from_db()
    closed.refresh_from_db()
    assert (done.status, done.reviewed_at) == ("done", assessment)
    assert (kept.status, kept.reviewed_at) == ("under_way", assessment)
    assert closed.reviewed_at is None
    assert AuditEvent.objects.filter(record_type="assessments.action").count() == 2


@pytest.mark.django_db
def test_an_untouched_review_keeps_a_status_changed_in_the_meantime(
    client, social_worker, coordinator, enrolment
):
    action = ActionFactory(enrolment=enrolment)
    client.force_login(social_worker)
    client.get(edit_url(enrolment))  # the select shows "planned"
    services.action_update(action=action, by=coordinator, status=ActionStatus.UNDER_WAY)

    client.post(
        edit_url(enrolment),
        payload(**{f"review_{action.pk}": "planned", f"shown_{action.pk}": "planned"}),
    )

    action.refresh_from_db()
    assert action.status == ActionStatus.UNDER_WAY
    assert action.reviewed_at == Assessment.objects.get()


@pytest.mark.django_db
def test_an_invalid_review_status_is_refused(client, social_worker, enrolment):
    action = ActionFactory(enrolment=enrolment)
    client.force_login(social_worker)

    response = client.post(edit_url(enrolment), payload(**{f"review_{action.pk}": "forgotten"}))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"review_{action.pk}"]
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_save_then_add_an_action(client, social_worker, enrolment):
    client.force_login(social_worker)

    response = client.post(edit_url(enrolment, "middle"), payload(then="add_action"))

    url = reverse("assessments:action_create", kwargs={"enrolment_pk": enrolment.pk})
    assert response["Location"] == f"{url}?moment=middle"


@pytest.mark.django_db
def test_fragile_domains_without_an_action_are_suggested(client, social_worker, enrolment):
    ActionFactory(enrolment=enrolment, domain="administrative")
    client.force_login(social_worker)
    client.post(edit_url(enrolment), payload())

    response = client.get(edit_url(enrolment))

    # Rated 1 to 3: social_cultural (1), employment_training (2), housing (3);
    # administrative (2) already has its open action.
    assert [row.domain for row in response.context["problems"]] == [
        "social_cultural",
        "employment_training",
        "housing",
    ]
    assert "?domain=housing&amp;moment=entry" in response.content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_distance_travelled(client, social_worker, enrolment):
    client.force_login(social_worker)
    client.post(edit_url(enrolment), payload())

    html = client.get(edit_url(enrolment)).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg" class="radar"' in html
    assert 'class="card journey"' in html


@pytest.mark.django_db
def test_the_page_reads_a_bounded_number_of_queries(client, social_worker, enrolment):
    ActionFactory(enrolment=enrolment)
    save(enrolment, by=social_worker)
    save(enrolment, by=social_worker, moment="middle")
    client.force_login(social_worker)

    def grow():
        ActionFactory.create_batch(19, enrolment=enrolment)

    # Session, user, enrolment, assessments, their ratings, who saved last, open actions,
    # journey, the self-assessment's answers; the audit row of the opening (chain head
    # locked and moved, the person's key, the row).
    assert_bounded_queries(client, edit_url(enrolment), grow=grow, expected=13)
    assert Action.objects.open().filter(enrolment=enrolment).count() == 20
