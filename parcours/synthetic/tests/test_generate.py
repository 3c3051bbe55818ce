import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.models import Organisation, User
from parcours.assessments.models import Assessment, DomainRating
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.participants.models import Intervention, Participant
from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome, ProcessType
from parcours.programme.models import Enrolment, Group
from parcours.reporting.figures import yearly_figures
from parcours.synthetic import generate
from parcours.synthetic.generate import SyntheticError, generate_programme
from parcours.workshops.models import Session

UNTIL = datetime.date(2026, 6, 15)


@pytest.fixture
def small(db):
    """50 people over one year: for the model rules."""
    return generate_programme(slug="syn", participants=50, years=1, seed=3, until=UNTIL)


@pytest.fixture
def medium(db):
    """400 people over two years: enough for the proportions of the seed."""
    return generate_programme(slug="syn", participants=400, years=2, seed=5, until=UNTIL)


def test_every_record_passes_the_model_validation(small):
    organisation = small.organisation
    assert Participant.objects.filter(organisation=organisation).count() == 50
    models = [Participant, Enrolment, Group, Assessment, DomainRating, Session, Attendance]
    for model in models:
        rows = list(model.objects.all()[:150])
        assert rows, model
        for row in rows:
            row.full_clean()


def test_outcomes_carry_a_detail_their_outcome_accepts(small):
    for outcome, detail in Enrolment.objects.exclude(outcome="").values_list(
        "outcome", "outcome_detail"
    ):
        choices = OUTCOME_DETAILS[ExitOutcome(outcome)]
        assert detail in (choices.values if choices else [""])


def test_the_programme_is_shaped_like_the_seed(small):
    groups = Group.objects.all()
    assert {g.process_type for g in groups} <= set(ProcessType.values)
    for group in groups:
        assert 1 <= group.enrolments.count() <= group.capacity
        months = 12 if group.process_type == ProcessType.IMMERSION else 10
        assert abs((group.end_date - group.start_date).days - months * 30.4) < 10
    # Every enrolment is in a group whose sessions it attends, while it runs.
    attendance = Attendance.objects.select_related("session").first()
    enrolment = Enrolment.objects.get(
        participant=attendance.participant, group__sessions=attendance.session
    )
    assert enrolment.start_date <= attendance.session.date
    assert enrolment.exit_date is None or attendance.session.date <= enrolment.exit_date
    # Some sessions serve two groups; nothing after "until" has a register.
    assert Session.objects.filter(groups__isnull=False).count() > Session.objects.count()
    assert not Attendance.objects.filter(session__date__gt=UNTIL).exists()
    assert not Assessment.objects.filter(date__gt=UNTIL).exists()
    assert not Enrolment.objects.filter(exit_date__gt=UNTIL).exists()


def test_the_proportions_are_those_of_the_seed(medium):
    people = Participant.objects.filter(organisation=medium.organisation)
    genders = Counter(people.values_list("gender", flat=True))
    assert 0.53 <= genders["F"] / 400 <= 0.73
    assert 0.26 <= genders["M"] / 400 <= 0.46
    outcomes = Counter(Enrolment.objects.exclude(outcome="").values_list("outcome", flat=True))
    exits = sum(outcomes.values())
    for outcome, share in [
        ("dropout", 0.17),
        ("extension", 0.22),
        ("social_project", 0.25),
        ("professional_project", 0.36),
    ]:
        assert abs(outcomes[outcome] / exits - share) < 0.08, outcome
    statuses = Counter(Attendance.objects.values_list("status", flat=True))
    assert abs(statuses[Presence.PRESENT] / sum(statuses.values()) - 0.80) < 0.03
    interventions = Intervention.objects.filter(participant__organisation=medium.organisation)
    assert 1.5 <= interventions.count() / 400 <= 3.5


def test_the_yearly_figures_are_plausible(medium):
    figures = yearly_figures(medium.organisation, year=2025, as_of=UNTIL)
    assert 150 <= figures["participants"] <= 400
    c = figures["characteristics"]
    assert 50 <= c["women_pct"] <= 75
    assert 37 <= c["average_age"] <= 47
    assert 55 <= c["non_eu_pct"] <= 77
    assert 65 <= c["no_qualification_pct"] <= 90
    assert c["inactive_24m_pct"] >= 90
    assert 50 <= c["french_weak_to_medium_pct"] <= 75
    assert c["fle_pct"] > c["literacy_pct"] > 10
    assert figures["results"]["exits"] > 50
    improvement = figures["improvement_pct"]
    assert improvement["social_cultural"] > 65
    assert improvement["social_cultural"] > improvement["administrative"]
    assert figures["hours"]["total"] > 1000
    assert [row["year"] for row in figures["evolution"]] == [2024, 2025]


def test_same_seed_same_programme(db):
    def snapshot():
        return (
            list(Participant.objects.order_by("reference").values_list("last_name", "birth_date")),
            list(Enrolment.objects.order_by("id").values_list("outcome", "exit_date")),
            Attendance.objects.filter(status=Presence.ABSENT).count(),
        )

    generate_programme(slug="syn", participants=40, years=1, seed=9, until=UNTIL)
    first = snapshot()
    generate_programme(slug="syn", participants=40, years=1, seed=9, until=UNTIL, replace=True)
    assert snapshot() == first


def test_an_organisation_with_people_is_refused_without_replace(small):
    with pytest.raises(SyntheticError, match="already has participants: use --replace"):
        generate_programme(slug="syn", participants=10, years=1, until=UNTIL)
    summary = generate_programme(slug="syn", participants=10, years=1, until=UNTIL, replace=True)
    assert Participant.objects.filter(organisation=summary.organisation).count() == 10
    assert not Attendance.objects.exclude(participant__organisation=summary.organisation).exists()


def test_ordinary_inserts_follow_the_generated_ids(small):
    """The sequences were moved past the ids chosen by the generator."""
    participant = Participant.objects.create(
        organisation=small.organisation,
        reference="NEW-1",
        last_name="Nouveau",
        first_name="Nora",
        gender="F",
        birth_date=datetime.date(1990, 1, 1),
    )
    assert participant.pk > Participant.objects.exclude(pk=participant.pk).order_by("-pk")[0].pk


def test_the_command(db, capsys):
    call_command(
        "generate_synthetic",
        "--organisation",
        "cmd",
        "--participants",
        "20",
        "--years",
        "1",
        "--until",
        "2026-06-15",
        "--password",
        "a-long-synthetic-password",
    )
    assert "cmd: 20 participants" in capsys.readouterr().out
    coordinator = User.objects.get(username="cmd-coordinator")
    assert coordinator.check_password("a-long-synthetic-password")
    assert Organisation.objects.get(slug="cmd").name
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_synthetic", "--organisation", "cmd", "--participants", "5")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk load is PostgreSQL's")
def test_the_bulk_load_builds_every_index_again(db, monkeypatch):
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexname FROM pg_indexes WHERE tablename = ANY(%s) "
                "ORDER BY 1, 2",
                [[model._meta.db_table for model in generate.BULK_TABLES]],
            )
            return cursor.fetchall()

    before = indexes()
    monkeypatch.setattr(generate, "BULK_LOAD_FROM", 1)
    summary = generate.generate_programme(
        slug="bulk", participants=30, years=1, seed=2, until=UNTIL
    )
    assert "indexes" in summary.seconds
    assert "statistics" in summary.seconds
    assert indexes() == before
    assert summary.rows["attendance_attendance"] == Attendance.objects.count() > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="names the tables on PostgreSQL")
def test_the_summaries_computed_after_the_rows_get_planner_statistics(db):
    with CaptureQueriesContext(connection) as captured:
        generate.analyse_tables(["participants_participant"])

    (statement,) = [query["sql"] for query in captured if query["sql"].startswith("ANALYZE")]
    assert '"funding_hourssummary"' in statement
    assert '"attendance_absencerun"' in statement
    assert '"participants_participant"' in statement
