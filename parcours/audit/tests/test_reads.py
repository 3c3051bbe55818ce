"""Every read of a file, an export or a download leaves its row, with its purpose."""

import datetime

import pytest
from django.urls import reverse

from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.participants.factories import InterventionFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.closing import close_year
from parcours.testing import FROZEN_TODAY
from parcours.workshops.factories import SessionFactory

# The clock is stopped: the closed year is the same whatever the day of the run.
pytestmark = pytest.mark.usefixtures("frozen_today")
YEAR = FROZEN_TODAY.year - 1


@pytest.fixture
def world(organisation, coordinator):
    group = GroupFactory(
        organisation=organisation,
        start_date=datetime.date(YEAR, 1, 8),
        end_date=datetime.date(YEAR, 10, 30),
    )
    enrolment = EnrolmentFactory(group=group, participant__organisation=organisation)
    session = SessionFactory(organisation=organisation, groups=[group], date=group.start_date)
    intervention = InterventionFactory(participant=enrolment.participant, author=coordinator)
    return {
        "organisation": organisation,
        "group": group,
        "enrolment": enrolment,
        "participant": enrolment.participant,
        "session": session,
        "intervention": intervention,
    }


REPORT = {"year": YEAR}
READS = [
    # (url name, its arguments, its query, the record read, why)
    ("assessments:assessment_edit", ["enrolment", "entry"], {}, "enrolment", "consultation"),
    (
        "participants:intervention_update",
        ["participant", "intervention"],
        {},
        "intervention",
        "consultation",
    ),
    ("attendance:register", ["session"], {}, "session", "consultation"),
    ("attendance:group_month", ["group"], {}, "group", "consultation"),
    ("attendance:session_sheet", ["session"], {}, "session", "printing"),
    ("attendance:group_month_sheet", ["group"], {}, "group", "printing"),
    ("participants:export_json", ["participant"], {}, "participant", "right_of_access"),
    ("participants:export_pdf", ["participant"], {}, "participant", "right_of_access"),
    ("participants:sheet", ["participant"], {}, "participant", "printing"),
    ("participants:sheet_pdf", ["participant"], {"language": "nl"}, "participant", "printing"),
    ("workbook:export", [], {}, "organisation", "export"),
    ("reporting:people", [], {"key": "participants", **REPORT}, "organisation", "report"),
    ("reporting:report_csv", [], REPORT, "organisation", "download"),
    ("reporting:report_xlsx", [], REPORT, "organisation", "download"),
    ("reporting:report_json", [], REPORT, "organisation", "download"),
    ("reporting:report_pdf", [], REPORT, "organisation", "download"),
]


def _url(world, name, args):
    return reverse(name, args=[a if a == "entry" else world[a].pk for a in args])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "query", "record", "purpose"), READS)
def test_each_read_is_traced_with_its_purpose(
    client, coordinator, world, name, args, query, record, purpose
):
    client.force_login(coordinator)

    response = client.get(_url(world, name, args), query)

    assert response.status_code == 200
    read = world[record]
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.record_type, event.record_id) == (read._meta.label_lower, str(read.pk))
    assert (event.actor, event.purpose) == (coordinator, purpose)


@pytest.mark.django_db
def test_a_closed_years_download_names_its_closing(client, coordinator, world):
    closing = close_year(organisation=world["organisation"], year=YEAR, by=coordinator)
    client.force_login(coordinator)

    assert client.get(reverse("reporting:report_csv"), REPORT).status_code == 200

    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.record_type, event.record_id) == ("reporting.yearclosing", str(closing.pk))
    assert event.purpose == AuditPurpose.DOWNLOAD


@pytest.mark.django_db
def test_the_audit_page_filters_by_purpose(client, coordinator, world):
    client.force_login(coordinator)
    client.get(reverse("attendance:session_sheet", args=[world["session"].pk]))
    client.get(reverse("workbook:export"))

    response = client.get(reverse("audit:event_list"), {"purpose": "printing"})

    events = list(response.context["page"])
    assert [event.purpose for event in events] == [AuditPurpose.PRINTING]
    assert "Impression" in response.content.decode()
