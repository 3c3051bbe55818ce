"""Malformed input on the main forms (taking someone in, the assessment, planning
sessions, an exit, a grant, a workbook upload…) gives a form error or a refusal, never
a server error, and writes no row."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import WorkshopFactory

HUGE = "99999999999999999999"
NUL = "abc\x00def"
LONG = "x" * 100_000


def _row_counts() -> dict:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("parcours.")
    }


def _intake(**overrides):
    return {
        "reference": "ER-1",
        "last_name": "Diallo",
        "first_name": "Aïcha",
        "gender": "F",
        "birth_date": "1985-07-30",
        "niss": "85.07.30-033.28",
        **overrides,
    }


def _assessment(**overrides):
    return {
        "date": "2026-02-01",
        "duration_minutes": "60",
        "overall_note": "",
        "rating_health": "3",
        **overrides,
    }


def _session(world, **overrides):
    return {
        "workshop": world["workshop"].pk,
        "groups": [world["group"].pk],
        "date": "2026-03-03",
        "start_time": "09:00",
        "end_time": "12:00",
        "provider_kind": "team",
        "leader": world["coordinator"].pk,
        **overrides,
    }


def _series(world, **overrides):
    series = {"weekday": "1", "first_date": "2026-03-01", "last_date": "2026-03-31"}
    return _session(world, **{**series, **overrides})


def _exit(world, **overrides):
    return {
        "version": world["enrolment"].version,
        "exit_date": "2026-03-31",
        "outcome": "social_project",
        "outcome_detail": "volunteering",
        **overrides,
    }


def _grant(**overrides):
    return {"funder": "", "name": "FSE", "start_date": "2026-01-01", "end_date": "2026-12-31",
            "amount": "10", **overrides}  # fmt: skip


# (case, url name, function of the world giving the url arguments, the data)
CASES = [
    ("intake: NUL in a name", "participants:participant_create", None, _intake(last_name=NUL)),
    ("intake: name too long", "participants:participant_create", None, _intake(last_name=LONG)),
    ("intake: impossible date", "participants:participant_create", None,
     _intake(birth_date="1985-02-30")),
    ("intake: date of year 99999", "participants:participant_create", None,
     _intake(birth_date="99999-01-01")),
    ("intake: wrong check digits", "participants:participant_create", None,
     _intake(niss="85073003329")),
    ("intake: national number of letters", "participants:participant_create", None,
     _intake(niss="abcdefghijk")),
    ("intake: unknown gender", "participants:participant_create", None, _intake(gender="W")),
    ("intake: huge social worker id", "participants:participant_create", None,
     _intake(social_worker=HUGE)),
    ("intake: list for a text", "participants:participant_create", None,
     _intake(last_name=["a", "b"], first_name="")),
    ("intake: unknown country", "participants:participant_create", None,
     _intake(birth_country="ZZ")),
    ("assessment: rating 6", "assessments:assessment_edit", "assessment",
     _assessment(rating_health="6")),
    ("assessment: rating -1", "assessments:assessment_edit", "assessment",
     _assessment(rating_health="-1")),
    ("assessment: rating in letters", "assessments:assessment_edit", "assessment",
     _assessment(rating_health="three")),
    ("assessment: huge version", "assessments:assessment_edit", "assessment",
     _assessment(version=HUGE)),
    ("assessment: impossible date", "assessments:assessment_edit", "assessment",
     _assessment(date="2026-13-01")),
    ("session: end before start", "workshops:session_create", "session",
     {"end_time": "08:00"}),
    ("session: hour 25", "workshops:session_create", "session", {"start_time": "25:00"}),
    ("session: huge workshop id", "workshops:session_create", "session", {"workshop": HUGE}),
    ("session: huge group id", "workshops:session_create", "session", {"groups": [HUGE]}),
    ("session: negative group id", "workshops:session_create", "session", {"groups": ["-1"]}),
    ("session: unknown leading kind", "workshops:session_create", "session",
     {"provider_kind": "robot"}),
    ("session: NUL in the room", "workshops:session_create", "session", {"room": NUL}),
    ("series: weekday 9", "workshops:series_plan", "series", {"weekday": "9"}),
    ("series: over a year", "workshops:series_plan", "series", {"last_date": "2030-01-01"}),
    ("series: weekday in letters", "workshops:series_plan", "series", {"weekday": "mardi"}),
    ("exit: unknown outcome", "programme:enrolment_exit", "exit", {"outcome": "lottery"}),
    ("exit: detail of another outcome", "programme:enrolment_exit", "exit",
     {"outcome_detail": "health"}),
    ("exit: before the start", "programme:enrolment_exit", "exit", {"exit_date": "1990-01-01"}),
    ("exit: huge version", "programme:enrolment_exit", "exit", {"version": HUGE}),
    ("exit: version in letters", "programme:enrolment_exit", "exit", {"version": "v1"}),
    ("grant: end before start", "funding:grant_create", None, _grant(end_date="2025-01-01")),
    ("grant: huge funder id", "funding:grant_create", None, _grant(funder=HUGE)),
    ("grant: amount in letters", "funding:grant_create", None, _grant(amount="mille")),
    ("grant: amount too large", "funding:grant_create", None, _grant(amount="1e40")),
    ("grant: NaN amount", "funding:grant_create", None, _grant(amount="NaN")),
]  # fmt: skip


@pytest.fixture
def world(coordinator):
    group = GroupFactory(organisation=coordinator.organisation)
    enrolment = EnrolmentFactory(group=group)
    workshop = WorkshopFactory(organisation=coordinator.organisation)
    return {"coordinator": coordinator, "group": group, "enrolment": enrolment,
            "workshop": workshop}  # fmt: skip


def _request(world, url_name, kind, data):
    if kind == "assessment":
        return reverse(url_name, args=[world["enrolment"].pk, "entry"]), data
    if kind == "session":
        return reverse(url_name), _session(world, **data)
    if kind == "series":
        return reverse(url_name), _series(world, **data)
    if kind == "exit":
        return reverse(url_name, args=[world["enrolment"].pk]), _exit(world, **data)
    return reverse(url_name), data


def test_there_are_thirty_cases_or_more():
    assert len(CASES) >= 30


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "kind", "data"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_malformed_input_is_refused_and_writes_nothing(client, world, url_name, kind, data):
    client.force_login(world["coordinator"])
    url, payload = _request(world, url_name, kind, data)
    before = _row_counts()

    response = client.post(url, payload)

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.context["form"].errors
    assert _row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"", b"not a workbook", b"PK\x03\x04" + b"\x00" * 64, b"\x00" * 1024],
    ids=["empty", "text", "broken zip", "zeros"],
)
def test_a_malformed_workbook_upload_writes_nothing(client, coordinator, content):
    client.force_login(coordinator)
    before = _row_counts()
    response = client.post(
        reverse("workbook:home"), {"file": SimpleUploadedFile("records.xlsx", content)}
    )
    assert response.status_code in (200, 400)
    assert _row_counts() == before


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=300),
    date=st.text(max_size=20),
    niss=st.text(alphabet="0123456789.- x", max_size=20),
)
def test_any_text_in_the_intake_gives_no_server_error(client, coordinator, name, date, niss):
    client.force_login(coordinator)
    response = client.post(
        reverse("participants:participant_create"),
        _intake(last_name=name, birth_date=date, niss=niss, reference=""),
    )
    # No reference: the file is never opened, whatever the other values.
    assert response.status_code == 200
    assert response.context["form"].errors
