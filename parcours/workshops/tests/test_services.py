"""The catalogue's services: a change of a workshop's domains alone is audited (and so
moves the reports kept in cache); calendar feed secrets are stored hashed."""

import datetime

import pytest
from django.urls import reverse

from parcours.audit.models import AuditAction, AuditEvent
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.cache import records_version
from parcours.reporting.closing import live_report
from parcours.workshops import planning, services
from parcours.workshops.enums import Axis
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import FeedKind, FeedToken, hash_feed_token

D = datetime.date


@pytest.mark.django_db
def test_changing_only_the_domains_is_audited_and_moves_the_report(organisation, coordinator):
    workshop = services.workshop_create(
        organisation=organisation,
        by=coordinator,
        name="Couture",
        axis=Axis.CULTURAL,
        domains=["health"],
    )
    group = GroupFactory(organisation=organisation, start_date=D(2024, 1, 8))
    EnrolmentFactory(group=group, start_date=D(2024, 1, 8))
    SessionFactory(
        organisation=organisation,
        workshop=workshop,
        groups=[group],
        date=D(2024, 5, 6),
        start_time=datetime.time(13, 0),
        end_time=datetime.time(15, 0),
    )
    before = live_report(organisation, year=2024, as_of=D(2024, 12, 31))
    assert before.domain_hours["health"] == 2.0
    version = records_version(organisation)

    services.workshop_update(
        workshop=workshop, by=coordinator, domains=["financial"], version=workshop.version
    )

    event = AuditEvent.objects.filter(record_type="workshops.workshop").latest("pk")
    assert event.action == AuditAction.UPDATE
    assert event.changes == {"domains": {"before": ["health"], "after": ["financial"]}}
    assert records_version(organisation) != version
    after = live_report(organisation, year=2024, as_of=D(2024, 12, 31))
    assert (after.domain_hours["health"], after.domain_hours["financial"]) == (0.0, 2.0)


@pytest.mark.django_db
def test_saving_the_same_domains_writes_no_domain_row(organisation, coordinator):
    workshop = services.workshop_create(
        organisation=organisation,
        by=coordinator,
        name="Couture",
        axis=Axis.CULTURAL,
        domains=["health"],
    )
    events = AuditEvent.objects.count()
    services.workshop_update(workshop=workshop, by=coordinator, domains=["health"], version=1)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_session_groups_are_audited_with_the_session(organisation, coordinator):
    group = GroupFactory(organisation=organisation)
    workshop = services.workshop_create(
        organisation=organisation, by=coordinator, name="Couture", axis=Axis.CULTURAL
    )
    session = planning.create_session(
        organisation=organisation,
        by=coordinator,
        groups=[group],
        workshop=workshop,
        date=D(2026, 3, 3),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        leader=coordinator,
    )
    event = AuditEvent.objects.filter(record_id=str(session.pk), record_type="workshops.session")
    assert event.latest("pk").changes == {"groups": {"before": [], "after": [group.pk]}}


@pytest.mark.django_db
def test_a_feed_secret_is_stored_hashed_and_shown_once(client, workshop_leader):
    client.force_login(workshop_leader)
    week = reverse("workshops:leader_week", args=[workshop_leader.pk])
    client.post(reverse("workshops:leader_feed_renew", args=[workshop_leader.pk]))

    url = client.get(week).context["feed"]["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    stored = FeedToken.objects.get()
    assert stored.token_hash == hash_feed_token(token) != token
    assert token not in str(FeedToken.objects.values_list().get())
    again = client.get(week)
    assert again.context["feed"]["url"] == ""
    assert again.context["feed"]["exists"]
    client.logout()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_feed_answers_get_and_head_only(client, organisation, workshop_leader):
    token = planning.renew_feed_token(organisation, FeedKind.LEADER, workshop_leader.pk)
    url = reverse("workshops:feed", args=[token])
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(url).status_code == 405


@pytest.mark.django_db
def test_the_migration_hashes_the_existing_secrets(organisation, workshop_leader):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("parcours.workshops.migrations.0004_feed_tokens_hashed")
    FeedToken.objects.create(
        organisation=organisation,
        kind=FeedKind.LEADER,
        object_id=workshop_leader.pk,
        token_hash="the-old-secret",  # as the column held it before the migration
    )
    migration.hash_tokens(apps, None)
    assert planning.feed_for_token("the-old-secret").object_id == workshop_leader.pk
