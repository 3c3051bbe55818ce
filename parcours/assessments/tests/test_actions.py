import datetime

import pytest
from django.urls import reverse

from parcours.assessments.enums import ActionStatus
from parcours.assessments.factories import ActionFactory
from parcours.assessments.models import Action
from parcours.assessments.tests.test_assessment_form import edit_url, save
from parcours.audit.models import AuditEvent
from parcours.programme.factories import EnrolmentFactory


@pytest.fixture
def enrolment(social_worker):
    return EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )


def create_url(enrolment, query=""):
    url = reverse("assessments:action_create", kwargs={"enrolment_pk": enrolment.pk})
    return f"{url}{query}"


def update_url(action, query=""):
    return f"{reverse('assessments:action_update', kwargs={'pk': action.pk})}{query}"


NEW_ACTION = {
    "domain": "housing",
    "description": "Inscription sur la liste d'attente du logement social.",
    "responsible": "La participante, avec l'assistante sociale",
    "due_date": "2026-03-31",
}


@pytest.mark.django_db
def test_the_domain_comes_prefilled_from_the_link(client, social_worker, enrolment):
    client.force_login(social_worker)

    form = client.get(create_url(enrolment, "?domain=health&moment=entry")).context["form"]
    assert form["domain"].value() == "health"
    assert "status" not in form.fields  # a new action is planned

    form = client.get(create_url(enrolment, "?domain=sport")).context["form"]
    assert form["domain"].value() is None


@pytest.mark.django_db
def test_an_action_agreed_at_an_assessment(client, social_worker, enrolment):
    assessment = save(enrolment, by=social_worker)
    client.force_login(social_worker)

    response = client.post(create_url(enrolment, "?domain=housing&moment=entry"), NEW_ACTION)

    assert response.status_code == 302
    assert response["Location"] == edit_url(enrolment, "entry")
    action = Action.objects.get()
    assert action.enrolment == enrolment
    assert action.status == ActionStatus.PLANNED
    assert action.agreed_at == assessment
    assert action.due_date == datetime.date(2026, 3, 31)
    assert action.responsible == "La participante, avec l'assistante sociale"
    event = AuditEvent.objects.get(record_type="assessments.action")
    assert (event.action, event.actor) == ("create", social_worker)


@pytest.mark.django_db
def test_an_action_added_from_the_file_goes_back_to_the_file(client, social_worker, enrolment):
    client.force_login(social_worker)

    response = client.post(create_url(enrolment), NEW_ACTION)

    assert response["Location"] == reverse(
        "participants:participant_detail", kwargs={"pk": enrolment.participant_id}
    )
    assert Action.objects.get().agreed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": ""}, "due_date"),
        ({"due_date": "31/31/2026"}, "due_date"),
        ({"description": "   "}, "description"),
        ({"responsible": ""}, "responsible"),
        ({"domain": ""}, "domain"),
        ({"domain": "sport"}, "domain"),
    ],
)
def test_an_incomplete_action_is_refused(client, social_worker, enrolment, overrides, field):
    client.force_login(social_worker)

    response = client.post(create_url(enrolment), {**NEW_ACTION, **overrides})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Action.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_editing_an_action_and_its_status(client, social_worker, enrolment):
    action = ActionFactory(enrolment=enrolment)
    client.force_login(social_worker)
    assert client.get(update_url(action)).context["form"]["status"].value() == "planned"

    response = client.post(
        update_url(action, "?moment=middle"),
        {**NEW_ACTION, "due_date": "2026-04-30", "status": "under_way", "version": 1},
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(enrolment, "middle")
    action.refresh_from_db()
    assert (action.status, action.due_date) == ("under_way", datetime.date(2026, 4, 30))
    event = AuditEvent.objects.get(record_type="assessments.action")
    assert event.action == "update"
    assert event.plain_changes["status"] == {"before": "planned", "after": "under_way"}


@pytest.mark.django_db
def test_an_unknown_status_is_refused(client, social_worker, enrolment):
    action = ActionFactory(enrolment=enrolment)
    client.force_login(social_worker)

    response = client.post(
        update_url(action), {**NEW_ACTION, "status": "forgotten", "version": action.version}
    )

    assert list(response.context["form"].errors) == ["status"]
    action.refresh_from_db()
    assert action.status == "planned"


@pytest.mark.django_db
def test_actions_of_another_organisation_do_not_exist_here(client, outsider, enrolment):
    action = ActionFactory(enrolment=enrolment)
    client.force_login(outsider)

    assert client.post(update_url(action), {**NEW_ACTION, "status": "done"}).status_code == 404
    assert client.post(create_url(enrolment), NEW_ACTION).status_code == 404
    action.refresh_from_db()
    assert action.status == "planned"
    assert Action.objects.count() == 1


@pytest.mark.django_db
def test_a_workshop_leader_cannot_write_a_plan(client, workshop_leader, enrolment):
    action = ActionFactory(enrolment=enrolment)
    client.force_login(workshop_leader)

    assert client.post(create_url(enrolment), NEW_ACTION).status_code == 403
    assert client.post(update_url(action), {**NEW_ACTION, "status": "done"}).status_code == 403
    assert Action.objects.count() == 1


@pytest.mark.django_db
def test_a_moment_in_the_link_cannot_send_elsewhere(client, social_worker, enrolment):
    client.force_login(social_worker)

    response = client.post(create_url(enrolment, "?moment=https://evil.example"), NEW_ACTION)

    assert response["Location"].startswith("/participants/")


@pytest.mark.django_db
def test_the_action_in_the_participants_words(client, social_worker, enrolment):
    client.force_login(social_worker)

    client.post(create_url(enrolment), {**NEW_ACTION, "own_words": "  Je demande un logement.  "})

    action = Action.objects.get()
    assert action.own_words == "Je demande un logement."
    assert action.for_participant == "Je demande un logement."
    response = client.post(
        update_url(action),
        {**NEW_ACTION, "status": "under_way", "own_words": "", "version": action.version},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.own_words == ""
    assert action.for_participant == NEW_ACTION["description"]
