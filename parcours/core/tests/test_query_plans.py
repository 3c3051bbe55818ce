"""The plans that matter: no page reads a whole large table.

Each report and list page is requested with the test client in a small synthetic
programme; every SELECT it runs is captured (``CaptureQueriesContext``) and explained
on the test database, and the test fails on a full read of a large table (attendance,
sessions, enrolments, participants, assessments and ratings, audit events), giving the
page, the statement and its plan.

Small tables make a planner prefer reading the whole table, so each database is first
told to choose an index whenever one can serve, and what still reads the whole table
then has no usable index:

- **PostgreSQL**: ``EXPLAIN (FORMAT JSON)`` under ``SET LOCAL enable_seqscan = off``
  (inside the test's transaction, so it ends with it). A ``Seq Scan`` of a large table
  that remains means no index can serve the statement. The planner then prefers reading
  a whole index to a sequential scan, so an index scan of a large table without an index
  condition (a full index scan) fails too.
- **SQLite**: ``EXPLAIN QUERY PLAN`` after the planner's statistics are removed
  (``sqlite_stat1`` emptied, then ``ANALYZE sqlite_schema`` to reload them, inside the
  transaction): without statistics SQLite assumes every index is selective and uses one
  whenever it applies. A ``SCAN`` of a large table that is not ``USING INDEX`` /
  ``USING COVERING INDEX`` (which read the index in its order, for a sort or a count)
  fails.

The small tables (organisations, users, groups, workshops, providers, funders, grants…:
a CPAS's few hundred rows, read through the organisation's index or whole) are not
checked. Statements that may read a large table whole are listed in ``ALLOWED`` with the
reason. New list pages and search endpoints go in ``_pages``.
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.funding.expenses import pas_budget_save
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.programme.models import Enrolment, Group
from parcours.synthetic.generate import generate_programme
from parcours.testing import FROZEN_TODAY
from parcours.workshops.models import Session

LARGE_TABLES = {
    "attendance_attendance",
    "workshops_session",
    "workshops_session_groups",
    "programme_enrolment",
    "participants_participant",
    "assessments_assessment",
    "assessments_domainrating",
    "audit_auditevent",
}

# (page, table, a fragment of the statement) -> why reading that table whole is right.
ALLOWED: dict[tuple[str, str, str], str] = {
    **{
        (page, "assessments_assessment", 'FROM "assessments_assessment" INNER JOIN'): (
            "SQLite without statistics guesses a scan of the assessments dated in the period;"
            " with them (10,000 people) it starts from the enrolments of the period's people"
            " (assessments_assessment_enrolment_id index): EXPLAIN in docs/performance.md"
        )
        for page in ("yearly report", "yearly report, one group", "ESF+ report of a grant")
    },
}


def _allowed(page: str, table: str, sql: str) -> bool:
    return any(page == p and table == t and fragment in sql for (p, t, fragment) in ALLOWED)


def _pages(organisation, today, grant):
    """Every report and list page of one organisation, for records like a user's."""
    group = (
        Group.objects.running_on(today)
        .filter(organisation=organisation)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "id")
        .first()
    )
    participant = Enrolment.objects.filter(group=group).order_by("id")[0].participant_id
    session = (
        Session.objects.held()
        .filter(groups=group, date__lt=today - datetime.timedelta(days=3))
        .order_by("-date", "id")
        .first()
    )
    leader = User.objects.filter(organisation=organisation, role=Role.WORKSHOP_LEADER).first()
    year = today.year - 1
    report = f"year={year}"
    return {
        "dashboard": "/",
        "participant list": "/participants/",
        "participant search": "/participants/?q=a",
        "participant list, sorted": "/participants/?sort=-name&status=active",
        "participant file": f"/participants/{participant}/",
        "group list": "/programme/groups/",
        "group page": f"/programme/groups/{group.pk}/",
        "workshop list": "/workshops/",
        "session page": f"/workshops/sessions/{session.pk}/",
        "programme week": f"/workshops/programme/?date={today.isoformat()}",
        "group week": f"/workshops/groups/{group.pk}/week/?date={today.isoformat()}",
        "leader week": f"/workshops/leaders/{leader.pk}/week/?date={today.isoformat()}",
        "register": f"/attendance/sessions/{session.pk}/register/",
        "register list": "/attendance/registers/",
        "month grid": f"/attendance/groups/{group.pk}/month/?month={today:%Y-%m}",
        "hours page": "/attendance/hours/",
        "yearly report": f"/reports/?{report}",
        "yearly report, one group": f"/reports/?{report}&group={group.pk}",
        "yearly report CSV": f"/reports/rapport.csv?{report}",
        "yearly report JSON": f"/reports/rapport.json?{report}",
        "people behind a count": f"/reports/people/?{report}&key=participants",
        "ESF+ report of a grant": f"/reports/?{report}&grant={grant.pk}",
        "ESF+ participants CSV": f"/reports/fse-participants.csv?{report}&grant={grant.pk}",
        "grant list": "/funding/",
        "grant page": f"/funding/grants/{grant.pk}/",
        "PAS ledger": f"/funding/grants/{grant.pk}/expenses/",
        "PAS justification": f"/funding/grants/{grant.pk}/pas-justification.json",
        "audit list": "/audit/",
        "group search": "/programme/groups/search/?term=a&for=id_group",
        "people search": "/participants/search/?term=a&for=id_participant",
        "report's group search": "/reports/groups/search/?term=a&for=id_group",
        "session search": f"/funding/sessions/search/?term=a&for=id_session&grant={grant.pk}",
    }


def _pas_grant(organisation, group, coordinator, year):
    funder = Funder.objects.create(organisation=organisation, name="SPP IS", kind="pas")
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name=f"PAS {year}",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        amount=Decimal("9000"),
    )
    pas_budget_save(
        grant=grant,
        by=coordinator,
        amount_a=Decimal("3000"),
        amount_b=Decimal("3000"),
        amount_c=Decimal("3000"),
    )
    GroupCharge.objects.create(grant=grant, group=group, share=Decimal("1"))
    return grant


def _forget_statistics():
    """The planners' choices as on a large table: an index wherever one can serve."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        else:
            cursor.execute("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")


def _postgres_full_reads(sql):
    """(table, plan) for each large table the statement reads whole."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found = []

    def walk(node):
        table = node.get("Relation Name")
        kind = node["Node Type"]
        whole = kind == "Seq Scan" or (
            table == "attendance_attendance"
            and kind in ("Index Scan", "Index Only Scan")
            and not node.get("Index Cond")
        )
        if table in LARGE_TABLES and whole:
            found.append(table)
        for child in node.get("Plans", []):
            walk(child)

    for root in plan:
        walk(root["Plan"])
    if not found:
        return []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    return [(table, text) for table in found]


ALIAS = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"(?:\s+(?:AS\s+)?"?(\w+)"?)?', re.IGNORECASE)
SCAN = re.compile(r"^SCAN (\w+)(.*)$")


def _sqlite_full_reads(sql):
    tables = {}
    for table, alias in ALIAS.findall(sql):
        tables[table] = table
        if alias and alias.upper() not in {"ON", "WHERE", "INNER", "LEFT", "GROUP", "ORDER"}:
            tables[alias] = table
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cursor.fetchall()
    plan = "\n".join(row[3] for row in rows)
    found = []
    for row in rows:
        match = SCAN.match(row[3])
        if not match:
            continue
        table = tables.get(match.group(1), match.group(1))
        through_index = "USING INDEX" in match.group(2) or "COVERING INDEX" in match.group(2)
        if table in LARGE_TABLES and not through_index:
            found.append(table)
    return [(table, plan) for table in found]


def _full_reads(sql):
    if connection.vendor == "postgresql":
        return _postgres_full_reads(sql)
    return _sqlite_full_reads(sql)


def _selects(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]


@pytest.mark.django_db
def test_no_page_reads_a_large_table_whole(client, frozen_today):
    today = FROZEN_TODAY
    summary = generate_programme(slug="plans", participants=30, years=1, seed=7, until=today)
    organisation = summary.organisation
    coordinator = User.objects.get(username="plans-coordinator")
    group = Group.objects.filter(organisation=organisation).order_by("id").first()
    grant = _pas_grant(organisation, group, coordinator, today.year - 1)
    client.force_login(coordinator)
    client.get("/")  # the first request of a session writes its timestamps
    pages = _pages(organisation, today, grant)
    cache.clear()  # the report pages compute their figures, as on their first request
    statements = {name: _selects(client, url) for name, url in pages.items()}
    _forget_statistics()
    failures = []
    for name, selects in statements.items():
        for sql in selects:
            for table, plan in _full_reads(sql):
                if not _allowed(name, table, sql):
                    failures.append(f"== {name} ({pages[name]}) reads {table} whole\n{sql}\n{plan}")
    assert not failures, f"{len(failures)} full reads:\n\n" + "\n\n".join(failures)
