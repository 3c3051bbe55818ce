"""The number of queries of the list and detail pages does not grow with the data: the
same page, for a record of the same kind, in a synthetic programme of 20 people and in
one of 200 (ten times the groups, sessions, attendance and audit rows around it).

Pages whose app pins its own count (participant list and search, participant file,
group list and detail, dashboard, hours, audit list, user list) are also here: those
tests grow one kind of row at a time, this one grows a whole programme.
"""

import datetime

import pytest
from django.db.models import Count

from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.programme.models import Enrolment, Group
from parcours.synthetic.generate import generate_programme
from parcours.testing import count_queries
from parcours.workshops.models import Session


def _pages(organisation, today):
    """The URLs of one organisation's pages, for records picked the same way in both."""
    group = (
        Group.objects.running_on(today)
        .filter(organisation=organisation)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "id")
        .first()
    )
    # Someone with interventions: Django skips the prefetch of their domains otherwise.
    participant = (
        Enrolment.objects.filter(group=group, participant__interventions__isnull=False)
        .order_by("id")[0]
        .participant_id
    )
    shared = (
        Session.objects.held()
        .filter(groups=group, date__lt=today - datetime.timedelta(days=3))
        .order_by("-date", "id")
        .first()
    )
    leader = User.objects.filter(organisation=organisation, role=Role.WORKSHOP_LEADER).first()
    month = f"{today:%Y-%m}"
    return {
        "dashboard": "/",
        "participant list": "/participants/",
        "participant search": "/participants/?q=a",
        "participant list, sorted": "/participants/?sort=-name&status=active",
        "participant file": f"/participants/{participant}/",
        "group list": "/programme/groups/",
        "group page": f"/programme/groups/{group.pk}/",
        "session page": f"/workshops/sessions/{shared.pk}/",
        "attendance register": f"/attendance/sessions/{shared.pk}/register/",
        "register list": "/attendance/registers/",
        "monthly grid": f"/attendance/groups/{group.pk}/month/?month={month}",
        "hours page": "/attendance/hours/",
        "workshop list": "/workshops/",
        "provider list": "/workshops/providers/",
        "closing list": "/workshops/closing/",
        "programme week": f"/workshops/programme/?date={today.isoformat()}",
        "group week": f"/workshops/groups/{group.pk}/week/?date={today.isoformat()}",
        "leader week": f"/workshops/leaders/{leader.pk}/week/?date={today.isoformat()}",
        "audit list": "/audit/",
        "user list": "/accounts/users/",
    }


def _counts(client, slug, participants):
    today = datetime.date.today()
    summary = generate_programme(
        slug=slug, participants=participants, years=1, seed=11, until=today
    )
    coordinator = User.objects.get(username=f"{slug}-coordinator")
    client.force_login(coordinator)
    pages = _pages(summary.organisation, today)
    client.get("/")  # the first request of a session writes its timestamps
    return {name: count_queries(client, url) for name, url in pages.items()}


@pytest.mark.django_db
def test_pages_do_as_many_queries_with_ten_times_the_data(client):
    small = _counts(client, "small", 20)
    large = _counts(client, "large", 200)
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"queries (20 people, 200 people): {grown}"
