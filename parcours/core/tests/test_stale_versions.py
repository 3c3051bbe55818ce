"""Every edit form refuses a stale version: a page opened before a colleague's save is
answered 409, writes nothing, keeps the person's input and shows what is saved now;
saving it again on purpose then goes through."""

import datetime
import decimal

import pytest
from django import forms
from django.db.models import F
from django.urls import reverse

from parcours.assessments.factories import ActionFactory
from parcours.funding.enums import FunderKind
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.participants.factories import InterventionFactory, ParticipantFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory

D = datetime.date

pytestmark = pytest.mark.django_db


def _grant(organisation):
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind=FunderKind.ESF)
    return Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE 2026",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
        amount=decimal.Decimal("1000"),
    )


def _charge(organisation):
    group = GroupFactory(organisation=organisation)
    return GroupCharge.objects.create(
        group=group, grant=_grant(organisation), share=decimal.Decimal("50")
    )


# (name, the record, its edit page, the field changed, the value typed, the stored value)
CASES = [
    ("workshop", lambda o, u: WorkshopFactory(organisation=o), "workshops:workshop_update",
     "objectives", "Coudre", "objectives"),
    ("provider", lambda o, u: ProviderFactory(organisation=o), "workshops:provider_update",
     "contact_name", "Mme Dubois", "contact_name"),
    ("funder", lambda o, u: Funder.objects.create(organisation=o, name="AViQ", kind="other"),
     "funding:funder_update", "name", "AViQ Wallonie", "name"),
    ("grant", lambda o, u: _grant(o), "funding:grant_update", "name", "FSE+ 2026", "name"),
    ("group charge", lambda o, u: _charge(o), "funding:group_charge_update", "share", "40",
     "share"),
    ("participant", lambda o, u: ParticipantFactory(organisation=o, social_worker=u),
     "participants:participant_update", "first_name", "Awa", "first_name"),
    ("group", lambda o, u: GroupFactory(organisation=o), "programme:group_update", "name",
     "Remob Z", "name"),
    ("action", lambda o, u: ActionFactory(enrolment=EnrolmentFactory(group__organisation=o)),
     "assessments:action_update", "description", "Chercher un logement.", "description"),
    ("session change", lambda o, u: SessionFactory(organisation=o, leader=u),
     "workshops:session_change", "room", "Salle B", "room"),
    ("session cancel", lambda o, u: SessionFactory(organisation=o, leader=u),
     "workshops:session_cancel", "cancel_reason", "Salle inondée", "cancel_reason"),
    ("enrolment exit", lambda o, u: EnrolmentFactory(group__organisation=o),
     "programme:enrolment_exit", "outcome", "social_project", "outcome"),
]  # fmt: skip


def _url(url_name, record):
    if url_name == "participants:intervention_update":
        return reverse(url_name, args=[record.participant_id, record.pk])
    return reverse(url_name, args=[record.pk])


def _as_submitted(form) -> dict:
    """What a browser sends for the form as the page shows it."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(field.field, forms.FileField):
            continue  # a browser sends no file unless one is chosen
        if value is True:
            value = "on"
        elif isinstance(value, datetime.time):
            value = value.strftime("%H:%M")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, list | tuple):
            value = [str(item) for item in value]
        data[field.html_name] = value
    return data


def _post_data(client, url, changes):
    form = client.get(url).context["form"]
    return {**_as_submitted(form), **changes}


@pytest.mark.parametrize(
    ("make", "url_name", "field", "typed", "attribute"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_stale_form_is_refused_then_saved_on_purpose(
    client, coordinator, make, url_name, field, typed, attribute
):
    record = make(coordinator.organisation, coordinator)
    model = type(record)
    stored = getattr(record, attribute)
    client.force_login(coordinator)
    url = _url(url_name, record)
    data = _post_data(client, url, {field: typed})
    if url_name == "programme:enrolment_exit":
        data["outcome_detail"] = "volunteering"
    # A colleague saves meanwhile.
    model.objects.filter(pk=record.pk).update(version=F("version") + 1)

    stale = client.post(url, data)

    assert stale.status_code == 409
    assert getattr(model.objects.get(pk=record.pk), attribute) == stored
    form = stale.context["form"]
    assert form[field].value() == typed or str(form[field].value()) == typed  # input kept
    assert "Nothing of yours has been saved" in stale.content.decode() or (
        "Rien de ce que vous" in stale.content.decode()
    )
    assert int(form["version"].value()) == model.objects.get(pk=record.pk).version

    fresh = client.post(url, {**data, "version": form["version"].value()})

    assert fresh.status_code == 302
    saved = getattr(model.objects.get(pk=record.pk), attribute)
    assert str(saved) == typed or saved == decimal.Decimal(typed)


def test_a_stale_intervention_is_refused(client, social_worker):
    intervention = InterventionFactory(
        participant__organisation=social_worker.organisation, author=social_worker
    )
    client.force_login(social_worker)
    url = _url("participants:intervention_update", intervention)
    data = _post_data(client, url, {"notes": "Appel à la mutuelle."})
    type(intervention).objects.filter(pk=intervention.pk).update(version=F("version") + 1)

    assert client.post(url, data).status_code == 409
    intervention.refresh_from_db()
    assert intervention.notes != "Appel à la mutuelle."


def test_a_stale_consent_withdrawal_is_refused(client, social_worker):
    from parcours.participants.factories import ConsentFactory

    consent = ConsentFactory(participant__organisation=social_worker.organisation)
    client.force_login(social_worker)
    url = reverse("participants:consent_withdraw", args=[consent.participant_id, consent.pk])

    response = client.post(url, {"version": consent.version + 1})

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert client.post(url, {"version": consent.version}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None


def test_a_stale_follow_up_is_refused(client, social_worker):
    from parcours.programme.models import ExitFollowUp

    exited = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        start_date=D(2026, 1, 5),
        exit_date=D(2026, 3, 27),
        outcome="social_project",
        outcome_detail="volunteering",
    )
    follow_up = ExitFollowUp.objects.create(enrolment=exited, due_on=D(2026, 9, 27))
    client.force_login(social_worker)
    url = reverse("programme:follow_up_record", args=[follow_up.pk])
    data = _post_data(client, url, {"situation": "training", "recorded_on": "2026-10-01"})
    ExitFollowUp.objects.filter(pk=follow_up.pk).update(version=F("version") + 1)

    stale = client.post(url, data)

    assert stale.status_code == 409
    assert ExitFollowUp.objects.get(pk=follow_up.pk).situation == ""
    form = stale.context["form"]
    assert form["situation"].value() == "training"
    fresh = client.post(url, {**data, "version": form["version"].value()})
    assert fresh.status_code == 302
    assert ExitFollowUp.objects.get(pk=follow_up.pk).situation == "training"
